// The YAML scenario loader: yaml-cpp parses, this file validates against the format in
// docs/scenario.md and builds the Scenario. It keeps going after an error so that one
// `entente validate` shows every problem.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "entente/expression.hpp"
#include "entente/game_io.hpp"
#include "entente/games.hpp"
#include "entente/scenario_io.hpp"
#include "scenario/csv.hpp"
#include "scenario/limits.hpp"
#include "scenario/procedure_yaml.hpp"
#include "scenario/yaml_util.hpp"

namespace entente {

namespace {

using detail::YamlReader;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Functions, not globals: a vector built before main could throw where nothing catches it.
const std::vector<std::string>& alliance_types() {
  static const std::vector<std::string> kTypes = {"defence",       "offence",      "neutrality",
                                                  "nonaggression", "consultation", "entente"};
  return kTypes;
}
const std::vector<std::string>& force_kinds() {
  static const std::vector<std::string> kKinds = {"ground", "air", "naval", "hq"};
  return kKinds;
}

class Loader {
 public:
  Loader(const LoadOptions& options, Diagnostics& diags)
      : options_(options), r_(options.filename, diags), diags_(diags) {}

  Scenario load(const YAML::Node& root) {
    Scenario s;
    s.source = options_.filename;
    if (!root.IsMap()) {
      r_.error(root, "",
               std::string("expected a scenario: a map with keys entente, id, title, as_of, "
                           "actors, ...; got ") +
                   detail::describe(root));
      return s;
    }
    auto top = r_.map(root, "");
    if (auto v = top.required("entente")) {
      auto version = r_.integer(*v, "entente");
      if (version && *version != 1) {
        r_.error(*v, "entente",
                 "unsupported format version " + std::to_string(*version) + "; expected 1");
      }
    }
    if (auto v = top.required("id")) s.id = r_.id(*v, "id").value_or("");
    if (auto v = top.required("title")) s.title = r_.text(*v, "title").value_or("");
    if (auto v = top.optional("description"))
      s.description = r_.text(*v, "description").value_or("");
    if (auto v = top.required("as_of")) s.as_of = r_.date(*v, "as_of").value_or(Date{});
    auto actors = top.required("actors");
    auto issues = top.optional("issues");
    auto alliances = top.optional("alliances");
    auto places = top.optional("places");
    auto lines = top.optional("lines");
    auto forces = top.optional("forces");
    auto weapons = top.optional("weapons");
    auto polls = top.optional("polls");
    auto params = top.optional("params");
    auto games = top.optional("games");
    auto events = top.optional("events");
    auto decisions = top.optional("decisions");
    auto procedure = top.optional("procedure");
    top.finish();

    // Sections are read in dependency order, whatever their order in the file.
    if (actors) load_actors(*actors, s);
    if (procedure)
      s.procedure = detail::read_procedure(r_, *procedure, "procedure", ids_of(s.actors));
    if (places) load_places(*places, s);
    if (lines) load_lines(*lines, s);
    if (issues) load_issues(*issues, s);
    if (decisions) load_decisions(*decisions, s);
    if (alliances) load_alliances(*alliances, s);
    if (forces) load_forces(*forces, s);
    if (weapons) load_weapons(*weapons, s);
    if (polls) load_polls(*polls, s);
    if (params) load_params(*params, s);
    if (games) load_games(*games, s);
    if (events) load_events(*events, s);
    return s;
  }

 private:
  // --- shared field readers -------------------------------------------------------------

  // A capability: a quantity >= 0, or {cinc: {state, year, share}}.
  void read_capability(const YAML::Node& node, const std::string& path, Actor& actor) {
    if (node.IsMap() && node["cinc"]) {
      auto m = r_.map(node, path);
      auto c = m.required("cinc");
      m.finish();
      if (!c) return;
      const std::string cpath = path + ".cinc";
      if (!c->IsMap()) {
        r_.error(*c, cpath,
                 "expected {state: ABB, year: YYYY, share: f}, got " + detail::describe(*c));
        return;
      }
      auto cm = r_.map(*c, cpath);
      CincSource src;
      auto state_node = cm.required("state");
      auto year_node = cm.required("year");
      auto share_node = cm.optional("share");
      cm.finish();
      auto state = state_node ? r_.text(*state_node, cpath + ".state") : std::nullopt;
      auto year = year_node ? r_.integer(*year_node, cpath + ".year") : std::nullopt;
      if (share_node) {
        auto share = r_.number(*share_node, cpath + ".share");
        if (share && !(*share > 0 && *share <= 1)) {
          r_.error(*share_node, cpath + ".share",
                   fmt_num(*share) + " is out of range; expected a number in (0, 1]");
          return;
        }
        if (!share) return;
        src.share = *share;
      }
      if (!state || !year) return;
      src.state = *state;
      src.year = static_cast<int>(*year);
      if (options_.cinc == nullptr) {
        r_.error(*c, cpath, "no COW capabilities table is available to resolve cinc");
        return;
      }
      if (!options_.cinc->has_state(src.state)) {
        r_.error(*state_node, cpath + ".state",
                 "unknown COW state abbreviation '" + src.state +
                     "'; expected one of the NMC stateabb codes such as USA, CHN, ROK");
        return;
      }
      const auto [first, last] = options_.cinc->years();
      if (src.year < first || src.year > last) {
        r_.error(*year_node, cpath + ".year",
                 "year " + std::to_string(src.year) + " is outside the COW NMC data (" +
                     std::to_string(first) + "–" + std::to_string(last) + ")");
        return;
      }
      auto v = options_.cinc->cinc(src.state, src.year);
      if (!v) {
        r_.error(*c, cpath,
                 "COW NMC has no CINC for " + src.state + " in " + std::to_string(src.year) +
                     " (not a member that year, or coded missing); give capability as a number");
        return;
      }
      actor.capability = Quantity(*v * src.share);
      actor.cinc = src;
      return;
    }
    if (auto q = r_.quantity(node, path, 0, kInf)) actor.capability = *q;
  }

  static std::string fmt_num(double v) { return detail::format_number(v); }

  std::optional<GeoPoint> read_point(const YAML::Node& node, const std::string& path) {
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
  std::optional<GeoPoint> read_location(const YAML::Node& node, const std::string& path,
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
    r_.error(node, path,
             "expected a place id or {lat: .., lon: ..}, got " + detail::describe(node));
    return std::nullopt;
  }

  template <typename T>
  static std::vector<std::string> ids_of(const std::vector<T>& items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const auto& i : items) out.push_back(i.id);
    return out;
  }

  static std::string unknown_ref(const std::string& what, const std::string& id,
                                 const std::vector<std::string>& known) {
    std::string msg = "unknown " + what + " '" + id + "'";
    auto near = closest_match(id, known);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      const bool vowel = std::string("aeiou").find(what[0]) != std::string::npos;
      msg += std::string("; expected the id of ") + (vowel ? "an " : "a ") + what +
             " defined in the scenario";
    }
    return msg;
  }

  bool check_actor_ref(const YAML::Node& node, const std::string& path, const std::string& id,
                       const Scenario& s) {
    if (s.actor(id) != nullptr) return true;
    r_.error(node, path, unknown_ref("actor", id, ids_of(s.actors)));
    return false;
  }

  // Checks `id` is new within a list; records it.
  bool unique(std::set<std::string>& seen, const YAML::Node& node, const std::string& path,
              const std::string& id, const std::string& what) {
    if (seen.insert(id).second) return true;
    r_.error(node, path, "duplicate " + what + " id '" + id + "'; ids must be unique");
    return false;
  }

  // --- sections ---------------------------------------------------------------------------

