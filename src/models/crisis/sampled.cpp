// threat_credibility: the crisis model's games solved for Monte Carlo samples. An inline
// game of perfect information is compiled once per thread and solved by backward induction
// in doubles; everything else goes through the exact solve() (crisis.cpp), which this path
// is tested against (docs/crisis.md).
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "entente/crisis.hpp"
#include "entente/expression.hpp"
#include "entente/geo.hpp"
#include "models/crisis/tree.hpp"

namespace entente::crisis {

using detail::append_key;
using detail::build_inline_game;
using detail::same_game;
using detail::threat_sites;
using detail::ThreatSite;

// The declaration as far as the built tree, its payoffs and the reported threats depend on it.
bool detail::same_game(const ScenarioGame& a, const ScenarioGame& b) {
  if (a.efg || b.efg || a.id != b.id || a.players != b.players ||
      a.nodes.size() != b.nodes.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    const GameNode& x = a.nodes[i];
    const GameNode& y = b.nodes[i];
    if (x.label != y.label || x.player != y.player || x.infoset != y.infoset ||
        x.actions.size() != y.actions.size()) {
      return false;
    }
    for (std::size_t k = 0; k < x.actions.size(); ++k) {
      const GameAction& p = x.actions[k];
      const GameAction& q = y.actions[k];
      if (p.name != q.name || p.threat != q.threat || p.child != q.child ||
          p.payoffs != q.payoffs) {
        return false;
      }
    }
  }
  return true;
}

// Equal keys mean equal inputs, bit for bit: a number's bits, a string with its length.
void detail::append_key(std::string& key, double x) {
  key.append(reinterpret_cast<const char*>(&x), sizeof x);
}
void detail::append_key(std::string& key, const std::string& text) {
  append_key(key, static_cast<double>(text.size()));
  key += text;
}

namespace {

// --- threat_credibility: solve() for Monte Carlo samples ---------------------------------

// expr::sanitize(id) == want, without building the string.
bool sanitized_equals(const std::string& id, std::string_view want) {
  if (id.size() != want.size()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i] == '-' || id[i] == '.' ? '_' : id[i];
    if (c != want[i]) return false;
  }
  return true;
}

// The prefixes of the game variables force exposure adds to, in game_variables() order.
constexpr std::array<std::string_view, 4> kExposurePrefixes = {
    "troops_", "exposed_troops_", "exposed_units_", "weapons_in_range_"};

// An inline game that backward induction solves, compiled once per thread: build_game()'s
// tree without payoffs, where each payoff expression goes, the threats, and the game
// variables the expressions read with where game_variables() takes each from.
struct CompiledGame {
  CompiledGame() = default;
  CompiledGame(const CompiledGame&) = delete;
  CompiledGame& operator=(const CompiledGame&) = delete;
  CompiledGame(CompiledGame&&) = delete;
  CompiledGame& operator=(CompiledGame&&) = delete;
  ~CompiledGame() = default;

  std::string solver;               // as requested
  ScenarioGame game;                // the declaration compiled (compared on every call)
  std::vector<std::string> params;  // the ids of the scenario's params and actors the
  std::vector<std::string> actors;  // variables' sources index (compared on every call)
  bool fast = false;                // false: the game goes through solve()

  struct TreeNode {
    int player = -1;  // 0-based; -1 at a terminal
    int infoset = -1;
    std::vector<int> children;
  };
  std::vector<TreeNode> nodes;      // numbered as build_game() numbers them
  std::vector<int> postorder;       // reversed prefix order, as backward induction visits
  std::vector<std::string> labels;  // per tree node, as build_game() labels it
  std::vector<int> declared_at;     // per declared node: the first tree node with its label
  struct Payoff {
    int node = 0;
    std::size_t player = 0;
    std::string text;
  };
  std::vector<Payoff> payoffs;  // in build_game()'s order
  int infosets = 0;
  struct Threat {
    std::string name;
    int infoset = 0;
    int action = 0;
  };
  std::vector<Threat> threats;  // threat_sites() order

