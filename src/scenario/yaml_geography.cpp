// The YAML scenario loader: places, lines, forces and weapons (docs/scenario.md).
#include "scenario/yaml_loader.hpp"

namespace entente::detail {

std::optional<GeoPoint> Loader::read_point(const YAML::Node& node, const std::string& path) {
  auto m = r_.map(node, path);
  auto lat = m.required("lat");
  auto lon = m.required("lon");
  m.finish();
  if (!lat || !lon) return std::nullopt;
  auto la = r_.number_in(*lat, path + ".lat", -90, 90);
  auto lo = r_.number_in(*lon, path + ".lon", -180, 180);
  if (!la || !lo) return std::nullopt;
  return GeoPoint{*la, *lo};
}

// A location: a place id or {lat, lon}. Sets `place_id` when given by name.
std::optional<GeoPoint> Loader::read_location(const YAML::Node& node, const std::string& path,
                                              const Scenario& s, std::string* place_id) {
  if (node.IsScalar()) {
    auto id = r_.text(node, path);
    if (!id) return std::nullopt;
    const Place* p = s.place(*id);
    if (p == nullptr) {
      r_.error(node, path, unknown_ref("place", *id, ids_of(s.places)));
      return std::nullopt;
    }
    if (place_id != nullptr) *place_id = *id;
    return p->at;
  }
  if (node.IsMap()) {
    if (place_id != nullptr) place_id->clear();
    return read_point(node, path);
  }
  r_.error(node, path, "expected a place id or {lat: .., lon: ..}, got " + detail::describe(node));
  return std::nullopt;
}

void Loader::load_places(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "places")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "places[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path, "expected a place {id, name, lat, lon}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto name = m.optional("name");
    auto lat = m.required("lat");
    auto lon = m.required("lon");
    m.finish();
    Place p;
    if (id) p.id = r_.id(*id, path + ".id").value_or("");
    if (name) p.name = r_.text(*name, path + ".name").value_or("");
    if (lat) p.at.lat = r_.number_in(*lat, path + ".lat", -90, 90).value_or(0);
    if (lon) p.at.lon = r_.number_in(*lon, path + ".lon", -180, 180).value_or(0);
    if (!p.id.empty() && !unique(seen, *id, path + ".id", p.id, "place")) continue;
    s.places.push_back(std::move(p));
  }
}

std::optional<std::vector<GeoPoint>> Loader::read_points(const YAML::Node& node,
                                                         const std::string& path) {
  if (!r_.sequence(node, path)) return std::nullopt;
  std::vector<GeoPoint> out;
  bool ok = true;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string ppath = path + "[" + std::to_string(k) + "]";
    const YAML::Node pt = node[k];
    if (pt.IsSequence() && pt.size() == 2) {
      auto la = r_.number_in(pt[0], ppath + "[0]", -90, 90);
      auto lo = r_.number_in(pt[1], ppath + "[1]", -180, 180);
      if (la && lo) {
        out.push_back({*la, *lo});
      } else {
        ok = false;
      }
    } else if (pt.IsMap()) {
      auto g = read_point(pt, ppath);
      if (g) {
        out.push_back(*g);
      } else {
        ok = false;
      }
    } else {
      r_.error(pt, ppath, "expected a point [lat, lon], got " + detail::describe(pt));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

void Loader::load_lines(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "lines")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "lines[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path, "expected a line {id, name, points}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto name = m.optional("name");
    auto points = m.required("points");
    m.finish();
    Line l;
    if (id) l.id = r_.id(*id, path + ".id").value_or("");
    if (name) l.name = r_.text(*name, path + ".name").value_or("");
    if (points) {
      if (auto pts = read_points(*points, path + ".points")) {
        if (pts->size() < 2) {
          r_.error(*points, path + ".points",
                   "a line needs at least 2 points, got " + std::to_string(pts->size()));
        }
        l.points = std::move(*pts);
      }
    }
    if (!l.id.empty() && !unique(seen, *id, path + ".id", l.id, "line")) continue;
    s.lines.push_back(std::move(l));
  }
}

// A force's `serves`: the ids of alliances its owner belongs to (one id or a list).
void Loader::read_serves(const YAML::Node& node, const std::string& path, const Scenario& s,
                         Force& f) {
  std::vector<std::pair<YAML::Node, std::string>> items;
  if (node.IsScalar()) {
    items.emplace_back(node, path);
  } else if (node.IsSequence()) {
    for (std::size_t k = 0; k < node.size(); ++k) {
      items.emplace_back(node[k], path + "[" + std::to_string(k) + "]");
    }
  } else {
    r_.error(node, path,
             "expected an alliance id or a list of them, got " + detail::describe(node));
    return;
  }
  for (const auto& [n, p] : items) {
    auto id = r_.id(n, p);
    if (!id) continue;
    const Alliance* a = s.alliance(*id);
    if (a == nullptr) {
      r_.error(n, p, unknown_ref("alliance", *id, ids_of(s.alliances)));
      continue;
    }
    const std::string owner = s.root_actor(f.owner);
    if (!f.owner.empty() &&
        std::find(a->members.begin(), a->members.end(), owner) == a->members.end()) {
      r_.error(
          n, p,
          "force owner '" + f.owner + "' is not a member of alliance '" + a->id +
              "', so the unit cannot back it; members: " + [&] {
                std::string m;
                for (const auto& x : a->members) m += (m.empty() ? "" : ", ") + x;
                return m;
              }());
      continue;
    }
    if (std::find(f.serves.begin(), f.serves.end(), *id) != f.serves.end()) {
      r_.error(n, p, "alliance '" + *id + "' listed twice");
      continue;
    }
    f.serves.push_back(*id);
  }
}

