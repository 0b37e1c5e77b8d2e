// CSV actor tables (actor, capability, position, salience) as analysts keep them for
// expected-utility work, turned into a one-issue scenario.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "entente/scenario_io.hpp"
#include "scenario/csv.hpp"
#include "scenario/limits.hpp"

namespace entente {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\xEF\xBB\xBF");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The file's base name without extension, made into a valid id.
std::string id_from_filename(const std::string& filename) {
  std::string base = filename.substr(filename.find_last_of('/') + 1);
  base = base.substr(0, base.find('.'));
  std::string out;
  for (char c : base) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out[0]))) out.erase(0, 1);
  if (out.size() > 64) out.resize(64);
  return out.empty() ? "table" : out;
}

bool to_number(const std::string& s, double& v) {
  const std::string t = trim(s);
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  return !t.empty() && ec == std::errc() && ptr == e && std::isfinite(v);
}
}  // namespace

Scenario load_actor_table_csv(std::string_view text, const ActorTableOptions& options) {
  const std::string& file = options.filename;
  Diagnostics diags;
  auto fail_now = [&](int line, int col, const std::string& path, const std::string& msg) {
    diags.error({file, line, col}, path, msg);
    throw InputError(std::move(diags));
  };
  if (text.size() > kMaxScenarioBytes) {
    fail_now(0, 0, "", detail::oversize_message(text.size()));
  }
  if (const auto fault = detail::find_text_fault(text)) {
    fail_now(fault->line, fault->column, "",
             detail::text_fault_message(*fault, "a CSV actor table"));
  }
  const auto rows = detail::parse_csv(text, file);
  if (rows.empty()) {
    fail_now(1, 1, "",
             "empty file; expected a header row naming actor, capability, position, salience");
  }
  // Locate the four columns by header name.
  int c_actor = -1;
  int c_cap = -1;
  int c_pos = -1;
  int c_sal = -1;
  std::vector<std::string> ignored;
  const auto& header = rows[0].fields;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h = lower(trim(header[i]));
    const int col = static_cast<int>(i);
    int* slot = nullptr;
    if (h == "actor" || h == "name") slot = &c_actor;
    if (h == "capability" || h == "capabilities") slot = &c_cap;
    if (h == "position") slot = &c_pos;
    if (h == "salience") slot = &c_sal;
    if (slot == nullptr) {
      if (!h.empty()) ignored.push_back(trim(header[i]));
      continue;
    }
    if (*slot >= 0) {
      diags.error({file, rows[0].line, col + 1}, h, "column named twice in the header");
      continue;
    }
    *slot = col;
  }
  const std::pair<int, const char*> needed[] = {{c_actor, "actor (or name)"},
                                                {c_cap, "capability"},
                                                {c_pos, "position"},
                                                {c_sal, "salience"}};
  std::vector<std::string> missing;
  for (const auto& [col, name] : needed) {
    if (col < 0) missing.push_back(std::string("'") + name + "'");
  }
  const std::string expected_header =
      "expected a header row naming actor, capability, position, salience";
  if (missing.size() == 4 && header.size() == 1 &&
      header[0].find_first_of(";\t") != std::string::npos) {
    // One field holding the separators of another dialect: say so once, not four times.
    const char sep = header[0].find(';') != std::string::npos ? ';' : '\t';
    diags.error({file, rows[0].line, 1}, "header",
                std::string("the header is one field holding '") + (sep == ';' ? ";" : "\\t") +
                    "': fields must be separated by ','; " + expected_header +
                    " (or a KTAB SMP table)");
  } else if (missing.size() == 1) {
    diags.error({file, rows[0].line, 1}, "header",
                "missing column " + missing[0] + "; " + expected_header);
  } else if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    }
    std::string found;
    for (std::size_t i = 0; i < header.size() && i < 6; ++i) {
      found += (i == 0 ? "'" : ", '") + trim(header[i]) + "'";
    }
    if (header.size() > 6) found += ", ...";
    diags.error({file, rows[0].line, 1}, "header",
                "missing columns " + list + " (found " + found + "); " + expected_header +
                    " (or a KTAB SMP table)");
  }
  if (!diags.empty()) throw InputError(std::move(diags));

  Scenario s;
  s.id = id_from_filename(file);
  s.title = "Actor table " + file.substr(file.find_last_of('/') + 1);
  s.source = file;
  s.as_of = Date{1970, 1, 1};
  s.description = "Imported from the actor table " + file + ".";
  if (!ignored.empty()) {
    s.description += " Columns not used:";
    for (const auto& c : ignored) s.description += " " + c;
    s.description += ".";
  }
  Issue issue;
  issue.id = options.issue_id;
  issue.name = options.issue_id;
  std::set<std::string> names;
  std::vector<double> saliences;
  std::vector<int> sal_lines;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    auto field = [&](int col, const char* name) -> std::optional<std::string> {
      if (static_cast<std::size_t>(col) >= row.fields.size() ||
          trim(row.fields[static_cast<std::size_t>(col)]).empty()) {
        diags.error({file, row.line, col + 1}, name,
                    "missing value; every row needs actor, capability, position and salience");
        return std::nullopt;
      }
      return trim(row.fields[static_cast<std::size_t>(col)]);
    };
    auto num = [&](int col, const char* name) -> std::optional<double> {
      auto f = field(col, name);
      if (!f) return std::nullopt;
      double v = 0;
      if (!to_number(*f, v)) {
        diags.error({file, row.line, col + 1}, name, "expected a number, got '" + *f + "'");
        return std::nullopt;
      }
      return v;
    };
    auto name = field(c_actor, "actor");
    auto cap = num(c_cap, "capability");
    auto pos = num(c_pos, "position");
    auto sal = num(c_sal, "salience");
    if (cap && *cap < 0) {
      diags.error({file, row.line, c_cap + 1}, "capability",
                  "negative capability " + trim(row.fields[static_cast<std::size_t>(c_cap)]) +
                      "; expected a number >= 0");
      cap.reset();
    }
    if (pos && std::fabs(*pos) > detail::kMaxScaleMagnitude) {
      diags.error({file, row.line, c_pos + 1}, "position",
                  "position " + trim(row.fields[static_cast<std::size_t>(c_pos)]) +
                      " is out of range; expected a number in [-1e12, 1e12]");
      pos.reset();
    }
    if (sal && (*sal < 0 || *sal > 100)) {
      diags.error({file, row.line, c_sal + 1}, "salience",
                  "salience " + trim(row.fields[static_cast<std::size_t>(c_sal)]) +
                      " is out of range; expected [0, 1] or [0, 100]");
      sal.reset();
    }
    if (!name || !cap || !pos || !sal) continue;
    if (!names.insert(*name).second) {
      diags.error({file, row.line, c_actor + 1}, "actor", "duplicate actor '" + *name + "'");
      continue;
    }
    Actor a;
    a.name = *name;
    a.id = *name;
    for (char& c : a.id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    }
    a.kind = ActorKind::kGroup;
    a.capability = Quantity(*cap);
    issue.stances.push_back(Stance{a.id, Quantity(*pos), Quantity(*sal)});
    saliences.push_back(*sal);
    sal_lines.push_back(row.line);
    s.actors.push_back(std::move(a));
  }
  if (diags.empty() && s.actors.size() < 2) {
    diags.error(
        {file, rows.back().line, 1}, "",
        "an actor table needs at least 2 actor rows, got " + std::to_string(s.actors.size()));
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  // Ids made from names must stay unique ("A B" and "A_B" would collide).
  std::set<std::string> ids;
  for (const auto& a : s.actors) {
    if (!ids.insert(a.id).second) {
      fail_now(rows[0].line, c_actor + 1, "actor",
               "two actor names map to the same id '" + a.id + "'");
    }
  }
  // Saliences on 0–100 are rescaled: a table is on one scale or the other, never mixed.
  const bool percent =
      std::any_of(saliences.begin(), saliences.end(), [](double v) { return v > 1; });
  if (percent) {
    for (auto& st : issue.stances) st.salience = Quantity(st.salience.value / 100.0);
    s.description += " Saliences given on 0–100 were divided by 100.";
  }
  double lo = issue.stances.front().position.value;
  double hi = lo;
  for (const auto& st : issue.stances) {
    lo = std::min(lo, st.position.value);
    hi = std::max(hi, st.position.value);
  }
  issue.scale.min = options.scale_min.value_or(lo);
  issue.scale.max = options.scale_max.value_or(hi);
  if (!(issue.scale.min < issue.scale.max)) {
    if (options.scale_min || options.scale_max) {
      fail_now(0, 0, "scale", "scale minimum must be below its maximum");
    }
    issue.scale.min = lo - 1;
    issue.scale.max = hi + 1;
  }
  for (std::size_t i = 0; i < issue.stances.size(); ++i) {
    const double p = issue.stances[i].position.value;
    if (p < issue.scale.min || p > issue.scale.max) {
      diags.error({file, rows[i + 1].line, c_pos + 1}, "position",
                  "position outside the given scale [" + std::to_string(issue.scale.min) + ", " +
                      std::to_string(issue.scale.max) + "]");
    }
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  s.issues.push_back(std::move(issue));
  return s;
}

}  // namespace entente
