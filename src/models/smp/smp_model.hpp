// Internal: how the `smp` model turns a scenario and its options into the core's inputs,
// exposed so that tests can drive smp::run with KTAB's thread order (smp_core.hpp, Hooks).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "entente/scenario.hpp"
#include "models/smp/smp_core.hpp"

namespace entente::smp {

struct Prepared {
  Problem problem;
  Parameters params;
  std::vector<std::string> actors;    // actor ids, in problem order
  std::vector<std::string> issues;    // issue ids, in dimension order
  std::vector<std::string> warnings;  // actors left out, saliences rescaled, ...
};

// What a joint run of the model computes from `scenario` with `options` (the model's
// `--option` values; `run_seed` stands for the run's seed when seed=run). Throws
// std::invalid_argument on invalid options and std::runtime_error on an invalid problem.
Prepared prepare_joint(const Scenario& scenario, const std::map<std::string, std::string>& options,
                       std::uint64_t run_seed = 0);

}  // namespace entente::smp
