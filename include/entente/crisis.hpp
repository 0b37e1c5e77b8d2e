// The crisis model's building blocks: the values of game variables for a scenario (params,
// actor capabilities, and force exposure to enemy weapons through src/geo), the declared
// games built as extensive games and solved, and the one-input searches for where a threat's
// credibility flips. docs/crisis.md describes the format and the semantics.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "entente/games.hpp"
#include "entente/scenario.hpp"

namespace entente::crisis {

// The value of every variable of expr::game_variable_names(scenario), for the scenario as
// it is (events already applied; nominal or sampled values). Exposure counts a unit as
// exposed when an enemy weapon (geo::enemies_outside_alliances) reaches it; an actor's
// troops are those of the forces it owns directly.
std::map<std::string, double> game_variables(const Scenario& scenario);

// Every payoff expression of `game`: inline terminals' and a file's outcome mappings'.
std::vector<std::string> game_expressions(const ScenarioGame& game);

// The extensive game of `game` with every payoff expression evaluated at `values`: the
// inline tree (node labels are the declared labels; nodes naming the same `infoset` share
// one), or a copy of the .efg file's game with the mapped outcomes' payoffs replaced.
// Throws expr::ExpressionError when an expression cannot be evaluated (e.g. not finite).
games::ExtensiveGame build_game(const ScenarioGame& game,
                                const std::map<std::string, double>& values);

// The solver names the model accepts ("auto" and the three it may use).
const std::vector<std::string>& solver_choices();

// The solver `requested` resolves to for `game`: "auto" is backward-induction when every
// information set is one node, else lcp for two players, else logit; other names are
// returned as they are. Throws std::invalid_argument for a name not in solver_choices().
std::string pick_solver(const games::ExtensiveGame& game, const std::string& requested);

struct ThreatResult {
  std::string action;  // the threat's reported name (the action's name unless renamed)
  std::string node;    // label of the node (inline) or information set (.efg) where it acts
  std::string player;
  // Played with probability >= 0.5 at its information set in the equilibrium, whether or
  // not play reaches it. Under lcp or logit, at a set the equilibrium reaches with
  // probability 0 (where Nash equilibrium leaves play free) the player's best reply there
  // decides instead (docs/crisis.md).
  bool credible = false;
  bool reached = false;      // play reaches the node (information set) in equilibrium
  double probability = 0.0;  // the probability the credibility test used
};

struct Step {
  std::string node;
  std::string player;  // actor id, or "chance"
  std::string action;
  double probability = 1.0;  // of this action at this node in the equilibrium
};

struct Solution {
  std::string solver;                 // the solver used, e.g. "backward-induction"
  std::vector<Step> path;             // the most probable play from the root
  std::vector<double> payoffs;        // equilibrium payoffs, one per player (game order)
  std::vector<ThreatResult> threats;  // declared threats: inline in tree (prefix) order,
                                      // .efg in declaration order
  games::ExtensiveGame game;          // the game solved (payoffs at the values)
  games::Profile profile;             // the equilibrium's behaviour profile
};

// Solves `game` at `values` with `solver` (see pick_solver; backward induction breaks ties
// towards the first listed action). Throws std::runtime_error naming the game when the
// solver does not suit the game (e.g. backward-induction with imperfect information, lcp
// without perfect recall). `max_seconds` caps the solver's time budget (the server passes
// what is left of a request's deadline); the solver's own default otherwise.
Solution solve(const ScenarioGame& game, const std::map<std::string, double>& values,
               const std::string& solver = "auto",
               std::optional<double> max_seconds = std::nullopt);

// One declared threat and whether it is credible (ThreatResult's action and credible).
struct ThreatCredibility {
  std::string action;
  bool credible = false;
};

// The threats of `game` as solve(game, game_variables(scenario), solver) reports them, in
// the same order, with nothing else: what a Monte Carlo sample reads. An inline game that
// backward induction solves is compiled once per thread and solved in doubles, which
// decides exactly as the exact solver (its payoffs sit at terminals, are doubles, and are
// only compared); any other game, or a draw the fast path cannot take, goes through
// solve(), so results and errors are solve()'s.
std::vector<ThreatCredibility> threat_credibility(const Scenario& scenario,
                                                  const ScenarioGame& game,
                                                  const std::string& solver = "auto");

// What play does at one declared node of an inline game in the equilibrium solve() finds.
struct NodeChoice {
  int action = -1;       // index into the node's actions; -1: the node is not in the tree
  bool on_path = false;  // solve()'s path passes a node with this label
};

// The pure choice at each declared node of `game` (out[i] for game.nodes[i]) in the
// equilibrium solve(game, game_variables(scenario), solver) finds, by threat_credibility()'s
// compiled path. Returns false, leaving `out` unspecified, where that path does not apply
// (a .efg game, imperfect information, another solver, a draw it cannot take): the caller
// then goes through solve(), which decides the same way.
bool pure_choices(const Scenario& scenario, const ScenarioGame& game, const std::string& solver,
                  std::vector<NodeChoice>& out);

// A numeric input of the scenario that a game's payoffs depend on, directly (a param, a
// capability) or through force exposure (unit strength and latitude, enemy weapon range and
// count), with the interval searched.
struct Input {
  std::string path;  // e.g. params.us_war_cost, forces.2id-casey.lat, weapons.mrl-240.range_km
  double value = 0.0;
  double lo = 0.0;
  double hi = 0.0;
  std::function<void(Scenario&, double)> set;
};

// The inputs `game` depends on in `scenario`. The interval is the distribution's support
// when finite, else ±100% of the value (±1 when 0); latitudes ±1 degree.
std::vector<Input> inputs_of(const Scenario& scenario, const ScenarioGame& game);

struct Flip {
  std::string input;
  double value = 0.0;  // the input's value in the scenario
  double lo = 0.0;
  double hi = 0.0;
  std::optional<double> at;  // where credibility flips, nearest the value; none: never in [lo, hi]
  bool credible_below = false;  // credible for input values below `at`
  std::string text;             // "credible if X < v", "never flips in [lo, hi]"
};

// For every threat of `game` (in Solution::threats order), the flip of each input: a grid of
// `grid` intervals over [lo, hi], then bisection to `tolerance` × (hi - lo) on the change
// nearest the input's value (at least 1e-4 × (hi - lo) when the game resolves to logit,
// whose every step traces the QRE correspondence and which is approximate anyway).
std::vector<std::vector<Flip>> find_flips(const Scenario& scenario, const ScenarioGame& game,
                                          const std::vector<Input>& inputs, int grid = 16,
                                          double tolerance = 1e-7,
                                          const std::string& solver = "auto");

}  // namespace entente::crisis
