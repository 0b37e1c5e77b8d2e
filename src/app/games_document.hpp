// The document of a solved game (`entente games solve --json`, the Python module's
// entente.games.solve): players, infosets and actions by unique label, every equilibrium as
// floats and, from exact solvers, as exact fractions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/games.hpp"
#include "entente/solver.hpp"

namespace entente::app {

// Unique, non-empty labels of a game's players, infosets and actions: a name, else "#k".
struct GameLabels {
  std::vector<std::string> players;
  // per player: infoset keys (one "" for strategic games) and action keys per infoset.
  std::vector<std::vector<std::string>> infosets;
  std::vector<std::vector<std::vector<std::string>>> actions;
  bool extensive = false;
};

GameLabels labels_of(const games::ExtensiveGame& g);
GameLabels labels_of(const games::StrategicGame& g);

// {"game": {title, kind, players}, "solver", "complete", ["stopped"], "equilibria": [{
// "profile", "payoffs", ["reached", "open"], ["exact": {"profile", "payoffs"} as "p/q"
// strings]}]}; `stopped` is "" for a finished solve, else why the solver stopped early (the
// equilibria found so far). Objects keep the game's order (players, infosets, actions as in
// the file), so the document is an ordered_json. Extensive games: "reached" maps each
// player's infosets to whether play reaches them; "open" lists per player the infosets her
// own strategy avoids where the solver's numbers are a convention (uniform play), present
// only when there are some.
nlohmann::ordered_json equilibria_document(const games::ExtensiveGame& game,
                                           const std::string& solver,
                                           const std::vector<games::Equilibrium>& eqs,
                                           const std::string& stopped = "");
nlohmann::ordered_json equilibria_document(const games::StrategicGame& game,
                                           const std::string& solver,
                                           const std::vector<games::Equilibrium>& eqs,
                                           const std::string& stopped = "");

// Per infoset of `game` (indexed like game.infosets()): true when the equilibrium's numbers
// there are a convention rather than part of the solution (see "open" above).
std::vector<bool> open_infosets(const games::ExtensiveGame& game, const games::Equilibrium& e);

// Gambit's CSV form of an equilibrium, as its command-line tools print it: "NE," then the
// probabilities: strategic games by player, then strategy; extensive games by player, then
// infoset in the order a depth-first walk of the tree meets them, then action. Exact
// profiles as fractions ("1/3"), floating-point ones with 6 decimals.
std::string gambit_csv_line(const games::ExtensiveGame& game, const games::Profile& profile);
std::string gambit_csv_line(const games::StrategicGame& game, const games::Profile& profile);

}  // namespace entente::app
