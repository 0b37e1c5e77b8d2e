// Running a set of models on a scenario and assembling the one JSON document every
// front end (CLI, store, server, report) shares.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/model.hpp"
#include "entente/scenario.hpp"

namespace entente {

// Default seed of a run when the user gives none; recorded with the run like any other.
inline constexpr std::uint64_t kDefaultSeed = 1;

struct RunRequest {
  std::vector<std::string> models;  // empty: every registered model that applies
  // Raw `--option` values: "name=value" (applies to every chosen model declaring `name`)
  // or "model.name=value".
  std::vector<std::string> options;
  std::optional<Date> at;  // evaluate at this date; default the scenario's as_of
  std::uint64_t seed = kDefaultSeed;
};

// The models a request resolves to, with their validated options; computed before
// running so that usage errors surface before anything is stored.
struct RunPlan {
  std::vector<std::string> models;
  std::map<std::string, std::map<std::string, std::string>> options;  // per model
  std::vector<std::string> skipped;  // "model: why" for models that do not apply
  Date at;
};

// Resolves models and options. Throws std::invalid_argument (unknown model, unknown or
// invalid option, an option no chosen model declares, a chosen model that does not apply).
RunPlan plan_run(const Scenario& scenario, const RunRequest& request);

struct RunOutput {
  Scenario applied;             // the scenario with events applied through `plan.at`
  std::vector<Result> results;  // one per model, in plan order
  nlohmann::json document;      // {"scenario", "run_id", "issues": [...], "models": {...}}
};

// Runs the plan. Model failures propagate as exceptions (std::runtime_error); a run stopped
// through `stop` (its deadline, a shutdown) throws RunStopped.
RunOutput execute_run(const Scenario& scenario, const RunPlan& plan, std::uint64_t seed,
                      const StopToken* stop = nullptr);

}  // namespace entente
