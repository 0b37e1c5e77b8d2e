#include "entente/backtest.hpp"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "entente/model.hpp"

namespace entente {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The scenarios a backtest runs: one per case, or one per proposal.
std::vector<DeuProposal> units(const std::vector<DeuCase>& cases, bool group_by_proposal) {
  if (group_by_proposal) return group_deu_by_proposal(cases);
  std::vector<DeuProposal> out;
  out.reserve(cases.size());
  const auto grouped = group_deu_by_proposal(cases);  // for the proposal ids only
  std::vector<std::string> proposal(cases.size());
  for (const DeuProposal& g : grouped) {
    for (std::size_t k : g.cases) proposal[k] = g.id;
  }
  for (std::size_t k = 0; k < cases.size(); ++k) {
    out.push_back(DeuProposal{proposal[k], cases[k].scenario, {k}});
  }
  return out;
}

// One model's forecast on each case (nullopt when it gives none).
std::vector<std::optional<double>> forecasts(const std::string& name,
                                             const std::vector<DeuProposal>& runs,
                                             std::size_t n_cases, std::uint64_t seed,
                                             const ModelOptionValues& options) {
  const auto it = options.find(name);
  const std::unique_ptr<Model> model =
      make_model(name, it == options.end() ? std::map<std::string, std::string>{} : it->second);
  std::vector<std::optional<double>> out(n_cases);
  const RunContext context{seed};
  for (const DeuProposal& unit : runs) {
    const Scenario applied = unit.scenario.current();
    if (!model->applicability(applied).empty() || applied.issues.empty()) continue;
    const Result result = model->run(applied, context);
    for (std::size_t k = 0; k < unit.cases.size() && k < applied.issues.size(); ++k) {
      for (const IssueResult& issue : result.issues) {
        if (issue.issue == applied.issues[k].id && issue.forecast &&
            std::isfinite(*issue.forecast)) {
          out[unit.cases[k]] = issue.forecast;
        }
      }
    }
  }
  return out;
}

// Proposal index of each case, and the fold of each proposal: proposals shuffled with the
// seed, then dealt round-robin, so folds differ in size by at most one proposal.
struct Folds {
  std::vector<std::size_t> proposal_of_case;
  std::vector<int> fold_of_proposal;
  int count = 0;
};

Folds make_folds(const std::vector<DeuCase>& cases, int folds, std::uint64_t seed) {
  const auto grouped = group_deu_by_proposal(cases);
  Folds f;
  f.proposal_of_case.resize(cases.size());
  for (std::size_t p = 0; p < grouped.size(); ++p) {
    for (std::size_t k : grouped[p].cases) f.proposal_of_case[k] = p;
  }
  std::vector<std::size_t> order(grouped.size());
  std::iota(order.begin(), order.end(), 0);
  boost::random::mt19937_64 rng(seed);
  for (std::size_t i = order.size(); i > 1; --i) {  // Fisher–Yates with a portable draw
    boost::random::uniform_int_distribution<std::size_t> pick(0, i - 1);
    std::swap(order[i - 1], order[pick(rng)]);
  }
  f.count = std::max(1, std::min<int>(folds, static_cast<int>(grouped.size())));
  f.fold_of_proposal.resize(grouped.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    f.fold_of_proposal[order[i]] = static_cast<int>(i % static_cast<std::size_t>(f.count));
  }
  return f;
}

double scale_range(const DeuCase& c) {
  const Scale& s = c.scenario.issues.front().scale;
  return s.max - s.min;
}

}  // namespace

double sign_test_p_value(int better, int worse) {
  if (better < 0 || worse < 0) throw std::invalid_argument("sign test: negative count");
  const int n = better + worse;
  if (n == 0) return 1.0;
  const boost::math::binomial_distribution<double> binomial(n, 0.5);
  return std::min(1.0, 2.0 * boost::math::cdf(binomial, std::min(better, worse)));
}

double conformal_quantile(std::vector<double> scores, double level) {
  if (!(level > 0.0 && level < 1.0)) throw std::invalid_argument("conformal level not in (0, 1)");
  const auto n = static_cast<double>(scores.size());
  const auto rank = static_cast<std::size_t>(std::ceil((n + 1.0) * level - 1e-12));
  if (rank == 0 || rank > scores.size()) return std::numeric_limits<double>::infinity();
  std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   scores.end());
  return scores[rank - 1];
}

std::array<double, 2> group_bootstrap_interval(const std::vector<std::vector<double>>& groups,
                                               int samples, double level, std::uint64_t seed,
                                               bool root_mean_square) {
  if (groups.empty() || samples <= 0) return {kNaN, kNaN};
  boost::random::mt19937_64 rng(seed);
  boost::random::uniform_int_distribution<std::size_t> pick(0, groups.size() - 1);
  std::vector<double> stats;
  stats.reserve(static_cast<std::size_t>(samples));
  for (int b = 0; b < samples; ++b) {
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      for (double v : groups[pick(rng)]) {
        sum += root_mean_square ? v * v : v;
        ++count;
      }
    }
    if (count == 0) continue;
    const double mean = sum / static_cast<double>(count);
    stats.push_back(root_mean_square ? std::sqrt(mean) : mean);
  }
  if (stats.empty()) return {kNaN, kNaN};
  std::sort(stats.begin(), stats.end());
  // Type-7 (linear interpolation) sample quantiles of the bootstrap distribution.
  auto quantile = [&](double p) {
    const double h = p * static_cast<double>(stats.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, stats.size() - 1);
    return stats[lo] + (h - static_cast<double>(lo)) * (stats[hi] - stats[lo]);
  };
  const double tail = (1.0 - level) / 2.0;
  return {quantile(tail), quantile(1.0 - tail)};
}

