// Vega-Lite specifications for the report's charts. Every spec carries its data inline,
// a title, axis titles with units, and no $schema (it would be the only URL in the file;
// the HTML tells vega-embed the mode instead).
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>

#include "chart_style.hpp"
#include "entente/geo.hpp"
#include "entente/model_views.hpp"
#include "entente/report.hpp"

namespace entente::report {

using nlohmann::json;

namespace {

std::string string_or(const json& j, const char* key, const std::string& fallback) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  return fallback;
}

// The anchor's short name: the text before a colon, cut at 28 characters.
std::string short_label(const std::string& label) {
  std::string s = label.substr(0, label.find(':'));
  if (s.size() > 28) s = s.substr(0, 27) + "…";
  return s;
}

std::string scale_unit(const json& issue) {
  const json& scale = issue.value("scale", json::object());
  const double lo = number_or(scale.value("min", json(0.0)), 0.0);
  const double hi = number_or(scale.value("max", json(100.0)), 100.0);
  const std::string unit = string_or(scale, "unit", "scale units");
  char buf[96];
  std::snprintf(buf, sizeof buf, "%g–%g, %s", lo, hi, unit.c_str());
  return buf;
}

}  // namespace

Chart issue_chart(const json& issue) {
  Chart c;
  const std::string id = issue.value("id", std::string("issue"));
  const std::string name = issue.value("name", id);
  c.id = "issue-" + slug(id);
  c.title = name + ": actors and forecasts";
  const json& scale = issue.value("scale", json::object());
  const double lo = number_or(scale.value("min", json(0.0)), 0.0);
  const double hi = number_or(scale.value("max", json(100.0)), 100.0);
  const std::string axis = "Position on the issue scale (" + scale_unit(issue) + ")";

  json actors = json::array();
  const json positions = issue.value("positions", json::object());
  for (const auto& [actor, p] : positions.items()) {
    if (!p.contains("position")) continue;
    actors.push_back({{"actor", actor},
                      {"position", number_or(p["position"], 0.0)},
                      {"capability", number_or(p.value("capability", json(0.0)), 0.0)},
                      {"salience", number_or(p.value("salience", json(0.0)), 0.0)}});
  }
  json forecasts = json::array();
  json intervals = json::array();
  const json models = issue.value("models", json::object());
  for (const auto& [model, m] : models.items()) {
    if (m.contains("forecast") && m["forecast"].is_number()) {
      forecasts.push_back({{"model", model}, {"forecast", m["forecast"].get<double>()}});
      // The calibrated 80% interval, when the run has one (stored documents are untrusted).
      const auto it = m.find("interval");
      if (it != m.end() && it->is_array() && it->size() == 2 && (*it)[0].is_number() &&
          (*it)[1].is_number()) {
        intervals.push_back({{"model", model},
                             {"forecast", m["forecast"].get<double>()},
                             {"lo", (*it)[0].get<double>()},
                             {"hi", (*it)[1].get<double>()}});
      }
    }
  }
  // The status quo first: its rule is drawn under the models' (a model forecasting the
  // status quo, as nash often does, was hidden under it: issue 17).
  if (issue.contains("status_quo") && issue["status_quo"].is_number()) {
    forecasts.insert(forecasts.begin(), json{{"model", "status quo"},
                                             {"forecast", issue["status_quo"].get<double>()}});
  }
  // Each rule is named at its top; names of forecasts within 2% of the scale of each other
  // are stacked, so every model stays visible.
  for (std::size_t i = 0; i < forecasts.size(); ++i) {
    int stack = 0;
    std::vector<bool> taken(forecasts.size(), false);
    for (std::size_t k = 0; k < i; ++k) {
      // Label k starts at its rule and runs right; label i collides when its rule is
      // under it (or just left of it).
      const double dx =
          (forecasts[i]["forecast"].get<double>() - forecasts[k]["forecast"].get<double>()) /
          (hi - lo) * kWidth;
      const double wk = text_width(forecasts[k]["model"].get<std::string>(), 9) + 6;
      const double wi = text_width(forecasts[i]["model"].get<std::string>(), 9) + 6;
      if (dx > -wi && dx < wk)
        taken[static_cast<std::size_t>(forecasts[k]["level"].get<int>())] = true;
    }
    while (static_cast<std::size_t>(stack) < taken.size() && taken[static_cast<std::size_t>(stack)])
      ++stack;
    forecasts[i]["level"] = stack;
    forecasts[i]["stack"] = 2.0 + 11.0 * stack;
  }
  json model_colors = kPalette;
  if (!forecasts.empty() && forecasts[0]["model"] == "status quo") {
    model_colors = json::array({"#999999"});
    for (const auto& colour : kPalette) model_colors.push_back(colour);
  }
  // Anchor labels start with their value, so two that begin alike ("Present strength …"
  // at 50 and 75) stay distinct however far the renderer cuts them (issue 17); they
  // alternate between two rows, each as wide as the gap to its row's next label.
  json anchors = json::array();
  const json& anchor_list = scale.value("anchors", json::array());
  for (std::size_t i = 0; i < anchor_list.size(); ++i) {
    const json& a = anchor_list[i];
    const std::string label = a.value("label", std::string());
    const double v = number_or(a.value("value", json(0.0)), 0.0);
    double room = kWidth;  // px to the next label on the same row
    if (i + 2 < anchor_list.size()) {
      room =
          (number_or(anchor_list[i + 2].value("value", json(0.0)), 0.0) - v) / (hi - lo) * kWidth;
    }
    char value_text[32];
    std::snprintf(value_text, sizeof value_text, "%g", v);
    anchors.push_back({{"value", v},
                       {"label", label},
                       {"short", std::string(value_text) + " " + short_label(label)},
                       {"row", static_cast<double>(i % 2) * 14.0},
                       {"limit", std::clamp(room - 8.0, 40.0, 260.0)}});
  }
  const json x_scale = {{"domain", {lo, hi}}, {"nice", false}};
  // One colour per model in both the rules and the intervals below them.
  json domain = json::array();
  for (const auto& f : forecasts) domain.push_back(f["model"]);

  json strip = {
      {"height", 48},
      {"view", {{"stroke", nullptr}}},
      {"width", kWidth},
      {"data", {{"values", anchors}}},
      {"layer",
       {{{"mark", {{"type", "rule"}, {"color", "#555"}, {"strokeWidth", 2}}},
         {"encoding",
          {{"x",
            {{"field", "value"}, {"type", "quantitative"}, {"scale", x_scale}, {"axis", nullptr}}},
           {"y", {{"value", 32}}},
           {"y2", {{"value", 48}}},
           {"tooltip",
            {{{"field", "label"}, {"title", "Anchor"}},
             {{"field", "value"}, {"title", "Position"}}}}}}},
        {{"mark",
          {{"type", "text"},
           {"baseline", "top"},
           {"fontSize", 11},
           {"limit", {{"expr", "datum.limit"}}}}},
         {"encoding",
          {{"x",
            {{"field", "value"}, {"type", "quantitative"}, {"scale", x_scale}, {"axis", nullptr}}},
           {"y", {{"field", "row"}, {"type", "quantitative"}, {"scale", nullptr}}},
           {"text", {{"field", "short"}}},
           {"tooltip", {{{"field", "label"}, {"title", "Anchor"}}}}}}}}},
      {"title",
       {{"text", "Scale anchors"},
        {"fontSize", 11},
        {"anchor", "start"},
        {"fontWeight", "normal"}}}};

  json dots = {
      {"width", kWidth},
      {"height", std::max<std::size_t>(120, 22 * actors.size())},
      {"layer",
       {{{"data", {{"values", forecasts}}},
         {"mark", {{"type", "rule"}, {"strokeDash", {6, 3}}}},
         {"encoding",
          {{"x",
            {{"field", "forecast"}, {"type", "quantitative"}, {"scale", x_scale}, {"title", axis}}},
           {"strokeWidth",
            {{"condition", {{"test", "datum.model === 'status quo'"}, {"value", 5}}},
             {"value", 2}}},
           {"opacity",
            {{"condition", {{"test", "datum.model === 'status quo'"}, {"value", 0.45}}},
             {"value", 1}}},
           {"color",
            {{"field", "model"},
             {"type", "nominal"},
             {"title", "Forecast by model"},
             {"scale", {{"domain", domain}, {"range", model_colors}}}}},
           {"tooltip",
            {{{"field", "model"}, {"title", "Model"}},
             {{"field", "forecast"}, {"title", "Forecast"}, {"format", ".1f"}}}}}}},
        {{"data", {{"values", forecasts}}},
         {"mark",
          {{"type", "text"}, {"align", "left"}, {"baseline", "top"}, {"dx", 3}, {"fontSize", 9}}},
         {"encoding",
          {{"x", {{"field", "forecast"}, {"type", "quantitative"}, {"scale", x_scale}}},
           {"y", {{"field", "stack"}, {"type", "quantitative"}, {"scale", nullptr}}},
           {"text", {{"field", "model"}}},
           {"color",
            {{"field", "model"},
             {"type", "nominal"},
             {"scale", {{"domain", domain}, {"range", model_colors}}}}}}}},
        {{"data", {{"values", actors}}},
         {"mark", {{"type", "circle"}, {"color", "#333"}, {"opacity", 0.85}}},
         {"encoding",
          {{"x",
            {{"field", "position"}, {"type", "quantitative"}, {"scale", x_scale}, {"title", axis}}},
           {"y",
            {{"field", "actor"},
             {"type", "nominal"},
             {"title", "Actor"},
             {"sort", {{"field", "position"}, {"order", "ascending"}}}}},
           {"size",
            {{"field", "capability"},
             {"type", "quantitative"},
             {"title", "Capability (share)"},
             {"scale", {{"range", {40, 600}}}}}},
           {"tooltip",
            {{{"field", "actor"}, {"title", "Actor"}},
             {{"field", "position"}, {"title", "Position"}, {"format", ".1f"}},
             {{"field", "capability"}, {"title", "Capability"}, {"format", ".3f"}},
             {{"field", "salience"}, {"title", "Salience"}, {"format", ".2f"}}}}}}}}}};

  json panels = {strip, dots};
  if (!intervals.empty()) {
    const json y = {{"field", "model"}, {"type", "nominal"}, {"title", "80% interval"}};
    const json tooltip = {{{"field", "model"}, {"title", "Model"}},
                          {{"field", "forecast"}, {"title", "Forecast"}, {"format", ".1f"}},
                          {{"field", "lo"}, {"title", "80% from"}, {"format", ".1f"}},
                          {{"field", "hi"}, {"title", "80% to"}, {"format", ".1f"}}};
    const json color = {{"field", "model"},
                        {"type", "nominal"},
                        {"scale", {{"domain", domain}, {"range", model_colors}}}};
    panels.push_back(
        {{"width", kWidth},
         {"height", 18 * intervals.size()},
         {"data", {{"values", intervals}}},
         {"layer",
          {{{"mark", {{"type", "rule"}, {"strokeWidth", 3}, {"opacity", 0.6}}},
            {"encoding",
             {{"x",
               {{"field", "lo"}, {"type", "quantitative"}, {"scale", x_scale}, {"title", axis}}},
              {"x2", {{"field", "hi"}}},
              {"y", y},
              {"color", color},
              {"tooltip", tooltip}}}},
           {{"mark", {{"type", "tick"}, {"thickness", 2}}},
            {"encoding",
             {{"x", {{"field", "forecast"}, {"type", "quantitative"}, {"scale", x_scale}}},
              {"y", y},
              {"color", color},
              {"tooltip", tooltip}}}}}}});
  }
  c.spec = {
      {"title",
       title(c.title, "Circles: actors' positions, area ∝ capability. Dashed rules: forecasts.")},
      {"vconcat", panels},
      {"spacing", 4}};
  c.caption = "Where each actor stands on " + name + " (" + scale_unit(issue) +
              "), the scale's labelled anchors above, and every model's forecast as a dashed "
              "vertical rule (the status quo too, when known). Larger circles are more capable "
              "actors.";
  if (!intervals.empty()) {
    c.caption +=
        " Below: each model's 80% interval, from the errors that model made on real EU "
        "decisions (DEU; split conformal). On other cases it is an extrapolation.";
  }
  return c;
}