void Loader::load_forces(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "forces")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "forces[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path, "expected a force {id, owner, unit, at}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto owner = m.required("owner");
    auto unit = m.required("unit");
    auto kind = m.optional("kind");
    auto at = m.required("at");
    auto strength = m.optional("strength");
    auto serves = m.optional("serves");
    m.finish();
    Force f;
    f.kind = "ground";
    if (id) f.id = r_.id(*id, path + ".id").value_or("");
    if (owner) {
      f.owner = r_.text(*owner, path + ".owner").value_or("");
      if (!f.owner.empty()) check_actor_ref(*owner, path + ".owner", f.owner, s);
    }
    if (unit) f.unit = r_.text(*unit, path + ".unit").value_or("");
    if (kind) f.kind = r_.choice(*kind, path + ".kind", force_kinds()).value_or("ground");
    if (at) {
      if (auto g = read_location(*at, path + ".at", s, &f.place)) f.location = *g;
    }
    if (strength)
      f.strength = r_.quantity(*strength, path + ".strength", 0, kInf).value_or(Quantity{});
    if (serves) read_serves(*serves, path + ".serves", s, f);
    if (!f.id.empty() && !unique(seen, *id, path + ".id", f.id, "force")) continue;
    s.forces.push_back(std::move(f));
  }
}

std::optional<std::vector<GeoPoint>> Loader::read_sites(const YAML::Node& node,
                                                        const std::string& path,
                                                        const Scenario& s) {
  if (!r_.sequence(node, path)) return std::nullopt;
  std::vector<GeoPoint> sites;
  for (std::size_t k = 0; k < node.size(); ++k) {
    auto g = read_location(node[k], path + "[" + std::to_string(k) + "]", s, nullptr);
    if (!g) return std::nullopt;
    sites.push_back(*g);
  }
  if (sites.empty()) {
    r_.error(node, path, "expected at least one site");
    return std::nullopt;
  }
  return sites;
}

std::optional<std::string> Loader::read_line_ref(const YAML::Node& node, const std::string& path,
                                                 const Scenario& s) {
  auto id = r_.text(node, path);
  if (!id) return std::nullopt;
  if (s.line(*id) == nullptr) {
    r_.error(node, path, unknown_ref("line", *id, ids_of(s.lines)));
    return std::nullopt;
  }
  return id;
}

void Loader::load_weapons(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "weapons")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "weapons[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path,
               "expected a weapon {id, owner, system, range_km, sites|along}, got " +
                   detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto owner = m.required("owner");
    auto system = m.required("system");
    auto range = m.required("range_km");
    auto count = m.optional("count");
    auto sites = m.optional("sites");
    auto along = m.optional("along");
    m.finish();
    Weapon w;
    w.count = Quantity(1.0);
    if (id) w.id = r_.id(*id, path + ".id").value_or("");
    if (owner) {
      w.owner = r_.text(*owner, path + ".owner").value_or("");
      if (!w.owner.empty()) check_actor_ref(*owner, path + ".owner", w.owner, s);
    }
    if (system) w.system = r_.text(*system, path + ".system").value_or("");
    if (range) {
      if (auto q = r_.quantity(*range, path + ".range_km", 0, kInf)) {
        if (!(q->value > 0)) {
          r_.error(*range, path + ".range_km", "expected a range > 0 km");
        } else {
          w.range_km = *q;
        }
      }
    }
    if (count) w.count = r_.quantity(*count, path + ".count", 0, kInf).value_or(Quantity(1.0));
    if (sites && along) {
      r_.error(*along, path + ".along", "give either sites or along, not both");
    } else if (!sites && !along) {
      r_.error(item, path, "missing 'sites' or 'along': expected where the weapon is deployed");
    } else if (sites) {
      w.sites = read_sites(*sites, path + ".sites", s).value_or(std::vector<GeoPoint>{});
    } else {
      w.front_line = read_line_ref(*along, path + ".along", s).value_or("");
    }
    if (!w.id.empty() && !unique(seen, *id, path + ".id", w.id, "weapon")) continue;
    s.weapons.push_back(std::move(w));
  }
}

}  // namespace entente::detail