  std::map<std::string, double> values;  // the variables the payoffs read
  struct Source {
    enum class Kind : std::uint8_t { kParam, kCapability, kZero };
    Kind kind = Kind::kZero;
    std::size_t index = 0;  // into params or actors
    int exposure = -1;      // index into kExposurePrefixes, -1: none
    std::string owner;      // the sanitised actor id after the exposure prefix
    double* value = nullptr;
  };
  std::vector<Source> sources;
  bool exposure = false;  // some source adds force exposure

  std::vector<double> payoff_at;  // scratch: per tree node and player
  std::vector<int> choice;        // scratch: per infoset

  // The last force exposure computed: what add_exposure read (exposure_key) and the
  // exposure sources' values it left. The flip search varies one input at a time, and
  // most (params, capabilities) move no unit or weapon; a what-if run moves none.
  std::string exposure_key;
  std::string key_scratch;
  std::vector<double> exposure_values;  // per source; NaN where the source has no exposure
};

// Fills a new `c` in place: its sources point into its own `values`.
void compile_game(CompiledGame& c, const Scenario& s, const ScenarioGame& game,
                  const std::string& solver) {
  c.solver = solver;
  c.game = game;
  for (const Param& p : s.params) c.params.push_back(p.id);
  for (const Actor& a : s.actors) c.actors.push_back(a.id);
  if (game.efg) return;
  try {
    const std::size_t np = game.players.size();
    const games::ExtensiveGame eg =
        build_inline_game(game, [&](int node, std::size_t player, const std::string& text) {
          if (player >= np) throw std::out_of_range("payoff of a player not in the game");
          c.payoffs.push_back({node, player, text});
          return games::Rational(0);
        });
    if (!eg.perfect_information() || pick_solver(eg, solver) != "backward-induction") return;
    for (const games::Node& n : eg.nodes()) {
      CompiledGame::TreeNode t;
      if (n.kind == games::NodeKind::kPlayer) {
        t.player = eg.infoset(n.infoset).player - 1;
        t.infoset = n.infoset;
        t.children = n.children;
      } else if (n.kind != games::NodeKind::kTerminal || n.outcome < 0) {
        return;  // chance, or a terminal without payoffs: not a tree built from a declaration
      }
      c.nodes.push_back(std::move(t));
    }
    for (const games::Node& n : eg.nodes()) c.labels.push_back(n.label);
    for (const GameNode& d : game.nodes) {
      int at = -1;
      for (std::size_t k = 0; k < eg.nodes().size() && at < 0; ++k) {
        if (eg.nodes()[k].label == d.label && eg.nodes()[k].infoset >= 0) at = static_cast<int>(k);
      }
      c.declared_at.push_back(at);
    }
    c.postorder = eg.prefix_order();
    std::reverse(c.postorder.begin(), c.postorder.end());
    c.infosets = static_cast<int>(eg.infosets().size());
    for (const ThreatSite& site : threat_sites(game, eg)) {
      c.threats.push_back({site.name, site.infoset, site.action});
    }
    // The variables read, and the value game_variables() leaves in each: the last of
    // params then actor quantities to set it, plus what force exposure adds.
    const std::vector<std::string> known = expr::game_variable_names(s);
    for (const CompiledGame::Payoff& p : c.payoffs) {
      for (const std::string& name : expr::used_variables(p.text, known)) c.values[name] = 0.0;
    }
    for (auto& [name, value] : c.values) {
      CompiledGame::Source src;
      src.value = &value;
      bool found = false;
      for (std::size_t i = 0; i < s.params.size(); ++i) {
        if (s.params[i].id != name) continue;
        src.kind = CompiledGame::Source::Kind::kParam;
        src.index = i;
        found = true;
      }
      for (std::size_t i = 0; i < s.actors.size(); ++i) {
        const std::string id = expr::sanitize(s.actors[i].id);
        for (const std::string& q : expr::actor_quantity_names()) {
          if (q + "_" + id != name) continue;
          src.kind = q == "capability" ? CompiledGame::Source::Kind::kCapability
                                       : CompiledGame::Source::Kind::kZero;
          src.index = i;
          found = true;
        }
      }
      if (!found) return;
      for (std::size_t k = 0; k < kExposurePrefixes.size(); ++k) {
        if (std::string_view(name).substr(0, kExposurePrefixes[k].size()) == kExposurePrefixes[k]) {
          src.exposure = static_cast<int>(k);
          src.owner = name.substr(kExposurePrefixes[k].size());
          c.exposure = true;
        }
      }
      c.sources.push_back(std::move(src));
    }
  } catch (const std::exception&) {
    return;  // solve() reports it, if it is not a matter of the values
  }
  c.payoff_at.assign(c.nodes.size() * game.players.size(), 0.0);
  c.choice.assign(static_cast<std::size_t>(c.infosets), 0);
  c.fast = true;
  return;
}

bool same_shape(const CompiledGame& c, const Scenario& s) {
  if (c.params.size() != s.params.size() || c.actors.size() != s.actors.size()) return false;
  for (std::size_t i = 0; i < c.params.size(); ++i) {
    if (c.params[i] != s.params[i].id) return false;
  }
  for (std::size_t i = 0; i < c.actors.size(); ++i) {
    if (c.actors[i] != s.actors[i].id) return false;
  }
  return true;
}

// game_variables()'s sums over force_exposure(), for the compiled game's variables.
void add_exposure(CompiledGame& c, const Scenario& s) {
  using Source = CompiledGame::Source;
  std::vector<const Source*> fed;  // the sources one force adds to
  // Per unit owner, the weapons already counted in its weapons_in_range (by id, as
  // game_variables() counts them).
  geo::HostileWeapons hostile(s);
  std::vector<std::pair<const std::string*, std::vector<const std::string*>>> counted_by;
  std::vector<geo::WeaponHit> reached;
  for (const Force& f : s.forces) {
    fed.clear();
    for (const Source& src : c.sources) {
      if (src.exposure >= 0 && sanitized_equals(f.owner, src.owner)) fed.push_back(&src);
    }
    if (fed.empty()) continue;
    std::vector<const std::string*>* counted = nullptr;
    for (auto& [owner, ids] : counted_by) {
      if (*owner == f.owner) counted = &ids;
    }
    if (counted == nullptr)
      counted = &counted_by.emplace_back(&f.owner, std::vector<const std::string*>{}).second;
    // What geo::force_exposure() finds for this unit.
    geo::weapons_reaching(s, f, hostile.of(f.owner), false, reached,
                          /*distances=*/false);
    const double strength = f.strength.value;
    for (const Source* src : fed) {
      switch (src->exposure) {
        case 0:
          *src->value += strength;
          break;
        case 1:
          if (!reached.empty()) *src->value += strength;
          break;
        case 2:
          if (!reached.empty()) *src->value += 1.0;
          break;
        default:
          break;
      }
    }
    for (const geo::WeaponHit& hit : reached) {
      const Weapon& w = s.weapons[hit.weapon];
      bool seen = false;
      for (const std::string* id : *counted) seen = seen || *id == w.id;
      if (seen) continue;
      counted->push_back(&w.id);
      for (const Source* src : fed) {
        if (src->exposure == 3) *src->value += w.count.value;
      }
    }
  }
}

std::vector<ThreatCredibility> threats_of(const Solution& sol) {
  std::vector<ThreatCredibility> out;
  out.reserve(sol.threats.size());
  for (const ThreatResult& t : sol.threats) out.push_back({t.action, t.credible});
  return out;
}

// Thrown where solve() would have to report something: it is left to do so.
struct Unsupported {};

// Appends everything add_exposure reads of `s`: units, weapons, lines, and the actors'
// parents and alliances' members that decide who is an enemy.
void append_exposure_key(const Scenario& s, std::string& key) {
  for (const Actor& a : s.actors) {
    append_key(key, a.id);
    append_key(key, a.parent);
  }
  for (const Alliance& a : s.alliances) {
    append_key(key, static_cast<double>(a.members.size()));
    for (const std::string& m : a.members) append_key(key, m);
  }
  for (const Force& f : s.forces) {
    append_key(key, f.owner);
    append_key(key, f.location.lat);
    append_key(key, f.location.lon);
    append_key(key, f.strength.value);
  }
  for (const Weapon& w : s.weapons) {
    append_key(key, w.id);
    append_key(key, w.owner);
    append_key(key, w.count.value);
    append_key(key, w.range_km.value);
    append_key(key, w.front_line);
    append_key(key, static_cast<double>(w.sites.size()));
    for (const GeoPoint& p : w.sites) {
      append_key(key, p.lat);
      append_key(key, p.lon);
    }
  }
  for (const Line& l : s.lines) {
    append_key(key, l.id);
    append_key(key, static_cast<double>(l.points.size()));
    for (const GeoPoint& p : l.points) {
      append_key(key, p.lat);
      append_key(key, p.lon);
    }
  }
}

void exposure_key(const Scenario& s, std::string& key) {
  key.clear();
  append_exposure_key(s, key);
}

}  // namespace

