// The compromise model: capability × salience weighted mean. Every expected value below is
// derived by hand in the comment beside it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "entente/model.hpp"
#include "entente/scenario.hpp"
#include "support/scenario_builder.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

using test::has_weight;
using test::one_issue;
using test::Row;
using test::rows_from;

Result run(const Scenario& s) { return make_model("compromise")->run(s, RunContext{}); }

// The EC emissions table (Bueno de Mesquita & Stokman 1994), as shipped in shared data.
std::vector<Row> ec_emissions_rows() { return test::actor_table_rows("bdm/ec-emissions-1994.csv"); }

TEST(Compromise, IsRegisteredAsAnIssueModel) {
  const ModelInfo* info = find_model("compromise");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->scope, ModelInfo::Scope::kIssue);
  ASSERT_EQ(info->options.size(), 1U);  // procedure=use|ignore (pivot_test.cpp tests it)
  EXPECT_EQ(info->options[0].name, "procedure");
  EXPECT_EQ(info->options[0].default_value, "ignore");
}

TEST(Compromise, WeightedMeanByHand) {
  // Weights c·s: A 0.2·1.0 = 0.2, B 0.3·0.5 = 0.15, C 0.5·0.3 = 0.15; total 0.5.
  // Mean = (0.2·10 + 0.15·4 + 0.15·6) / 0.5 = (2 + 0.6 + 0.9) / 0.5 = 3.5 / 0.5 = 7.
  // Normalised weights: 0.2/0.5 = 0.4, 0.15/0.5 = 0.3, 0.3.
  const Result r = run(one_issue({{"A", 0.2, 10, 1.0}, {"B", 0.3, 4, 0.5}, {"C", 0.5, 6, 0.3}}));
  EXPECT_EQ(r.model, "compromise");
  ASSERT_EQ(r.issues.size(), 1U);
  const IssueResult& ir = r.issues[0];
  EXPECT_EQ(ir.issue, "issue");
  ASSERT_TRUE(ir.forecast.has_value());
  EXPECT_NEAR(*ir.forecast, 7.0, 1e-12);
  EXPECT_NEAR(ir.details["total_weight"].get<double>(), 0.5, 1e-15);
  EXPECT_NEAR(ir.details["weights"]["A"].get<double>(), 0.4, 1e-15);
  EXPECT_NEAR(ir.details["weights"]["B"].get<double>(), 0.3, 1e-15);
  EXPECT_NEAR(ir.details["weights"]["C"].get<double>(), 0.3, 1e-15);
  ASSERT_FALSE(ir.trace.empty());
  EXPECT_EQ(ir.trace[0].rfind("weighted mean 7:", 0), 0U) << ir.trace[0];
  EXPECT_LE(ir.trace.size(), 3U);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Compromise, ZeroTotalWeightGivesNoForecastAndSaysWhy) {
  // Both saliences are 0, so Σ c·s = 0: no mean exists, and no division may happen.
  Scenario s = one_issue({{"A", 1.0, 10, 0.0}, {"B", 2.0, 90, 0.0}});
  // A second issue with weight still gets its forecast: (1·1·20 + 2·0.5·60)/(1 + 1) = 40.
  Issue second;
  second.id = "second";
  second.stances = {Stance{"A", 20, 1.0}, Stance{"B", 60, 0.5}};
  s.issues.push_back(second);
  const Result r = run(s);
  ASSERT_EQ(r.issues.size(), 2U);
  EXPECT_FALSE(r.issues[0].forecast.has_value());
  EXPECT_EQ(r.issues[0].details["total_weight"].get<double>(), 0.0);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("issue"), std::string::npos);
  EXPECT_NE(r.warnings[0].find("zero capability x salience"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(r.issues[1].issue, "second");
  ASSERT_TRUE(r.issues[1].forecast.has_value());
  EXPECT_NEAR(*r.issues[1].forecast, 40.0, 1e-12);
}

TEST(Compromise, IssueWithoutStancesGivesNoForecast) {
  const Result r = run(one_issue({}));
  ASSERT_EQ(r.issues.size(), 1U);
  EXPECT_FALSE(r.issues[0].forecast.has_value());
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("no actor takes a stance"), std::string::npos);
}

TEST(Compromise, ZeroWeightActorsDoNotMoveTheMean) {
  // The hand case above (mean 7) plus D with capability 0 at 100 and E with salience 0 at 0:
  // their weights c·s are 0, so numerator and denominator are unchanged: mean still 7.
  const Result r = run(one_issue({{"A", 0.2, 10, 1.0},
                                  {"B", 0.3, 4, 0.5},
                                  {"C", 0.5, 6, 0.3},
                                  {"D", 0.0, 100, 1.0},
                                  {"E", 5.0, 0, 0.0}}));
  ASSERT_TRUE(r.issues[0].forecast.has_value());
  EXPECT_NEAR(*r.issues[0].forecast, 7.0, 1e-12);
  EXPECT_EQ(r.issues[0].details["weights"]["D"].get<double>(), 0.0);
  EXPECT_EQ(r.issues[0].details["weights"]["E"].get<double>(), 0.0);
}

