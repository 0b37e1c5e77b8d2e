// The YAML scenario loader: dated events and the changes they set (docs/scenario.md).
#include "scenario/yaml_loader.hpp"

namespace entente::detail {

// --- events -----------------------------------------------------------------------------

// Builds the Change for one `path: value` entry of an event, type-checked against the
// scenario as loaded. `stances` tracks which (issue, actor) stances exist so that a
// stance may be added by an event only with both its fields.
std::optional<Change> Loader::read_change(const YAML::Node& key, const YAML::Node& value,
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
  // A number of the fields table: read with the table's range and set through the table,
  // so that an event sets exactly what sampling and the what-if can move, by the same path.
  // Two keep readers of their own: a capability may be given as CINC components, and a
  // weapon's range must be above 0 (the table's lower bound is the smallest double).
  // What the table lacks is read below: a stance, a threat or terms an event adds, and the
  // fields that are not numbers.
  const bool incomplete = parts[0] == "issues" && parts.size() > 1 &&
                          incomplete_issues_.count(parts[1]) > 0;  // already reported
  if (const auto f = event_fields_.find(p); f != event_fields_.end() && !incomplete &&
                                            !p.ends_with(".capability") &&
                                            !p.ends_with(".range_km")) {
    const EventField field = f->second;
    if (field.quantity) {
      auto v = r_.quantity(value, vpath, field.lo, field.hi);
      if (!v) return std::nullopt;
      c.apply = [p, v = *v](Scenario& sc) { set_quantity_field(sc, p, v); };
    } else {
      auto v = r_.number_in(value, vpath, field.lo, field.hi);
      if (!v) return std::nullopt;
      c.apply = [p, v = *v](Scenario& sc) { set_numeric_field(sc, p, v); };
    }
    return c;
  }
  const std::vector<std::string> lists = {"actors",  "issues", "alliances", "forces",
                                          "weapons", "places", "polls"};
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
      if (s.actor(actor) == nullptr) return bad_path(unknown_ref("actor", actor, ids_of(s.actors)));
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
      return unknown_field({"unit", "kind", "at", "strength", "lat", "lon"});
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
  // A place's lat and lon are in the table; anything else of a place is not settable.
  if (list == "places") {
    if (s.place(id) == nullptr) return bad_path(unknown_ref("place", id, ids_of(s.places)));
    if (!too_long(3)) return std::nullopt;
    return unknown_field({"lat", "lon"});
  }
  if (list == "polls") {
    if (std::none_of(s.polls.begin(), s.polls.end(), [&](const Poll& q) { return q.id == id; }))
      return bad_path(unknown_ref("poll", id, ids_of(s.polls)));
    if (!too_long(3)) return std::nullopt;
    return unknown_field({"support"});
  }
  auto near = closest_match(list, lists);
  return bad_path("cannot change '" + list +
                  "'; expected a path starting with one of actors, "
                  "issues, alliances, forces, weapons, places, polls" +
                  (near.empty() ? "" : "; did you mean '" + near + "'?"));
}

// alliances.ID.terms.MEMBER.{commitment, support_polls}, .burden.FIELD or .threats.TARGET;
// the member's terms are created when it has none yet.
std::optional<Change> Loader::read_terms_change(const std::vector<std::string>& parts,
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
  // A signal's or episode's numbers are in the fields table by their ids: a path that
  // reaches here names one that does not exist, or a field it does not have.
  if (what == "signals" || what == "episodes") {
    const std::string prefix = "alliances." + a.id + ".terms." + member + "." + what + ".";
    std::vector<std::string> known;
    for (const auto& [path, field] : event_fields_) {
      if (path.rfind(prefix, 0) == 0) known.push_back(path);
    }
    const std::string p =
        prefix + (parts.size() > 5 ? parts[5] : "") + (parts.size() > 6 ? "." + parts[6] : "");
    std::string msg = "no settable number at '" + p + "'; " + member + "'s " + what;
    if (known.empty()) {
      msg += " in this alliance have none";
    } else {
      msg += " have: ";
      for (std::size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + known[i];
      auto near = closest_match(p, known);
      if (!near.empty()) msg += "; did you mean '" + near + "'?";
    }
    r_.error(key, vpath, msg);
    return std::nullopt;
  }
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
  bool valid = !sub.empty() && sub.size() <= 64 && std::isalnum(static_cast<unsigned char>(sub[0]));
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

void Loader::load_events(const YAML::Node& node, Scenario& s) {
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
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.event.date < b.event.date; });
  {
    Scenario copy = s;  // the table points into the scenario it lists; nothing is set here
    event_fields_.clear();
    for (const NumericField& f : numeric_fields(copy))
      event_fields_[f.path] = EventField{f.lo, f.hi, f.quantity != nullptr};
  }
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
          r_.error(it->first, p.path + ".set." + it->first.Scalar(), "path set twice in one event");
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

}  // namespace entente::detail
