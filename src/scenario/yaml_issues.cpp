// The YAML scenario loader: issues, their scales and stances (docs/scenario.md).
#include "scenario/yaml_loader.hpp"

namespace entente::detail {

void Loader::read_scale(const YAML::Node& node, const std::string& path, Scale& scale) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected {min: a, max: b, anchors: {...}}, got " + detail::describe(node));
    return;
  }
  auto m = r_.map(node, path);
  auto mn = m.required("min");
  auto mx = m.required("max");
  auto unit = m.optional("unit");
  auto anchors = m.optional("anchors");
  m.finish();
  auto lo =
      mn ? r_.number_in(*mn, path + ".min", -detail::kMaxScaleMagnitude, detail::kMaxScaleMagnitude)
         : std::nullopt;
  auto hi =
      mx ? r_.number_in(*mx, path + ".max", -detail::kMaxScaleMagnitude, detail::kMaxScaleMagnitude)
         : std::nullopt;
  if (lo && hi && !(*lo < *hi)) {
    r_.error(*mx, path + ".max", fmt_num(*hi) + " must be greater than min " + fmt_num(*lo));
  }
  if (lo) scale.min = *lo;
  if (hi) scale.max = *hi;
  if (unit) scale.unit = r_.text(*unit, path + ".unit").value_or("");
  if (anchors) {
    if (!anchors->IsMap()) {
      r_.error(*anchors, path + ".anchors",
               "expected a map from scale value to label, got " + detail::describe(*anchors));
      return;
    }
    std::map<double, std::string> values;  // anchors are distinct by value, not spelling
    for (auto it = anchors->begin(); it != anchors->end(); ++it) {
      const std::string apath = path + ".anchors";
      auto v = r_.number(it->first, apath);
      auto label = r_.text(it->second, apath + "." + it->first.Scalar());
      if (!v || !label) continue;
      if (auto [prev, fresh] = values.emplace(*v, it->first.Scalar()); !fresh) {
        r_.error(it->first, apath,
                 "duplicate anchor " + it->first.Scalar() +
                     "; the scale already has an anchor at " + prev->second);
        continue;
      }
      if (lo && hi && (*v < *lo || *v > *hi)) {
        r_.error(it->first, apath,
                 "anchor " + fmt_num(*v) + " lies outside the scale [" + fmt_num(*lo) + ", " +
                     fmt_num(*hi) + "]");
        continue;
      }
      scale.anchors.push_back({*v, *label});
    }
    std::sort(scale.anchors.begin(), scale.anchors.end(),
              [](const Anchor& a, const Anchor& b) { return a.value < b.value; });
  }
}

void Loader::load_issues(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "issues")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "issues[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path,
               "expected an issue {id, name, scale, positions}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto name = m.required("name");
    auto description = m.optional("description");
    auto scale = m.required("scale");
    auto status_quo = m.optional("status_quo");
    auto positions = m.required("positions");
    auto procedure = m.optional("procedure");
    m.finish();
    Issue is;
    if (id) is.id = r_.id(*id, path + ".id").value_or("");
    if (name) is.name = r_.text(*name, path + ".name").value_or("");
    if (description) is.description = r_.text(*description, path + ".description").value_or("");
    const std::size_t before = diags_.size();
    if (scale) read_scale(*scale, path + ".scale", is.scale);
    const bool scale_ok = scale && diags_.size() == before;
    // Its stances were not read: events on it would only repeat the scale's error.
    if (!scale_ok && !is.id.empty()) incomplete_issues_.insert(is.id);
    if (status_quo && scale_ok) {
      is.status_quo = r_.quantity(*status_quo, path + ".status_quo", is.scale.min, is.scale.max);
    }
    if (positions && scale_ok) {
      if (!positions->IsMap()) {
        r_.error(*positions, path + ".positions",
                 "expected a map from actor id to {position, salience}, got " +
                     detail::describe(*positions));
      } else {
        std::set<std::string> actors_seen;
        for (auto it = positions->begin(); it != positions->end(); ++it) {
          const std::string actor = it->first.Scalar();
          const std::string ppath = path + ".positions." + actor;
          if (!actors_seen.insert(actor).second) {
            r_.error(it->first, ppath, "actor '" + actor + "' has two stances on this issue");
            continue;
          }
          if (!check_actor_ref(it->first, ppath, actor, s)) continue;
          Stance st;
          st.actor = actor;
          if (read_stance(it->second, ppath, is.scale, st)) is.stances.push_back(std::move(st));
        }
        if (actors_seen.size() < 2) {
          r_.error(*positions, path + ".positions",
                   "an issue needs the stances of at least 2 actors, got " +
                       std::to_string(actors_seen.size()));
        }
      }
    }
    if (procedure) {
      is.procedure = detail::read_procedure(r_, *procedure, path + ".procedure", ids_of(s.actors));
    }
    if (!is.id.empty() && !unique(seen, *id, path + ".id", is.id, "issue")) continue;
    s.issues.push_back(std::move(is));
  }
}

bool Loader::read_stance(const YAML::Node& node, const std::string& path, const Scale& scale,
                         Stance& st) {
  if (!node.IsMap()) {
    r_.error(node, path, "expected {position: x, salience: s}, got " + detail::describe(node));
    return false;
  }
  auto m = r_.map(node, path);
  auto position = m.required("position");
  auto salience = m.required("salience");
  m.finish();
  auto p =
      position ? r_.quantity(*position, path + ".position", scale.min, scale.max) : std::nullopt;
  auto sal = salience ? r_.quantity(*salience, path + ".salience", 0, 1) : std::nullopt;
  if (!p || !sal) return false;
  st.position = *p;
  st.salience = *sal;
  return true;
}

}  // namespace entente::detail
