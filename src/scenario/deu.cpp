// DEU III tables (tab-separated, one row per legislative issue) turned into backtest cases.
#include "entente/deu.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "entente/eu_council.hpp"
#include "entente/scenario_io.hpp"
#include "scenario/csv.hpp"
#include "scenario/limits.hpp"

namespace entente {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool to_number(const std::string& t, double& v) {
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  return !t.empty() && ec == std::errc() && ptr == e && std::isfinite(v);
}

// One actor's columns in the header.
struct ActorColumns {
  std::string id;
  std::size_t position = 0;
  std::size_t salience = 0;
};

std::string actor_name(const std::string& id) {
  if (id == "com") return "European Commission";
  if (id == "ep") return "European Parliament";
  std::string up = id;
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return up;
}

// A DEU date cell: DD-MM-YY (the file's convention; YY >= 50 is 19YY) or DD-MM-YYYY.
// nullopt for anything else; the caller decides whether that is "unknown" or malformed.
std::optional<Date> deu_date(const std::string& text) {
  const bool short_year = text.size() == 8;
  if ((!short_year && text.size() != 10) || text[2] != '-' || text[5] != '-') return std::nullopt;
  int d = 0;
  int m = 0;
  int y = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  if (std::from_chars(p, p + 2, d).ptr != p + 2 || std::from_chars(p + 3, p + 5, m).ptr != p + 5 ||
      std::from_chars(p + 6, end, y).ptr != end) {
    return std::nullopt;
  }
  if (short_year) y = y >= 50 ? 1900 + y : 2000 + y;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return Date::parse(buf);
}

// Reads the date column `col` of `row`: DEU's missing codes (empty, 999) leave it unset
// quietly; any other spelling that is not a DEU date leaves it unset with a warning. An
// ISO-looking "1930-11-05" is what a spreadsheet makes of DD-MM-YY 30-11-05 read as
// YY-MM-DD; the warning offers that reading but the loader does not guess.
std::optional<Date> date_cell(const detail::CsvRow& row, std::optional<std::size_t> col,
                              const std::string& column, const std::string& file,
                              std::vector<Diagnostic>* warnings) {
  if (!col || *col >= row.fields.size()) return std::nullopt;
  const std::string t = trim(row.fields[*col]);
  if (t.empty() || t == "999") return std::nullopt;
  if (auto date = deu_date(t)) return date;
  if (warnings != nullptr) {
    std::string hint;
    if (const auto iso = Date::parse(t); iso && t.size() == 10 && iso->day <= 31) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%02d-%02d-%02d", iso->year % 100, iso->month, iso->day);
      hint =
          fmt::format(" (it looks like DD-MM-YY {} turned into YYYY-MM-DD by a spreadsheet)", buf);
    }
    warnings->push_back(
        Diagnostic{{file, row.line, static_cast<int>(*col) + 1},
                   column,
                   fmt::format("malformed date '{}'{}; expected DD-MM-YY; the date is left unknown",
                               t, hint)});
  }
  return std::nullopt;
}

std::string id_safe(const std::string& text, const std::string& fallback) {
  std::string out;
  for (char c : text) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  }
  return out.empty() ? fallback : out;
}

}  // namespace