TEST(Compromise, SingleActorDominates) {
  // Alone, an actor's position is the mean whatever its weight: 0.3·0.2·35 / (0.3·0.2) = 35.
  const Result alone = run(one_issue({{"A", 0.3, 35, 0.2}}));
  ASSERT_TRUE(alone.issues[0].forecast.has_value());
  EXPECT_EQ(*alone.issues[0].forecast, 35.0);
  // A heavy actor pulls the mean almost to itself: weights 0.98, 0.01, 0.01 (salience 1);
  // mean = (0.98·80 + 0.01·0 + 0.01·0) / 1.0 = 78.4.
  const Result heavy = run(one_issue({{"A", 0.98, 80, 1}, {"B", 0.01, 0, 1}, {"C", 0.01, 0, 1}}));
  EXPECT_NEAR(*heavy.issues[0].forecast, 78.4, 1e-12);
}

TEST(Compromise, EqualPositionsGiveThatPositionExactly) {
  // Every actor at 0.1: the mean is 0.1 on paper; rounding must not push it outside.
  const Result r = run(one_issue({{"A", 0.7, 0.1, 0.3}, {"B", 0.1, 0.1, 0.9}, {"C", 3, 0.1, 0.7}}));
  EXPECT_EQ(*r.issues[0].forecast, 0.1);
}

TEST(Compromise, EcEmissions1994ByHand) {
  // Weights c·s from the table's rows:
  //   position 4:  Netherlands 0.08·0.8 = 0.064, Luxembourg 0.03·0.2 = 0.006,
  //                Germany 0.16·0.8 = 0.128, Denmark 0.05·1.0 = 0.050      → 0.248
  //   position 7:  Belgium 0.08·0.4 = 0.032, Ireland 0.05·0.1 = 0.005,
  //                Greece 0.08·0.7 = 0.056                                  → 0.093
  //   position 10: France 0.16·0.6 = 0.096, Italy 0.096, UK 0.16·0.9 = 0.144 → 0.336
  // Total 0.248 + 0.093 + 0.336 = 0.677.
  // Mean = (4·0.248 + 7·0.093 + 10·0.336) / 0.677 = (0.992 + 0.651 + 3.36) / 0.677
  //      = 5.003 / 0.677 = 7.38996 (7.389955686853766).
  const std::vector<Row> rows = ec_emissions_rows();
  ASSERT_EQ(rows.size(), 10U);
  const Result r = run(one_issue(rows, 0, 10));
  ASSERT_TRUE(r.issues[0].forecast.has_value());
  EXPECT_NEAR(*r.issues[0].forecast, 5.003 / 0.677, 1e-12);
  EXPECT_NEAR(r.issues[0].details["total_weight"].get<double>(), 0.677, 1e-12);
  EXPECT_NEAR(r.issues[0].details["weights"]["UK"].get<double>(), 0.144 / 0.677, 1e-12);
}

// --- properties -------------------------------------------------------------------------

RC_GTEST_PROP(Compromise, ForecastLiesBetweenExtremePositions,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse)) {
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  const auto [lo, hi] = std::minmax_element(
      rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.position < b.position; });
  const Result r = run(one_issue(rows));
  RC_ASSERT(r.issues[0].forecast.has_value());
  RC_ASSERT(*r.issues[0].forecast >= lo->position);
  RC_ASSERT(*r.issues[0].forecast <= hi->position);
}

RC_GTEST_PROP(Compromise, PermutingActorsChangesNothing,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned seed)) {
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  std::vector<Row> shuffled = rows;
  std::mt19937 rng(seed);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // Sums run in a canonical order, so the results agree to the last bit.
  RC_ASSERT(*run(one_issue(rows)).issues[0].forecast ==
            *run(one_issue(shuffled)).issues[0].forecast);
}

RC_GTEST_PROP(Compromise, ScalingCapabilitiesChangesNothing,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned factor)) {
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  const double k = (factor % 10000 + 1) / 37.0;
  std::vector<Row> scaled = rows;
  for (Row& r : scaled) r.capability *= k;
  RC_ASSERT(std::abs(*run(one_issue(rows)).issues[0].forecast -
                     *run(one_issue(scaled)).issues[0].forecast) <= 1e-9);
}

}  // namespace
}  // namespace entente
