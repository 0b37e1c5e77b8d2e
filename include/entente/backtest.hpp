// Scoring models against recorded outcomes (a backtest): run each model on each case and
// compare its forecast with what happened. Pure computation, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "entente/deu.hpp"
#include "entente/runner.hpp"

namespace entente {

struct BacktestScore {
  std::string model;
  int n = 0;          // cases the model gave a forecast for
  double mae = 0.0;   // mean absolute error over those cases; NaN when n == 0
  double rmse = 0.0;  // root mean squared error over those cases; NaN when n == 0
  // Share of the cases where both this model and the compromise model forecast in which
  // this model's absolute error is strictly below the compromise model's (0 for the
  // compromise model itself; NaN when no case has both forecasts).
  double beats_compromise_share = 0.0;
  int skipped = 0;  // cases without a forecast (model not applicable or no forecast)
};

// Per-model option values, as RunPlan::options holds them.
using ModelOptionValues = std::map<std::string, std::map<std::string, std::string>>;

// Runs every model in `models` on every case, in the given model order, as
// make_model(name, options[name])->run(case.scenario.current(), {seed}). The compromise
// model is run as the reference (with its options when given) whether or not it is listed.
// Throws std::invalid_argument for an unknown model name or invalid options; model failures
// propagate (std::runtime_error).
std::vector<BacktestScore> run_backtest(const std::vector<DeuCase>& cases,
                                        const std::vector<std::string>& models,
                                        std::uint64_t seed = kDefaultSeed,
                                        const ModelOptionValues& options = {});

}  // namespace entente