std::vector<DeuCase> load_deu_tsv(std::string_view text, const std::string& filename,
                                  DeuCapability capability, std::vector<Diagnostic>* warnings) {
  const std::string& file = filename;
  Diagnostics diags;
  auto fail_now = [&](int line, int col, const std::string& path, const std::string& msg) {
    diags.error({file, line, col}, path, msg);
    throw InputError(std::move(diags));
  };
  if (text.size() > kMaxScenarioBytes) fail_now(0, 0, "", detail::oversize_message(text.size()));
  if (const auto fault = detail::find_text_fault(text)) {
    fail_now(fault->line, fault->column, "", detail::text_fault_message(*fault, "a DEU table"));
  }
  const auto rows = detail::parse_csv(text, file, '\t');
  if (rows.empty()) fail_now(1, 1, "", "empty file; expected a DEU header row");

  // Header: actor columns are the suffixes with both a p<actor> and an s<actor> column.
  const auto& header = rows[0].fields;
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < header.size(); ++i) by_name.emplace(trim(header[i]), i);
  auto column = [&](const std::string& name) -> std::optional<std::size_t> {
    const auto it = by_name.find(name);
    if (it == by_name.end()) return std::nullopt;
    return it->second;
  };
  std::vector<ActorColumns> actors;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h = trim(header[i]);
    if (h.size() < 2 || h[0] != 'p') continue;
    const std::string id = h.substr(1);
    if (auto s = column("s" + id)) actors.push_back({id, i, *s});
  }
  const auto c_out = column("out");
  const auto c_rp = column("rp");
  const auto c_isnr = column("isnr");
  const auto c_name = column("prname");
  const auto c_intro = column("intro");
  const auto c_finact = column("finact");
  const auto c_prnr = column("prnr");
  const auto c_proc = column("proc");
  const auto c_counvte = column("counvte");
  if (!c_out) diags.error({file, rows[0].line, 1}, "header", "missing column 'out' (outcome)");
  if (actors.size() < 3) {
    diags.error({file, rows[0].line, 1}, "header",
                "expected p<actor> and s<actor> columns for at least 3 actors, found " +
                    std::to_string(actors.size()));
  }
  if (!diags.empty()) throw InputError(std::move(diags));

  // A number in a cell: nullopt when empty; a diagnostic when malformed or out of range.
  auto cell = [&](const detail::CsvRow& row, std::size_t col, double lo,
                  double hi) -> std::optional<double> {
    if (col >= row.fields.size()) return std::nullopt;
    const std::string t = trim(row.fields[col]);
    if (t.empty()) return std::nullopt;
    const int c = static_cast<int>(col) + 1;
    const std::string name = trim(header[col]);
    double v = 0;
    if (!to_number(t, v)) {
      diags.error({file, row.line, c}, name, "expected a number, got '" + t + "'");
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      diags.error({file, row.line, c}, name,
                  "value " + t + " is out of range; expected a number in [" +
                      std::to_string(static_cast<int>(lo)) + ", " +
                      (std::isinf(hi) ? std::string("inf") : std::to_string(static_cast<int>(hi))) +
                      "]");
      return std::nullopt;
    }
    return v;
  };

  // Row 2 (the second row) is the capability row, its values in the p<actor> columns.
  std::map<std::string, double> gdp;
  std::size_t first_data = 1;
  if (rows.size() > 1 && rows[1].line == 2) {
    first_data = 2;
    for (const auto& a : actors) {
      if (auto v = cell(rows[1], a.position, 0.0, HUGE_VAL)) gdp[a.id] = *v;
    }
  }

  std::vector<DeuCase> cases;
  for (std::size_t r = first_data; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.fields.size() < header.size()) {
      // A cut-short row would be skipped for its missing cells, and a file of them would end
      // in "nothing to score" with no line: say where the row ends instead.
      int end = 1;
      for (const auto& f : row.fields) end += static_cast<int>(f.size()) + 1;
      diags.error({file, row.line, end > 1 ? end - 1 : 1}, "",
                  "row has " + std::to_string(row.fields.size()) + " fields; expected " +
                      std::to_string(header.size()) + ", one per header column (is it cut short?)");
      continue;
    }
    const std::size_t errors_before = diags.size();
    const auto outcome = cell(row, *c_out, 0.0, 100.0);
    const auto rp = c_rp ? cell(row, *c_rp, 0.0, 100.0) : std::nullopt;
    Scenario s;
    Issue issue;
    for (const auto& a : actors) {
      const auto p = cell(row, a.position, 0.0, 100.0);
      const auto sal = cell(row, a.salience, 0.0, 100.0);
      if (!p || !sal) continue;
      Actor actor;
      actor.id = a.id;
      actor.name = actor_name(a.id);
      actor.kind = a.id == "com" || a.id == "ep" ? ActorKind::kOrganisation : ActorKind::kState;
      if (capability == DeuCapability::kGdp) {
        const auto it = gdp.find(a.id);
        if (it == gdp.end()) {
          diags.error({file, 2, static_cast<int>(a.position) + 1}, trim(header[a.position]),
                      "no capability for actor '" + a.id +
                          "' in the capability row (line 2), which --capability gdp needs");
          continue;
        }
        actor.capability = Quantity(it->second);
      } else {
        actor.capability = Quantity(1.0);
      }
      issue.stances.push_back(Stance{a.id, Quantity(*p), Quantity(*sal / 100.0)});
      s.actors.push_back(std::move(actor));
    }
    if (diags.size() != errors_before || !outcome || s.actors.size() < 3) continue;
    auto field = [&](const std::optional<std::size_t>& col) -> std::string {
      return col && *col < row.fields.size() ? trim(row.fields[*col]) : "";
    };
    const std::string isnr = field(c_isnr);
    const std::string line_id = "line-" + std::to_string(row.line);
    issue.id = id_safe(isnr, line_id);
    issue.name = field(c_name).empty() ? issue.id : field(c_name) + " (" + issue.id + ")";
    issue.scale = Scale{0.0, 100.0, "", {}};
    if (rp) issue.status_quo = Quantity(*rp);
    s.id = "deu-" + issue.id;
    s.title = "DEU " + issue.name;
    s.description = "DEU case from " + file + " line " + std::to_string(row.line) + ".";
    s.source = file;
    DeuCase c;
    c.introduced = date_cell(row, c_intro, "intro", file, warnings);
    c.decided = date_cell(row, c_finact, "finact", file, warnings);
    s.as_of = c.introduced.value_or(Date{1970, 1, 1});
    c.issue = isnr;
    c.proposal = field(c_prnr);
    s.issues.push_back(std::move(issue));
    c.scenario = std::move(s);
    c.outcome = *outcome;
    c.line = row.line;
    if (c_proc && c_counvte) {
      // No intro date: the rules then follow the membership.
      const std::string why =
          attach_deu_procedure(c.scenario, field(c_proc), field(c_counvte), c.introduced);
      if (!why.empty()) {
        diags.error({file, row.line, static_cast<int>(*c_counvte) + 1}, "proc/counvte", why);
        continue;
      }
    }
    cases.push_back(std::move(c));
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  return cases;
}