Chart trajectory_chart(const json& issue) {
  Chart c;
  const json& bdm = issue.value("models", json::object()).value("bdm", json::object());
  const json& rounds = bdm.value("rounds", json::array());
  if (!rounds.is_array() || rounds.empty()) return c;
  const std::string id = issue.value("id", std::string("issue"));
  const std::string name = issue.value("name", id);
  c.id = "bdm-" + slug(id);
  c.title = name + ": bdm bargaining rounds";
  json points = json::array();
  json medians = json::array();
  for (const auto& r : rounds) {
    const int round = r.value("round", 0);
    const json positions = r.value("positions", json::object());
    for (const auto& [actor, pos] : positions.items()) {
      points.push_back({{"round", round}, {"actor", actor}, {"position", number_or(pos, 0.0)}});
    }
    if (r.contains("median") && r["median"].is_number()) {
      medians.push_back({{"round", round}, {"median", r["median"].get<double>()}});
    }
  }
  const std::string axis = "Position (" + scale_unit(issue) + ")";
  c.spec = {
      {"title",
       title(c.title,
             "Each line is an actor's position after each round; dashed: the round's median.")},
      {"width", kWidth},
      {"height", 300},
      {"layer",
       {{{"data", {{"values", points}}},
         {"mark", {{"type", "line"}, {"point", true}}},
         {"encoding",
          {{"x",
            {{"field", "round"},
             {"type", "quantitative"},
             {"title", "Round (bdm iteration)"},
             {"axis", {{"tickMinStep", 1}, {"format", "d"}}}}},
           {"y", {{"field", "position"}, {"type", "quantitative"}, {"title", axis}}},
           {"color",
            {{"field", "actor"},
             {"type", "nominal"},
             {"title", "Actor"},
             {"scale", {{"scheme", "tableau20"}}}}},
           {"tooltip",
            {{{"field", "actor"}, {"title", "Actor"}},
             {{"field", "round"}, {"title", "Round"}},
             {{"field", "position"}, {"title", "Position"}, {"format", ".1f"}}}}}}},
        {{"data", {{"values", medians}}},
         {"mark",
          {{"type", "line"}, {"color", "#000"}, {"strokeDash", {5, 4}}, {"strokeWidth", 2}}},
         {"encoding",
          {{"x", {{"field", "round"}, {"type", "quantitative"}}},
           {"y", {{"field", "median"}, {"type", "quantitative"}}}}}}}}};
  c.caption = "The Bueno de Mesquita expected-utility model's rounds on " + name +
              ": each actor's position after each round of proposals, challenges and "
              "concessions (" +
              std::to_string(rounds.size()) +
              " rounds including the start); the dashed black line is the capability-weighted "
              "median, the model's forecast rule.";
  return c;
}

