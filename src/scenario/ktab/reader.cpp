// Readers for KTAB's SMP inputs (CSV table and XML scenario); see include/entente/ktab.hpp.
//
// KTAB's own readers stop at the first problem, log it and exit with status 0; these
// collect every problem they can find with its line and column, and never crash.
#include "entente/ktab.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entente/diagnostics.hpp"
#include "entente/scenario_io.hpp"
#include "scenario/csv.hpp"
#include "scenario/ktab/xml.hpp"

namespace entente {

namespace {

// KTAB's limits (kmodel.h: Model::minNumActor ... maxActDescLen; smp.h: maxDimDescLen).
constexpr int kMinActors = 3;
constexpr int kMaxActors = 250;
constexpr std::size_t kMaxScenarioNameLength = 512;
constexpr std::size_t kMaxScenarioDescriptionLength = 512;
constexpr std::size_t kMaxActorNameLength = 25;
constexpr std::size_t kMaxActorDescriptionLength = 256;
constexpr std::size_t kMaxDimensionNameLength = 256;
constexpr double kMaxCapability = 1e8;  // KTAB's "sanity check" on capability
// Saliences summing to 100 in decimal can exceed it by an ulp in binary.
constexpr double kSalienceSlack = 1e-9;
constexpr std::size_t kMaxIdLength = 64;
// KTAB sets no limit; this bounds memory and run time on hostile input far above any
// scenario's size (KTAB's examples have 1 to 6 dimensions).
constexpr long kMaxDimensions = 1000;

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool parse_number(const std::string& text, double& out) {
  const char* b = text.data();
  const char* e = text.data() + text.size();
  if (b != e && *b == '+') ++b;
  const auto [ptr, ec] = std::from_chars(b, e, out);
  return b != e && ec == std::errc() && ptr == e && std::isfinite(out);
}

// A non-negative decimal integer that fits in 64 bits (leading zeros allowed).
bool parse_unsigned(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.size() > 40) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// An identifier (letters, digits, '-', '_'; starting with a letter or digit; at most 64
// characters) made from a KTAB name; "" when nothing usable is left.
std::string make_id(const std::string& name) {
  std::string id;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    id += (std::isalnum(u) != 0 || c == '-' || c == '_') ? c : '_';
  }
  while (!id.empty() && std::isalnum(static_cast<unsigned char>(id.front())) == 0) id.erase(0, 1);
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.size() > kMaxIdLength) id.resize(kMaxIdLength);
  return id;
}

// Makes `id` unique among `taken` by appending -2, -3, ...; records it.
std::string unique_id(std::string id, std::set<std::string>& taken) {
  if (taken.count(id) != 0) {
    const std::string base = id.substr(0, kMaxIdLength - 4);
    for (int k = 2;; ++k) {
      id = base + "-" + std::to_string(k);
      if (taken.count(id) == 0) break;
    }
  }
  taken.insert(id);
  return id;
}

std::string stem_of(const std::string& filename) {
  std::string base = filename.substr(filename.find_last_of('/') + 1);
  return base.substr(0, base.find('.'));
}

// Fills the scenario fields that do not come from the table.
void name_scenario(Scenario& s, const std::string& name, const std::string& description,
                   const std::string& filename, const char* format) {
  s.id = make_id(name);
  if (s.id.empty()) s.id = make_id(stem_of(filename));
  if (s.id.empty()) s.id = "ktab";
  s.title = name.empty() ? stem_of(filename) : name;
  s.description = description;
  if (!s.description.empty()) s.description += " ";
  s.description += std::string("(Imported from the KTAB SMP ") + format + " " + filename +
                   "; positions on 0–100, saliences divided by 100.)";
  s.source = filename;
  s.as_of = Date{1970, 1, 1};  // KTAB scenarios carry no date
}

// ---------------------------------------------------------------------------------------
// CSV

struct Field {
  std::string text;  // trimmed, unquoted, "$$" replaced by ","
  int column = 0;    // 1-based column of the first non-blank character (or field start)
};

