// Backtest scoring on hand-built cases (scores, sign test, conformal ranks, proposal
// bootstrap, cross-validated coverage on synthetic errors), and the real DEU scores printed.
#include "entente/backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "entente/deu.hpp"
#include "support/scenario_builder.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

DeuCase make_case(const std::vector<test::Row>& rows, double outcome, int line,
                  const std::string& proposal = "") {
  DeuCase c;
  c.scenario = test::one_issue(rows);
  c.outcome = outcome;
  c.line = line;
  c.proposal = proposal;
  return c;
}

// Weights below are capability x salience (all saliences 1).
std::vector<DeuCase> hand_cases() {
  return {
      // A: weights 1 at 0, 1 at 100, 2 at 100. Compromise (0 + 100 + 200) / 4 = 75, error
      // |75 - 90| = 15. Median: total 4, half 2; cumulative 1 at 0, 4 at 100 -> 100, error 10.
      make_case({{"a", 1, 0, 1}, {"b", 1, 100, 1}, {"c", 2, 100, 1}}, 90, 1),
      // B: weights 1 at 0, 20, 80. Compromise 100 / 3 = 33.33, error 3.33. Median: half 1.5;
      // cumulative 1 at 0, 2 at 20 -> 20, error 10.
      make_case({{"a", 1, 0, 1}, {"b", 1, 20, 1}, {"c", 1, 80, 1}}, 30, 2),
      // C: weights 1 at 0, 1 at 50, 3 at 60. Compromise (0 + 50 + 180) / 5 = 46, error 14.
      // Median: half 2.5; cumulative 1, 2, 5 -> 60, error 0.
      make_case({{"a", 1, 0, 1}, {"b", 1, 50, 1}, {"c", 3, 60, 1}}, 60, 3),
      // D: every salience 0: neither model forecasts; skipped by both.
      make_case({{"a", 1, 0, 0}, {"b", 1, 50, 0}, {"c", 3, 60, 0}}, 60, 4),
  };
}

TEST(Backtest, HandBuiltCasesCompromiseAndMedian) {
  const auto scores = run_backtest(hand_cases(), {"median", "compromise"});
  ASSERT_EQ(scores.size(), 2U);
  const BacktestScore& median = scores[0];
  EXPECT_EQ(median.model, "median");
  EXPECT_EQ(median.n, 3);
  EXPECT_EQ(median.skipped, 1);
  // errors 10, 10, 0
  EXPECT_NEAR(median.mae, 20.0 / 3, 1e-9);
  EXPECT_NEAR(median.rmse, std::sqrt(200.0 / 3), 1e-9);
  // beats compromise on A (10 < 15) and C (0 < 14), not on B (10 > 3.33)
  EXPECT_NEAR(median.beats_compromise_share, 2.0 / 3, 1e-12);

  const BacktestScore& compromise = scores[1];
  EXPECT_EQ(compromise.model, "compromise");
  EXPECT_EQ(compromise.n, 3);
  EXPECT_EQ(compromise.skipped, 1);
  // errors 15, 10/3, 14
  EXPECT_NEAR(compromise.mae, (15 + 10.0 / 3 + 14) / 3, 1e-9);
  EXPECT_NEAR(compromise.rmse, std::sqrt((225 + 100.0 / 9 + 196) / 3), 1e-9);
  EXPECT_EQ(compromise.beats_compromise_share, 0.0);  // never strictly below itself
}

TEST(Backtest, NoCasesGiveNaN) {
  const auto scores = run_backtest({}, {"median"});
  ASSERT_EQ(scores.size(), 1U);
  EXPECT_EQ(scores[0].n, 0);
  EXPECT_TRUE(std::isnan(scores[0].mae));
  EXPECT_TRUE(std::isnan(scores[0].rmse));
  EXPECT_TRUE(std::isnan(scores[0].beats_compromise_share));
}

TEST(Backtest, UnknownModelThrows) {
  EXPECT_THROW((void)run_backtest(hand_cases(), {"medain"}), std::invalid_argument);
}

// Not an assertion on values: prints the real scores on the DEU development set.
TEST(DeuBacktest, PrintsRealScores) {
  const std::string path = test::shared_data_path("deu/deu-dev.tsv");
  const std::string text = test::read_file(path);
  const std::vector<std::string> models = {"compromise", "median", "nash", "bdm"};
  for (DeuCapability mode : {DeuCapability::kEqual, DeuCapability::kGdp}) {
    const auto cases = load_deu_tsv(text, path, mode);
    const auto scores = run_backtest(cases, models);
    ASSERT_EQ(scores.size(), models.size());
    std::printf("DEU dev, capability %s, %zu cases\n",
                mode == DeuCapability::kEqual ? "equal" : "gdp", cases.size());
    for (const BacktestScore& s : scores) {
      std::printf("  %-10s n=%3d skipped=%d MAE=%7.3f RMSE=%7.3f beats-compromise=%.3f\n",
                  s.model.c_str(), s.n, s.skipped, s.mae, s.rmse, s.beats_compromise_share);
      EXPECT_GT(s.n, 0) << s.model;
    }
  }
}