void detail::append_variables_key(const Scenario& s, std::string& key) {
  append_exposure_key(s, key);
  for (const Param& p : s.params) {
    append_key(key, p.id);
    append_key(key, p.value.value);
  }
  for (const Actor& a : s.actors) append_key(key, a.capability.value);
}

namespace {

// add_exposure, or its last result when it would read the same inputs.
void add_exposure_cached(CompiledGame& c, const Scenario& s) {
  exposure_key(s, c.key_scratch);
  // The values add_exposure adds to (0 unless a param shares an exposure quantity's name).
  for (const CompiledGame::Source& src : c.sources) {
    if (src.exposure >= 0) append_key(c.key_scratch, *src.value);
  }
  if (c.key_scratch == c.exposure_key && c.exposure_values.size() == c.sources.size()) {
    for (std::size_t i = 0; i < c.sources.size(); ++i) {
      if (c.sources[i].exposure >= 0) *c.sources[i].value = c.exposure_values[i];
    }
    return;
  }
  c.exposure_key.clear();  // stays empty if add_exposure throws
  add_exposure(c, s);
  c.exposure_values.resize(c.sources.size());
  for (std::size_t i = 0; i < c.sources.size(); ++i) {
    c.exposure_values[i] =
        c.sources[i].exposure >= 0 ? *c.sources[i].value : std::numeric_limits<double>::quiet_NaN();
  }
  std::swap(c.exposure_key, c.key_scratch);
}

// Backward induction on the compiled tree at the scenario's values: fills c.choice.
void solve_fast(CompiledGame& c, const Scenario& s) {
  // Where game_variables() may fail, it is left to do so.
  if (!s.forces.empty() && !geo::weapon_distances_defined(s)) throw Unsupported{};
  using Kind = CompiledGame::Source::Kind;
  for (const CompiledGame::Source& src : c.sources) {
    *src.value = src.kind == Kind::kParam        ? s.params[src.index].value.value
                 : src.kind == Kind::kCapability ? s.actors[src.index].capability.value
                                                 : 0.0;
  }
  if (c.exposure && !s.forces.empty()) add_exposure_cached(c, s);

  // Backward induction as the exact solver does it: payoffs sit only at terminals and no
  // chance node mixes them, so every comparison is between two evaluated doubles, whose
  // order the exact rationals (converted without loss) share.
  const std::size_t np = c.game.players.size();
  std::fill(c.payoff_at.begin(), c.payoff_at.end(), 0.0);
  for (const CompiledGame::Payoff& p : c.payoffs) {
    c.payoff_at[static_cast<std::size_t>(p.node) * np + p.player] =
        expr::evaluate(p.text, c.values);
  }
  for (const int v : c.postorder) {
    const CompiledGame::TreeNode& t = c.nodes[static_cast<std::size_t>(v)];
    if (t.player < 0) continue;
    const auto p = static_cast<std::size_t>(t.player);
    auto at = [&](int node) { return c.payoff_at.data() + static_cast<std::size_t>(node) * np; };
    std::size_t best = 0;
    for (std::size_t a = 1; a < t.children.size(); ++a) {
      if (at(t.children[a])[p] > at(t.children[best])[p]) best = a;
    }
    c.choice[static_cast<std::size_t>(t.infoset)] = static_cast<int>(best);
    std::copy_n(at(t.children[best]), np, at(v));
  }
}

std::vector<ThreatCredibility> credibility_fast(CompiledGame& c, const Scenario& s) {
  solve_fast(c, s);
  std::vector<ThreatCredibility> out;
  out.reserve(c.threats.size());
  for (const CompiledGame::Threat& t : c.threats) {
    out.push_back({t.name, c.choice[static_cast<std::size_t>(t.infoset)] == t.action});
  }
  return out;
}

// The compiled form of `game` for this thread, compiled anew when the game or the
// scenario's shape changed.
CompiledGame& compiled(const Scenario& scenario, const ScenarioGame& game,
                       const std::string& solver) {
  // Bounded so that a long-lived thread shown many games does not grow forever.
  constexpr std::size_t kCacheLimit = 16;
  thread_local std::vector<std::unique_ptr<CompiledGame>> cache;
  std::unique_ptr<CompiledGame>* slot = nullptr;
  for (auto& entry : cache) {
    if (entry->solver == solver && same_game(entry->game, game)) slot = &entry;
  }
  if (slot == nullptr) {
    if (cache.size() >= kCacheLimit) cache.clear();
    slot = &cache.emplace_back();
  }
  if (*slot == nullptr || !same_shape(**slot, scenario)) {
    *slot = std::make_unique<CompiledGame>();
    compile_game(**slot, scenario, game, solver);
  }
  return **slot;
}

}  // namespace

