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

// The extensive game of `game` with every payoff expression evaluated at `values`; node
// labels are the declared labels. Throws expr::ExpressionError when an expression cannot
// be evaluated (e.g. not finite).
games::ExtensiveGame build_game(const ScenarioGame& game,
                                const std::map<std::string, double>& values);

struct ThreatResult {
  std::string action;  // the threat action's name
  std::string node;    // label of the node where it would be carried out
  std::string player;
  // Carried out at its node in the subgame-perfect equilibrium: the player takes the action
  // there with probability >= 0.5, whether or not play reaches the node.
  bool credible = false;
  bool reached = false;  // play reaches the node in equilibrium
};

struct Step {
  std::string node;
  std::string player;
  std::string action;
};

struct Solution {
  std::vector<Step> path;             // the equilibrium path from the root
  std::vector<double> payoffs;        // equilibrium payoffs, one per player (game order)
  std::vector<ThreatResult> threats;  // declared threats, in tree (prefix) order
};

// Solves `game` at `values` by backward induction (declared games have perfect
// information; ties go to the first listed action).
Solution solve(const ScenarioGame& game, const std::map<std::string, double>& values);

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
// nearest the input's value.
std::vector<std::vector<Flip>> find_flips(const Scenario& scenario, const ScenarioGame& game,
                                          const std::vector<Input>& inputs, int grid = 16,
                                          double tolerance = 1e-7);

}  // namespace entente::crisis