json topojson_features(const json& topology, const std::string& object,
                       const std::set<std::string>& ids) {
  if (!topology.is_object() || !topology.contains("arcs") || !topology.contains("objects") ||
      !topology["objects"].contains(object)) {
    throw std::invalid_argument("TopoJSON: no arcs or no object '" + object + "'");
  }
  double sx = 1, sy = 1, tx = 0, ty = 0;
  const bool quantized = topology.contains("transform");
  if (quantized) {
    sx = topology["transform"]["scale"][0].get<double>();
    sy = topology["transform"]["scale"][1].get<double>();
    tx = topology["transform"]["translate"][0].get<double>();
    ty = topology["transform"]["translate"][1].get<double>();
  }
  const json& arcs = topology["arcs"];
  // Arc i as absolute coordinates (delta-decoded when quantized); ~i is arc i reversed.
  auto arc = [&](long index) {
    const bool reversed = index < 0;
    const auto i = static_cast<std::size_t>(reversed ? ~index : index);
    if (i >= arcs.size()) throw std::invalid_argument("TopoJSON: arc index out of range");
    std::vector<std::array<double, 2>> pts;
    double x = 0, y = 0;
    for (const auto& p : arcs[i]) {
      if (quantized) {
        x += p[0].get<double>();
        y += p[1].get<double>();
        pts.push_back({x * sx + tx, y * sy + ty});
      } else {
        pts.push_back({p[0].get<double>(), p[1].get<double>()});
      }
    }
    if (reversed) std::reverse(pts.begin(), pts.end());
    return pts;
  };
  auto ring = [&](const json& indices) {
    json out = json::array();
    for (const auto& idx : indices) {
      auto pts = arc(idx.get<long>());
      // Consecutive arcs share their junction point: drop the repeat.
      for (std::size_t k = out.empty() ? 0 : 1; k < pts.size(); ++k)
        out.push_back({pts[k][0], pts[k][1]});
    }
    return out;
  };
  json features = json::array();
  for (const auto& g : topology["objects"][object].value("geometries", json::array())) {
    std::string id;
    if (g.contains("id")) id = g["id"].is_string() ? g["id"].get<std::string>() : g["id"].dump();
    if (!ids.empty() && ids.count(id) == 0) continue;
    const std::string type = g.value("type", std::string());
    json geometry;
    if (type == "Polygon") {
      json rings = json::array();
      for (const auto& r : g["arcs"]) rings.push_back(ring(r));
      geometry = {{"type", "Polygon"}, {"coordinates", rings}};
    } else if (type == "MultiPolygon") {
      json polys = json::array();
      for (const auto& poly : g["arcs"]) {
        json rings = json::array();
        for (const auto& r : poly) rings.push_back(ring(r));
        polys.push_back(rings);
      }
      geometry = {{"type", "MultiPolygon"}, {"coordinates", polys}};
    } else {
      continue;
    }
    features.push_back({{"type", "Feature"},
                        {"id", id},
                        {"properties", g.value("properties", json::object())},
                        {"geometry", geometry}});
  }
  return features;
}