  void load_actors(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "actors")) return;
    std::set<std::string> seen;
    std::vector<YAML::Node> parent_nodes;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "actors[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected an actor: a map with id, name, kind, capability; got " +
                     detail::describe(item));
        continue;
      }
      auto m = r_.map(item, path);
      Actor a;
      auto id = m.required("id");
      auto name = m.required("name");
      auto kind = m.required("kind");
      auto parent = m.optional("parent");
      auto capability = m.required("capability");
      auto risk = m.optional("risk");
      m.finish();
      if (id) a.id = r_.id(*id, path + ".id").value_or("");
      if (name) a.name = r_.text(*name, path + ".name").value_or("");
      if (kind) {
        if (auto k = r_.choice(*kind, path + ".kind", actor_kind_names())) {
          a.kind = *parse_actor_kind(*k);
        }
      }
      if (capability) read_capability(*capability, path + ".capability", a);
      if (risk) a.risk = r_.quantity(*risk, path + ".risk", -1, 1);
      if (parent) {
        a.parent = r_.text(*parent, path + ".parent").value_or("");
        parent_nodes.push_back(*parent);
      } else {
        parent_nodes.emplace_back();
      }
      if (!a.id.empty() && !unique(seen, id ? *id : item, path + ".id", a.id, "actor")) continue;
      s.actors.push_back(std::move(a));
    }
    if (s.actors.size() < 2 && diags_.empty()) {
      r_.error(node, "actors", "a scenario needs at least 2 actors");
    }
    // Parents must exist and form no cycle; each cycle is reported once, at its first member.
    std::set<std::string> in_reported_cycle;
    for (std::size_t i = 0; i < s.actors.size() && i < parent_nodes.size(); ++i) {
      const Actor& a = s.actors[i];
      if (a.parent.empty()) continue;
      const std::string path = "actors[" + std::to_string(i) + "].parent";
      if (!check_actor_ref(parent_nodes[i], path, a.parent, s)) continue;
      if (in_reported_cycle.count(a.id)) continue;
      std::vector<std::string> chain{a.id};
      const Actor* p = s.actor(a.parent);
      while (p != nullptr) {
        auto repeat = std::find(chain.begin(), chain.end(), p->id);
        if (repeat != chain.end()) {
          if (repeat == chain.begin()) {
            std::string text;
            for (const auto& c : chain) {
              text += c + " -> ";
              in_reported_cycle.insert(c);
            }
            r_.error(parent_nodes[i], path,
                     "parents form a cycle: " + text + a.id +
                         "; expected a tree (a sub-actor belongs to a state)");
          }
          break;
        }
        chain.push_back(p->id);
        p = p->parent.empty() ? nullptr : s.actor(p->parent);
      }
    }
  }

  void load_places(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "places")) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "places[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected a place {id, name, lat, lon}, got " + detail::describe(item));
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

  std::optional<std::vector<GeoPoint>> read_points(const YAML::Node& node,
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

  void load_lines(const YAML::Node& node, Scenario& s) {
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

  void read_scale(const YAML::Node& node, const std::string& path, Scale& scale) {
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
    auto lo = mn ? r_.number_in(*mn, path + ".min", -detail::kMaxScaleMagnitude,
                                detail::kMaxScaleMagnitude)
                 : std::nullopt;
    auto hi = mx ? r_.number_in(*mx, path + ".max", -detail::kMaxScaleMagnitude,
                                detail::kMaxScaleMagnitude)
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

  void load_issues(const YAML::Node& node, Scenario& s) {
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
        is.procedure =
            detail::read_procedure(r_, *procedure, path + ".procedure", ids_of(s.actors));
      }
      if (!is.id.empty() && !unique(seen, *id, path + ".id", is.id, "issue")) continue;
      s.issues.push_back(std::move(is));
    }
  }

  bool read_stance(const YAML::Node& node, const std::string& path, const Scale& scale,
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

  std::optional<std::vector<std::string>> read_members(const YAML::Node& node,
                                                       const std::string& path, const Scenario& s) {
    if (!r_.sequence(node, path)) return std::nullopt;
    std::vector<std::string> members;
    bool ok = true;
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string mpath = path + "[" + std::to_string(k) + "]";
      auto id = r_.text(node[k], mpath);
      if (!id || !check_actor_ref(node[k], mpath, *id, s)) {
        ok = false;
        continue;
      }
      if (std::find(members.begin(), members.end(), *id) != members.end()) {
        r_.error(node[k], mpath, "member '" + *id + "' listed twice");
        ok = false;
        continue;
      }
      members.push_back(*id);
    }
    if (ok && members.size() < 2) {
      r_.error(node, path,
               "an alliance needs at least 2 members, got " + std::to_string(members.size()));
      ok = false;
    }
    if (!ok) return std::nullopt;
    return members;
  }

  // The keys a member's alliance terms may have, and those of its burden.
  static const std::vector<std::string>& terms_fields() {
    // Events may set these; signals and episodes are dated already and are not settable.
    static const std::vector<std::string> kFields = {"commitment", "burden", "support_polls",
                                                     "threats"};
    return kFields;
  }
  static const std::vector<std::string>& burden_fields() {
    static const std::vector<std::string> kFields = {"troops_abroad", "host_nation_support",
                                                     "contributions", "defence_spending"};
    return kFields;
  }

  // `MEMBER: {commitment, burden, support_polls, threats}` for each member that has terms.
  void read_terms(const YAML::Node& node, const std::string& path, Alliance& a, const Scenario& s) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a map from member to {commitment, burden, support_polls, threats}, "
               "got " +
                   detail::describe(node));
      return;
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string member = kv.first.Scalar();
      const std::string mpath = path + "." + member;
      if (std::find(a.members.begin(), a.members.end(), member) == a.members.end()) {
        r_.error(kv.first, mpath, not_a_member(member, a));
        continue;
      }
      if (!seen.insert(member).second) {
        r_.error(kv.first, mpath, "terms of member '" + member + "' given twice");
        continue;
      }
      AllianceTerms t;
      t.member = member;
      if (read_member_terms(kv.second, mpath, t, s)) a.terms.push_back(std::move(t));
    }
  }

  static std::string not_a_member(const std::string& who, const Alliance& a) {
    std::string msg = "'" + who + "' is not a member of alliance '" + a.id + "'; members: ";
    for (std::size_t i = 0; i < a.members.size(); ++i) msg += (i ? ", " : "") + a.members[i];
    auto near = closest_match(who, a.members);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    return msg;
  }

  bool read_member_terms(const YAML::Node& node, const std::string& path, AllianceTerms& t,
                         const Scenario& s) {
    if (!node.IsMap()) {
      r_.error(
          node, path,
          "expected {commitment, burden, support_polls, threats}, got " + detail::describe(node));
      return false;
    }
    const std::size_t before = diags_.size();
    auto m = r_.map(node, path);
    auto commitment = m.optional("commitment");
    auto burden = m.optional("burden");
    auto polls = m.optional("support_polls");
    auto threats = m.optional("threats");
    auto signals = m.optional("signals");
    auto episodes = m.optional("episodes");
    m.finish();
    if (commitment) t.commitment = r_.quantity(*commitment, path + ".commitment", 0, 1);
    if (signals) read_signals(*signals, path + ".signals", t, s);
    if (episodes) read_episodes(*episodes, path + ".episodes", t);
    if (burden) read_burden(*burden, path + ".burden", t);
    if (polls) {
      if (auto v = read_questions(*polls, path + ".support_polls")) t.support_polls = *v;
    }
    if (threats) {
      if (auto v = read_threats(*threats, path + ".threats")) t.threats = *v;
    }
    return diags_.size() == before;
  }

  void read_burden(const YAML::Node& node, const std::string& path, AllianceTerms& t) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected {troops_abroad, host_nation_support, contributions, defence_spending}, "
               "got " +
                   detail::describe(node));
      return;
    }
    auto m = r_.map(node, path);
    auto troops = m.optional("troops_abroad");
    auto hns = m.optional("host_nation_support");
    auto contributions = m.optional("contributions");
    auto spending = m.optional("defence_spending");
    m.finish();
    if (spending) t.defence_spending = r_.quantity(*spending, path + ".defence_spending", 0, kInf);
    if (troops) t.troops_abroad = r_.quantity(*troops, path + ".troops_abroad", 0, kInf);
    if (hns) t.host_nation_support = r_.quantity(*hns, path + ".host_nation_support", 0, kInf);
    if (contributions)
      t.contributions = r_.quantity(*contributions, path + ".contributions", 0, kInf);
  }

  // `decisions:`: dated decisions or deadlines that signals are timed against.
  void load_decisions(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "decisions")) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "decisions[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected a decision {id, date, description}, got " + detail::describe(item));
        continue;
      }
      auto m = r_.map(item, path);
      auto id = m.required("id");
      auto date = m.required("date");
      auto description = m.optional("description");
      m.finish();
      Decision d;
      d.where = detail::location(r_.file(), item);
      if (id) d.id = r_.id(*id, path + ".id").value_or("");
      auto dt = date ? r_.date(*date, path + ".date") : std::nullopt;
      if (description) d.description = r_.text(*description, path + ".description").value_or("");
      if (d.id.empty() || !dt) continue;
      d.date = *dt;
      if (!unique(seen, *id, path + ".id", d.id, "decision")) continue;
      s.decisions.push_back(std::move(d));
    }
  }

  // `signals: [{id, date, needed_by, contributions | troops_abroad | host_nation_support |
  // commitment, description}]`: dated offers, each timed against a declared decision.
  void read_signals(const YAML::Node& node, const std::string& path, AllianceTerms& t,
                    const Scenario& s) {
    if (!r_.sequence(node, path)) return;
    std::set<std::string> seen;
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string spath = path + "[" + std::to_string(k) + "]";
      const YAML::Node item = node[k];
      if (!item.IsMap()) {
        r_.error(item, spath,
                 "expected a signal {id, date, needed_by, contributions, commitment, ...}, got " +
                     detail::describe(item));
        continue;
      }
      auto m = r_.map(item, spath);
      auto id = m.required("id");
      auto date = m.required("date");
      auto needed = m.required("needed_by");
      auto contributions = m.optional("contributions");
      auto troops = m.optional("troops_abroad");
      auto hns = m.optional("host_nation_support");
      auto commitment = m.optional("commitment");
      auto description = m.optional("description");
      m.finish();
      Signal sg;
      sg.where = detail::location(r_.file(), item);
      if (id) sg.id = r_.id(*id, spath + ".id").value_or("");
      auto dt = date ? r_.date(*date, spath + ".date") : std::nullopt;
      if (needed) {
        if (auto n = r_.id(*needed, spath + ".needed_by")) {
          if (s.decision(*n) == nullptr) {
            r_.error(*needed, spath + ".needed_by",
                     unknown_ref("decision", *n, ids_of(s.decisions)));
          } else {
            sg.needed_by = *n;
          }
        }
      }
      if (contributions)
        sg.contributions = r_.quantity(*contributions, spath + ".contributions", 0, kInf);
      if (troops) sg.troops_abroad = r_.quantity(*troops, spath + ".troops_abroad", 0, kInf);
      if (hns) sg.host_nation_support = r_.quantity(*hns, spath + ".host_nation_support", 0, kInf);
      if (commitment) sg.commitment = r_.quantity(*commitment, spath + ".commitment", -1, 1);
      if (description) sg.description = r_.text(*description, spath + ".description").value_or("");
      if (!contributions && !troops && !hns && !commitment) {
        r_.error(item, spath,
                 "a signal must add something: expected at least one of contributions, "
                 "troops_abroad, host_nation_support or commitment");
        continue;
      }
      if (sg.id.empty() || !dt || sg.needed_by.empty()) continue;
      sg.date = *dt;
      if (!unique(seen, *id, spath + ".id", sg.id, "signal")) continue;
      t.signals.push_back(std::move(sg));
    }
  }

  // `episodes: [{id, date, shares_risk, description}]`: past crises as evidence.
  void read_episodes(const YAML::Node& node, const std::string& path, AllianceTerms& t) {
    if (!r_.sequence(node, path)) return;
    std::set<std::string> seen;
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string epath = path + "[" + std::to_string(k) + "]";
      const YAML::Node item = node[k];
      if (!item.IsMap()) {
        r_.error(item, epath,
                 "expected an episode {id, date, shares_risk, description}, got " +
                     detail::describe(item));
        continue;
      }
      auto m = r_.map(item, epath);
      auto id = m.required("id");
      auto date = m.required("date");
      auto shares = m.required("shares_risk");
      auto description = m.optional("description");
      m.finish();
      Episode e;
      e.where = detail::location(r_.file(), item);
      if (id) e.id = r_.id(*id, epath + ".id").value_or("");
      auto dt = date ? r_.date(*date, epath + ".date") : std::nullopt;
      auto v = shares ? r_.quantity(*shares, epath + ".shares_risk", 0, 1) : std::nullopt;
      if (description) e.description = r_.text(*description, epath + ".description").value_or("");
      if (e.id.empty() || !dt || !v) continue;
      e.date = *dt;
      e.shares_risk = *v;
      if (!unique(seen, *id, epath + ".id", e.id, "episode")) continue;
      t.episodes.push_back(std::move(e));
    }
  }

  void warn(const YAML::Node& node, const std::string& path, std::string message, Scenario& s) {
    Diagnostic d{detail::location(r_.file(), node), path, std::move(message)};
    d.warning = true;
    s.warnings.push_back(std::move(d));
  }

  // What the alliance model would otherwise do silently: a member without terms gets the
  // neutral 0.5 risk sharing, and a burden field some members give but others do not is
  // ignored (an unknown is not a zero).
  void warn_terms(const YAML::Node& item, const std::optional<YAML::Node>& terms,
                  const std::string& path, const Alliance& a, Scenario& s) {
    for (const std::string& m : a.members) {
      if (a.terms_of(m) != nullptr) continue;
      warn(terms ? *terms : item, path + ".terms",
           "member '" + m + "' has no terms; the alliance model gives it risk sharing 0.5 (no " +
               "information): give its commitment, burden, support_polls or threats",
           s);
    }
    if (!terms || !terms->IsMap()) return;
    for (const std::string& field : burden_fields()) {
      std::vector<std::string> have;
      std::vector<std::string> lack;
      std::optional<YAML::Node> first;
      std::string first_path;
      for (const std::string& m : a.members) {
        const YAML::Node mt = (*terms)[m];
        const bool given =
            mt && mt.IsMap() && mt["burden"] && mt["burden"].IsMap() && mt["burden"][field];
        if (given) {
          if (!first) {
            first = mt["burden"][field];
            first_path = path + ".terms." + m + ".burden." + field;
          }
          have.push_back(m);
        } else {
          lack.push_back(m);
        }
      }
      if (have.empty() || lack.empty()) continue;
      std::string lacking;
      for (const auto& m : lack) lacking += (lacking.empty() ? "" : ", ") + m;
      warn(*first, first_path,
           "burden field '" + field + "' is given for " + have.front() +
               (have.size() > 1 ? " and others" : " only") + " but not for " + lacking +
               "; the alliance model ignores a burden field unless every member gives it " +
               "(an unknown is not a zero): give it for " + lacking + " too",
           s);
    }
  }

  std::optional<std::vector<std::string>> read_questions(const YAML::Node& node,
                                                         const std::string& path) {
    if (!r_.sequence(node, path)) return std::nullopt;
    std::vector<std::string> out;
    bool ok = true;
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string qpath = path + "[" + std::to_string(k) + "]";
      auto q = r_.id(node[k], qpath);
      if (!q) {
        ok = false;
      } else if (std::find(out.begin(), out.end(), *q) != out.end()) {
        r_.error(node[k], qpath, "poll question '" + *q + "' listed twice");
        ok = false;
      } else {
        out.push_back(*q);
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<std::vector<Threat>> read_threats(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a map from threat (an actor id or a label) to a level in [0, 1], got " +
                   detail::describe(node));
      return std::nullopt;
    }
    std::vector<Threat> out;
    bool ok = true;
    for (const auto& kv : node) {
      const std::string tpath = path + "." + kv.first.Scalar();
      auto target = r_.id(kv.first, tpath);
      auto level = r_.quantity(kv.second, tpath, 0, 1);
      if (!target || !level) {
        ok = false;
        continue;
      }
      if (std::any_of(out.begin(), out.end(),
                      [&](const Threat& t) { return t.target == *target; })) {
        r_.error(kv.first, tpath, "threat '" + *target + "' given twice");
        ok = false;
        continue;
      }
      out.push_back(Threat{*target, *level});
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void load_alliances(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "alliances")) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "alliances[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected an alliance {id, name, type, members}, got " + detail::describe(item));
        continue;
      }
      auto m = r_.map(item, path);
      auto id = m.required("id");
      auto name = m.required("name");
      auto type = m.required("type");
      auto atop = m.optional("atop");
      auto members = m.required("members");
      auto since = m.optional("since");
      auto obligations = m.optional("obligations");
      auto terms = m.optional("terms");
      m.finish();
      Alliance a;
      if (id) a.id = r_.id(*id, path + ".id").value_or("");
      if (name) a.name = r_.text(*name, path + ".name").value_or("");
      if (type) a.type = r_.choice(*type, path + ".type", alliance_types()).value_or("");
      if (atop) {
        auto v = r_.integer(*atop, path + ".atop");
        if (v && *v <= 0) {
          r_.error(*atop, path + ".atop", "expected a positive ATOP atopid");
        } else if (v) {
          a.atop = static_cast<int>(*v);
        }
      }
      if (members)
        a.members =
            read_members(*members, path + ".members", s).value_or(std::vector<std::string>{});
      if (since) a.since = r_.date(*since, path + ".since");
      if (obligations && r_.sequence(*obligations, path + ".obligations")) {
        for (std::size_t k = 0; k < obligations->size(); ++k) {
          if (auto o =
                  r_.text((*obligations)[k], path + ".obligations[" + std::to_string(k) + "]")) {
            a.obligations.push_back(*o);
          }
        }
      }
      if (terms && !a.members.empty()) read_terms(*terms, path + ".terms", a, s);
      if (!a.members.empty()) warn_terms(item, terms, path, a, s);
      if (!a.id.empty() && !unique(seen, *id, path + ".id", a.id, "alliance")) continue;
      s.alliances.push_back(std::move(a));
    }
  }

  // A force's `serves`: the ids of alliances its owner belongs to (one id or a list).
  void read_serves(const YAML::Node& node, const std::string& path, const Scenario& s, Force& f) {
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

  void load_forces(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "forces")) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "forces[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected a force {id, owner, unit, at}, got " + detail::describe(item));
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

  std::optional<std::vector<GeoPoint>> read_sites(const YAML::Node& node, const std::string& path,
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

  std::optional<std::string> read_line_ref(const YAML::Node& node, const std::string& path,
                                           const Scenario& s) {
    auto id = r_.text(node, path);
    if (!id) return std::nullopt;
    if (s.line(*id) == nullptr) {
      r_.error(node, path, unknown_ref("line", *id, ids_of(s.lines)));
      return std::nullopt;
    }
    return id;
  }

  void load_weapons(const YAML::Node& node, Scenario& s) {
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

  void load_polls(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "polls")) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "polls[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(
            item, path,
            "expected a poll {id, actor, question, date, support}, got " + detail::describe(item));
        continue;
      }
      auto m = r_.map(item, path);
      auto id = m.required("id");
      auto actor = m.required("actor");
      auto question = m.required("question");
      auto date = m.required("date");
      auto support = m.required("support");
      auto source = m.optional("source");
      m.finish();
      Poll p;
      if (id) p.id = r_.id(*id, path + ".id").value_or("");
      if (actor) {
        p.actor = r_.text(*actor, path + ".actor").value_or("");
        if (!p.actor.empty()) check_actor_ref(*actor, path + ".actor", p.actor, s);
      }
      if (question) p.question = r_.id(*question, path + ".question").value_or("");
      if (date) p.date = r_.date(*date, path + ".date").value_or(Date{});
      if (support) p.support = r_.quantity(*support, path + ".support", 0, 1).value_or(Quantity{});
      if (source) p.source = r_.text(*source, path + ".source").value_or("");
      if (!p.id.empty() && !unique(seen, *id, path + ".id", p.id, "poll")) continue;
      s.polls.push_back(std::move(p));
    }
  }

  // --- params and games ---------------------------------------------------------------------

  // `params: {NAME: quantity, ...}`: named numbers for game payoffs.
  void load_params(const YAML::Node& node, Scenario& s) {
    if (!node.IsMap()) {
      r_.error(node, "params",
               "expected a map from param name to number or distribution, got " +
                   detail::describe(node));
      return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        r_.error(it->first, "params", "expected a param name as key");
        continue;
      }
      const std::string id = it->first.Scalar();
      const std::string path = "params." + id;
      if (!is_identifier(id)) {
        r_.error(it->first, path,
                 "'" + id +
                     "' is not a valid param name; expected letters, digits and '_', "
                     "starting with a letter or '_' (names are used in expressions)");
        continue;
      }
      if (!seen.insert(id).second) {
        r_.error(it->first, path, "param '" + id + "' given twice");
        continue;
      }
      auto q = r_.quantity(it->second, path, -kInf, kInf);
      if (!q) continue;
      s.params.push_back(Param{id, *q, detail::location(r_.file(), it->first)});
    }
  }

  static bool is_identifier(const std::string& t) {
    if (t.empty() || t.size() > 64) return false;
    if (!(std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_')) return false;
    return std::all_of(t.begin(), t.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
  }

  void load_games(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "games")) return;
    // A param may not shadow a derived actor quantity: the expression would be ambiguous.
    const std::vector<std::string> vars = expr::game_variable_names(s);
    for (const Param& p : s.params) {
      if (std::count(vars.begin(), vars.end(), p.id) > 1) {
        diags_.error(p.where, "params." + p.id,
                     "param '" + p.id + "' has the name of a derived actor quantity; rename it");
      }
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "games[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected a game: a map with id, name, players, root (or efg); got " +
                     detail::describe(item));
        continue;
      }
      auto m = r_.map(item, path);
      auto id = m.required("id");
      auto name = m.optional("name");
      auto description = m.optional("description");
      auto players = m.required("players");
      auto root = m.optional("root");
      auto efg = m.optional("efg");
      auto outcomes = m.optional("outcomes");
      auto threats = m.optional("threats");
      m.finish();
      ScenarioGame g;
      if (id) g.id = r_.id(*id, path + ".id").value_or("");
      if (!g.id.empty() && !unique(seen, *id, path + ".id", g.id, "game")) continue;
      if (name) g.name = r_.text(*name, path + ".name").value_or("");
      if (description) g.description = r_.text(*description, path + ".description").value_or("");
      if (root && efg) {
        r_.error(*efg, path + ".efg",
                 "expected either 'root' (an inline tree) or 'efg' (a Gambit file), not both");
        continue;
      }
      if (!root && !efg) {
        r_.error(item, path,
                 "expected 'root' (an inline tree) or 'efg' (a Gambit .efg file, path relative "
                 "to the scenario)");
        continue;
      }
      if (!efg) {
        bool extra = false;
        for (const auto& [key, n] :
             {std::pair{"outcomes", outcomes}, std::pair{"threats", threats}}) {
          if (!n) continue;
          r_.error(*n, path + "." + key,
                   std::string("'") + key +
                       "' maps a Gambit file's game; an inline tree gives payoffs and threats "
                       "at its actions");
          extra = true;
        }
        if (extra) continue;
      }
      const std::size_t before = diags_.size();
      if (efg) {
        if (!players) continue;
        read_efg_game(*efg, *players, outcomes, threats, path, s, vars, g);
        if (diags_.size() == before && !g.id.empty()) s.games.push_back(std::move(g));
        continue;
      }
      bool ok = !g.id.empty();
      if (players && r_.sequence(*players, path + ".players")) {
        ok = read_player_list(*players, path + ".players", s, g.players) && ok;
      } else {
        ok = false;
      }
      if (!ok) continue;
      std::set<std::string> labels;
      std::set<std::string> threat_names;
      read_game_node(*root, path + ".root", g, vars, labels, threat_names, "");
      if (diags_.size() == before) check_infosets(*root, path + ".root", g);
      if (diags_.size() == before) s.games.push_back(std::move(g));
    }
  }

  // A list of distinct actor ids; false (with a diagnostic) when any is bad or none given.
  bool read_player_list(const YAML::Node& node, const std::string& path, const Scenario& s,
                        std::vector<std::string>& out) {
    bool ok = true;
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string ppath = path + "[" + std::to_string(k) + "]";
      auto a = r_.text(node[k], ppath);
      if (!a || !check_actor_ref(node[k], ppath, *a, s)) {
        ok = false;
        continue;
      }
      if (std::find(out.begin(), out.end(), *a) != out.end()) {
        r_.error(node[k], ppath, "player '" + *a + "' listed twice");
        ok = false;
        continue;
      }
      out.push_back(*a);
    }
    if (out.empty() && ok) {
      r_.error(node, path, "expected at least one player");
      ok = false;
    }
    return ok;
  }

  // Nodes sharing an information set must look the same to the player who moves there:
  // same player, same actions in the same order; and the player must have reached them by
  // the same moves of its own (perfect recall), which every solver for imperfect
  // information here needs (the sequence form of lcp, the regrets that check logit).
  void check_infosets(const YAML::Node& root, const std::string& path, const ScenarioGame& g) {
    const std::size_t before = diags_.size();
    check_infoset_shapes(root, path, g);
    if (diags_.size() == before) check_perfect_recall(root, path, g);
  }

  void check_perfect_recall(const YAML::Node& root, const std::string& path,
                            const ScenarioGame& g) {
    std::vector<int> parent(g.nodes.size(), -1);
    std::vector<std::size_t> parent_action(g.nodes.size(), 0);
    for (std::size_t k = 0; k < g.nodes.size(); ++k) {
      for (std::size_t a = 0; a < g.nodes[k].actions.size(); ++a) {
        const int child = g.nodes[k].actions[a].child;
        if (child < 0) continue;
        parent[static_cast<std::size_t>(child)] = static_cast<int>(k);
        parent_action[static_cast<std::size_t>(child)] = a;
      }
    }
    // The player's own moves on the path to node k, root first, each as (where, action):
    // `where` is the information set, or the node's label for a set of its own.
    auto own_moves = [&](std::size_t k) {
      const std::string& player = g.nodes[k].player;
      std::vector<std::string> out;
      for (std::size_t n = k; parent[n] >= 0; n = static_cast<std::size_t>(parent[n])) {
        const GameNode& p = g.nodes[static_cast<std::size_t>(parent[n])];
        if (p.player != player) continue;
        out.push_back((p.infoset.empty() ? "'" + p.label + "'" : "set '" + p.infoset + "'") + ": " +
                      p.actions[parent_action[n]].name);
      }
      std::reverse(out.begin(), out.end());
      return out;
    };
    auto joined = [](const std::vector<std::string>& moves) {
      std::string t;
      for (const auto& m : moves) t += (t.empty() ? "" : ", ") + m;
      return t.empty() ? std::string("none") : t;
    };
    std::map<std::string, std::pair<std::size_t, std::vector<std::string>>> first;
    for (std::size_t k = 0; k < g.nodes.size(); ++k) {
      const GameNode& n = g.nodes[k];
      if (n.infoset.empty()) continue;
      std::vector<std::string> moves = own_moves(k);
      auto [it, inserted] = first.emplace(n.infoset, std::make_pair(k, moves));
      if (inserted || it->second.second == moves) continue;
      const GameNode& f = g.nodes[it->second.first];
      r_.error(root, path,
               "nodes '" + f.label + "' and '" + n.label + "' share information set '" + n.infoset +
                   "', but " + n.player + " reaches them by different moves of its own (" +
                   joined(it->second.second) + " vs " + joined(moves) +
                   "); expected perfect recall: a player remembers its own moves, so give "
                   "these nodes separate information sets");
    }
  }

  void check_infoset_shapes(const YAML::Node& root, const std::string& path,
                            const ScenarioGame& g) {
    std::map<std::string, const GameNode*> first;
    for (const GameNode& n : g.nodes) {
      if (n.infoset.empty()) continue;
      auto [it, inserted] = first.emplace(n.infoset, &n);
      if (inserted) continue;
      const GameNode& f = *it->second;
      auto names = [](const GameNode& x) {
        std::string t;
        for (const auto& a : x.actions) t += (t.empty() ? "" : ", ") + a.name;
        return t;
      };
      if (f.player != n.player || names(f) != names(n)) {
        r_.error(root, path,
                 "nodes '" + f.label + "' and '" + n.label + "' share information set '" +
                     n.infoset +
                     "' but differ; expected the same player and the same actions in the same "
                     "order (" +
                     f.player + ": " + names(f) + " vs " + n.player + ": " + names(n) + ")");
      }
    }
  }

  // The reference joined to the scenario file's directory (no I/O: string work only).
  std::string resolve_reference(const std::string& ref) const {
    const std::filesystem::path p(ref);
    if (p.is_absolute()) return ref;
    const std::filesystem::path dir = std::filesystem::path(options_.filename).parent_path();
    return dir.empty() ? ref : (dir / p).string();
  }

  // `efg: FILE` with `players` (list in file order, or map from the file's player names),
  // `outcomes` (outcome label or number -> payoff expressions) and `threats`.
  void read_efg_game(const YAML::Node& efg, const YAML::Node& players,
                     const std::optional<YAML::Node>& outcomes,
                     const std::optional<YAML::Node>& threats, const std::string& path,
                     const Scenario& s, const std::vector<std::string>& vars, ScenarioGame& g) {
    const std::string epath = path + ".efg";
    auto ref = r_.text(efg, epath);
    if (!ref) return;
    GameFile file;
    file.path = *ref;
    file.where = detail::location(r_.file(), efg);
    if (!options_.read_file) {
      r_.error(efg, epath,
               "cannot read game file '" + *ref +
                   "': files a scenario refers to are read only when the scenario is loaded "
                   "from a file (no file reader was given)");
      return;
    }
    const std::string resolved = resolve_reference(*ref);
    std::optional<std::string> text;
    try {
      text = options_.read_file(resolved);
    } catch (const std::exception& e) {
      r_.error(efg, epath, "cannot read game file '" + resolved + "': " + e.what());
      return;
    }
    if (!text) {
      r_.error(efg, epath,
               "no such file '" + resolved + "'; expected a Gambit .efg file (the path is " +
                   "relative to the scenario file)");
      return;
    }
    if (text->size() > kMaxScenarioBytes) {
      r_.error(efg, epath, "'" + resolved + "': " + detail::oversize_message(text->size()));
      return;
    }
    games::ExtensiveGame game;
    try {
      game = games::read_efg(*text, resolved);
    } catch (const InputError& e) {
      // Both places: where the file is referenced, and where in the file the problem is.
      for (const Diagnostic& d : e.diagnostics().items()) {
        r_.error(efg, epath,
                 "invalid game file: " + d.where.file + ":" + std::to_string(d.where.line) + ":" +
                     std::to_string(d.where.column) + ": " + (d.path.empty() ? "" : d.path + ": ") +
                     d.message);
      }
      return;
    }
    // As for inline games: the solvers for imperfect information need perfect recall.
    if (const std::string recall = game.perfect_recall_problem(); !recall.empty()) {
      r_.error(efg, epath,
               "'" + resolved + "': " + recall +
                   "; expected perfect recall (a player remembers its own moves)");
      return;
    }
    const std::size_t before = diags_.size();
    read_efg_players(players, path + ".players", s, game, file, g.players);
    if (diags_.size() != before) return;
    if (outcomes) read_efg_outcomes(*outcomes, path + ".outcomes", game, vars, g, file);
    if (threats) read_efg_threats(*threats, path + ".threats", game, g, file);
    file.game = std::make_shared<const games::ExtensiveGame>(std::move(game));
    g.efg = std::move(file);
  }

  static std::string file_players_text(const games::ExtensiveGame& game) {
    std::string t;
    for (const auto& p : game.players()) t += (t.empty() ? "" : ", ") + ("'" + p + "'");
    return t;
  }

  void read_efg_players(const YAML::Node& node, const std::string& path, const Scenario& s,
                        const games::ExtensiveGame& game, GameFile& file,
                        std::vector<std::string>& out) {
    const std::size_t n = game.players().size();
    if (node.IsSequence()) {
      if (!read_player_list(node, path, s, out)) return;
      if (out.size() != n) {
        r_.error(node, path,
                 "the game file has " + std::to_string(n) + " player(s) (" +
                     file_players_text(game) + "); expected " + std::to_string(n) +
                     " actor id(s) in the file's player order, got " + std::to_string(out.size()));
      }
      return;
    }
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a list of actor ids in the file's player order, or a map from the "
               "file's player names to actor ids; got " +
                   detail::describe(node));
      return;
    }
    std::map<std::string, std::string> by_name;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      const std::string ppath = path + "." + key;
      const auto& names = game.players();
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        std::string msg = "'" + key + "' is not a player of the game file";
        auto near = closest_match(key, names);
        msg += near.empty() ? "; its players are " + file_players_text(game)
                            : "; did you mean '" + near + "'?";
        r_.error(it->first, ppath, msg);
        continue;
      }
      auto a = r_.text(it->second, ppath);
      if (!a || !check_actor_ref(it->second, ppath, *a, s)) continue;
      for (const auto& [k, v] : by_name) {
        if (v == *a) r_.error(it->second, ppath, "actor '" + *a + "' given to two players");
      }
      if (!by_name.emplace(key, *a).second) {
        r_.error(it->first, ppath, "player '" + key + "' given twice");
        continue;
      }
      file.player_names.emplace_back(key, *a);
    }
    if (std::set<std::string>(game.players().begin(), game.players().end()).size() != n) {
      r_.error(node, path,
               "the game file's players do not have distinct names (" + file_players_text(game) +
                   "); give the actor ids as a list in the file's player order");
      return;
    }
    for (const auto& p : game.players()) {
      auto it = by_name.find(p);
      if (it == by_name.end()) {
        r_.error(node, path, "no actor for the game file's player '" + p + "'");
        continue;
      }
      out.push_back(it->second);
    }
  }

  // The outcome a key names: its label when exactly one outcome has it, else its number.
  void read_efg_outcomes(const YAML::Node& node, const std::string& path,
                         const games::ExtensiveGame& game, const std::vector<std::string>& vars,
                         const ScenarioGame& g, GameFile& file) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a map from outcome name (or number) to payoff expressions, got " +
                   detail::describe(node));
      return;
    }
    std::vector<std::string> labels;
    for (const auto& o : game.outcomes()) labels.push_back(o.label);
    std::set<int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      const std::string opath = path + "." + key;
      int index = -1;
      const auto count = std::count(labels.begin(), labels.end(), key);
      if (count > 1) {
        r_.error(
            it->first, opath,
            "several outcomes of the game file are named '" + key + "'; refer to it by its number");
        continue;
      }
      if (count == 1) {
        index = static_cast<int>(std::find(labels.begin(), labels.end(), key) - labels.begin());
      } else if (!key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
                   return std::isdigit(static_cast<unsigned char>(c)) != 0;
                 })) {
        for (std::size_t k = 0; k < game.outcomes().size(); ++k) {
          if (key.size() < 10 && game.outcomes()[k].number == std::stoi(key))
            index = static_cast<int>(k);
        }
      }
      if (index < 0) {
        std::string msg = "the game file has no outcome '" + key + "'";
        auto near = closest_match(key, labels);
        msg += near.empty() ? "; expected an outcome's name (in quotes in the file) or number"
                            : "; did you mean '" + near + "'?";
        r_.error(it->first, opath, msg);
        continue;
      }
      if (!seen.insert(index).second) {
        r_.error(it->first, opath, "outcome '" + key + "' mapped twice");
        continue;
      }
      GameOutcomeMap om;
      om.key = key;
      om.outcome = index;
      om.where = detail::location(r_.file(), it->first);
      GameAction holder;
      read_payoffs(it->second, opath, g, vars, holder, false);
      om.payoffs = std::move(holder.payoffs);
      file.outcomes.push_back(std::move(om));
    }
  }

  // `[{player, infoset, action, name}]`: infoset by label or by the file's number for that
  // player; action by label or 1-based position.
  void read_efg_threats(const YAML::Node& node, const std::string& path,
                        const games::ExtensiveGame& game, const ScenarioGame& g, GameFile& file) {
    if (!r_.sequence(node, path)) return;
    std::set<std::string> names;
    auto is_number = [](const std::string& t) {
      return !t.empty() && t.size() < 10 && std::all_of(t.begin(), t.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      });
    };
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string tpath = path + "[" + std::to_string(k) + "]";
      const YAML::Node item = node[k];
      if (!item.IsMap()) {
        r_.error(
            item, tpath,
            "expected a threat {player, infoset, action, name}, got " + detail::describe(item));
        continue;
      }
      auto m = r_.map(item, tpath);
      auto player = m.required("player");
      auto infoset = m.required("infoset");
      auto action = m.required("action");
      auto name = m.optional("name");
      m.finish();
      if (!player || !infoset || !action) continue;
      GameThreatRef t;
      t.where = detail::location(r_.file(), item);
      auto p = r_.text(*player, tpath + ".player");
      auto h = r_.text(*infoset, tpath + ".infoset");
      auto a = r_.text(*action, tpath + ".action");
      if (!p || !h || !a) continue;
      const auto pit = std::find(g.players.begin(), g.players.end(), *p);
      if (pit == g.players.end()) {
        std::string msg = "'" + *p + "' is not a player of the game";
        auto near = closest_match(*p, g.players);
        msg += near.empty() ? "; expected one of its players" : "; did you mean '" + near + "'?";
        r_.error(*player, tpath + ".player", msg);
        continue;
      }
      t.player = *p;
      t.infoset = *h;
      t.action = *a;
      const int pnum = static_cast<int>(pit - g.players.begin()) + 1;
      std::vector<int> by_label;
      std::vector<std::string> candidates;
      for (int i : game.player_infosets(pnum)) {
        const games::Infoset& info = game.infoset(i);
        candidates.push_back(info.label.empty() ? std::to_string(info.number) : info.label);
        if (info.label == *h) by_label.push_back(i);
      }
      if (by_label.empty() && is_number(*h)) {
        for (int i : game.player_infosets(pnum)) {
          if (game.infoset(i).number == std::stoi(*h)) t.infoset_index = i;
        }
      }
      if (by_label.size() > 1) {
        r_.error(*infoset, tpath + ".infoset",
                 "several information sets of '" + *p + "' are named '" + *h +
                     "'; refer to it by its number");
        continue;
      }
      if (by_label.size() == 1) t.infoset_index = by_label[0];
      if (t.infoset_index < 0) {
        std::string msg = "player '" + *p + "' has no information set '" + *h + "' in the file";
        auto near = closest_match(*h, candidates);
        msg += near.empty() ? "; expected an information set's name or number"
                            : "; did you mean '" + near + "'?";
        r_.error(*infoset, tpath + ".infoset", msg);
        continue;
      }
      const games::Infoset& info = game.infoset(t.infoset_index);
      const auto ait = std::find(info.actions.begin(), info.actions.end(), *a);
      if (ait != info.actions.end()) {
        t.action_index = static_cast<int>(ait - info.actions.begin());
      } else if (is_number(*a) && std::stoi(*a) >= 1 &&
                 std::stoi(*a) <= static_cast<int>(info.actions.size())) {
        t.action_index = std::stoi(*a) - 1;
      } else {
        std::string msg = "information set '" + *h + "' has no action '" + *a + "'";
        auto near = closest_match(*a, info.actions);
        msg += near.empty() ? "; expected an action's name or 1-based position"
                            : "; did you mean '" + near + "'?";
        r_.error(*action, tpath + ".action", msg);
        continue;
      }
      if (name) {
        auto n = r_.id(*name, tpath + ".name");
        if (!n) continue;
        t.name = *n;
      }
      const std::string reported =
          t.name.empty() ? info.actions[static_cast<std::size_t>(t.action_index)] : t.name;
      if (reported.empty()) {
        r_.error(item, tpath, "the threat's action has no label in the file; give it a 'name'");
        continue;
      }
      if (!names.insert(reported).second) {
        r_.error(item, tpath,
                 "another threat of this game is reported as '" + reported +
                     "'; give this one a distinct 'name'");
        continue;
      }
      file.threats.push_back(std::move(t));
    }
  }

  // Reads one decision node and, depth first, the nodes below it; returns its index or -1.
  int read_game_node(const YAML::Node& node, const std::string& path, ScenarioGame& g,
                     const std::vector<std::string>& vars, std::set<std::string>& labels,
                     std::set<std::string>& threats, const std::string& history) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a decision node {player, actions}, got " + detail::describe(node));
      return -1;
    }
    auto m = r_.map(node, path);
    auto id = m.optional("id");
    auto player = m.required("player");
    auto actions = m.required("actions");
    auto infoset = m.optional("infoset");
    m.finish();
    GameNode n;
    if (infoset) {
      auto t = r_.id(*infoset, path + ".infoset");
      if (!t) return -1;
      n.infoset = *t;
    }
    if (player) {
      auto p = r_.text(*player, path + ".player");
      if (!p) return -1;
      if (std::find(g.players.begin(), g.players.end(), *p) == g.players.end()) {
        std::string msg = "'" + *p + "' is not a player of the game";
        auto near = closest_match(*p, g.players);
        msg += near.empty() ? "; expected one of its players" : "; did you mean '" + near + "'?";
        r_.error(*player, path + ".player", msg);
        return -1;
      }
      n.player = *p;
    }
    n.label = history.empty() ? n.player : n.player + " after " + history;
    if (id) {
      auto t = r_.id(*id, path + ".id");
      if (!t) return -1;
      n.label = *t;
    }
    if (!labels.insert(n.label).second) {
      r_.error(id ? *id : node, path, "node label '" + n.label + "' used twice in the game");
      return -1;
    }
    if (!actions || !r_.sequence(*actions, path + ".actions")) return -1;
    if (actions->size() == 0) {
      r_.error(*actions, path + ".actions", "expected at least one action");
      return -1;
    }
    const int index = static_cast<int>(g.nodes.size());
    g.nodes.push_back(n);
    std::set<std::string> action_names;
    for (std::size_t k = 0; k < actions->size(); ++k) {
      const std::string apath = path + ".actions[" + std::to_string(k) + "]";
      const YAML::Node item = (*actions)[k];
      if (!item.IsMap()) {
        r_.error(item, apath,
                 "expected an action {name, next | payoffs, threat, shares_risk}, got " +
                     detail::describe(item));
        continue;
      }
      auto am = r_.map(item, apath);
      auto aname = am.required("name");
      auto threat = am.optional("threat");
      auto next = am.optional("next");
      auto payoffs = am.optional("payoffs");
      auto shares_risk = am.optional("shares_risk");
      am.finish();
      GameAction a;
      a.where = detail::location(r_.file(), item);
      if (shares_risk) a.shares_risk = r_.number_in(*shares_risk, apath + ".shares_risk", 0, 1);
      if (aname) a.name = r_.id(*aname, apath + ".name").value_or("");
      if (a.name.empty()) continue;
      if (!action_names.insert(a.name).second) {
        r_.error(*aname, apath + ".name", "action '" + a.name + "' given twice at this node");
        continue;
      }
      if (threat) {
        auto t = r_.choice(*threat, apath + ".threat", {"true", "false"});
        a.threat = t && *t == "true";
        // Threats are reported by action name, so the name must identify one.
        if (a.threat && !threats.insert(a.name).second) {
          r_.error(*threat, apath + ".threat",
                   "another threat of this game is named '" + a.name +
                       "'; threat actions need unique names");
        }
      }
      if ((next && payoffs) || (!next && !payoffs)) {
        r_.error(item, apath,
                 "expected exactly one of 'next' (the node the action leads to) or "
                 "'payoffs' (a terminal)");
        continue;
      }
      if (payoffs) read_payoffs(*payoffs, apath + ".payoffs", g, vars, a);
      const std::string h = history.empty() ? a.name : history + "/" + a.name;
      g.nodes[static_cast<std::size_t>(index)].actions.push_back(a);
      if (next) {
        const int child = read_game_node(*next, apath + ".next", g, vars, labels, threats, h);
        g.nodes[static_cast<std::size_t>(index)].actions.back().child = child;
      }
    }
    return index;
  }

  // `{PLAYER: expression, ...}` with every player of the game (`every_player`), or some of
  // them; each expression is parsed now so a typo is reported with its column, not at run
  // time.
  void read_payoffs(const YAML::Node& node, const std::string& path, const ScenarioGame& g,
                    const std::vector<std::string>& vars, GameAction& a, bool every_player = true) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a map from player to payoff expression, got " + detail::describe(node));
      return;
    }
    std::set<std::string> given;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string who = it->first.IsScalar() ? it->first.Scalar() : "";
      const std::string ppath = path + "." + who;
      if (std::find(g.players.begin(), g.players.end(), who) == g.players.end()) {
        std::string msg = "'" + who + "' is not a player of the game";
        auto near = closest_match(who, g.players);
        msg += near.empty() ? "; expected one of its players" : "; did you mean '" + near + "'?";
        r_.error(it->first, ppath, msg);
        continue;
      }
      if (!given.insert(who).second) {
        r_.error(it->first, ppath, "payoff of '" + who + "' given twice");
        continue;
      }
      auto text = r_.text(it->second, ppath);
      if (!text) continue;
      try {
        (void)expr::used_variables(*text, vars);
      } catch (const expr::ExpressionError& e) {
        SourceLocation where = detail::location(r_.file(), it->second);
        // A quoted scalar starts one column before its text (yaml-cpp tags it "!").
        const int quote = it->second.Tag() == "!" ? 1 : 0;
        where.column += quote + e.position();
        diags_.error(where, ppath, e.what());
        continue;
      }
      a.payoffs.emplace_back(who, *text);
    }
    for (const auto& p : g.players) {
      if (every_player && given.count(p) == 0) {
        r_.error(node, path,
                 "no payoff for player '" + p + "'; every terminal needs one per player");
      }
    }
  }

  // --- events -----------------------------------------------------------------------------

  // Builds the Change for one `path: value` entry of an event, type-checked against the
  // scenario as loaded. `stances` tracks which (issue, actor) stances exist so that a
  // stance may be added by an event only with both its fields.
  std::optional<Change> read_change(const YAML::Node& key, const YAML::Node& value,
                                    const std::string& epath, const Scenario& s,
                                    std::set<std::pair<std::string, std::string>>& stances,
                                    const std::set<std::string>& keys_in_event) {
    const std::string p = key.Scalar();
    const std::string vpath = epath + "." + p;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      const std::size_t dot = p.find('.', start);
      parts.push_back(p.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    Change c;
    c.path = p;
    c.value = YAML::Dump(value);
    c.where = detail::location(options_.filename, value);
    auto bad_path = [&](const std::string& why) {
      r_.error(key, vpath, why);
      return std::optional<Change>{};
    };
    const std::vector<std::string> lists = {"actors", "issues",  "alliances",
                                            "forces", "weapons", "places"};
    // params.NAME: a param has no fields, so its path has two parts.
    if (parts.size() == 2 && parts[0] == "params") {
      const std::string pid = parts[1];
      if (s.param(pid) == nullptr) return bad_path(unknown_ref("param", pid, ids_of(s.params)));
      auto v = r_.quantity(value, vpath, -kInf, kInf);
      if (!v) return std::nullopt;
      c.apply = [pid, v = *v](Scenario& sc) { find_mut(sc.params, pid).value = v; };
      return c;
    }
    if (parts.size() < 3) {
      return bad_path(
          "expected a path LIST.ID.FIELD (e.g. issues.nk-nuclear.positions.ROK.position)");
    }
    const std::string& list = parts[0];
    const std::string& id = parts[1];
    const std::string& field = parts[2];
    auto unknown_field = [&](const std::vector<std::string>& fields) {
      std::string msg = "cannot set '" + field + "' of " + list + "; settable fields: ";
      for (std::size_t i = 0; i < fields.size(); ++i) msg += (i ? ", " : "") + fields[i];
      auto near = closest_match(field, fields);
      if (!near.empty()) msg += "; did you mean '" + near + "'?";
      return bad_path(msg);
    };
    auto too_long = [&](std::size_t n) {
      if (parts.size() != n) return bad_path("path '" + p + "' is too long or too short");
      return std::optional<Change>{c};
    };

    if (list == "actors") {
      if (s.actor(id) == nullptr) return bad_path(unknown_ref("actor", id, ids_of(s.actors)));
      if (!too_long(3)) return std::nullopt;
      if (field == "name") {
        auto v = r_.text(value, vpath);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.actors, id).name = v; };
      } else if (field == "kind") {
        auto v = r_.choice(value, vpath, actor_kind_names());
        if (!v) return std::nullopt;
        const ActorKind k = *parse_actor_kind(*v);
        c.apply = [id, k](Scenario& sc) { find_mut(sc.actors, id).kind = k; };
      } else if (field == "capability") {
        Actor tmp;
        const std::size_t before = diags_.size();
        read_capability(value, vpath, tmp);
        if (diags_.size() != before) return std::nullopt;
        c.apply = [id, tmp](Scenario& sc) {
          Actor& a = find_mut(sc.actors, id);
          a.capability = tmp.capability;
          a.cinc = tmp.cinc;
        };
      } else if (field == "risk") {
        auto v = r_.quantity(value, vpath, -1, 1);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.actors, id).risk = v; };
      } else {
        return unknown_field({"name", "kind", "capability", "risk"});
      }
      return c;
    }
    if (list == "issues") {
      if (incomplete_issues_.count(id)) return std::nullopt;  // already reported
      const Issue* is = s.issue(id);
      if (is == nullptr) return bad_path(unknown_ref("issue", id, ids_of(s.issues)));
      if (field == "name") {
        if (!too_long(3)) return std::nullopt;
        auto v = r_.text(value, vpath);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.issues, id).name = v; };
        return c;
      }
      if (field == "status_quo") {
        if (!too_long(3)) return std::nullopt;
        auto v = r_.quantity(value, vpath, is->scale.min, is->scale.max);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.issues, id).status_quo = v; };
        return c;
      }
      if (field == "procedure") {
        if (!too_long(3)) return std::nullopt;
        auto v = detail::read_procedure(r_, value, vpath, ids_of(s.actors));
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.issues, id).procedure = v; };
        return c;
      }
      if (field == "positions") {
        if (parts.size() != 5) {
          return bad_path("expected issues.ID.positions.ACTOR.position or .salience");
        }
        const std::string& actor = parts[3];
        const std::string& what = parts[4];
        if (s.actor(actor) == nullptr)
          return bad_path(unknown_ref("actor", actor, ids_of(s.actors)));
        if (what != "position" && what != "salience") {
          auto near = closest_match(what, {"position", "salience"});
          return bad_path("cannot set '" + what + "' of a stance; expected position or salience" +
                          (near.empty() ? "" : "; did you mean '" + near + "'?"));
        }
        const bool is_position = what == "position";
        auto v = is_position ? r_.quantity(value, vpath, is->scale.min, is->scale.max)
                             : r_.quantity(value, vpath, 0, 1);
        if (!v) return std::nullopt;
        if (!stances.count({id, actor})) {
          const std::string other =
              "issues." + id + ".positions." + actor + (is_position ? ".salience" : ".position");
          if (!keys_in_event.count(other)) {
            return bad_path("actor '" + actor + "' has no stance on issue '" + id +
                            "'; an event that adds one must set both position and salience");
          }
        }
        c.apply = [id, actor, is_position, v = *v](Scenario& sc) {
          Issue& issue = find_mut(sc.issues, id);
          auto it = std::find_if(issue.stances.begin(), issue.stances.end(),
                                 [&](const Stance& st) { return st.actor == actor; });
          if (it == issue.stances.end()) {
            issue.stances.push_back(Stance{actor, Quantity{}, Quantity{}});
            it = std::prev(issue.stances.end());
          }
          (is_position ? it->position : it->salience) = v;
        };
        return c;
      }
      return unknown_field({"name", "status_quo", "positions", "procedure"});
    }
    if (list == "alliances") {
      if (s.alliance(id) == nullptr)
        return bad_path(unknown_ref("alliance", id, ids_of(s.alliances)));
      if (field == "terms") return read_terms_change(parts, value, vpath, *s.alliance(id), c);
      if (!too_long(3)) return std::nullopt;
      if (field == "name") {
        auto v = r_.text(value, vpath);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.alliances, id).name = v; };
      } else if (field == "type") {
        auto v = r_.choice(value, vpath, alliance_types());
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.alliances, id).type = v; };
      } else if (field == "members") {
        auto v = read_members(value, vpath, s);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.alliances, id).members = v; };
      } else {
        return unknown_field({"name", "type", "members", "terms"});
      }
      return c;
    }
    if (list == "forces") {
      if (s.force(id) == nullptr) {
        std::vector<std::string> known = ids_of(s.forces);
        return bad_path(unknown_ref("force", id, known));
      }
      if (!too_long(3)) return std::nullopt;
      if (field == "unit") {
        auto v = r_.text(value, vpath);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.forces, id).unit = v; };
      } else if (field == "kind") {
        auto v = r_.choice(value, vpath, force_kinds());
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.forces, id).kind = v; };
      } else if (field == "at") {
        std::string place;
        auto g = read_location(value, vpath, s, &place);
        if (!g) return std::nullopt;
        c.apply = [id, g = *g, place](Scenario& sc) {
          Force& f = find_mut(sc.forces, id);
          f.location = g;
          f.place = place;
          // A place moved by an earlier event must be seen at its moved coordinates.
          if (!place.empty()) {
            if (const Place* pl = sc.place(place)) f.location = pl->at;
          }
        };
      } else if (field == "strength") {
        auto v = r_.quantity(value, vpath, 0, kInf);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.forces, id).strength = v; };
      } else {
        return unknown_field({"unit", "kind", "at", "strength"});
      }
      return c;
    }
    if (list == "weapons") {
      if (std::none_of(s.weapons.begin(), s.weapons.end(),
                       [&](const Weapon& w) { return w.id == id; })) {
        return bad_path(unknown_ref("weapon", id, ids_of(s.weapons)));
      }
      if (!too_long(3)) return std::nullopt;
      if (field == "system") {
        auto v = r_.text(value, vpath);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) { find_mut(sc.weapons, id).system = v; };
      } else if (field == "range_km" || field == "count") {
        auto v = r_.quantity(value, vpath, 0, kInf);
        if (!v) return std::nullopt;
        if (field == "range_km" && !(v->value > 0)) {
          r_.error(value, vpath, "expected a range > 0 km");
          return std::nullopt;
        }
        const bool is_range = field == "range_km";
        c.apply = [id, v = *v, is_range](Scenario& sc) {
          Weapon& w = find_mut(sc.weapons, id);
          (is_range ? w.range_km : w.count) = v;
        };
      } else if (field == "sites") {
        auto v = read_sites(value, vpath, s);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) {
          Weapon& w = find_mut(sc.weapons, id);
          w.sites = v;
          w.front_line.clear();
        };
      } else if (field == "along") {
        auto v = read_line_ref(value, vpath, s);
        if (!v) return std::nullopt;
        c.apply = [id, v = *v](Scenario& sc) {
          Weapon& w = find_mut(sc.weapons, id);
          w.front_line = v;
          w.sites.clear();
        };
      } else {
        return unknown_field({"system", "range_km", "count", "sites", "along"});
      }
      return c;
    }
    if (list == "places") {
      if (s.place(id) == nullptr) return bad_path(unknown_ref("place", id, ids_of(s.places)));
      if (!too_long(3)) return std::nullopt;
      if (field != "lat" && field != "lon") return unknown_field({"lat", "lon"});
      const bool is_lat = field == "lat";
      auto v = is_lat ? r_.number_in(value, vpath, -90, 90) : r_.number_in(value, vpath, -180, 180);
      if (!v) return std::nullopt;
      c.apply = [id, is_lat, v = *v](Scenario& sc) {
        Place& pl = find_mut(sc.places, id);
        (is_lat ? pl.at.lat : pl.at.lon) = v;
        for (Force& f : sc.forces) {
          if (f.place == id) f.location = pl.at;
        }
      };
      return c;
    }
    auto near = closest_match(list, lists);
    return bad_path("cannot change '" + list +
                    "'; expected a path starting with one of actors, "
                    "issues, alliances, forces, weapons, places" +
                    (near.empty() ? "" : "; did you mean '" + near + "'?"));
  }

  // alliances.ID.terms.MEMBER.{commitment, support_polls}, .burden.FIELD or .threats.TARGET;
  // the member's terms are created when it has none yet.
  std::optional<Change> read_terms_change(const std::vector<std::string>& parts,
                                          const YAML::Node& value, const std::string& vpath,
                                          const Alliance& a, Change c) {
    // Diagnostics point at the value, which has its own line and column.
    const YAML::Node& key = value;
    if (parts.size() < 5) {
      r_.error(key, vpath,
               "expected alliances.ID.terms.MEMBER.commitment, .support_polls, "
               ".burden.FIELD or .threats.TARGET");
      return std::nullopt;
    }
    const std::string& member = parts[3];
    const std::string& what = parts[4];
    if (std::find(a.members.begin(), a.members.end(), member) == a.members.end()) {
      r_.error(key, vpath, not_a_member(member, a));
      return std::nullopt;
    }
    const std::string id = a.id;
    auto terms_of = [id, member](Scenario& sc) -> AllianceTerms& {
      Alliance& al = find_mut(sc.alliances, id);
      for (AllianceTerms& t : al.terms) {
        if (t.member == member) return t;
      }
      al.terms.push_back(AllianceTerms{});
      al.terms.back().member = member;
      return al.terms.back();
    };
    const std::size_t want = (what == "burden" || what == "threats") ? 6 : 5;
    if (std::find(terms_fields().begin(), terms_fields().end(), what) == terms_fields().end()) {
      std::string msg = "cannot set '" + what + "' of an alliance member's terms; settable: ";
      for (std::size_t i = 0; i < terms_fields().size(); ++i)
        msg += (i ? ", " : "") + terms_fields()[i];
      auto near = closest_match(what, terms_fields());
      if (!near.empty()) msg += "; did you mean '" + near + "'?";
      r_.error(key, vpath, msg);
      return std::nullopt;
    }
    if (parts.size() != want) {
      r_.error(key, vpath,
               "path is too long or too short; expected alliances.ID.terms.MEMBER." + what +
                   (want == 6 ? (what == "burden" ? ".FIELD" : ".TARGET") : ""));
      return std::nullopt;
    }
    if (what == "commitment") {
      auto v = r_.quantity(value, vpath, 0, 1);
      if (!v) return std::nullopt;
      c.apply = [terms_of, v = *v](Scenario& sc) { terms_of(sc).commitment = v; };
      return c;
    }
    if (what == "support_polls") {
      auto v = read_questions(value, vpath);
      if (!v) return std::nullopt;
      c.apply = [terms_of, v = *v](Scenario& sc) { terms_of(sc).support_polls = v; };
      return c;
    }
    const std::string& sub = parts[5];
    if (what == "burden") {
      if (std::find(burden_fields().begin(), burden_fields().end(), sub) == burden_fields().end()) {
        auto near = closest_match(sub, burden_fields());
        r_.error(key, vpath,
                 "cannot set '" + sub +
                     "' of a burden; expected troops_abroad, host_nation_support, "
                     "contributions or defence_spending" +
                     (near.empty() ? "" : "; did you mean '" + near + "'?"));
        return std::nullopt;
      }
      auto v = r_.quantity(value, vpath, 0, kInf);
      if (!v) return std::nullopt;
      c.apply = [terms_of, sub, v = *v](Scenario& sc) {
        AllianceTerms& t = terms_of(sc);
        (sub == "troops_abroad"         ? t.troops_abroad
         : sub == "host_nation_support" ? t.host_nation_support
         : sub == "contributions"       ? t.contributions
                                        : t.defence_spending) = v;
      };
      return c;
    }
    // threats.TARGET
    bool valid =
        !sub.empty() && sub.size() <= 64 && std::isalnum(static_cast<unsigned char>(sub[0]));
    for (char ch : sub) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') valid = false;
    }
    if (!valid) {
      r_.error(key, vpath,
               "'" + sub +
                   "' is not a valid threat id; expected 1–64 letters, digits, '-' or '_', "
                   "starting with a letter or digit");
      return std::nullopt;
    }
    auto v = r_.quantity(value, vpath, 0, 1);
    if (!v) return std::nullopt;
    c.apply = [terms_of, target = sub, v = *v](Scenario& sc) {
      AllianceTerms& t = terms_of(sc);
      for (Threat& th : t.threats) {
        if (th.target == target) {
          th.level = v;
          return;
        }
      }
      t.threats.push_back(Threat{target, v});
    };
    return c;
  }

  template <typename T>
  static T& find_mut(std::vector<T>& items, const std::string& id) {
    for (auto& i : items) {
      if (i.id == id) return i;
    }
    throw std::logic_error("event refers to unknown id " + id);
  }

  void load_events(const YAML::Node& node, Scenario& s) {
    if (!r_.sequence(node, "events")) return;
    // Holds the index of the item, not a YAML::Node: yaml-cpp's Node assignment rebinds
    // shared content, so sorting a vector of Nodes would scramble them.
    struct Pending {
      Event event;
      std::size_t index = 0;
      bool has_set = false;
      std::string path;
    };
    std::vector<Pending> pending;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "events[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        r_.error(item, path,
                 "expected an event {id, date, description, set}, got " + detail::describe(item));
        continue;
      }
      auto m = r_.map(item, path);
      auto id = m.required("id");
      auto date = m.required("date");
      auto description = m.optional("description");
      auto set = m.optional("set");
      m.finish();
      Pending p;
      p.path = path;
      p.index = i;
      if (id) p.event.id = r_.id(*id, path + ".id").value_or("");
      auto d = date ? r_.date(*date, path + ".date") : std::nullopt;
      if (!d) continue;
      p.event.date = *d;
      if (description)
        p.event.description = r_.text(*description, path + ".description").value_or("");
      if (!p.event.id.empty() && !unique(seen, *id, path + ".id", p.event.id, "event")) continue;
      if (set) {
        if (!set->IsMap()) {
          r_.error(*set, path + ".set",
                   "expected a map from field path to new value, got " + detail::describe(*set));
          continue;
        }
        p.has_set = true;
      }
      pending.push_back(std::move(p));
    }
    // Changes are checked in the order they will apply, so a stance added by an earlier
    // event may be changed by a later one.
    std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
      return a.event.date < b.event.date;
    });
    std::set<std::pair<std::string, std::string>> stances;
    for (const auto& is : s.issues) {
      for (const auto& st : is.stances) stances.insert({is.id, st.actor});
    }
    for (auto& p : pending) {
      if (p.has_set) {
        const YAML::Node set = node[p.index]["set"];
        std::set<std::string> keys;
        for (auto it = set.begin(); it != set.end(); ++it) {
          if (!it->first.IsScalar()) {
            r_.error(it->first, p.path + ".set", "expected a field path as key");
            continue;
          }
          if (!keys.insert(it->first.Scalar()).second) {
            r_.error(it->first, p.path + ".set." + it->first.Scalar(),
                     "path set twice in one event");
          }
        }
        for (auto it = set.begin(); it != set.end(); ++it) {
          if (!it->first.IsScalar()) continue;
          auto c = read_change(it->first, it->second, p.path + ".set", s, stances, keys);
          if (c) p.event.changes.push_back(std::move(*c));
        }
        for (const auto& k : keys) {
          const auto a = k.find(".positions.");
          if (k.rfind("issues.", 0) == 0 && a != std::string::npos) {
            const std::string issue = k.substr(7, a - 7);
            const std::string rest = k.substr(a + 11);
            const std::string actor = rest.substr(0, rest.find('.'));
            stances.insert({issue, actor});
          }
        }
      }
      s.events.push_back(std::move(p.event));
    }
  }

  const LoadOptions& options_;
  std::set<std::string> incomplete_issues_;
  YamlReader r_;
  Diagnostics& diags_;
};