std::vector<ThreatCredibility> threat_credibility(const Scenario& scenario,
                                                  const ScenarioGame& game,
                                                  const std::string& solver) {
  if (game.efg) return threats_of(solve(game, game_variables(scenario), solver));
  CompiledGame& c = compiled(scenario, game, solver);
  if (c.fast) {
    try {
      return credibility_fast(c, scenario);
    } catch (const std::exception&) {
      // solve() below reports it as it always has.
    } catch (const Unsupported&) {
    }
  }
  return threats_of(solve(game, game_variables(scenario), solver));
}

bool pure_choices(const Scenario& scenario, const ScenarioGame& game, const std::string& solver,
                  std::vector<NodeChoice>& out) {
  if (game.efg) return false;
  for (const GameNode& n : game.nodes) {
    if (n.label.empty()) return false;  // solve() names such a node otherwise
  }
  CompiledGame& c = compiled(scenario, game, solver);
  if (!c.fast) return false;
  try {
    solve_fast(c, scenario);
  } catch (const std::exception&) {
    return false;
  } catch (const Unsupported&) {
    return false;
  }
  out.assign(game.nodes.size(), NodeChoice{});
  // The play from the root, as solve()'s path follows it.
  int at = 0;
  while (c.nodes[static_cast<std::size_t>(at)].player >= 0) {
    const CompiledGame::TreeNode& t = c.nodes[static_cast<std::size_t>(at)];
    const std::string& label = c.labels[static_cast<std::size_t>(at)];
    for (std::size_t i = 0; i < game.nodes.size(); ++i) {
      if (game.nodes[i].label == label) out[i].on_path = true;
    }
    at = t.children[static_cast<std::size_t>(c.choice[static_cast<std::size_t>(t.infoset)])];
  }
  for (std::size_t i = 0; i < game.nodes.size(); ++i) {
    const int node = c.declared_at[i];
    if (node < 0) continue;
    const int infoset = c.nodes[static_cast<std::size_t>(node)].infoset;
    out[i].action = c.choice[static_cast<std::size_t>(infoset)];
  }
  return true;
}

}  // namespace entente::crisis
