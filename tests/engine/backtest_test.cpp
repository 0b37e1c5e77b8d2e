// Backtest scoring on hand-built cases, and the real DEU scores printed for reading.
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

}  // namespace
}  // namespace entente