// The sign test by hand: P(X <= k) under Binomial(n, 1/2) is sum_{i<=k} C(n, i) / 2^n.
TEST(SignTest, ExactTwoSidedValuesByHand) {
  // n = 10, k = 2: (1 + 10 + 45) / 1024 = 56 / 1024; doubled 112 / 1024.
  EXPECT_NEAR(sign_test_p_value(8, 2), 112.0 / 1024, 1e-12);
  EXPECT_NEAR(sign_test_p_value(2, 8), 112.0 / 1024, 1e-12);
  // n = 5, k = 0: 1 / 32, doubled 1 / 16.
  EXPECT_NEAR(sign_test_p_value(0, 5), 1.0 / 16, 1e-12);
  // n = 6, k = 3: (1 + 6 + 15 + 20) / 64 = 42 / 64; doubled > 1, capped at 1.
  EXPECT_DOUBLE_EQ(sign_test_p_value(3, 3), 1.0);
  EXPECT_DOUBLE_EQ(sign_test_p_value(0, 0), 1.0);
  EXPECT_THROW((void)sign_test_p_value(-1, 2), std::invalid_argument);
}

TEST(ConformalQuantile, RankIsCeilOfNPlusOneTimesLevel) {
  // n = 9, level 0.8: ceil(10 * 0.8) = 8, the 8th smallest of 1..9 (given shuffled).
  EXPECT_DOUBLE_EQ(conformal_quantile({9, 3, 1, 7, 5, 2, 8, 4, 6}, 0.8), 8.0);
  // n = 4, level 0.8: ceil(5 * 0.8) = 4, the largest.
  EXPECT_DOUBLE_EQ(conformal_quantile({0.1, 0.4, 0.2, 0.3}, 0.8), 0.4);
  // n = 3, level 0.8: ceil(3.2) = 4 > 3: too few scores, unbounded.
  EXPECT_TRUE(std::isinf(conformal_quantile({1, 2, 3}, 0.8)));
  EXPECT_THROW((void)conformal_quantile({1, 2}, 1.0), std::invalid_argument);
}

TEST(GroupBootstrap, ResamplesWholeGroups) {
  // Every group has mean 5 and two values: any resample of whole groups has mean exactly 5,
  // although the values vary (resampling single values would spread the mean).
  const std::vector<std::vector<double>> same_means = {{0, 10}, {10, 0}, {5, 5}, {2, 8}};
  const auto ci = group_bootstrap_interval(same_means, 500, 0.9, 7);
  EXPECT_DOUBLE_EQ(ci[0], 5.0);
  EXPECT_DOUBLE_EQ(ci[1], 5.0);
  // Root mean square of {0, 10}, {10, 0}, ...: not constant, so the interval has width.
  const auto rms = group_bootstrap_interval(same_means, 500, 0.9, 7, true);
  EXPECT_LT(rms[0], rms[1]);
}

TEST(GroupBootstrap, SameSeedSameIntervalAndItBracketsTheMean) {
  const std::vector<std::vector<double>> groups = {{1, 2}, {30}, {4, 5, 6}, {}, {12}, {3}};
  const auto a = group_bootstrap_interval(groups, 1000, 0.9, 42);
  const auto b = group_bootstrap_interval(groups, 1000, 0.9, 42);
  EXPECT_EQ(a, b);
  const auto c = group_bootstrap_interval(groups, 1000, 0.9, 43);
  EXPECT_NE(a, c);
  const double mean = (1 + 2 + 30 + 4 + 5 + 6 + 12 + 3) / 8.0;
  EXPECT_LT(a[0], mean);
  EXPECT_GT(a[1], mean);
  EXPECT_GE(a[0], 1.0);  // no resample mean can leave the range of the values
  EXPECT_LE(a[1], 30.0);
  const auto none = group_bootstrap_interval({{}, {}}, 100, 0.9, 1);
  EXPECT_TRUE(std::isnan(none[0]));
}