json map_layers(const Scenario& s) {
  json out = {{"lines", json::array()}, {"rings", json::array()}, {"forces", json::array()}};
  double lon_min = 1e9, lat_min = 1e9, lon_max = -1e9, lat_max = -1e9;
  auto extend = [&](const GeoPoint& p) {
    lon_min = std::min(lon_min, p.lon);
    lon_max = std::max(lon_max, p.lon);
    lat_min = std::min(lat_min, p.lat);
    lat_max = std::max(lat_max, p.lat);
  };
  auto coordinates = [&](const std::vector<GeoPoint>& pts) {
    json c = json::array();
    for (const GeoPoint& p : pts) {
      c.push_back({p.lon, p.lat});
      extend(p);
    }
    return c;
  };
  for (const Line& l : s.lines) {
    out["lines"].push_back(
        {{"type", "Feature"},
         {"properties", {{"id", l.id}, {"name", l.name}}},
         {"geometry", {{"type", "LineString"}, {"coordinates", coordinates(l.points)}}}});
  }
  const auto exposure = geo::force_exposure(s, geo::enemies_outside_alliances(s));
  // Rings: the weapons that threaten some force of the scenario (enemies of at least one
  // unit's owner), count > 0.
  std::set<std::string> threatening;
  for (const auto& u : exposure) {
    for (const auto& r : u.reached) threatening.insert(r.weapon);
  }
  const auto is_enemy = geo::enemies_outside_alliances(s);
  for (const Weapon& w : s.weapons) {
    if (w.count.value <= 0.0) continue;
    bool enemy_of_some_force = threatening.count(w.id) > 0;
    for (const Force& f : s.forces)
      enemy_of_some_force = enemy_of_some_force || is_enemy(f.owner, w.owner);
    if (!enemy_of_some_force) continue;
    const std::string label = w.owner + ": " + w.system.substr(0, w.system.find(',')) + " — " +
                              std::to_string(static_cast<int>(std::lround(w.range_km.value))) +
                              " km";
    auto add = [&](const std::vector<GeoPoint>& ring) {
      out["rings"].push_back(
          {{"type", "Feature"},
           {"properties",
            {{"weapon", w.id},
             {"owner", w.owner},
             {"system", w.system},
             {"label", label},
             {"range_km", w.range_km.value},
             {"count", w.count.value}}},
           {"geometry", {{"type", "Polygon"}, {"coordinates", {coordinates(ring)}}}}});
    };
    if (!w.front_line.empty()) {
      if (const Line* l = s.line(w.front_line))
        add(geo::geodesic_buffer(l->points, w.range_km.value, 72));
    } else {
      for (const GeoPoint& site : w.sites) add(geo::geodesic_circle(site, w.range_km.value, 72));
    }
  }
  for (std::size_t i = 0; i < s.forces.size(); ++i) {
    const Force& f = s.forces[i];
    extend(f.location);
    const geo::UnitExposure& u = exposure[i];
    std::string reached;
    for (const auto& r : u.reached) reached += (reached.empty() ? "" : ", ") + r.weapon;
    const Place* at = f.place.empty() ? nullptr : s.place(f.place);
    std::string label = at != nullptr ? at->name : f.unit.substr(0, f.unit.find(':'));
    if (label.empty()) label = f.id;
    out["forces"].push_back({{"id", f.id},
                             {"label", label},
                             {"unit", f.unit},
                             {"owner", f.owner},
                             {"kind", f.kind},
                             {"lat", f.location.lat},
                             {"lon", f.location.lon},
                             {"strength", f.strength.value},
                             {"exposed", u.exposed()},
                             {"status", u.exposed() ? "inside enemy range" : "out of range"},
                             {"weapons_in_range", u.weapons_in_range},
                             {"reached_by", reached}});
  }
  // Labels from the scenario: each line's name (cut before any parenthesis) at its last
  // point; each named place near the forces and lines (within kPlaceReachKm of one) that no
  // force stands at (a force's label names its place) and that is not at a line's vertex.
  constexpr double kPlaceReachKm = 300;
  constexpr double kOnLineKm = 5;  // a place this near a line's vertex is labelled by the line
  json labels = json::array();
  auto cut = [](const std::string& name) {
    std::string t = name.substr(0, name.find(" ("));
    return t.empty() ? name : t;
  };
  for (const Line& l : s.lines) {
    if (l.points.empty()) continue;
    labels.push_back({{"text", cut(l.name.empty() ? l.id : l.name)},
                      {"kind", "line"},
                      {"lat", l.points.back().lat},
                      {"lon", l.points.back().lon}});
  }
  for (const Place& p : s.places) {
    bool at_force = false, on_line = false, near = false;
    for (const Force& f : s.forces) {
      at_force = at_force || f.place == p.id;
      near = near || geo::distance_km(f.location, p.at) <= kPlaceReachKm;
    }
    for (const Line& l : s.lines) {
      for (const GeoPoint& q : l.points) {
        const double d = geo::distance_km(q, p.at);
        on_line = on_line || d < kOnLineKm;
        near = near || d <= kPlaceReachKm;
      }
    }
    if (at_force || on_line || !near) continue;
    labels.push_back({{"text", p.name.empty() ? p.id : p.name},
                      {"kind", "place"},
                      {"lat", p.at.lat},
                      {"lon", p.at.lon}});
    extend(p.at);
  }
  out["labels"] = labels;
  if (lon_min > lon_max) {  // nothing located: the peninsula
    lon_min = 124.0, lat_min = 33.0, lon_max = 131.0, lat_max = 43.0;
  }
  out["bounds"] = {lon_min, lat_min, lon_max, lat_max};
  return out;
}

