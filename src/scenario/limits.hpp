// Internal: the message for inputs over the size limit, shared by the loaders and the CLI
// (which refuses before reading the file).
#pragma once

#include <string>

#include "entente/scenario_io.hpp"

namespace entente::detail {

// Largest magnitude of an issue scale's ends (and of a CSV table's positions). The models
// square and weight distances on the scale; within 1e12 that stays far from overflow
// (±1.7e308 loaded and then made smp fail with no location), and no political scale
// (percentages, money in dollars) needs more.
inline constexpr double kMaxScaleMagnitude = 1e12;

// Sizes are rounded up, so a file just over the limit never reads as within it.
inline std::string oversize_message(std::size_t bytes) {
  constexpr std::size_t kMiB = 1024U * 1024U;
  return "file is " + std::to_string((bytes + kMiB - 1) / kMiB) +
         " MiB; expected a scenario of at most " + std::to_string(kMaxScenarioBytes / kMiB) +
         " MiB";
}

}  // namespace entente::detail
