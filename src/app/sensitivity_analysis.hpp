// Sensitivity analysis of a run's models, shared by `entente sensitivity` and the Python
// module: the analysed function, the analysis and the stored document, so both front ends
// give the same numbers and the same document for the same arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/input.hpp"
#include "entente/sensitivity.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"

namespace entente::app {

struct SensitivitySettings {
  std::string method = "morris";       // morris or sobol
  std::optional<std::size_t> samples;  // Morris trajectories (20), Sobol base sample N (256)
  std::uint64_t seed = 0;
  int threads = 1;
  // Called before every evaluation of the models, from any thread; throwing from it (e.g.
  // RunStopped) stops the analysis with that exception.
  std::function<void()> check;
};

// The scenario of `sweep` as a function of its uncertain numbers: set them, run the models.
// Each call works on its own copy, so calls may run concurrently. A point the models
// cannot use gives NaN outputs, as a failed sample does in a sweep.
SensitivityProblem sensitivity_problem(const Sweep& sweep, std::function<void()> check = {});

// Runs the analysis `settings` names on `sweep`'s scenario and returns its part of the
// document (method, design, evaluations, per output the ranked inputs). Throws
// std::invalid_argument for bad settings; what `settings.check` throws propagates.
nlohmann::json analyse_sensitivity(const Sweep& sweep, const SensitivitySettings& settings);

// The stored and printed document: the scenario, kind, seed, models, inputs, then `analysis`.
nlohmann::json sensitivity_document(const LoadedInput& input, const Sweep& sweep,
                                    std::uint64_t seed, const nlohmann::json& analysis);

// The record that stores an analysis as a run of kind "sensitivity".
NewRun sensitivity_record(const LoadedInput& input, const Sweep& sweep, const std::string& method,
                          const nlohmann::json& analysis, std::uint64_t seed,
                          const std::string& command);

}  // namespace entente::app