Chart map_chart(const json& layers, const json& countries, const json& after,
                const std::string& after_date) {
  Chart c;
  c.id = "map";
  c.title = "Forces, lines and enemy weapon ranges";
  constexpr double kMapWidth = 640;
  constexpr double kMapHeight = 560;
  const bool two = after.is_object() && !after.value("forces", json::array()).empty();
  const json fallback = json::array({124.0, 33.0, 131.0, 43.0});
  json b = layers.value("bounds", fallback);
  if (two) {
    const json& a = after.value("bounds", fallback);
    b = {std::min(b[0].get<double>(), a[0].get<double>()),
         std::min(b[1].get<double>(), a[1].get<double>()),
         std::max(b[2].get<double>(), a[2].get<double>()),
         std::max(b[3].get<double>(), a[3].get<double>())};
  }
  const double pad = 0.35;  // degrees around the layers
  const double lon0 = b[0].get<double>() - pad, lon1 = b[2].get<double>() + pad;
  const double lat0 = b[1].get<double>() - pad, lat1 = b[3].get<double>() + pad;
  // Mercator (d3): x = k λ, y = k ln tan(π/4 + φ/2); the scale k that fits both extents.
  const double deg = std::numbers::pi / 180.0;
  auto merc = [&](double lat) { return std::log(std::tan(std::numbers::pi / 4 + lat * deg / 2)); };
  const double k =
      std::min(kMapWidth / ((lon1 - lon0) * deg), kMapHeight / (merc(lat1) - merc(lat0)));
  const double center_lat = std::atan(std::sinh((merc(lat0) + merc(lat1)) / 2)) / deg;
  const json projection = {
      {"type", "mercator"}, {"scale", k}, {"center", {(lon0 + lon1) / 2, center_lat}}};

  // Forces and rings at the run's date and, when events move forces later, after them: a
  // radio button (a Vega-Lite parameter) chooses which posture is drawn.
  const std::string before_name = "at the run's date";
  const std::string after_name = "after the force moves (" + after_date + ")";
  json forces = json::array();
  json rings = json::array();
  auto tag = [](json rows, const std::string& posture, json& into) {
    for (json& r : rows) {
      r["posture"] = posture;
      into.push_back(std::move(r));
    }
  };
  tag(layers.value("forces", json::array()), before_name, forces);
  tag(layers.value("rings", json::array()), before_name, rings);
  if (two) {
    tag(after.value("forces", json::array()), after_name, forces);
    tag(after.value("rings", json::array()), after_name, rings);
  }
  const json filter =
      two ? json::array({{{"filter", "datum.posture === posture"}}}) : json::array();
  // The rings' stroke and fill share one legend: the weapon and its range.
  const json ring_legend = {
      {"field", "properties.label"},
      {"type", "nominal"},
      {"title", "Enemy weapon — range"},
      {"scale", {{"range", kPalette}}},
      {"legend",
       {{"orient", "bottom"}, {"columns", 1}, {"labelLimit", 560}, {"symbolType", "stroke"}}}};
  json params = json::array();
  if (two) {
    params.push_back({{"name", "posture"},
                      {"value", before_name},
                      {"bind",
                       {{"input", "radio"},
                        {"options", {before_name, after_name}},
                        {"name", "Forces and weapons: "}}}});
  }
  c.spec = {
      {"title",
       title(c.title, "Orange: units inside the range of an enemy weapon; blue: out of range.")},
      {"width", kMapWidth},
      {"height", kMapHeight},
      {"projection", projection},
      {"layer",
       {{{"data", {{"values", countries}}},
         {"mark",
          {{"type", "geoshape"},
           {"fill", "#eeeeea"},
           {"stroke", "#888"},
           {"strokeWidth", 0.8},
           {"clip", true}}}},
        {{"data", {{"values", rings}}},
         {"transform", filter},
         {"mark",
          {{"type", "geoshape"}, {"fillOpacity", 0.06}, {"strokeWidth", 1.4}, {"clip", true}}},
         {"encoding",
          {{"stroke", ring_legend},
           {"fill", ring_legend},
           {"tooltip",
            {{{"field", "properties.system"}, {"title", "Weapon"}},
             {{"field", "properties.range_km"}, {"title", "Range (km)"}, {"format", ".0f"}},
             {{"field", "properties.count"}, {"title", "Count"}, {"format", ".0f"}}}}}}},
        {{"data", {{"values", layers.value("lines", json::array())}}},
         {"mark",
          {{"type", "geoshape"},
           {"filled", false},
           {"stroke", "#B00020"},
           {"strokeWidth", 3},
           {"clip", true}}},
         {"encoding", {{"tooltip", {{{"field", "properties.name"}, {"title", "Line"}}}}}}},
        {{"data", {{"values", layers.value("labels", json::array())}}},
         {"mark",
          {{"type", "text"},
           {"align", "left"},
           {"baseline", "bottom"},
           {"dx", 4},
           {"dy", -7},
           {"fontSize", 11},
           {"fontStyle", "italic"},
           {"color", "#444"}}},
         {"encoding",
          {{"longitude", {{"field", "lon"}, {"type", "quantitative"}}},
           {"latitude", {{"field", "lat"}, {"type", "quantitative"}}},
           {"text", {{"field", "text"}}}}}},
        {{"data", {{"values", layers.value("labels", json::array())}}},
         {"transform", {{{"filter", "datum.kind === 'place'"}}}},
         {"mark", {{"type", "point"}, {"shape", "cross"}, {"size", 30}, {"color", "#444"}}},
         {"encoding",
          {{"longitude", {{"field", "lon"}, {"type", "quantitative"}}},
           {"latitude", {{"field", "lat"}, {"type", "quantitative"}}},
           {"tooltip", {{{"field", "text"}, {"title", "Place"}}}}}}},
        {{"data", {{"values", forces}}},
         {"transform", filter},
         {"mark", {{"type", "circle"}, {"stroke", "#fff"}, {"strokeWidth", 1}, {"opacity", 0.95}}},
         {"encoding",
          {{"longitude", {{"field", "lon"}, {"type", "quantitative"}}},
           {"latitude", {{"field", "lat"}, {"type", "quantitative"}}},
           {"size",
            {{"field", "strength"},
             {"type", "quantitative"},
             {"title", "Personnel (nominal)"},
             {"scale", {{"range", {60, 500}}}}}},
           {"color",
            {{"field", "status"},
             {"type", "nominal"},
             {"title", "Unit"},
             {"scale",
              {{"domain", {"inside enemy range", "out of range"}},
               {"range", {kExposedColor, kSafeColor}}}}}},
           {"tooltip",
            {{{"field", "unit"}, {"title", "Unit"}},
             {{"field", "owner"}, {"title", "Owner"}},
             {{"field", "strength"}, {"title", "Personnel"}, {"format", ",.0f"}},
             {{"field", "status"}, {"title", "Status"}},
             {{"field", "reached_by"}, {"title", "Reached by"}}}}}}},
        {{"data", {{"values", forces}}},
         {"transform", filter},
         {"mark",
          {{"type", "text"}, {"align", "left"}, {"dx", 9}, {"fontSize", 10}, {"color", "#222"}}},
         {"encoding",
          {{"longitude", {{"field", "lon"}, {"type", "quantitative"}}},
           {"latitude", {{"field", "lat"}, {"type", "quantitative"}}},
           {"text", {{"field", "label"}}}}}}}}};
  if (two) {
    c.spec["params"] = params;
    // The legend grows when the other posture has more weapons: let the view resize.
    c.spec["autosize"] = {{"type", "pad"}, {"resize", true}};
  }
  // The caption names what is drawn, from the layers (the scenario), as the chart's text
  // alternative: each weapon and range, each unit's status.
  std::string weapons;
  std::set<std::string> seen;
  for (const json& r : layers.value("rings", json::array())) {
    const std::string l = r["properties"].value("label", std::string());
    if (seen.insert(l).second) weapons += (weapons.empty() ? "" : "; ") + l;
  }
  std::string lines;
  for (const json& l : layers.value("lines", json::array()))
    lines += (lines.empty() ? "" : ", ") + l["properties"].value("name", std::string());
  auto exposed = [](const json& rows) {
    std::string t;
    for (const json& f : rows) {
      if (f.value("exposed", false)) t += (t.empty() ? "" : ", ") + f.value("id", std::string());
    }
    return t.empty() ? std::string("none") : t;
  };
  c.caption =
      "Natural Earth country outlines (world-atlas, 1:50m); the scenario's lines (red: " + lines +
      ") and named places; the outline of the points within each enemy weapon's nominal "
      "range of its line or sites, computed as geodesics on the WGS84 ellipsoid (" +
      (weapons.empty() ? std::string("none") : weapons) +
      "). Circles are force units, area ∝ nominal personnel; orange units lie inside an "
      "enemy weapon's range (" +
      exposed(layers.value("forces", json::array())) + ").";
  if (two)
    c.caption +=
        " The buttons below switch to the forces and weapons after the scenario's "
        "events that move forces (" +
        after_date + "); inside range then: " + exposed(after.value("forces", json::array())) + ".";
  c.caption += " Mercator projection fitted to the layers; longitude and latitude in degrees.";
  return c;
}

