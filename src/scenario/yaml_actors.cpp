// The YAML scenario loader: actors and their capabilities (docs/scenario.md).
#include "scenario/yaml_loader.hpp"

namespace entente::detail {

// --- shared field readers -------------------------------------------------------------

// A capability: a quantity >= 0, or {cinc: {state, year, share}}.
void Loader::read_capability(const YAML::Node& node, const std::string& path, Actor& actor) {
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

// --- sections ---------------------------------------------------------------------------

void Loader::load_actors(const YAML::Node& node, Scenario& s) {
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

}  // namespace entente::detail
