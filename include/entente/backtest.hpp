// Scoring models against recorded outcomes (a backtest): run each model on each case and
// compare its forecast with what happened, with resampling intervals, a paired test against
// the compromise model and the coverage of each model's 80% intervals under cross-validation
// grouped by proposal. Pure computation, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
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
  // Percentile bootstrap intervals (BacktestSettings::bootstrap_level) of the MAE and RMSE,
  // resampling whole proposals; NaN when n == 0.
  std::array<double, 2> mae_interval{};
  std::array<double, 2> rmse_interval{};
  // Share of the cases where both this model and the compromise model forecast in which
  // this model's absolute error is strictly below the compromise model's (0 for the
  // compromise model itself; NaN when no case has both forecasts).
  double beats_compromise_share = 0.0;
  int better = 0;  // cases with both forecasts where this model's error is strictly smaller
  int worse = 0;   // ... strictly larger
  int ties = 0;    // ... equal (dropped by the sign test)
  double sign_test_p = 1.0;  // exact two-sided sign test of better vs worse; 1 when none
  // Mean of (this model's error − the compromise model's error) over the cases with both
  // forecasts, and its bootstrap interval (proposals resampled as for mae_interval): an
  // interval that contains 0 means the MAE difference is within resampling noise.
  double mae_difference = 0.0;
  std::array<double, 2> mae_difference_interval{};
  int skipped = 0;  // cases without a forecast (model not applicable or no forecast)
  // Cross-validated coverage of the model's conformal intervals at interval_level: share of
  // its forecast cases whose outcome lies in the interval calibrated on the other folds;
  // NaN when n == 0.
  double coverage = 0.0;
  int covered = 0;
};

// Per-model option values, as RunPlan::options holds them.
using ModelOptionValues = std::map<std::string, std::map<std::string, std::string>>;

struct BacktestSettings {
  std::uint64_t seed = kDefaultSeed;  // the models' seed, and the bootstrap's and folds'
  ModelOptionValues options;
  // Run the issues of one proposal as one multi-issue scenario (group_deu_by_proposal)
  // instead of one scenario per issue; each issue is still scored on its own outcome.
  bool group_by_proposal = false;
  int bootstrap_samples = 2000;
  double bootstrap_level = 0.90;
  int folds = 10;  // cross-validation folds of proposals (fewer when there are fewer proposals)
  double interval_level = 0.80;
};

// One case with every model's forecast and cross-validated interval (nullopt: none).
struct BacktestIssue {
  std::string proposal;  // DeuProposal::id
  std::string issue;     // the scenario issue's id
  int line = 0;
  double outcome = 0.0;
  std::map<std::string, std::optional<double>> forecasts;
  std::map<std::string, std::optional<std::array<double, 2>>> intervals;
};

struct BacktestReport {
  std::vector<BacktestIssue> issues;  // in case order
  std::vector<BacktestScore> scores;  // in model order
  int proposals = 0;
  int folds = 0;  // folds actually used
};

// Runs every model in `models` on every case (one scenario per case, or per proposal when
// settings.group_by_proposal), in the given model order, as make_model(name,
// options[name])->run(scenario.current(), {seed}). The compromise model is run as the
// reference (with its options when given) whether or not it is listed. Throws
// std::invalid_argument for an unknown model name or invalid options; model failures
// propagate (std::runtime_error).
BacktestReport run_backtest_report(const std::vector<DeuCase>& cases,
                                   const std::vector<std::string>& models,
                                   const BacktestSettings& settings = {});

// The scores of run_backtest_report with default settings apart from seed and options.
std::vector<BacktestScore> run_backtest(const std::vector<DeuCase>& cases,
                                        const std::vector<std::string>& models,
                                        std::uint64_t seed = kDefaultSeed,
                                        const ModelOptionValues& options = {});

// Exact two-sided sign test: the probability under Binomial(better + worse, 1/2) of a split
// at least as uneven as the one seen, min(1, 2 P(X <= min(better, worse))); 1 when both are 0.
double sign_test_p_value(int better, int worse);

// Split-conformal quantile of nonconformity scores at `level`: the ceil((n + 1) level)-th
// smallest score, +inf when that rank exceeds n (too few scores for the level). Requires
// 0 < level < 1.
double conformal_quantile(std::vector<double> scores, double level);

// Percentile bootstrap interval at `level` of the mean (or, with root_mean_square, the root
// mean square) of the values, resampling whole groups with replacement: `samples` draws of
// groups.size() groups from a generator seeded with `seed` (the same seed, the same draws,
// whatever the values). Draws whose groups hold no value are skipped. {NaN, NaN} when no
// group holds a value.
std::array<double, 2> group_bootstrap_interval(const std::vector<std::vector<double>>& groups,
                                               int samples, double level, std::uint64_t seed,
                                               bool root_mean_square = false);

}  // namespace entente