// 50 proposals of one issue each; actors at 40, 50, 60 with equal weights, so the
// compromise forecast is 50, and outcome 50 + i makes the normalised error i / 100 for
// i = 0..49, all distinct.
std::vector<DeuCase> synthetic_cases() {
  std::vector<DeuCase> cases;
  for (int i = 0; i < 50; ++i) {
    DeuCase c = make_case({{"a", 1, 40, 1}, {"b", 1, 50, 1}, {"c", 1, 60, 1}}, 50.0 + i, i + 1,
                          "p" + std::to_string(i));
    c.scenario.issues.front().id = "i" + std::to_string(i);
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(BacktestCoverage, LeaveOneProposalOutIsExactlyTheLevel) {
  // With 50 folds each issue is calibrated on the 49 others: rank ceil(50 * 0.8) = 40 among
  // them. An issue whose error ranks r-th of all 50 (1-based) is covered when r <= 40 (the
  // 40th of the others is the 41st overall, above its error) and missed when r >= 41 (the
  // 40th of the others is the 40th overall, below it): 40 of 50 covered, 0.8 exactly.
  BacktestSettings settings;
  settings.folds = 50;
  const BacktestReport report = run_backtest_report(synthetic_cases(), {"compromise"}, settings);
  ASSERT_EQ(report.folds, 50);
  ASSERT_EQ(report.scores.size(), 1U);
  EXPECT_EQ(report.scores[0].covered, 40);
  EXPECT_DOUBLE_EQ(report.scores[0].coverage, 0.8);
  // Issue 0 (error 0, rank 1): half-width 0.40 x 100 (the 41st error overall) around 50.
  const auto& first = report.issues[0].intervals.at("compromise");
  ASSERT_TRUE(first.has_value());
  EXPECT_NEAR((*first)[0], 10.0, 1e-9);
  EXPECT_NEAR((*first)[1], 90.0, 1e-9);
  // Issue 45 (rank 46): half-width 0.39 x 100 (the 40th overall): [11, 89] misses 95.
  const auto& late = report.issues[45].intervals.at("compromise");
  EXPECT_NEAR((*late)[0], 11.0, 1e-9);
  EXPECT_NEAR((*late)[1], 89.0, 1e-9);
}

TEST(BacktestCoverage, ShiftedTestErrorsAreUnderCovered) {
  // Errors grow with the proposal: with 2 folds the calibration half never sees the other
  // half's errors in full, yet coverage cannot reach 100% and stays within the data.
  BacktestSettings settings;
  settings.folds = 5;
  const auto report = run_backtest_report(synthetic_cases(), {"compromise"}, settings);
  EXPECT_EQ(report.folds, 5);
  EXPECT_GT(report.scores[0].covered, 30);
  EXPECT_LT(report.scores[0].covered, 50);
}

TEST(Backtest, ProposalGroupingKeepsSingleIssueForecastsAndNamesProposals) {
  // Two issues of proposal "p" and one of "q": the compromise model forecasts each issue
  // alone, so running them grouped changes nothing; proposals are named either way.
  auto cases = synthetic_cases();
  cases.resize(3);
  cases[0].proposal = "p";
  cases[1].proposal = "p";
  cases[2].proposal = "q";
  BacktestSettings grouped;
  grouped.group_by_proposal = true;
  const auto a = run_backtest_report(cases, {"compromise"}, grouped);
  const auto b = run_backtest_report(cases, {"compromise"});
  ASSERT_EQ(a.issues.size(), 3U);
  EXPECT_EQ(a.proposals, 2);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(a.issues[k].proposal, k < 2 ? "p" : "q");
    EXPECT_EQ(b.issues[k].proposal, a.issues[k].proposal);
    EXPECT_EQ(a.issues[k].forecasts.at("compromise"), b.issues[k].forecasts.at("compromise"));
  }
  // Forecast 50 each, outcomes 50, 51, 52.
  EXPECT_NEAR(a.scores[0].mae, 1.0, 1e-9);
}

TEST(Backtest, ProposalGroupingRefusesAnActorWithTwoCapabilities) {
  // Hand cases A and B give actor c capabilities 2 and 1: one scenario cannot hold both.
  auto cases = hand_cases();
  cases[0].proposal = "p";
  cases[1].proposal = "p";
  cases[1].scenario.issues.front().id = "other";
  EXPECT_THROW((void)group_deu_by_proposal(cases), std::invalid_argument);
}

TEST(Backtest, MedianAgainstCompromiseCountsAndSignTest) {
  // From HandBuiltCasesCompromiseAndMedian: median better on A and C, worse on B; the sign
  // test of 2 vs 1 is 2 x (1 + 3) / 8 = 1 (capped); the mean error difference is
  // ((10 - 15) + (10 - 10/3) + (0 - 14)) / 3.
  const auto report = run_backtest_report(hand_cases(), {"median"});
  const BacktestScore& s = report.scores[0];
  EXPECT_EQ(s.better, 2);
  EXPECT_EQ(s.worse, 1);
  EXPECT_EQ(s.ties, 0);
  EXPECT_DOUBLE_EQ(s.sign_test_p, 1.0);
  EXPECT_NEAR(s.mae_difference, (-5 + (10 - 10.0 / 3) - 14) / 3, 1e-9);
  EXPECT_LE(s.mae_interval[0], s.mae);
  EXPECT_GE(s.mae_interval[1], s.mae);
}
}  // namespace
}  // namespace entente
