// The alliance model's view (entente/model_views.hpp): its summary lines, its report section
// (health over time per alliance, from the alliance timeline), its sweep charts and the shape
// check of models.alliance: {date, alliances: [{id, name, health, p_holds: {"5": p},
// p_holds_interval: {"5": [lo, hi]}, p_honours, abandonment, entrapment, drivers}]}.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "chart_style.hpp"
#include "entente/json_shape.hpp"
#include "entente/model_views.hpp"
#include "entente/report.hpp"
#include "summary_style.hpp"

namespace entente::report {

using nlohmann::json;

Chart alliance_chart(const json& rows, const std::string& alliance_id,
                     const std::string& alliance_name) {
  Chart c;
  json values = json::array();
  json events = json::array();
  for (const auto& row : rows) {
    const std::string date = row.value("date", std::string());
    bool found = false;
    for (const auto& a : row.value("alliances", json::array())) {
      if (a.value("id", std::string()) != alliance_id) continue;
      found = true;
      if (a.contains("health"))
        values.push_back(
            {{"date", date}, {"series", "health"}, {"value", number_or(a["health"], 0.0)}});
      if (a.contains("congruence")) {
        values.push_back({{"date", date},
                          {"series", "congruence"},
                          {"value", number_or(a["congruence"].value("value", json()), 0.5)}});
      }
      const json risk = a.value("risk_sharing", json::object());
      for (const auto& [member, r] : risk.items()) {
        values.push_back({{"date", date},
                          {"series", "risk sharing: " + member},
                          {"value", number_or(r.value("value", json()), 0.5)}});
      }
      const json& ph = a.value("p_holds", json());
      if (ph.is_object() && ph.contains("5") && ph["5"].is_number()) {
        values.push_back(
            {{"date", date}, {"series", "P(holds 5 years)"}, {"value", ph["5"].get<double>()}});
      }
    }
    if (!found) continue;
    std::string names;
    for (const auto& e : row.value("events", json::array())) {
      names += (names.empty() ? "" : ", ") + e.get<std::string>();
    }
    if (!names.empty()) events.push_back({{"date", date}, {"events", names}});
  }
  if (values.empty()) return c;
  c.id = "alliance-" + slug(alliance_id);
  c.title = alliance_name + ": health over time";
  const json x = {
      {"field", "date"}, {"type", "temporal"}, {"title", "Date (events applied through it)"}};
  c.spec = {
      {"title", title(c.title, "Gray rules: events and polls (hover for names).")},
      {"width", kWidth},
      {"height", 280},
      {"layer",
       {{{"data", {{"values", events}}},
         {"mark", {{"type", "rule"}, {"color", "#999"}, {"strokeDash", {2, 2}}}},
         {"encoding",
          {{"x", x},
           {"tooltip",
            {{{"field", "date"}, {"type", "temporal"}, {"title", "Date"}},
             {{"field", "events"}, {"title", "Events"}}}}}}},
        {{"data", {{"values", values}}},
         {"mark", {{"type", "line"}, {"point", {{"size", 18}}}, {"interpolate", "step-after"}}},
         {"encoding",
          {{"x", x},
           {"y",
            {{"field", "value"},
             {"type", "quantitative"},
             {"title", "Score or probability (0–1)"},
             {"scale", {{"domain", {0, 1}}}}}},
           {"color",
            {{"field", "series"},
             {"type", "nominal"},
             {"title", "Component"},
             {"scale", {{"range", kPalette}}}}},
           {"strokeDash",
            {{"condition", {{"test", "datum.series === 'health'"}, {"value", {1, 0}}}},
             {"value", {4, 2}}}},
           {"tooltip",
            {{{"field", "series"}, {"title", "Component"}},
             {{"field", "date"}, {"type", "temporal"}, {"title", "Date"}},
             {{"field", "value"}, {"title", "Value"}, {"format", ".3f"}}}}}}}}}};
  c.caption = "The alliance model evaluated date by date for " + alliance_name +
              ": health (solid) combines congruence of interests and the least willing member's "
              "risk sharing; each member's risk sharing and the probability the alliance still "
              "holds in five years are dashed. Vertical gray rules mark the scenario's events "
              "and polls, applied from their date on.";
  return c;
}

namespace {

// "ROK 0.65, USA 0.49": each member's value of a per-member object of the alliance model.
std::string member_values(const json& per_member) {
  std::string out;
  for (const auto& [member, v] : per_member.items()) {
    if (!v.contains("value") || !v["value"].is_number()) continue;
    out += fmt::format("{}{} {:.2f}", out.empty() ? "" : ", ", member, v["value"].get<double>());
  }
  return out.empty() ? "—" : out;
}

// The alliance model's answer: health, survival and honouring, each member's fears, and
// the largest driver of the hazard.
std::string summary(const json& m, bool color) {
  if (!m.contains("alliances") || m["alliances"].empty()) return "";
  std::string out = summary_heading(color, "Alliances");
  out += fmt::format("  (alliance model, as of {})\n", m.value("date", std::string()));
  for (const auto& a : m["alliances"]) {
    out += fmt::format("  {} [{}]\n", styled(color, fmt::emphasis::bold, a.value("name", "")),
                       a.value("id", ""));
    std::string line = fmt::format("    health {:.2f}", a.value("health", 0.0));
    if (a.contains("p_holds") && a["p_holds"].is_object() && !a["p_holds"].empty()) {
      std::vector<std::pair<int, double>> holds;
      for (const auto& [h, p] : a["p_holds"].items())
        holds.emplace_back(std::stoi(h), p.get<double>());
      std::sort(holds.begin(), holds.end());
      std::string hs;
      std::string ps;
      for (const auto& [h, p] : holds) {
        hs += fmt::format("{}{}y", hs.empty() ? "" : "/", h);
        ps += fmt::format("{}{:.2f}", ps.empty() ? "" : "/", p);
      }
      line += fmt::format("   p(holds {}) {}", hs, ps);
      // The longest horizon's interval: estimation error compounds, so it is the widest.
      const std::string longest = std::to_string(holds.back().first);
      if (a.contains("p_holds_interval") && a["p_holds_interval"].contains(longest)) {
        const auto& iv = a["p_holds_interval"][longest];
        line += fmt::format(" ({}y 90%: {:.2f}–{:.2f})", longest, iv[0].get<double>(),
                            iv[1].get<double>());
      }
    }
    if (a.contains("p_honours") && a["p_honours"].is_number()) {
      line += fmt::format("   p(honours) {:.2f}", a["p_honours"].get<double>());
    }
    out += line + "\n";
    if (a.contains("abandonment")) {
      out += fmt::format("    fear of abandonment: {}   of entrapment: {}\n",
                         member_values(a["abandonment"]), member_values(a["entrapment"]));
    }
    if (a.contains("drivers") && !a["drivers"].empty()) {
      const auto& d = a["drivers"][0];
      out += styled(color, fmt::emphasis::faint,
                    fmt::format("    largest driver: {} ({:+.2f} on the annual hazard's logit)\n",
                                d.value("term", ""), d.value("value", 0.0)));
    }
  }
  return out;
}

void check(const json& m, const std::string& path) {
  using namespace shape;
  expect(m, path, Kind::kObject);
  optional_field(m, path, "date", Kind::kString);
  const auto* alliances = optional_field(m, path, "alliances", Kind::kArray);
  if (alliances == nullptr) return;
  for (std::size_t i = 0; i < alliances->size(); ++i) {
    const std::string p = at_index(path + ".alliances", i);
    const auto& a = expect((*alliances)[i], p, Kind::kObject);
    optional_field(a, p, "id", Kind::kString);
    optional_field(a, p, "name", Kind::kString);
    optional_field(a, p, "health", Kind::kNumber);
    nullable_number(a, p, "p_honours");
    if (const auto* holds = optional_field(a, p, "p_holds", Kind::kObject)) {
      for (const auto& [h, v] : holds->items()) {
        // Horizons are years, written as object keys: "1", "5", "10".
        if (h.empty() || h.size() > 4 || h.find_first_not_of("0123456789") != std::string::npos) {
          throw ShapeError(fmt::format("{}.p_holds: key '{}' is not a number of years", p, h));
        }
        expect(v, p + ".p_holds." + h, Kind::kNumber);
      }
    }
    if (const auto* iv = optional_field(a, p, "p_holds_interval", Kind::kObject)) {
      for (const auto& [h, v] : iv->items()) {
        const std::string q = p + ".p_holds_interval." + h;
        if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number()) {
          throw ShapeError(fmt::format("{}: expected [lo, hi], two numbers", q));
        }
      }
    }
    for (const char* fear : {"abandonment", "entrapment"}) {
      if (a.contains("abandonment")) required(a, p, fear, Kind::kObject);
    }
    if (const auto* drivers = optional_field(a, p, "drivers", Kind::kArray)) {
      if (!drivers->empty()) {
        const std::string d = p + ".drivers[0]";
        optional_field(expect((*drivers)[0], d, Kind::kObject), d, "term", Kind::kString);
        optional_field((*drivers)[0], d, "value", Kind::kNumber);
      }
    }
  }
}

std::vector<Section> sections(const json& m, const ReportInput& in) {
  Section s;
  s.id = "alliances";
  s.title = "Alliances";
  s.intro =
      "The alliance model's health score and its components, evaluated date by date with the "
      "scenario's events applied in order.";
  for (const auto& a : m.value("alliances", json::array())) {
    if (!in.timeline.is_array()) break;
    Chart c = alliance_chart(in.timeline, a.value("id", std::string()),
                             a.value("name", a.value("id", std::string())));
    if (!c.id.empty()) s.charts.push_back(std::move(c));
  }
  if (s.charts.empty()) s.intro += " No timeline was computed for this report.";
  return {std::move(s)};
}

// P(holds) and the other probabilities share the 0–1 scale: one histogram panel each.
std::vector<Chart> sweep(const json& outputs, std::uint64_t samples) {
  return distribution_charts(outputs, samples, "alliances", "alliance outcomes",
                             "Probability or score (0–1)");
}

}  // namespace

ModelView alliance_view() {
  ModelView v;
  v.model = "alliance";
  v.section_id = "alliances";
  v.section_title = "Alliances";
  v.check = check;
  v.summary = summary;
  v.sections = sections;
  v.sweep_charts = sweep;
  return v;
}

}  // namespace entente::report
