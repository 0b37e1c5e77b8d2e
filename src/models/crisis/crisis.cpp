// Game variables, building and solving declared games, and credibility flips
// (include/entente/crisis.hpp; docs/crisis.md).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "entente/crisis.hpp"
#include "entente/expression.hpp"
#include "entente/geo.hpp"
#include "entente/solver.hpp"
#include "models/crisis/tree.hpp"

namespace entente::crisis {

using detail::build_inline_game;
using detail::player_index;
using detail::threat_sites;
using detail::ThreatSite;

namespace {

std::string expr_number(double x) { return fmt::format("{:.6g}", x); }

// The derived quantities a game uses only through these prefixes need force data.
bool uses_forces(const std::string& var) {
  return var.rfind("troops_", 0) == 0 || var.rfind("exposed_", 0) == 0 ||
         var.rfind("weapons_in_range_", 0) == 0;
}
bool uses_exposure(const std::string& var) {
  return var.rfind("exposed_", 0) == 0 || var.rfind("weapons_in_range_", 0) == 0;
}

std::set<std::string> used_by(const ScenarioGame& game, const std::vector<std::string>& known) {
  std::set<std::string> out;
  for (const std::string& text : game_expressions(game)) {
    for (auto& v : expr::used_variables(text, known)) out.insert(v);
  }
  return out;
}

// The searched interval of a quantity: its distribution's support when finite, else ±100%.
std::pair<double, double> interval(const Quantity& q, double floor) {
  if (q.dist) {
    const double lo = q.dist->lower();
    const double hi = q.dist->upper();
    if (std::isfinite(lo) && std::isfinite(hi) && hi > lo) return {lo, hi};
  }
  const double v = q.value;
  const double half = v == 0.0 ? 1.0 : std::abs(v);
  return {std::max(floor, v - half), v + half};
}

// Whether each threat is credible, as solve() reports it. The flip search asks this a few
// hundred times per game, so it takes threat_credibility()'s compiled path (the same
// decisions as solve(), in doubles) where the game allows it.
std::vector<bool> credibility(const Scenario& s, const ScenarioGame& game,
                              const std::string& solver) {
  std::vector<bool> out;
  for (const auto& t : threat_credibility(s, game, solver)) out.push_back(t.credible);
  return out;
}

}  // namespace

std::map<std::string, double> game_variables(const Scenario& scenario) {
  std::map<std::string, double> v;
  for (const Param& p : scenario.params) v[p.id] = p.value.value;
  for (const Actor& a : scenario.actors) {
    const std::string id = expr::sanitize(a.id);
    v["capability_" + id] = a.capability.value;
    v["troops_" + id] = 0.0;
    v["exposed_troops_" + id] = 0.0;
    v["exposed_units_" + id] = 0.0;
    v["weapons_in_range_" + id] = 0.0;
  }
  if (scenario.forces.empty()) return v;
  const auto exposure = geo::force_exposure(scenario, geo::enemies_outside_alliances(scenario));
  // Weapons reaching any unit of an actor, each counted once however many units it reaches.
  std::map<std::string, std::set<std::string>> reaching;
  for (const auto& u : exposure) {
    const std::string id = expr::sanitize(u.owner);
    v["troops_" + id] += u.strength;
    if (!u.exposed()) continue;
    v["exposed_troops_" + id] += u.strength;
    v["exposed_units_" + id] += 1.0;
    for (const auto& r : u.reached) {
      if (reaching[u.owner].insert(r.weapon).second) v["weapons_in_range_" + id] += r.count;
    }
  }
  return v;
}

std::vector<std::string> game_expressions(const ScenarioGame& game) {
  std::vector<std::string> out;
  for (const GameNode& n : game.nodes) {
    for (const GameAction& a : n.actions) {
      for (const auto& [who, text] : a.payoffs) out.push_back(text);
    }
  }
  if (game.efg) {
    for (const GameOutcomeMap& o : game.efg->outcomes) {
      for (const auto& [who, text] : o.payoffs) out.push_back(text);
    }
  }
  return out;
}

games::ExtensiveGame build_game(const ScenarioGame& game,
                                const std::map<std::string, double>& values) {
  if (game.efg) {
    games::ExtensiveGame eg = *game.efg->game;
    for (const GameOutcomeMap& o : game.efg->outcomes) {
      std::vector<games::Rational> pay =
          eg.outcomes().at(static_cast<std::size_t>(o.outcome)).payoffs;
      for (const auto& [who, text] : o.payoffs) {
        pay[static_cast<std::size_t>(player_index(game, who) - 1)] =
            games::Rational(expr::evaluate(text, values));
      }
      eg.set_outcome_payoffs(o.outcome, std::move(pay));
    }
    return eg;
  }
  return build_inline_game(game,
                           [&](int /*terminal*/, std::size_t /*player*/, const std::string& text) {
                             // mpq_class from a double is exact, so the solver sees exactly the
                             // evaluated value.
                             return games::Rational(expr::evaluate(text, values));
                           });
}

const std::vector<std::string>& solver_choices() {
  static const std::vector<std::string> kChoices = {"auto", "backward-induction", "lcp", "logit"};
  return kChoices;
}

std::string pick_solver(const games::ExtensiveGame& game, const std::string& requested) {
  const auto& choices = solver_choices();
  if (std::find(choices.begin(), choices.end(), requested) == choices.end()) {
    throw std::invalid_argument("crisis.solver: unknown solver '" + requested +
                                "'; expected auto, backward-induction, lcp or logit");
  }
  if (requested != "auto") return requested;
  if (game.perfect_information()) return "backward-induction";
  return game.num_players() == 2 ? "lcp" : "logit";
}

namespace detail {

std::vector<ThreatSite> threat_sites(const ScenarioGame& game, const games::ExtensiveGame& eg) {
  std::vector<ThreatSite> out;
  if (game.efg) {
    for (const GameThreatRef& t : game.efg->threats) {
      const games::Infoset& info = eg.infoset(t.infoset_index);
      const std::string& action = info.actions[static_cast<std::size_t>(t.action_index)];
      out.push_back({t.name.empty() ? action : t.name,
                     info.label.empty() ? "#" + std::to_string(info.number) : info.label, t.player,
                     t.infoset_index, t.action_index});
    }
    return out;
  }
  std::map<std::string, const GameNode*> declared;
  for (const GameNode& n : game.nodes) declared.emplace(n.label, &n);
  for (int t : eg.prefix_order()) {
    const games::Node& node = eg.node(t);
    if (node.kind != games::NodeKind::kPlayer) continue;
    const auto it = declared.find(node.label);
    if (it == declared.end()) continue;
    const GameNode& d = *it->second;
    for (std::size_t k = 0; k < d.actions.size(); ++k) {
      if (d.actions[k].threat) {
        out.push_back({d.actions[k].name, d.label, d.player, node.infoset, static_cast<int>(k)});
      }
    }
  }
  return out;
}

}  // namespace detail

namespace {

// Expected total payoff to `player` (1..n) of play from `node` on, under `profile`.
double value_below(const games::ExtensiveGame& eg, const games::Profile& profile, int node,
                   int player) {
  const games::Node& n = eg.node(node);
  double v = 0.0;
  if (n.outcome >= 0) {
    v += eg.outcomes()[static_cast<std::size_t>(n.outcome)]
             .payoffs[static_cast<std::size_t>(player - 1)]
             .get_d();
  }
  for (std::size_t a = 0; a < n.children.size(); ++a) {
    const double p = games::action_probability(eg, profile, node, static_cast<int>(a));
    if (p > 0.0) v += p * value_below(eg, profile, n.children[a], player);
  }
  return v;
}

// The action the player at `infoset` best replies with there: beliefs over its nodes in
// proportion to the probability the other players' and chance's moves give them (uniform
// when that is zero everywhere), play below as in `profile`; ties go to the first action.
int best_reply_at(const games::ExtensiveGame& eg, const games::Profile& profile, int infoset) {
  const games::Infoset& info = eg.infoset(infoset);
  std::vector<double> belief;
  for (int n : info.nodes) {
    double w = 1.0;
    for (int at = n; eg.node(at).parent >= 0; at = eg.node(at).parent) {
      const int parent = eg.node(at).parent;
      if (eg.infoset(eg.node(parent).infoset).player == info.player) continue;
      w *= games::action_probability(eg, profile, parent, eg.node(at).parent_action);
    }
    belief.push_back(w);
  }
  double total = 0.0;
  for (double w : belief) total += w;
  if (total <= 0.0) std::fill(belief.begin(), belief.end(), 1.0);
  int best = 0;
  double best_v = -std::numeric_limits<double>::infinity();
  for (std::size_t a = 0; a < info.actions.size(); ++a) {
    double v = 0.0;
    for (std::size_t k = 0; k < info.nodes.size(); ++k) {
      const int child = eg.node(info.nodes[k]).children[a];
      v += belief[k] * value_below(eg, profile, child, info.player);
    }
    // A relative margin so that rounding in doubles does not break exact ties.
    if (v > best_v + 1e-12 * std::max(1.0, std::abs(best_v))) {
      best_v = v;
      best = static_cast<int>(a);
    }
  }
  return best;
}

std::string node_name(const games::ExtensiveGame& eg, int node) {
  const games::Node& n = eg.node(node);
  if (!n.label.empty()) return n.label;
  const games::Infoset& info = eg.infoset(n.infoset);
  if (!info.label.empty()) return info.label;
  return "node " + std::to_string(node);
}

}  // namespace

Solution solve(const ScenarioGame& game, const std::map<std::string, double>& values,
               const std::string& solver, std::optional<double> max_seconds) {
  Solution sol;
  sol.game = build_game(game, values);
  const games::ExtensiveGame& eg = sol.game;
  sol.solver = pick_solver(eg, solver);
  std::vector<games::Equilibrium> eqs;
  try {
    const std::unique_ptr<games::Solver> engine = games::make_solver(sol.solver);
    if (max_seconds) {
      games::Budget budget = engine->budget();
      budget.max_seconds = std::max(1e-3, std::min(budget.max_seconds, *max_seconds));
      engine->set_budget(budget);
    }
    eqs = engine->solve(eg);
  } catch (const games::SolverError& e) {
    // Budget messages already start with the solver's name.
    const std::string what = e.what();
    const std::string named =
        what.rfind(sol.solver + ": ", 0) == 0 ? what : sol.solver + ": " + what;
    throw std::runtime_error("game '" + game.id + "': " + named);
  }
  if (eqs.empty()) throw std::runtime_error("game '" + game.id + "': no equilibrium found");
  const games::Equilibrium& eq = eqs.front();
  sol.profile = eq.profile;
  sol.payoffs = eq.payoffs_approx;
  auto actor = [&](int player) {
    return player == 0 ? std::string("chance") : game.players[static_cast<std::size_t>(player - 1)];
  };
  int at = 0;
  while (eg.node(at).kind != games::NodeKind::kTerminal) {
    const games::Node& node = eg.node(at);
    const games::Infoset& info = eg.infoset(node.infoset);
    std::size_t best = 0;
    double best_p = -1.0;
    for (std::size_t k = 0; k < info.actions.size(); ++k) {
      const double p = games::action_probability(eg, eq.profile, at, static_cast<int>(k));
      if (p > best_p) {
        best_p = p;
        best = k;
      }
    }
    sol.path.push_back({node_name(eg, at), actor(info.player), info.actions[best], best_p});
    at = node.children[best];
  }
  for (const ThreatSite& site : threat_sites(game, eg)) {
    const games::Infoset& info = eg.infoset(site.infoset);
    ThreatResult r;
    r.action = site.name;
    r.node = site.label;
    r.player = site.player;
    double reach = 0.0;
    for (int n : info.nodes) reach += games::reach_probability(eg, eq.profile, n);
    r.reached = reach > 0.0;
    r.probability = games::action_probability(eg, eq.profile, info.nodes.front(), site.action);
    // Backward induction already plays optimally off the path (subgame perfection); Nash
    // equilibria from lcp or logit need not, so an unreached set is judged by best reply.
    if (!r.reached && sol.solver != "backward-induction") {
      r.probability = best_reply_at(eg, eq.profile, site.infoset) == site.action ? 1.0 : 0.0;
    }
    r.credible = r.probability >= 0.5;
    sol.threats.push_back(r);
  }
  return sol;
}

std::vector<Input> inputs_of(const Scenario& scenario, const ScenarioGame& game) {
  const std::set<std::string> used = used_by(game, expr::game_variable_names(scenario));
  std::vector<Input> out;
  for (const Param& p : scenario.params) {
    if (used.count(p.id) == 0) continue;
    const auto [lo, hi] = interval(p.value, -std::numeric_limits<double>::infinity());
    out.push_back({"params." + p.id, p.value.value, lo, hi, [id = p.id](Scenario& s, double x) {
                     for (Param& q : s.params) {
                       if (q.id == id) q.value = Quantity(x);
                     }
                   }});
  }
  for (const Actor& a : scenario.actors) {
    const std::string id = expr::sanitize(a.id);
    if (used.count("capability_" + id) != 0) {
      const auto [lo, hi] = interval(a.capability, 0.0);
      out.push_back({"actors." + a.id + ".capability", a.capability.value, lo, hi,
                     [aid = a.id](Scenario& s, double x) {
                       for (Actor& b : s.actors) {
                         if (b.id == aid) b.capability = Quantity(x);
                       }
                     }});
    }
    bool forces = false;
    bool exposure = false;
    for (const auto& v : used) {
      const std::string suffix = "_" + id;
      if (v.size() <= suffix.size() || v.compare(v.size() - suffix.size(), suffix.size(), suffix))
        continue;
      const std::string head = v.substr(0, v.size() - suffix.size());
      if (head == "capability") continue;
      forces = forces || uses_forces(v);
      exposure = exposure || uses_exposure(v);
    }
    if (!forces) continue;
    for (const Force& f : scenario.forces) {
      if (f.owner != a.id) continue;
      const auto [lo, hi] = interval(f.strength, 0.0);
      out.push_back({"forces." + f.id + ".strength", f.strength.value, lo, hi,
                     [fid = f.id](Scenario& s, double x) {
                       for (Force& g : s.forces) {
                         if (g.id == fid) g.strength = Quantity(x);
                       }
                     }});
      if (!exposure) continue;
      const double lat = f.location.lat;
      out.push_back({"forces." + f.id + ".lat", lat, std::max(-90.0, lat - 1.0),
                     std::min(90.0, lat + 1.0), [fid = f.id](Scenario& s, double x) {
                       for (Force& g : s.forces) {
                         if (g.id == fid) g.location.lat = x;
                       }
                     }});
    }
    if (!exposure) continue;
    const geo::EnemyTest is_enemy = geo::enemies_outside_alliances(scenario);
    for (const Weapon& w : scenario.weapons) {
      if (!is_enemy(a.id, w.owner)) continue;
      const auto [rlo, rhi] = interval(w.range_km, 0.0);
      out.push_back({"weapons." + w.id + ".range_km", w.range_km.value, rlo, rhi,
                     [wid = w.id](Scenario& s, double x) {
                       for (Weapon& g : s.weapons) {
                         if (g.id == wid) g.range_km = Quantity(x);
                       }
                     }});
      const auto [clo, chi] = interval(w.count, 0.0);
      out.push_back({"weapons." + w.id + ".count", w.count.value, clo, chi,
                     [wid = w.id](Scenario& s, double x) {
                       for (Weapon& g : s.weapons) {
                         if (g.id == wid) g.count = Quantity(x);
                       }
                     }});
    }
  }
  return out;
}

namespace {

// The flip search itself (find_flips without its kept result).
std::vector<std::vector<Flip>> search_flips(const Scenario& scenario, const ScenarioGame& game,
                                            const std::vector<Input>& inputs, int grid,
                                            double tolerance, const std::string& solver) {
  const std::vector<bool> nominal = credibility(scenario, game, solver);
  // The resolved solver is the same for every value: the tree does not depend on values.
  if (pick_solver(build_game(game, game_variables(scenario)), solver) == "logit") {
    tolerance = std::max(tolerance, 1e-4);
  }
  std::vector<std::vector<Flip>> out(nominal.size());
  Scenario work = scenario;
  for (const Input& in : inputs) {
    auto at = [&](double x) {
      in.set(work, x);
      return credibility(work, game, solver);
    };
    // The grid with the input's own value inserted, so the nearest change is found on the
    // correct side of it.
    std::vector<double> xs;
    for (int i = 0; i <= grid; ++i) xs.push_back(in.lo + (in.hi - in.lo) * i / grid);
    xs.push_back(std::clamp(in.value, in.lo, in.hi));
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    std::vector<std::vector<bool>> cs;
    cs.reserve(xs.size());
    for (double x : xs) cs.push_back(at(x));
    const std::size_t home = static_cast<std::size_t>(
        std::lower_bound(xs.begin(), xs.end(), std::clamp(in.value, in.lo, in.hi)) - xs.begin());
    for (std::size_t t = 0; t < nominal.size(); ++t) {
      Flip f;
      f.input = in.path;
      f.value = in.value;
      f.lo = in.lo;
      f.hi = in.hi;
      const bool c0 = cs[home][t];
      // The nearest grid interval, on either side of the value, where credibility changes.
      std::optional<std::pair<std::size_t, std::size_t>> bracket;
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t i = home; i + 1 < xs.size(); ++i) {
        if (cs[i + 1][t] != c0) {
          bracket = {i, i + 1};
          best = xs[i] - in.value;
          break;
        }
      }
      for (std::size_t i = home; i > 0; --i) {
        if (cs[i - 1][t] != c0) {
          if (in.value - xs[i] < best) bracket = {i - 1, i};
          break;
        }
      }
      if (!bracket) {
        f.text = "never flips in [" + expr_number(in.lo) + ", " + expr_number(in.hi) + "]";
        out[t].push_back(f);
        continue;
      }
      double a = xs[bracket->first];
      double b = xs[bracket->second];
      const bool ca = cs[bracket->first][t];
      const double eps = tolerance * (in.hi - in.lo);
      while (b - a > eps) {
        const double m = 0.5 * (a + b);
        if (at(m)[t] == ca) {
          a = m;
        } else {
          b = m;
        }
      }
      // Rounded to the search's resolution, so a flip at 0 reads 0, not 6e-07.
      f.at = std::round(0.5 * (a + b) / eps) * eps;
      f.credible_below = ca;
      f.text = std::string("credible if ") + in.path + (ca ? " < " : " > ") + expr_number(*f.at);
      out[t].push_back(f);
    }
    in.set(work, in.value);
  }
  return out;
}

}  // namespace