// Checks done before yaml-cpp builds a tree: the size limit and binary data.
bool precheck(std::string_view text, const std::string& file, Diagnostics& diags) {
  if (text.size() > kMaxScenarioBytes) {
    diags.error({file, 0, 0}, "", detail::oversize_message(text.size()));
    return false;
  }
  if (const auto fault = detail::find_text_fault(text)) {
    diags.error({file, fault->line, fault->column}, "",
                detail::text_fault_message(*fault, "a UTF-8 YAML scenario"));
    return false;
  }
  return true;
}

// A first pass over yaml-cpp's event stream, before any tree is built. It stops at the
// first collection nested deeper than kMaxYamlDepth (so the recursive parser never goes
// deeper), finds quoted scalars that are never closed (yaml-cpp silently runs them to the
// end of the file), and remembers open flow collections so that a missing bracket is
// reported where it was opened rather than where the parser gave up.
class Prescan : public YAML::EventHandler {
 public:
  struct Stop {
    YAML::Mark mark;
    std::string message;
  };

  explicit Prescan(std::string_view text) : text_(text) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      throw Stop{mark, "a second YAML document; expected one scenario per file"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {
    check_quote(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value style) override {
    open(mark, style == YAML::EmitterStyle::Flow ? '[' : ' ');
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value style) override {
    open(mark, style == YAML::EmitterStyle::Flow ? '{' : ' ');
  }
  void OnMapEnd() override { open_.pop_back(); }

  // The innermost open flow collection started by `bracket`, if any.
  [[nodiscard]] std::optional<YAML::Mark> innermost(char bracket) const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      if (it->second == bracket) return it->first;
    }
    return std::nullopt;
  }

