// What-if inputs (the numbers a slider moves) and the forecasts of a run document (what a
// comparison lines up).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "entente/server.hpp"

namespace entente::server {

namespace {

using nlohmann::json;

// A latitude slider spans this many degrees either side of the unit's position: enough to
// move a division from the DMZ to south of the Han River (about 1°) and beyond.
constexpr double kLatitudeSpan = 1.5;

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    const std::size_t j = path.find('.', i);
    out.push_back(path.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

std::string name_or_id(const std::string& name, const std::string& id) {
  return name.empty() ? id : name;
}

std::optional<double> number(const json& j) {
  if (j.is_number()) return j.get<double>();
  return std::nullopt;
}

}  // namespace

std::vector<Input> inputs_of(const Scenario& s) {
  std::vector<Input> out;
  for (const Issue& issue : s.issues) {
    const double span = issue.scale.max - issue.scale.min;
    const std::string group = name_or_id(issue.name, issue.id);
    for (const Stance& st : issue.stances) {
      const std::string base = "issues." + issue.id + ".positions." + st.actor;
      out.push_back({base + ".position", st.actor + " position", group, st.position.value,
                     issue.scale.min, issue.scale.max, span > 0 ? span / 200 : 0.01});
      out.push_back(
          {base + ".salience", st.actor + " salience", group, st.salience.value, 0.0, 1.0, 0.01});
    }
  }
  for (const Force& f : s.forces) {
    out.push_back({"forces." + f.id + ".lat", f.id + " latitude (°N)", "Forces", f.location.lat,
                   std::max(-90.0, f.location.lat - kLatitudeSpan),
                   std::min(90.0, f.location.lat + kLatitudeSpan), 0.01});
  }
  return out;
}

void apply_input(Scenario& s, const std::string& path, double value) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument(fmt::format("{}: the value is not a finite number", path));
  }
  const auto parts = split(path);
  auto within = [&](double lo, double hi) {
    if (value < lo || value > hi) {
      throw std::invalid_argument(fmt::format("{}: {} is outside [{}, {}]", path, value, lo, hi));
    }
  };
  if (parts.size() == 5 && parts[0] == "issues" && parts[2] == "positions") {
    auto issue = std::find_if(s.issues.begin(), s.issues.end(),
                              [&](const Issue& i) { return i.id == parts[1]; });
    if (issue == s.issues.end()) {
      throw std::invalid_argument(fmt::format("{}: no issue '{}'", path, parts[1]));
    }
    auto stance = std::find_if(issue->stances.begin(), issue->stances.end(),
                               [&](const Stance& st) { return st.actor == parts[3]; });
    if (stance == issue->stances.end()) {
      throw std::invalid_argument(
          fmt::format("{}: '{}' takes no position on issue '{}'", path, parts[3], parts[1]));
    }
    if (parts[4] == "position") {
      within(issue->scale.min, issue->scale.max);
      stance->position.value = value;
      return;
    }
    if (parts[4] == "salience") {
      within(0.0, 1.0);
      stance->salience.value = value;
      return;
    }
  }
  if (parts.size() == 3 && parts[0] == "forces" && (parts[2] == "lat" || parts[2] == "lon")) {
    auto force = std::find_if(s.forces.begin(), s.forces.end(),
                              [&](const Force& f) { return f.id == parts[1]; });
    if (force == s.forces.end()) {
      throw std::invalid_argument(fmt::format("{}: no force '{}'", path, parts[1]));
    }
    if (parts[2] == "lat") {
      within(-90.0, 90.0);
      force->location.lat = value;
    } else {
      within(-180.0, 180.0);
      force->location.lon = value;
    }
    // The unit now stands at coordinates of its own, no longer at the named place.
    force->place.clear();
    return;
  }
  throw std::invalid_argument(
      fmt::format("'{}' is not a what-if input; expected issues.ISSUE.positions.ACTOR."
                  "position|salience or forces.FORCE.lat|lon",
                  path));
}

std::vector<Forecast> forecasts_of(const json& document) {
  std::vector<Forecast> out;
  if (!document.is_object()) return out;
  for (const json& issue : document.value("issues", json::array())) {
    const std::string id = issue.value("id", std::string());
    const std::string group = name_or_id(issue.value("name", std::string()), id);
    const json models = issue.value("models", json::object());
    for (const auto& [model, m] : models.items()) {
      out.push_back({"issue/" + id + "/" + model, group, model, "forecast",
                     number(m.value("forecast", json()))});
    }
  }
  const json models = document.value("models", json::object());
  if (const auto it = models.find("alliance"); it != models.end() && it->is_object()) {
    for (const json& a : it->value("alliances", json::array())) {
      const std::string id = a.value("id", std::string());
      const std::string group = name_or_id(a.value("name", std::string()), id);
      const std::string key = "alliance/" + id + "/";
      out.push_back(
          {key + "health", group, "alliance", "health", number(a.value("health", json()))});
      // Horizons in numeric order, not the JSON object's ("10" sorts before "5").
      std::map<int, double> holds;
      const json p_holds = a.value("p_holds", json::object());
      for (const auto& [h, p] : p_holds.items()) {
        if (p.is_number()) holds[std::atoi(h.c_str())] = p.get<double>();
      }
      for (const auto& [h, p] : holds) {
        out.push_back({fmt::format("{}p_holds/{}y", key, h), group, "alliance",
                       fmt::format("P(holds {} year{})", h, h == 1 ? "" : "s"), p});
      }
      if (const auto p = number(a.value("p_honours", json()))) {
        out.push_back({key + "p_honours", group, "alliance", "P(honours obligations)", p});
      }
    }
  }
  if (const auto it = models.find("crisis"); it != models.end() && it->is_object()) {
    for (const json& g : it->value("games", json::array())) {
      const std::string id = g.value("id", std::string());
      const std::string group = name_or_id(g.value("name", std::string()), id);
      for (const json& t : g.value("threats", json::array())) {
        const std::string action = t.value("action", std::string());
        out.push_back({"crisis/" + id + "/" + action + "/credible", group, "crisis",
                       "threat '" + action + "' credible (1 yes, 0 no)",
                       t.value("credible", false) ? 1.0 : 0.0});
      }
    }
  }
  return out;
}

json compare_forecasts(const std::vector<Forecast>& a, const std::vector<Forecast>& b) {
  auto row = [](const Forecast& f) {
    return json{{"key", f.key}, {"group", f.group}, {"model", f.model}, {"label", f.label}};
  };
  auto value = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  std::map<std::string, const Forecast*> in_b;
  for (const Forecast& f : b) in_b.emplace(f.key, &f);
  json out = json::array();
  std::set<std::string> seen;
  for (const Forecast& f : a) {
    if (!seen.insert(f.key).second) continue;
    json r = row(f);
    r["a"] = value(f.value);
    const auto it = in_b.find(f.key);
    const std::optional<double> other = it == in_b.end() ? std::nullopt : it->second->value;
    r["b"] = value(other);
    r["diff"] = f.value && other ? json(*other - *f.value) : json(nullptr);
    out.push_back(std::move(r));
  }
  for (const Forecast& f : b) {
    if (!seen.insert(f.key).second) continue;
    json r = row(f);
    r["a"] = nullptr;
    r["b"] = value(f.value);
    r["diff"] = nullptr;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace entente::server