struct Row {
  int line = 0;
  std::vector<Field> fields;
  [[nodiscard]] bool blank() const {
    return std::all_of(fields.begin(), fields.end(), [](const Field& f) { return f.text.empty(); });
  }
  // The field at `index`, or an empty one positioned at the end of the row.
  [[nodiscard]] Field at(std::size_t index) const {
    if (index < fields.size()) return fields[index];
    Field f;
    f.column =
        fields.empty() ? 1 : fields.back().column + static_cast<int>(fields.back().text.size());
    return f;
  }
};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// Splits one physical line into fields. KTAB reads one line per record, so a quoted field
// cannot span lines.
Row split_line(std::string_view line, int number, const std::string& file, Diagnostics& diags) {
  Row row;
  row.line = number;
  std::size_t i = 0;
  for (;;) {
    Field f;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    f.column = static_cast<int>(i) + 1;
    std::string raw;
    if (i < line.size() && line[i] == '"') {
      const std::size_t open = i++;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            raw += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        raw += line[i++];
      }
      if (!closed) {
        diags.error({file, number, static_cast<int>(open) + 1}, "",
                    "unterminated quoted field; expected a closing '\"' on the same line");
        return row;
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i < line.size() && line[i] != ',') {
        diags.error({file, number, static_cast<int>(i) + 1}, "",
                    "text after a closing quote; expected ',' or the end of the line");
        while (i < line.size() && line[i] != ',') ++i;
      }
      f.text = raw;
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      f.text = trim(line.substr(start, i - start));
    }
    replace_all(f.text, "$$", ",");
    row.fields.push_back(std::move(f));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  // A trailing comma leaves an empty last field: KTAB's files end rows with one.
  while (row.fields.size() > 1 && row.fields.back().text.empty()) row.fields.pop_back();
  return row;
}

// The non-blank rows of a text, with line numbers. Stops at `max_rows` when given.
std::vector<Row> split_rows(std::string_view text, const std::string& file, Diagnostics& diags,
                            std::size_t max_rows = 0) {
  std::vector<Row> rows;
  std::size_t pos = 0;
  int number = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    ++number;
    Row row = split_line(line, number, file, diags);
    if (row.blank()) continue;
    rows.push_back(std::move(row));
    if (max_rows != 0 && rows.size() >= max_rows) break;
  }
  return rows;
}

// Reports non-blank fields past the `expected` ones.
void check_extra_fields(const Row& row, std::size_t expected, const std::string& file,
                        const std::string& why, Diagnostics& diags) {
  for (std::size_t k = expected; k < row.fields.size(); ++k) {
    if (row.fields[k].text.empty()) continue;
    diags.error({file, row.line, row.fields[k].column}, "",
                "unexpected field '" + row.fields[k].text + "': " + why);
    return;
  }
}