 private:
  void open(const YAML::Mark& mark, char bracket) {
    open_.emplace_back(mark, bracket);
    // Levels are counted below the document's top-level collection.
    if (static_cast<int>(open_.size()) - 1 > kMaxYamlDepth) {
      throw Stop{mark, "nesting deeper than " + std::to_string(kMaxYamlDepth) +
                           " levels; a scenario is at most a few levels deep"};
    }
  }

  void check_quote(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text_.size()) return;
    const auto start = static_cast<std::size_t>(mark.pos);
    const char q = text_[start];
    if (q != '"' && q != '\'') return;
    for (std::size_t i = start + 1; i < text_.size(); ++i) {
      if (q == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == q) {
        if (q == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
        } else {
          return;
        }
      }
    }
    throw Stop{mark, std::string("YAML syntax error: '") + q +
                         "' is not closed; expected a matching '" + q + "'"};
  }

  std::string_view text_;
  int documents_ = 0;
  std::vector<std::pair<YAML::Mark, char>> open_;
};

// Runs the prescan; false (with a diagnostic) when the text must not be parsed further.
bool prescan(std::string_view text, const std::string& file, Diagnostics& diags) {
  std::istringstream in{std::string(text)};
  Prescan handler(text);
  auto where = [&](const YAML::Mark& m) { return SourceLocation{file, m.line + 1, m.column + 1}; };
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const Prescan::Stop& stop) {
    diags.error(where(stop.mark), "", stop.message);
    return false;
  } catch (const YAML::Exception& e) {
    // yaml-cpp names where it gave up; an unclosed bracket is clearer where it opened.
    const bool map_flow = e.msg.find("end of map flow not found") != std::string::npos;
    const bool seq_flow = e.msg.find("end of sequence flow not found") != std::string::npos;
    if (map_flow || seq_flow) {
      const char open = map_flow ? '{' : '[';
      const char close = map_flow ? '}' : ']';
      if (auto m = handler.innermost(open)) {
        diags.error(where(*m), "",
                    std::string("YAML syntax error: '") + open +
                        "' is not closed; expected a matching '" + close + "'");
        return false;
      }
    }
    diags.error({file, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
    return false;
  }
  return true;
}

}  // namespace

Scenario load_scenario_yaml(std::string_view text, const LoadOptions& options) {
  Diagnostics diags;
  if (!precheck(text, options.filename, diags) || !prescan(text, options.filename, diags)) {
    throw InputError(std::move(diags));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    diags.error({options.filename, e.mark.line + 1, e.mark.column + 1}, "",
                "YAML syntax error: " + e.msg);
    throw InputError(std::move(diags));
  }
  if (root.IsNull() || !root.IsDefined()) {
    diags.error({options.filename, 1, 1}, "",
                "empty file; expected a YAML scenario (see docs/scenario.md)");
    throw InputError(std::move(diags));
  }
  Loader loader(options, diags);
  Scenario s;
  try {
    s = loader.load(root);
  } catch (const YAML::Exception& e) {
    diags.error({options.filename, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const Event& a, const Event& b) { return a.date < b.date; });
  return s;
}

}  // namespace entente