std::vector<std::vector<Flip>> find_flips(const Scenario& scenario, const ScenarioGame& game,
                                          const std::vector<Input>& inputs, int grid,
                                          double tolerance, const std::string& solver) {
  // The search is a function of the game, the scenario's game variables and the inputs:
  // its last result is kept per thread and given again while they are equal, as in a
  // what-if study of positions or saliences, which no game reads. An .efg game is not
  // compared, so not kept.
  struct Kept {
    ScenarioGame game;
    std::string key;
    std::vector<std::vector<Flip>> flips;
  };
  thread_local std::optional<Kept> kept_tl;
  std::optional<Kept>& kept = kept_tl;
  std::string key;
  if (!game.efg) {
    detail::append_variables_key(scenario, key);
    detail::append_key(key, solver);
    detail::append_key(key, static_cast<double>(grid));
    detail::append_key(key, tolerance);
    for (const Input& in : inputs) {
      detail::append_key(key, in.path);
      detail::append_key(key, in.value);
      detail::append_key(key, in.lo);
      detail::append_key(key, in.hi);
    }
    if (kept && kept->key == key && detail::same_game(kept->game, game)) return kept->flips;
  }
  std::vector<std::vector<Flip>> out =
      search_flips(scenario, game, inputs, grid, tolerance, solver);
  if (!game.efg) kept = Kept{game, std::move(key), out};
  return out;
}

}  // namespace entente::crisis