std::optional<long> parse_count(const std::string& text) {
  long v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

bool looks_like_ktab_csv(std::string_view text) {
  if (text.size() > kMaxScenarioBytes) return false;
  Diagnostics ignored;
  const std::vector<Row> rows = split_rows(text, "", ignored, 2);
  if (rows.size() < 2 || rows[0].fields.size() < 4) return false;
  const auto actors = parse_count(rows[0].fields[2].text);
  const auto dims = parse_count(rows[0].fields[3].text);
  if (!actors || !dims || *actors < 1 || *dims < 1 || *dims > 100000) return false;
  if (rows[1].fields.size() >= static_cast<std::size_t>(3 + 2 * *dims)) return true;
  // A miscounted table (fewer columns than its dimensions need) is still KTAB's when its
  // second row is KTAB's column header: the KTAB reader then says which line is short,
  // instead of the actor-table reader reporting its four columns missing.
  auto lower_trimmed = [](std::string_view f) {
    while (!f.empty() && std::isspace(static_cast<unsigned char>(f.front())) != 0)
      f.remove_prefix(1);
    while (!f.empty() && std::isspace(static_cast<unsigned char>(f.back())) != 0)
      f.remove_suffix(1);
    std::string out(f);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  return rows[1].fields.size() >= 2 && lower_trimmed(rows[1].fields[0].text) == "actor" &&
         lower_trimmed(rows[1].fields[1].text) == "description";
}

Scenario load_ktab_csv(std::string_view text, const std::string& filename) {
  const std::string& file = filename;
  Diagnostics diags;
  auto fail_now = [&](int line, int col, const std::string& path, const std::string& msg) {
    diags.error({file, line, col}, path, msg);
    throw InputError(std::move(diags));
  };
  if (text.size() > kMaxScenarioBytes) {
    fail_now(0, 0, "",
             "file is larger than " + std::to_string(kMaxScenarioBytes / (1024 * 1024)) +
                 " MiB; expected a KTAB SMP table");
  }
  if (const auto fault = detail::find_text_fault(text)) {
    fail_now(fault->line, fault->column, "",
             detail::text_fault_message(*fault, "a KTAB SMP CSV table"));
  }
  const std::vector<Row> rows = split_rows(text, file, diags);
  if (!diags.empty()) throw InputError(std::move(diags));
  if (rows.empty()) {
    fail_now(1, 1, "",
             "empty file; expected a KTAB SMP table starting 'name, description, actors, "
             "dimensions'");
  }

  // Row 1: scenario name, description, number of actors, number of dimensions.
  const Row& first = rows[0];
  const Field name = first.at(0);
  const Field description = first.at(1);
  if (name.text.size() > kMaxScenarioNameLength) {
    diags.error({file, first.line, name.column}, "scenario.name",
                "longer than KTAB's " + std::to_string(kMaxScenarioNameLength) + " characters");
  }
  if (description.text.size() > kMaxScenarioDescriptionLength) {
    diags.error(
        {file, first.line, description.column}, "scenario.description",
        "longer than KTAB's " + std::to_string(kMaxScenarioDescriptionLength) + " characters");
  }
  const Field actors_field = first.at(2);
  const Field dims_field = first.at(3);
  const auto num_actors = parse_count(actors_field.text);
  const auto num_dims = parse_count(dims_field.text);
  if (!num_actors || *num_actors < kMinActors || *num_actors > kMaxActors) {
    diags.error(
        {file, first.line, actors_field.column}, "scenario.actors",
        (actors_field.text.empty() ? std::string("missing") : "'" + actors_field.text + "'") +
            "; expected the number of actors, an integer from " + std::to_string(kMinActors) +
            " to " + std::to_string(kMaxActors) +
            " (row 1 is: name, description, actors, dimensions)");
  }
  if (!num_dims || *num_dims < 1 || *num_dims > kMaxDimensions) {
    diags.error({file, first.line, dims_field.column}, "scenario.dimensions",
                (dims_field.text.empty() ? std::string("missing") : "'" + dims_field.text + "'") +
                    "; expected the number of dimensions, an integer from 1 to " +
                    std::to_string(kMaxDimensions) +
                    " (row 1 is: name, description, actors, dimensions)");
  }
  // KTAB reads four fields from row 1 and ignores the rest; a shipped example
  // (dummyData_6Dim.csv) has a stray fifth. They are ignored, and the scenario says so.
  std::string ignored;
  for (std::size_t k = 4; k < first.fields.size(); ++k) {
    if (!first.fields[k].text.empty()) ignored += " '" + first.fields[k].text + "'";
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  const auto n = static_cast<std::size_t>(*num_actors);
  const auto d = static_cast<std::size_t>(*num_dims);

  // Row 2: headings; KTAB takes the dimension names from every other heading after the
  // first three, and ignores the rest.
  if (rows.size() < 2) {
    fail_now(first.line + 1, 1, "header",
             "missing heading row; expected 'Actor, Description, Power' and a position and a "
             "salience heading per dimension");
  }
  const Row& header = rows[1];
  const std::size_t width = 3 + 2 * d;
  if (header.fields.size() < width) {
    fail_now(header.line, header.at(header.fields.size()).column, "header",
             "has " + std::to_string(header.fields.size()) + " headings; " + std::to_string(d) +
                 " dimensions need " + std::to_string(width) +
                 " (Actor, Description, Power, then a position and a salience heading each)");
  }
  check_extra_fields(header, width, file,
                     "more headings than " + std::to_string(d) +
                         " dimensions need; is the number of dimensions in row 1 right?",
                     diags);
  Scenario s;
  std::set<std::string> issue_ids;
  std::set<std::string> dim_names;
  for (std::size_t k = 0; k < d; ++k) {
    const Field& f = header.fields[3 + 2 * k];
    const std::string path = "header.dimensions[" + std::to_string(k) + "]";
    if (f.text.empty()) {
      diags.error({file, header.line, f.column}, path, "empty dimension name");
    } else if (f.text.size() > kMaxDimensionNameLength) {
      diags.error({file, header.line, f.column}, path,
                  "longer than KTAB's " + std::to_string(kMaxDimensionNameLength) + " characters");
    } else if (!dim_names.insert(f.text).second) {
      diags.error({file, header.line, f.column}, path, "dimension '" + f.text + "' named twice");
    }
    Issue issue;
    issue.name = f.text;
    std::string id = make_id(f.text);
    if (id.empty()) id = "dimension-" + std::to_string(k + 1);
    issue.id = unique_id(id, issue_ids);
    issue.scale.min = 0;
    issue.scale.max = 100;
    s.issues.push_back(std::move(issue));
  }

  // Actor rows.
  std::set<std::string> names;
  std::set<std::string> actor_ids;
  const std::size_t present = rows.size() - 2;
  if (present > n) {
    diags.error({file, rows[2 + n].line, 1}, "",
                "more actor rows than the " + std::to_string(n) +
                    " row 1 declares; is the number of actors right?");
  }
  for (std::size_t r = 0; r < std::min(present, n); ++r) {
    const Row& row = rows[2 + r];
    const std::string path = "actors[" + std::to_string(r) + "]";
    const Field aname = row.at(0);
    const Field adesc = row.at(1);
    bool ok = true;
    if (aname.text.empty()) {
      diags.error({file, row.line, aname.column}, path + ".name", "missing actor name");
      ok = false;
    } else if (aname.text.size() > kMaxActorNameLength) {
      diags.error({file, row.line, aname.column}, path + ".name",
                  "'" + aname.text + "' is longer than KTAB's " +
                      std::to_string(kMaxActorNameLength) + " characters");
      ok = false;
    } else if (!names.insert(aname.text).second) {
      diags.error({file, row.line, aname.column}, path + ".name",
                  "duplicate actor '" + aname.text + "'");
      ok = false;
    }
    if (adesc.text.size() > kMaxActorDescriptionLength) {
      diags.error(
          {file, row.line, adesc.column}, path + ".description",
          "longer than KTAB's " + std::to_string(kMaxActorDescriptionLength) + " characters");
    }
    auto number = [&](std::size_t index, const std::string& field_path, double hi, const char* what,
                      const char* range) -> std::optional<double> {
      const Field f = row.at(index);
      double v = 0;
      if (f.text.empty()) {
        diags.error({file, row.line, f.column}, field_path,
                    std::string("missing ") + what + "; expected a number in " + range);
        return std::nullopt;
      }
      if (!parse_number(f.text, v)) {
        diags.error({file, row.line, f.column}, field_path,
                    "'" + f.text + "' is not a number; expected a " + what + " in " + range);
        return std::nullopt;
      }
      if (v < 0 || v > hi) {
        diags.error({file, row.line, f.column}, field_path,
                    f.text + " is out of range; expected a " + what + " in " + range);
        return std::nullopt;
      }
      return v;
    };
    const auto cap = number(2, path + ".capability", kMaxCapability, "capability", "[0, 1e8]");
    std::vector<double> pos(d, 0.0);
    std::vector<double> sal(d, 0.0);
    double total = 0.0;
    bool numbers_ok = cap.has_value();
    for (std::size_t k = 0; k < d; ++k) {
      const std::string dim = path + "." + s.issues[k].id;
      const auto p = number(3 + 2 * k, dim + ".position", 100, "position", "[0, 100]");
      const auto sv = number(4 + 2 * k, dim + ".salience", 100, "salience", "[0, 100]");
      numbers_ok = numbers_ok && p && sv;
      if (p) pos[k] = *p;
      if (sv) total += (sal[k] = *sv);
    }
    if (numbers_ok && total > 100 + kSalienceSlack) {
      const Field f = row.at(4 + 2 * (d - 1));
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", total);
      diags.error({file, row.line, f.column}, path + ".saliences",
                  std::string("saliences sum to ") + buf +
                      "; an actor's saliences over all dimensions must sum to at most 100");
    }
    check_extra_fields(row, width, file,
                       "more fields than " + std::to_string(d) +
                           " dimensions need; is the number of dimensions in row 1 right?",
                       diags);
    if (!ok || !numbers_ok) continue;
    Actor a;
    a.name = aname.text;
    std::string id = make_id(aname.text);
    if (id.empty()) id = "actor-" + std::to_string(r + 1);
    a.id = unique_id(id, actor_ids);
    a.kind = ActorKind::kGroup;
    a.capability = Quantity(*cap);
    for (std::size_t k = 0; k < d; ++k) {
      s.issues[k].stances.push_back(Stance{a.id, Quantity(pos[k]), Quantity(sal[k] / 100.0)});
    }
    s.actors.push_back(std::move(a));
  }
  if (present < n) {
    const int line = rows.back().line + 1;
    diags.error({file, line, 1}, "actors",
                "row 1 declares " + std::to_string(n) + " actors but the table has " +
                    std::to_string(present) + " actor rows");
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  name_scenario(s, name.text, description.text, filename, "CSV table");
  if (!ignored.empty()) {
    s.description +=
        " Row 1 has fields past the fourth, ignored as KTAB ignores them:" + ignored + ".";
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// XML

namespace {

using ktab::xml::Element;

struct EnumSpec {
  const char* element;
  const char* option;
  std::vector<std::pair<std::string, std::string>> names;  // name in the file → option value
};

// KTAB's model parameters; the schema and KTAB's code spell two values differently
// (VotingRule "Proportional" vs "Prop", BigRAdjust "No" vs "None"): both are accepted.
const std::vector<EnumSpec>& parameter_specs() {
  static const std::vector<EnumSpec> specs = {
      {"VictoryProbModel",
       "win_model",
       {{"Linear", "Linear"},
        {"Square", "Square"},
        {"Quartic", "Quartic"},
        {"Octic", "Octic"},
        {"Binary", "Binary"}}},
      {"PCEModel",
       "pce",
       {{"Conditional", "Conditional"},
        {"MarkovIncentive", "MarkovIncentive"},
        {"MarkovUniform", "MarkovUniform"}}},
      {"StateTransitions",
       "bargain_choice",
       {{"Deterministic", "Deterministic"}, {"Stochastic", "Stochastic"}}},
      {"VotingRule",
       "vote_rule",
       {{"Binary", "Binary"},
        {"PropBin", "PropBin"},
        {"Proportional", "Prop"},
        {"Prop", "Prop"},
        {"PropCbc", "PropCbc"},
        {"Cubic", "Cubic"},
        {"ASymProsp", "ASymProsp"}}},
      {"BigRAdjust",
       "risk_adjust",
       {{"Full", "Full"},
        {"TwoThirds", "TwoThirds"},
        {"Half", "Half"},
        {"OneThird", "OneThird"},
        {"No", "None"},
        {"None", "None"}}},
      {"BigRRange", "risk_range", {{"Min", "Min"}, {"Mid", "Mid"}, {"Max", "Max"}}},
      {"ThirdPartyCommit",
       "third_party",
       {{"NoCommit", "NoCommit"}, {"SemiCommit", "SemiCommit"}, {"FullCommit", "FullCommit"}}},
      {"InterVecBrgn", "interpolation", {{"S1P1", "S1P1"}, {"S2P2", "S2P2"}, {"S2PMax", "S2PMax"}}},
      {"BargnModel",
       "bargain_model",
       {{"InitOnlyInterp", "InitOnlyInterp"},
        {"InitRcvrInterp", "InitRcvrInterp"},
        {"PWCompInterp", "PWCompInterp"}}},
  };
  return specs;
}

class XmlReader {
 public:
  XmlReader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  void error(const Element& e, const std::string& path, const std::string& msg) {
    diags_.error({file_, e.line, e.column}, path, msg);
  }
  void text_error(const Element& e, const std::string& path, const std::string& msg) {
    diags_.error({file_, e.text_line, e.text_column}, path, msg);
  }

  // Reports children not in `known` (with a "did you mean") and repeated ones among
  // `singles`.
  void check_children(const Element& e, const std::string& path,
                      const std::vector<std::string>& known,
                      const std::vector<std::string>& singles) {
    std::set<std::string> seen;
    for (const Element& c : e.children) {
      if (std::find(known.begin(), known.end(), c.name) == known.end()) {
        std::string msg = "unknown element <" + c.name + ">";
        const std::string near = closest_match(c.name, known);
        msg += near.empty() ? "; expected one of:" : "; did you mean <" + near + ">?";
        if (near.empty()) {
          for (const auto& k : known) msg += " <" + k + ">";
        }
        error(c, path + "." + c.name, msg);
        continue;
      }
      if (std::find(singles.begin(), singles.end(), c.name) != singles.end() &&
          !seen.insert(c.name).second) {
        error(c, path + "." + c.name, "<" + c.name + "> given twice");
      }
    }
    if (e.children.empty() || trim(e.text).empty()) return;
    text_error(e, path,
               "unexpected text '" + trim(e.text).substr(0, 40) + "' inside <" + e.name + ">");
  }

  // The only child named `name`, or nullptr (reported when `required`).
  const Element* child(const Element& e, const std::string& path, const char* name, bool required) {
    const auto found = e.all(name);
    if (found.empty()) {
      if (required) error(e, path, std::string("missing <") + name + "> inside <" + e.name + ">");
      return nullptr;
    }
    return found.front();
  }

  // The trimmed text of a leaf element.
  std::string leaf(const Element& e, const std::string& path) {
    if (!e.children.empty()) {
      error(e.children.front(), path, "<" + e.name + "> holds elements; expected text");
    }
    return trim(e.text);
  }

  std::optional<double> number(const Element& e, const std::string& path, double lo, double hi,
                               const char* what, const char* range) {
    const std::string t = leaf(e, path);
    double v = 0;
    if (t.empty()) {
      text_error(e, path,
                 std::string("empty <") + e.name + ">; expected a " + what + " in " + range);
      return std::nullopt;
    }
    if (!parse_number(t, v)) {
      text_error(e, path, "'" + t + "' is not a number; expected a " + what + " in " + range);
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      text_error(e, path, t + " is out of range; expected a " + what + " in " + range);
      return std::nullopt;
    }
    return v;
  }

  KtabInput read(const Element& root) {
    KtabInput out;
    Scenario& s = out.scenario;
    const std::string top = "Scenario";
    if (root.name != "Scenario") {
      error(root, root.name, "root element is <" + root.name + ">; expected <Scenario>");
      return out;
    }
    check_children(
        root, top,
        {"name", "desc", "prngSeed", "ModelParameters", "Dimensions", "Actors", "IdealAdjustment"},
        {"name", "desc", "prngSeed", "ModelParameters", "Dimensions", "Actors", "IdealAdjustment"});
    std::string name;
    std::string desc;
    if (const Element* e = child(root, top, "name", false)) {
      name = leaf(*e, top + ".name");
      if (name.size() > kMaxScenarioNameLength) {
        text_error(*e, top + ".name",
                   "longer than KTAB's " + std::to_string(kMaxScenarioNameLength) + " characters");
      }
    }
    if (const Element* e = child(root, top, "desc", false)) {
      desc = leaf(*e, top + ".desc");
      if (desc.size() > kMaxScenarioDescriptionLength) {
        text_error(
            *e, top + ".desc",
            "longer than KTAB's " + std::to_string(kMaxScenarioDescriptionLength) + " characters");
      }
    }
    if (const Element* e = child(root, top, "prngSeed", true)) {
      const std::string t = leaf(*e, top + ".prngSeed");
      std::uint64_t seed = 0;
      if (!parse_unsigned(t, seed)) {
        text_error(*e, top + ".prngSeed",
                   (t.empty() ? std::string("empty seed") : "'" + t + "'") +
                       "; expected an integer from 0 to 18446744073709551615");
      } else {
        out.smp_options["seed"] = seed == 0 ? "run" : std::to_string(seed);
      }
    }
    if (const Element* e = child(root, top, "ModelParameters", false)) {
      read_parameters(*e, top + ".ModelParameters", out.smp_options);
    }
    std::vector<std::string> dim_names;
    if (const Element* e = child(root, top, "Dimensions", true)) {
      const std::string path = top + ".Dimensions";
      check_children(*e, path, {"dName"}, {});
      std::set<std::string> seen;
      for (const Element* dn : e->all("dName")) {
        const std::string p = path + ".dName[" + std::to_string(dim_names.size()) + "]";
        std::string t = leaf(*dn, p);
        if (t.empty()) {
          text_error(*dn, p, "empty dimension name");
        } else if (t.size() > kMaxDimensionNameLength) {
          text_error(
              *dn, p,
              "longer than KTAB's " + std::to_string(kMaxDimensionNameLength) + " characters");
        } else if (!seen.insert(t).second) {
          text_error(*dn, p, "dimension '" + t + "' named twice");
        }
        dim_names.push_back(std::move(t));
      }
      if (dim_names.empty()) error(*e, path, "no <dName>; expected at least one dimension");
      if (dim_names.size() > static_cast<std::size_t>(kMaxDimensions)) {
        error(*e, path, "more than " + std::to_string(kMaxDimensions) + " dimensions");
        dim_names.clear();
      }
    }
    std::set<std::string> issue_ids;
    for (std::size_t k = 0; k < dim_names.size(); ++k) {
      Issue issue;
      issue.name = dim_names[k];
      std::string id = make_id(dim_names[k]);
      if (id.empty()) id = "dimension-" + std::to_string(k + 1);
      issue.id = unique_id(id, issue_ids);
      issue.scale.min = 0;
      issue.scale.max = 100;
      s.issues.push_back(std::move(issue));
    }
    std::vector<std::string> actor_names;
    if (const Element* e = child(root, top, "Actors", true)) {
      read_actors(*e, top + ".Actors", s, actor_names);
    }
    if (const Element* e = child(root, top, "IdealAdjustment", false)) {
      read_adjustment(*e, top + ".IdealAdjustment", s, actor_names, out.smp_options);
    }
    return out;
  }

 private:
  void read_parameters(const Element& e, const std::string& path,
                       std::map<std::string, std::string>& options) {
    std::vector<std::string> known;
    for (const auto& spec : parameter_specs()) known.emplace_back(spec.element);
    check_children(e, path, known, known);
    for (const auto& spec : parameter_specs()) {
      const Element* c = child(e, path, spec.element, true);
      if (c == nullptr) continue;
      const std::string p = path + "." + spec.element;
      const std::string t = leaf(*c, p);
      bool found = false;
      std::vector<std::string> choices;
      for (const auto& [in_file, value] : spec.names) {
        choices.push_back(in_file);
        if (t == in_file) {
          options[spec.option] = value;
          found = true;
        }
      }
      if (!found) {
        std::string msg = (t.empty() ? std::string("empty") : "'" + t + "'") + "; expected one of:";
        for (const auto& ch : choices) msg += " " + ch;
        text_error(*c, p, msg);
      }
    }
  }

  void read_actors(const Element& e, const std::string& path, Scenario& s,
                   std::vector<std::string>& actor_names) {
    check_children(e, path, {"Actor"}, {});
    const auto actors = e.all("Actor");
    if (actors.size() < static_cast<std::size_t>(kMinActors) ||
        actors.size() > static_cast<std::size_t>(kMaxActors)) {
      error(e, path,
            "has " + std::to_string(actors.size()) + " <Actor> elements; KTAB needs " +
                std::to_string(kMinActors) + " to " + std::to_string(kMaxActors));
    }
    const std::size_t d = s.issues.size();
    std::set<std::string> ids;
    std::set<std::string> seen;
    for (std::size_t r = 0; r < actors.size(); ++r) {
      const Element& a = *actors[r];
      const std::string p = path + ".Actor[" + std::to_string(r) + "]";
      check_children(a, p, {"name", "description", "capability", "Position", "Salience"},
                     {"name", "description", "capability", "Position", "Salience"});
      bool ok = true;
      std::string aname;
      if (const Element* c = child(a, p, "name", true)) {
        aname = leaf(*c, p + ".name");
        if (aname.empty()) {
          text_error(*c, p + ".name", "empty actor name");
          ok = false;
        } else if (aname.size() > kMaxActorNameLength) {
          text_error(*c, p + ".name",
                     "'" + aname + "' is longer than KTAB's " +
                         std::to_string(kMaxActorNameLength) + " characters");
          ok = false;
        } else if (!seen.insert(aname).second) {
          text_error(*c, p + ".name", "duplicate actor '" + aname + "'");
          ok = false;
        }
      } else {
        ok = false;
      }
      actor_names.push_back(aname);
      if (const Element* c = child(a, p, "description", true)) {
        if (leaf(*c, p + ".description").size() > kMaxActorDescriptionLength) {
          text_error(
              *c, p + ".description",
              "longer than KTAB's " + std::to_string(kMaxActorDescriptionLength) + " characters");
        }
      }
      std::optional<double> cap;
      if (const Element* c = child(a, p, "capability", true)) {
        cap = number(*c, p + ".capability", 0, kMaxCapability, "capability", "[0, 1e8]");
      }
      ok = ok && cap.has_value();
      std::vector<double> pos;
      std::vector<double> sal;
      ok = read_vector(a, p, "Position", "dCoord", "position", d, pos) && ok;
      ok = read_vector(a, p, "Salience", "dSal", "salience", d, sal) && ok;
      if (ok) {
        double total = 0;
        for (double x : sal) total += x;
        if (total > 100 + kSalienceSlack) {
          const Element* c = child(a, p, "Salience", true);
          char buf[64];
          std::snprintf(buf, sizeof buf, "%g", total);
          error(*c, p + ".Salience",
                std::string("saliences sum to ") + buf +
                    "; an actor's saliences over all dimensions must sum to at most 100");
          ok = false;
        }
      }
      if (!ok || d == 0) continue;
      Actor actor;
      actor.name = aname;
      std::string id = make_id(aname);
      if (id.empty()) id = "actor-" + std::to_string(r + 1);
      actor.id = unique_id(id, ids);
      actor.kind = ActorKind::kGroup;
      actor.capability = Quantity(*cap);
      for (std::size_t k = 0; k < d; ++k) {
        s.issues[k].stances.push_back(Stance{actor.id, Quantity(pos[k]), Quantity(sal[k] / 100.0)});
      }
      s.actors.push_back(std::move(actor));
    }
  }

  // Reads <Position> (dCoord) or <Salience> (dSal): one number in [0, 100] per dimension.
  bool read_vector(const Element& a, const std::string& p, const char* container, const char* item,
                   const char* what, std::size_t d, std::vector<double>& out) {
    const Element* c = child(a, p, container, true);
    if (c == nullptr) return false;
    const std::string path = p + "." + container;
    check_children(*c, path, {item}, {});
    const auto items = c->all(item);
    bool ok = true;
    for (std::size_t k = 0; k < items.size(); ++k) {
      const auto v = number(*items[k], path + "." + item + "[" + std::to_string(k) + "]", 0, 100,
                            what, "[0, 100]");
      if (!v) ok = false;
      out.push_back(v.value_or(0));
    }
    if (items.size() != d) {
      error(*c, path,
            "has " + std::to_string(items.size()) + " <" + item + "> elements; the scenario has " +
                std::to_string(d) + " dimensions");
      ok = false;
    }
    return ok;
  }

  void read_adjustment(const Element& e, const std::string& path, const Scenario& s,
                       const std::vector<std::string>& actor_names,
                       std::map<std::string, std::string>& options) {
    check_children(e, path, {"iaPair"}, {});
    const std::size_t n = actor_names.size();
    // KTAB starts from the identity and overwrites the entries the pairs name.
    std::vector<std::vector<double>> a(n, std::vector<double>(n, 0.0));
    for (std::size_t i = 0; i < n; ++i) a[i][i] = 1.0;
    std::vector<const Element*> last_pair(n, nullptr);
    std::set<std::pair<std::size_t, std::size_t>> seen;
    std::string value;
    auto index_of = [&](const Element& c, const std::string& p) -> std::optional<std::size_t> {
      const std::string t = leaf(c, p);
      for (std::size_t i = 0; i < n; ++i) {
        if (!t.empty() && actor_names[i] == t) return i;
      }
      std::vector<std::string> valid;
      for (const auto& nm : actor_names) {
        if (!nm.empty()) valid.push_back(nm);
      }
      const std::string near = closest_match(t, valid);
      text_error(
          c, p,
          "unknown actor '" + t + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?"));
      return std::nullopt;
    };
    const auto pairs = e.all("iaPair");
    if (pairs.empty()) error(e, path, "no <iaPair>; expected at least one (or omit the element)");
    for (std::size_t q = 0; q < pairs.size(); ++q) {
      const Element& pr = *pairs[q];
      const std::string p = path + ".iaPair[" + std::to_string(q) + "]";
      check_children(pr, p, {"adjustingIdeal", "referencePos", "adjust"},
                     {"adjustingIdeal", "referencePos", "adjust"});
      const Element* ai = child(pr, p, "adjustingIdeal", true);
      const Element* rp = child(pr, p, "referencePos", true);
      const Element* ad = child(pr, p, "adjust", true);
      std::optional<std::size_t> i;
      std::optional<std::size_t> j;
      std::optional<double> rate;
      if (ai != nullptr) i = index_of(*ai, p + ".adjustingIdeal");
      if (rp != nullptr) j = index_of(*rp, p + ".referencePos");
      if (ad != nullptr) rate = number(*ad, p + ".adjust", 0, 1, "rate", "[0, 1]");
      if (!i || !j || !rate) continue;
      if (!seen.insert({*i, *j}).second) {
        error(pr, p, "a second pair for " + actor_names[*i] + " and " + actor_names[*j]);
        continue;
      }
      a[*i][*j] = *rate;
      last_pair[*i] = &pr;
      // Actor ids exist only when every actor was valid; otherwise errors are reported.
      if (s.actors.size() == n) {
        if (!value.empty()) value += ",";
        value += s.actors[*i].id + ":" + s.actors[*j].id + "=" + leaf(*ad, p + ".adjust");
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      double total = 0;
      for (double x : a[i]) total += x;
      if (total > 1 + 1e-10 && last_pair[i] != nullptr) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", total);
        error(*last_pair[i], path,
              "the rates for " + actor_names[i] + " sum to " + buf +
                  " (KTAB starts from the identity, so an unnamed own rate is 1); they must sum "
                  "to at most 1");
      }
    }
    if (!value.empty()) options["accommodation"] = value;
  }

  std::string file_;
  Diagnostics& diags_;
};

}  // namespace

bool looks_like_ktab_xml(std::string_view text) {
  std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  // Skip whitespace, the declaration, processing instructions and comments.
  for (int guard = 0; guard < 1000; ++guard) {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])) != 0) ++pos;
    if (text.substr(pos, 2) == "<?") {
      const auto end = text.find("?>", pos);
      if (end == std::string_view::npos) return false;
      pos = end + 2;
    } else if (text.substr(pos, 4) == "<!--") {
      const auto end = text.find("-->", pos);
      if (end == std::string_view::npos) return false;
      pos = end + 3;
    } else if (text.substr(pos, 9) == "<!DOCTYPE") {
      // Skipped here only to recognise the file: the reader refuses DOCTYPEs itself, with
      // its own message and location, which a YAML or CSV reader could never give.
      const auto close = text.find('>', pos);
      const auto subset = text.find('[', pos);
      const auto end = subset < close ? text.find("]", subset) : close;
      if (end == std::string_view::npos) return false;
      pos = text.find('>', end);
      if (pos == std::string_view::npos) return false;
      ++pos;
    } else {
      break;
    }
  }
  if (text.substr(pos, 9) != "<Scenario") return false;
  const std::size_t after = pos + 9;
  return after < text.size() && (std::isspace(static_cast<unsigned char>(text[after])) != 0 ||
                                 text[after] == '>' || text[after] == '/');
}

KtabInput load_ktab_xml(std::string_view text, const std::string& filename) {
  Diagnostics diags;
  if (text.size() > kMaxScenarioBytes) {
    diags.error({filename, 0, 0}, "",
                "file is larger than " + std::to_string(kMaxScenarioBytes / (1024 * 1024)) +
                    " MiB; expected a KTAB SMP scenario");
    throw InputError(std::move(diags));
  }
  if (const auto fault = detail::find_text_fault(text)) {
    diags.error({filename, fault->line, fault->column}, "",
                detail::text_fault_message(*fault, "XML"));
    throw InputError(std::move(diags));
  }
  Element root;
  ktab::xml::ParseError perr;
  if (!ktab::xml::parse(text, root, perr)) {
    diags.error({filename, perr.line, perr.column}, "", "malformed XML: " + perr.message);
    throw InputError(std::move(diags));
  }
  XmlReader reader(filename, diags);
  KtabInput out = reader.read(root);
  if (!diags.empty()) throw InputError(std::move(diags));
  std::string name;
  std::string desc;
  for (const Element& c : root.children) {
    if (c.name == "name") name = trim(c.text);
    if (c.name == "desc") desc = trim(c.text);
  }
  name_scenario(out.scenario, name, desc, filename, "XML scenario");
  return out;
}

}  // namespace entente
