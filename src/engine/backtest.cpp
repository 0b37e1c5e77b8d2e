#include "entente/backtest.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "entente/model.hpp"

namespace entente {

namespace {

// One model's forecast on each case (nullopt when it gives none).
std::vector<std::optional<double>> forecasts(const std::string& name,
                                             const std::vector<DeuCase>& cases, std::uint64_t seed,
                                             const ModelOptionValues& options) {
  const auto it = options.find(name);
  const std::unique_ptr<Model> model =
      make_model(name, it == options.end() ? std::map<std::string, std::string>{} : it->second);
  std::vector<std::optional<double>> out;
  out.reserve(cases.size());
  const RunContext context{seed};
  for (const DeuCase& c : cases) {
    const Scenario applied = c.scenario.current();
    if (!model->applicability(applied).empty() || applied.issues.empty()) {
      out.emplace_back();
      continue;
    }
    const Result result = model->run(applied, context);
    std::optional<double> forecast;
    for (const IssueResult& issue : result.issues) {
      if (issue.issue == applied.issues.front().id) forecast = issue.forecast;
    }
    if (forecast && !std::isfinite(*forecast)) forecast.reset();
    out.push_back(forecast);
  }
  return out;
}

}  // namespace

std::vector<BacktestScore> run_backtest(const std::vector<DeuCase>& cases,
                                        const std::vector<std::string>& models, std::uint64_t seed,
                                        const ModelOptionValues& options) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (const std::string& name : models) {  // unknown names and bad options throw first
    const auto it = options.find(name);
    (void)make_model(name, it == options.end() ? std::map<std::string, std::string>{} : it->second);
  }
  const auto reference = forecasts("compromise", cases, seed, options);
  std::vector<BacktestScore> scores;
  for (const std::string& name : models) {
    const auto mine = name == "compromise" ? reference : forecasts(name, cases, seed, options);
    BacktestScore score;
    score.model = name;
    double abs_sum = 0.0;
    double sq_sum = 0.0;
    int compared = 0;
    int beats = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (!mine[i]) {
        ++score.skipped;
        continue;
      }
      const double err = std::abs(*mine[i] - cases[i].outcome);
      ++score.n;
      abs_sum += err;
      sq_sum += err * err;
      if (reference[i]) {
        ++compared;
        if (err < std::abs(*reference[i] - cases[i].outcome)) ++beats;
      }
    }
    score.mae = score.n > 0 ? abs_sum / score.n : kNaN;
    score.rmse = score.n > 0 ? std::sqrt(sq_sum / score.n) : kNaN;
    score.beats_compromise_share = compared > 0 ? static_cast<double>(beats) / compared : kNaN;
    scores.push_back(std::move(score));
  }
  return scores;
}

}  // namespace entente