std::vector<DeuProposal> group_deu_by_proposal(const std::vector<DeuCase>& cases) {
  std::vector<DeuProposal> groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const DeuCase& c = cases[k];
    const std::string id =
        c.proposal.empty() ? "line-" + std::to_string(c.line) : id_safe(c.proposal, "proposal");
    auto [it, fresh] = index.emplace(id, groups.size());
    if (fresh) {
      DeuProposal g;
      g.id = id;
      g.scenario = c.scenario;
      g.scenario.issues.clear();
      g.scenario.actors.clear();
      g.scenario.id = "deu-" + id;
      g.scenario.title = "DEU proposal " + id;
      g.scenario.description = "DEU proposal " + id + ": the issues of " + c.scenario.source +
                               " sharing its prnr, as one scenario.";
      groups.push_back(std::move(g));
    }
    DeuProposal& g = groups[it->second];
    for (const Actor& a : c.scenario.actors) {
      const Actor* known = g.scenario.actor(a.id);
      if (known == nullptr) {
        g.scenario.actors.push_back(a);
      } else if (known->capability.value != a.capability.value) {
        // A DEU file has one capability per actor; cases built otherwise cannot be merged.
        throw std::invalid_argument("proposal " + id + ": actor " + a.id +
                                    " has two capabilities (line " + std::to_string(c.line) + ")");
      }
    }
    for (const Issue& issue : c.scenario.issues) g.scenario.issues.push_back(issue);
    g.cases.push_back(k);
  }
  return groups;
}

}  // namespace entente
