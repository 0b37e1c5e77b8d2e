// Internal: one path of the global Newton method (gnm.cpp), for the tests of its invariants
// (an odd number of crossings of the game, each an equilibrium).
#pragma once

#include <string>
#include <vector>

#include "nplayer.hpp"
#include "solvers.hpp"

namespace entente::games::detail {

struct GnmPath {
  // The profile at each crossing of λ = 0, in the order the path meets them (not merged).
  std::vector<Mixed<double>> crossings;
  std::string stopped;  // "" when the path reached its end at λ = −∞, else why it stopped
};

// Follows the path of the game perturbed along `ray` (one bonus per strategy, players in
// order; scaled to unit length; each player with two or more strategies has one largest and
// one smallest bonus), within `work`.
GnmPath gnm_path(const StrategicGame& game, const std::vector<double>& ray, Work& work);

}  // namespace entente::games::detail
