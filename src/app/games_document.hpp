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
// "profile", "payoffs", ["exact": {"profile", "payoffs"} as "p/q" strings]}]}; `stopped` is
// "" for a finished solve, else why the solver stopped early (the equilibria found so far).
nlohmann::json equilibria_document(const games::ExtensiveGame& game, const std::string& solver,
                                   const std::vector<games::Equilibrium>& eqs,
                                   const std::string& stopped = "");
nlohmann::json equilibria_document(const games::StrategicGame& game, const std::string& solver,
                                   const std::vector<games::Equilibrium>& eqs,
                                   const std::string& stopped = "");

}  // namespace entente::app