BacktestReport run_backtest_report(const std::vector<DeuCase>& cases,
                                   const std::vector<std::string>& models,
                                   const BacktestSettings& settings) {
  const ModelOptionValues& options = settings.options;
  for (const std::string& name : models) {  // unknown names and bad options throw first
    const auto it = options.find(name);
    (void)make_model(name, it == options.end() ? std::map<std::string, std::string>{} : it->second);
  }
  const auto runs = units(cases, settings.group_by_proposal);
  const Folds folds = make_folds(cases, settings.folds, settings.seed);
  BacktestReport report;
  report.proposals = static_cast<int>(folds.fold_of_proposal.size());
  report.folds = cases.empty() ? 0 : folds.count;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    BacktestIssue issue;
    issue.issue = cases[k].scenario.issues.front().id;
    issue.line = cases[k].line;
    issue.outcome = cases[k].outcome;
    report.issues.push_back(std::move(issue));
  }
  for (const DeuProposal& unit : runs) {
    for (std::size_t k : unit.cases) report.issues[k].proposal = unit.id;
  }

  const auto reference = forecasts("compromise", runs, cases.size(), settings.seed, options);
  for (const std::string& name : models) {
    const auto mine = name == "compromise"
                          ? reference
                          : forecasts(name, runs, cases.size(), settings.seed, options);
    BacktestScore score;
    score.model = name;
    double abs_sum = 0.0;
    double sq_sum = 0.0;
    std::vector<std::vector<double>> by_proposal(folds.fold_of_proposal.size());
    std::vector<std::vector<double>> differences(folds.fold_of_proposal.size());
    std::vector<double> normalised(cases.size(), kNaN);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      report.issues[i].forecasts[name] = mine[i];
      if (!mine[i]) {
        ++score.skipped;
        continue;
      }
      const double err = std::abs(*mine[i] - cases[i].outcome);
      ++score.n;
      abs_sum += err;
      sq_sum += err * err;
      by_proposal[folds.proposal_of_case[i]].push_back(err);
      normalised[i] = err / scale_range(cases[i]);
      if (reference[i] && name != "compromise") {
        const double theirs = std::abs(*reference[i] - cases[i].outcome);
        differences[folds.proposal_of_case[i]].push_back(err - theirs);
        if (err < theirs) {
          ++score.better;
        } else if (err > theirs) {
          ++score.worse;
        } else {
          ++score.ties;
        }
      }
    }
    score.mae = score.n > 0 ? abs_sum / score.n : kNaN;
    score.rmse = score.n > 0 ? std::sqrt(sq_sum / score.n) : kNaN;
    // One seed for every model: the same proposals are drawn for each, so the intervals of
    // two models are comparable draw by draw.
    score.mae_interval = group_bootstrap_interval(by_proposal, settings.bootstrap_samples,
                                                  settings.bootstrap_level, settings.seed);
    score.rmse_interval = group_bootstrap_interval(by_proposal, settings.bootstrap_samples,
                                                   settings.bootstrap_level, settings.seed, true);
    double difference_sum = 0.0;
    for (const auto& group : differences) {
      for (double d : group) difference_sum += d;
    }
    const int compared = score.better + score.worse + score.ties;
    score.mae_difference = compared > 0 ? difference_sum / compared : kNaN;
    score.mae_difference_interval =
        compared > 0 ? group_bootstrap_interval(differences, settings.bootstrap_samples,
                                                settings.bootstrap_level, settings.seed)
                     : std::array<double, 2>{kNaN, kNaN};
    score.beats_compromise_share =
        name == "compromise" ? 0.0
                             : (compared > 0 ? static_cast<double>(score.better) / compared : kNaN);
    score.sign_test_p = sign_test_p_value(score.better, score.worse);

    // Coverage: each fold's intervals calibrated on the other folds' errors only.
    for (int f = 0; f < folds.count; ++f) {
      std::vector<double> calibration;
      for (std::size_t i = 0; i < cases.size(); ++i) {
        if (mine[i] && folds.fold_of_proposal[folds.proposal_of_case[i]] != f) {
          calibration.push_back(normalised[i]);
        }
      }
      const double q = calibration.empty()
                           ? std::numeric_limits<double>::infinity()
                           : conformal_quantile(std::move(calibration), settings.interval_level);
      for (std::size_t i = 0; i < cases.size(); ++i) {
        if (!mine[i] || folds.fold_of_proposal[folds.proposal_of_case[i]] != f) continue;
        const Scale& scale = cases[i].scenario.issues.front().scale;
        const double half = q * (scale.max - scale.min);
        const std::array<double, 2> interval{std::max(scale.min, *mine[i] - half),
                                             std::min(scale.max, *mine[i] + half)};
        report.issues[i].intervals[name] = interval;
        if (interval[0] <= cases[i].outcome && cases[i].outcome <= interval[1]) ++score.covered;
      }
    }
    score.coverage = score.n > 0 ? static_cast<double>(score.covered) / score.n : kNaN;
    report.scores.push_back(std::move(score));
  }
  return report;
}

std::vector<BacktestScore> run_backtest(const std::vector<DeuCase>& cases,
                                        const std::vector<std::string>& models, std::uint64_t seed,
                                        const ModelOptionValues& options) {
  BacktestSettings settings;
  settings.seed = seed;
  settings.options = options;
  return run_backtest_report(cases, models, settings).scores;
}

}  // namespace entente