std::vector<Chart> distribution_charts(const json& outputs, std::uint64_t samples,
                                       const std::string& suffix, const std::string& what,
                                       const std::string& unit) {
  std::vector<Chart> out;
  json bins = json::array();
  json quantiles = json::array();
  std::vector<std::string> narrow;  // every draw in one bin: shown as an interval only
  for (const auto& o : outputs) {
    const std::string id = o.value("id", std::string());
    const json& h = o.value("histogram", json::array());
    const json& range = o.value("range", json::array());
    std::size_t filled = 0;
    if (h.is_array()) {
      for (const auto& n : h) filled += n.is_number() && n.get<double>() > 0 ? 1 : 0;
    }
    // A histogram of one bar says only "about here" (issue 17): the ranges chart shows
    // that output's interval instead.
    if (filled == 1) narrow.push_back(id);
    if (filled > 1 && range.is_array() && range.size() == 2) {
      const double lo = range[0].get<double>(), hi = range[1].get<double>();
      const double w = (hi - lo) / static_cast<double>(h.size());
      for (std::size_t i = 0; i < h.size(); ++i) {
        bins.push_back({{"output", id},
                        {"bin_start", lo + w * static_cast<double>(i)},
                        {"bin_end", lo + w * static_cast<double>(i + 1)},
                        {"count", h[i]}});
      }
    }
    const json& q = o.value("quantiles", json::object());
    if (q.contains("p50")) {
      quantiles.push_back({{"output", id},
                           {"p5", q.value("p5", json())},
                           {"p25", q.value("p25", json())},
                           {"p50", q.value("p50", json())},
                           {"p75", q.value("p75", json())},
                           {"p95", q.value("p95", json())},
                           {"mean", o.value("mean", json())}});
    }
  }
  if (bins.empty() && quantiles.empty()) return out;
  std::string narrow_text;
  for (const std::string& id : narrow) narrow_text += (narrow_text.empty() ? "" : ", ") + id;
  if (!bins.empty()) {
    Chart c;
    c.id = "sweep-hist-" + suffix;
    c.title = "Monte Carlo distribution of the " + what;
    c.spec = {{"title", title(c.title, std::to_string(samples) +
                                           " draws of the scenario's uncertain inputs")},
              {"data", {{"values", bins}}},
              {"columns", 3},
              {"facet",
               {{"field", "output"},
                {"type", "nominal"},
                {"title", "Output (issue/model or alliance/metric)"}}},
              {"spec",
               {{"width", 190},
                {"height", 110},
                {"mark", {{"type", "rect"}, {"color", kSafeColor}}},
                {"encoding",
                 {{"x", {{"field", "bin_start"}, {"type", "quantitative"}, {"title", unit}}},
                  {"x2", {{"field", "bin_end"}}},
                  {"y", {{"field", "count"}, {"type", "quantitative"}, {"title", "Draws (count)"}}},
                  {"tooltip",
                   {{{"field", "bin_start"}, {"title", "From"}, {"format", ".2f"}},
                    {{"field", "bin_end"}, {"title", "To"}, {"format", ".2f"}},
                    {{"field", "count"}, {"title", "Draws"}}}}}}}},
              {"resolve", {{"scale", {{"x", "independent"}, {"y", "independent"}}}}}};
    c.caption = "Histograms of the " + what + " over the sweep's " + std::to_string(samples) +
                " Monte Carlo draws: how often each value came out when the uncertain inputs "
                "(positions, capabilities, risk attitudes, ranges …) are drawn from their "
                "stated distributions.";
    if (!narrow.empty())
      c.caption += " Not drawn here, because every draw fell in one bin: " + narrow_text +
                   " (see their intervals in the ranges chart).";
    out.push_back(std::move(c));
  }
  if (!quantiles.empty()) {
    Chart c;
    c.id = "sweep-quantiles-" + suffix;
    c.title = "Uncertainty ranges of the " + what;
    const json y = {{"field", "output"}, {"type", "nominal"}, {"title", "Output"}};
    c.spec = {
        {"title", title(c.title, "Thin line: 5–95 %; box: 25–75 %; white tick: median; dot: mean")},
        {"data", {{"values", quantiles}}},
        {"width", kWidth},
        {"height", {{"step", 18}}},
        {"layer",
         {{{"mark", {{"type", "rule"}, {"color", "#555"}}},
           {"encoding",
            {{"y", y},
             {"x", {{"field", "p5"}, {"type", "quantitative"}, {"title", unit}}},
             {"x2", {{"field", "p95"}}}}}},
          {{"mark", {{"type", "bar"}, {"color", kSafeColor}, {"size", 12}}},
           {"encoding",
            {{"y", y},
             {"x", {{"field", "p25"}, {"type", "quantitative"}}},
             {"x2", {{"field", "p75"}}},
             {"tooltip",
              {{{"field", "output"}},
               {{"field", "p5"}, {"format", ".2f"}},
               {{"field", "p25"}, {"format", ".2f"}},
               {{"field", "p50"}, {"format", ".2f"}},
               {{"field", "p75"}, {"format", ".2f"}},
               {{"field", "p95"}, {"format", ".2f"}}}}}}},
          {{"mark", {{"type", "tick"}, {"color", "#fff"}, {"thickness", 2}, {"size", 12}}},
           {"encoding", {{"y", y}, {"x", {{"field", "p50"}, {"type", "quantitative"}}}}}},
          {{"mark", {{"type", "point"}, {"filled", true}, {"color", "#000"}, {"size", 20}}},
           {"encoding", {{"y", y}, {"x", {{"field", "mean"}, {"type", "quantitative"}}}}}}}}};
    c.caption = "The spread of each of the " + what +
                " across the sweep: the central 90 % and 50 % of draws, the median and the "
                "mean. Wide boxes are forecasts the inputs' uncertainty leaves open.";
    if (!narrow.empty())
      c.caption += " Every draw of " + narrow_text +
                   " fell in one histogram bin: this interval is their whole distribution.";
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Chart> sweep_charts(const json& sweep) {
  std::vector<Chart> out;
  const json& outputs = sweep.value("outputs", json::array());
  const std::uint64_t samples = sweep.value("samples", std::uint64_t{0});
  // Issue forecasts share the issue scales; each scenario model's outputs are drawn by its
  // view (entente/model_views.hpp), or else together on a scale of their own.
  json issues = json::array();
  json generic = json::array();
  std::map<std::string, json> by_model;
  for (const auto& o : outputs) {
    if (!o.value("issue", std::string()).empty()) {
      issues.push_back(o);
      continue;
    }
    // Older sweep documents name no model: an output's id starts with it ("crisis/...").
    std::string model = o.value("model", std::string());
    if (model.empty()) {
      const std::string id = o.value("id", std::string());
      model = id.substr(0, id.find('/'));
    }
    const ModelView* view = find_model_view(model);
    if (view != nullptr && view->sweep_charts) {
      by_model[view->model].push_back(o);
    } else {
      generic.push_back(o);
    }
  }
  auto append = [&out](std::vector<Chart> charts) {
    for (Chart& c : charts) out.push_back(std::move(c));
  };
  append(distribution_charts(issues, samples, "issues", "issue forecasts",
                             "Forecast position (issue scale units)"));
  for (const ModelView& view : model_views()) {
    if (const auto it = by_model.find(view.model); it != by_model.end())
      append(view.sweep_charts(it->second, samples));
  }
  append(distribution_charts(generic, samples, "outputs", "scenario models' outputs",
                             "Output value (the model's own unit)"));
  return out;
}

namespace {

// True when no input moves the output: every Morris μ* (Sobol total index) is 0.
bool unmoved(const json& output, bool sobol) {
  for (const auto& in : output.value("inputs", json::array())) {
    const double v = number_or(in.value(sobol ? "total" : "mu_star", json()), 0.0);
    if (std::abs(v) > 0) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> unmoved_outputs(const json& sens) {
  std::vector<std::string> out;
  const bool sobol = sens.value("method", std::string("morris")) == "sobol";
  for (const auto& o : sens.value("outputs", json::array())) {
    if (!o.value("inputs", json::array()).empty() && unmoved(o, sobol))
      out.push_back(o.value("output", std::string()));
  }
  return out;
}

std::vector<Chart> sensitivity_charts(const json& sens, std::size_t top) {
  std::vector<Chart> out;
  const std::string method = sens.value("method", std::string("morris"));
  const bool sobol = method == "sobol";
  for (const auto& o : sens.value("outputs", json::array())) {
    const std::string output = o.value("output", std::string());
    json inputs = o.value("inputs", json::array());
    // Ten inputs of effect 0 ranked "most influential" would be arbitrary (issue 17): such
    // an output gets no chart, and the section says nothing moves it (unmoved_outputs).
    if (inputs.empty() || unmoved(o, sobol)) continue;
    std::stable_sort(inputs.begin(), inputs.end(), [](const json& a, const json& b) {
      return a.value("rank", 0) < b.value("rank", 0);
    });
    json rows = json::array();
    for (std::size_t i = 0; i < inputs.size() && i < top; ++i) {
      const json& in = inputs[i];
      if (sobol) {
        rows.push_back({{"input", in.value("input", std::string())},
                        {"index", "total (Sᴛ)"},
                        {"value", number_or(in.value("total", json()), 0.0)},
                        {"rank", in.value("rank", 0)}});
        rows.push_back({{"input", in.value("input", std::string())},
                        {"index", "first order (S₁)"},
                        {"value", number_or(in.value("first", json()), 0.0)},
                        {"rank", in.value("rank", 0)}});
      } else {
        const double mu = number_or(in.value("mu", json()), 0.0);
        rows.push_back({{"input", in.value("input", std::string())},
                        {"mu", mu},
                        {"mu_star", number_or(in.value("mu_star", json()), 0.0)},
                        {"sigma", number_or(in.value("sigma", json()), 0.0)},
                        {"direction", mu >= 0 ? "raises the output" : "lowers the output"},
                        {"rank", in.value("rank", 0)}});
      }
    }
    Chart c;
    c.id = "tornado-" + slug(output);
    c.title = "What drives " + output;
    const json y = {{"field", "input"},
                    {"type", "nominal"},
                    {"title", "Uncertain input"},
                    {"sort", {{"field", "rank"}, {"order", "ascending"}}},
                    {"axis",
                     {{"labelLimit", 320},
                      {"titleAngle", 0},
                      {"titleAlign", "right"},
                      {"titleBaseline", "bottom"},
                      {"titleX", 0},
                      {"titleY", -6}}}};
    if (sobol) {
      c.spec = {{"title", title(c.title, "Sobol indices, the " + std::to_string(rows.size() / 2) +
                                             " most influential inputs")},
                {"data", {{"values", rows}}},
                {"width", 360},
                {"height", {{"step", 12}}},
                {"mark", {{"type", "bar"}}},
                {"encoding",
                 {{"y", y},
                  {"yOffset", {{"field", "index"}}},
                  {"x",
                   {{"field", "value"},
                    {"type", "quantitative"},
                    {"title", "Share of the output's variance (0–1)"}}},
                  {"color",
                   {{"field", "index"},
                    {"type", "nominal"},
                    {"title", "Index"},
                    {"scale", {{"range", {kSafeColor, "#E69F00"}}}}}},
                  {"tooltip",
                   {{{"field", "input"}},
                    {{"field", "index"}},
                    {{"field", "value"}, {"format", ".3f"}}}}}}};
      c.caption = "Sobol sensitivity of " + output +
                  ": the share of its variance due to each uncertain input alone (first order) "
                  "and with its interactions (total), the most influential inputs first.";
    } else {
      c.spec = {{"title", title(c.title, "Morris screening, the " + std::to_string(rows.size()) +
                                             " most influential inputs by μ*")},
                {"data", {{"values", rows}}},
                {"width", 360},
                {"height", {{"step", 18}}},
                {"layer",
                 {{{"mark", {{"type", "bar"}}},
                   {"encoding",
                    {{"y", y},
                     {"x",
                      {{"field", "mu"},
                       {"type", "quantitative"},
                       {"title", "Mean elementary effect μ (output units per input range)"}}},
                     {"color",
                      {{"field", "direction"},
                       {"type", "nominal"},
                       {"title", "Effect"},
                       {"scale",
                        {{"domain", {"raises the output", "lowers the output"}},
                         {"range", {kSafeColor, kExposedColor}}}}}},
                     {"tooltip",
                      {{{"field", "input"}, {"title", "Input"}},
                       {{"field", "mu"}, {"title", "μ"}, {"format", ".3f"}},
                       {{"field", "mu_star"}, {"title", "μ*"}, {"format", ".3f"}},
                       {{"field", "sigma"}, {"title", "σ"}, {"format", ".3f"}}}}}}},
                  {{"mark", {{"type", "rule"}, {"color", "#000"}}},
                   {"encoding", {{"x", {{"datum", 0}}}}}}}}};
      c.caption = "Morris screening of " + output +
                  ": each bar is an input's mean elementary effect μ (signed: blue raises the "
                  "output, orange lowers it), inputs ordered by μ*, the mean absolute effect. "
                  "Hover for σ, which is large when the effect depends on the other inputs.";
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace entente::report
