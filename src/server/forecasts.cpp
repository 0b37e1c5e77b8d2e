// What-if inputs (the numbers a slider moves) and the forecasts of a run document (what a
// comparison lines up).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "entente/fields.hpp"
#include "entente/server.hpp"

namespace entente::server {

namespace {

using nlohmann::json;

// A latitude slider spans this many degrees either side of the unit's position: enough to
// move a division from the DMZ to south of the Han River (about 1°) and beyond.
constexpr double kLatitudeSpan = 1.5;

std::string name_or_id(const std::string& name, const std::string& id) {
  return name.empty() ? id : name;
}

std::optional<double> number(const json& j) {
  if (j.is_number()) return j.get<double>();
  return std::nullopt;
}

}  // namespace

std::vector<Input> inputs_of(const Scenario& s) {
  // The table needs a scenario it may point into; nothing is set through it here.
  Scenario copy = s;
  std::vector<Input> out;
  for (const NumericField& f : numeric_fields(copy)) {
    const double v = f.value();
    double lo = f.lo;
    double hi = f.hi;
    if (f.number != nullptr) {
      // A coordinate: a slider over the whole globe would be useless.
      lo = std::max(f.lo, v - kLatitudeSpan);
      hi = std::min(f.hi, v + kLatitudeSpan);
    } else if (!std::isfinite(lo) || !std::isfinite(hi)) {
      // An open range (a capability, a troop count, a game parameter): a slider from the
      // field's own bound, or as far the other way, to twice the value's size.
      const double reach = std::max(1.0, std::abs(v));
      if (!std::isfinite(lo)) lo = v - reach;
      if (!std::isfinite(hi)) hi = std::max(lo, v) + reach;
    }
    // Shares move in hundredths; anything else in 200 steps over the slider.
    const bool fine = f.number != nullptr || (f.lo == 0 && f.hi == 1) || !(hi > lo);
    const double step = fine ? 0.01 : (hi - lo) / 200;
    out.push_back({f.path, f.label, f.group, v, lo, hi, step});
  }
  return out;
}

void apply_input(Scenario& s, const std::string& path, double value) {
  set_numeric_field(s, path, value);
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
  // Scenario models, whichever they are: their outputs, as each model labels them. A stored
  // document from before outputs carried labels falls back to the output's own name.
  const json models = document.value("models", json::object());
  for (const auto& [model, m] : models.items()) {
    if (!m.is_object()) continue;
    const auto outputs = m.find("outputs");
    if (outputs == m.end() || !outputs->is_array()) continue;
    for (const json& o : *outputs) {
      if (!o.is_object()) continue;
      const std::string name = o.value("name", std::string());
      const auto value = number(o.value("value", json()));
      if (name.empty() || !value) continue;
      const std::string head = name.substr(0, name.find('/'));
      const std::string rest =
          name.find('/') == std::string::npos ? name : name.substr(head.size() + 1);
      const json label = o.value("label", json());
      const json group = o.value("group", json());
      out.push_back({model + "/" + name, group.is_string() ? group.get<std::string>() : head, model,
                     label.is_string() ? label.get<std::string>() : rest, value});
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
