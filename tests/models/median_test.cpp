// The median model: capability × salience weighted median and the pairwise (Condorcet)
// winner. Every expected value below is derived by hand in the comment beside it.
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

Result run(const Scenario& s) { return make_model("median")->run(s, RunContext{}); }

// The EC emissions table (Bueno de Mesquita & Stokman 1994), as shipped in shared data.
std::vector<Row> ec_emissions_rows() { return test::actor_table_rows("bdm/ec-emissions-1994.csv"); }

std::vector<double> winners(const IssueResult& ir) {
  return ir.details["condorcet_winners"].get<std::vector<double>>();
}

TEST(Median, IsRegisteredAsAnIssueModel) {
  const ModelInfo* info = find_model("median");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->scope, ModelInfo::Scope::kIssue);
}

TEST(Median, WeightedMedianByHand) {
  // Weights c·s: A 0.4·0.5 = 0.2 at 10, B 0.5·0.5 = 0.25 at 40, C 0.6·0.5 = 0.3 at 60,
  // D 0.25·1 = 0.25 at 90; total 1. Cumulative: 0.2, 0.45, 0.75, 1 → half (0.5) is first
  // reached at 60 (C).
  const Result r = run(one_issue(
      {{"A", 0.4, 10, 0.5}, {"B", 0.5, 40, 0.5}, {"C", 0.6, 60, 0.5}, {"D", 0.25, 90, 1.0}}));
  ASSERT_EQ(r.issues.size(), 1U);
  const IssueResult& ir = r.issues[0];
  ASSERT_TRUE(ir.forecast.has_value());
  EXPECT_EQ(*ir.forecast, 60.0);
  EXPECT_FALSE(ir.details["tie"].get<bool>());
  ASSERT_EQ(ir.details["cumulative"].size(), 4U);
  EXPECT_NEAR(ir.details["cumulative"][1]["cumulative"].get<double>(), 0.45, 1e-12);
  EXPECT_NEAR(ir.details["cumulative"][2]["weight"].get<double>(), 0.3, 1e-12);
  EXPECT_EQ(ir.details["cumulative"][2]["actors"][0], "C");
  EXPECT_EQ(ir.details["condorcet_winner"].get<double>(), 60.0);
  ASSERT_FALSE(ir.trace.empty());
  EXPECT_EQ(ir.trace[0].rfind("weighted median 60: cumulative weight reaches 50% at C", 0), 0U)
      << ir.trace[0];
  EXPECT_LE(ir.trace.size(), 3U);
}

TEST(Median, CondorcetWinnerEqualsWeightedMedianOnOneDimension) {
  // Weights (c·s, salience 1): A 3 at 10, B 2 at 30, C 2 at 50, D 4 at 80; total 11.
  // Cumulative: 3, 5, 7, 11; half is 5.5, first reached at 50 (C): weighted median 50.
  // (The unweighted median would be 40 and the weighted mean 510/11 = 46.4.)
  // Pairwise votes; an actor votes for the strictly closer position, equidistant actors
  // abstain (cut point = midpoint of the pair):
  //   50 vs 10 (cut 30):  C, D for 50 = 6;  A for 10 = 3;  B at 30 abstains  → 50 wins
  //   50 vs 30 (cut 40):  C, D for 50 = 6;  A, B for 30 = 5                  → 50 wins
  //   50 vs 80 (cut 65):  A, B, C for 50 = 7;  D for 80 = 4                  → 50 wins
  // So 50 beats every other position: the Condorcet winner is 50, the weighted median.
  // The others each lose somewhere: 10 vs 30 (cut 20): B, C, D = 8 for 30 vs 3;
  //   30 vs 80 (cut 55): A, B, C = 7 vs 4 → 30 beats 80, but 30 loses to 50 (above).
  const Result r =
      run(one_issue({{"A", 3, 10, 1.0}, {"B", 2, 30, 1.0}, {"C", 2, 50, 1.0}, {"D", 4, 80, 1.0}}));
  const IssueResult& ir = r.issues[0];
  EXPECT_EQ(*ir.forecast, 50.0);
  EXPECT_EQ(ir.details["condorcet_winner"].get<double>(), 50.0);
  EXPECT_EQ(winners(ir), std::vector<double>{50.0});
  EXPECT_NEAR(ir.details["cumulative"][1]["cumulative"].get<double>(), 5.0 / 11, 1e-12);
}

TEST(Median, ExactHalfTakesTheMidpoint) {
  // Weights 1·0.5 = 0.5 at 20 and 0.5 at 60; total 1. Cumulative at 20 is exactly 0.5, so
  // the tie rule applies: median = (20 + 60) / 2 = 40. Pairwise 20 vs 60: 0.5 each, a tie;
  // both beat or tie every other position, so there is no single Condorcet winner.
  const Result r = run(one_issue({{"A", 1, 20, 0.5}, {"B", 1, 60, 0.5}}));
  const IssueResult& ir = r.issues[0];
  EXPECT_EQ(*ir.forecast, 40.0);
  EXPECT_TRUE(ir.details["tie"].get<bool>());
  EXPECT_TRUE(ir.details["condorcet_winner"].is_null());
  EXPECT_EQ(winners(ir), (std::vector<double>{20.0, 60.0}));
  EXPECT_NE(ir.trace[0].find("midpoint of 20 and the next weighted position 60"), std::string::npos)
      << ir.trace[0];
}

TEST(Median, TieSurvivesRounding) {
  // Weights 0.3·0.1 at 10 and 0.1·0.1 + 0.2·0.1 at 50: 0.03 and 0.03 on paper, an exact
  // half split → midpoint 30. In doubles the left side is 0.03 and the half total is
  // 0.030000000000000002, so a strict comparison would wrongly give 50; the model treats
  // differences within 1e-12 of the total weight as equal.
  const Result r = run(one_issue({{"A", 0.3, 10, 0.1}, {"B", 0.1, 50, 0.1}, {"C", 0.2, 50, 0.1}}));
  const IssueResult& ir = r.issues[0];
  EXPECT_EQ(*ir.forecast, 30.0);
  EXPECT_EQ(winners(ir), (std::vector<double>{10.0, 50.0}));
}

TEST(Median, TieMakesEveryPositionBetweenTheHalvesAWeakWinner) {
  // A (weight 0.5) at 20, Z (weight 0) at 30, B (weight 0.5) at 60: median 40 as above.
  // 30 vs 20 (cut 25): B for 30 (0.5), A for 20 (0.5): tie; 30 vs 60 (cut 45): A 0.5 vs
  // B 0.5: tie. So 20, 30 and 60 all beat or tie every other position.
  const Result r = run(one_issue({{"A", 1, 20, 0.5}, {"Z", 0, 30, 1}, {"B", 1, 60, 0.5}}));
  EXPECT_EQ(*r.issues[0].forecast, 40.0);
  EXPECT_EQ(winners(r.issues[0]), (std::vector<double>{20.0, 30.0, 60.0}));
}

TEST(Median, ZeroWeightActorsDoNotMoveTheMedian) {
  // The first hand case (median 60) plus E with salience 0 at 100 and F with capability 0
  // at 0. Their weights are 0, so the cumulative weights at 10, 40, 60, 90 are unchanged
  // (0.2, 0.45, 0.75, 1) and the median stays 60. Their positions are candidates in the
  // pairwise vote but lose: 60 vs 100 (cut 80): A, B, C = 0.75 vs D = 0.25.
  const Result r = run(one_issue({{"A", 0.4, 10, 0.5},
                                  {"B", 0.5, 40, 0.5},
                                  {"C", 0.6, 60, 0.5},
                                  {"D", 0.25, 90, 1.0},
                                  {"E", 1.0, 100, 0.0},
                                  {"F", 0.0, 0, 1.0}}));
  const IssueResult& ir = r.issues[0];
  EXPECT_EQ(*ir.forecast, 60.0);
  ASSERT_EQ(ir.details["cumulative"].size(), 6U);
  EXPECT_EQ(ir.details["cumulative"][0]["weight"].get<double>(), 0.0);  // F at 0
  EXPECT_EQ(ir.details["condorcet_winner"].get<double>(), 60.0);
}

TEST(Median, SingleActorDominates) {
  // A holds 0.6 of the weight at 90; B and C 0.2 each at 0 and 10. Cumulative 0.2, 0.4, 1:
  // half is reached only at 90. A alone outvotes any coalition, so 90 is the Condorcet
  // winner too.
  const Result r = run(one_issue({{"A", 0.6, 90, 1}, {"B", 0.2, 0, 1}, {"C", 0.2, 10, 1}}));
  EXPECT_EQ(*r.issues[0].forecast, 90.0);
  EXPECT_EQ(r.issues[0].details["condorcet_winner"].get<double>(), 90.0);
  // Alone, an actor's position is the median.
  EXPECT_EQ(*run(one_issue({{"A", 0.1, 35, 0.1}})).issues[0].forecast, 35.0);
}

TEST(Median, ZeroTotalWeightGivesNoForecastAndSaysWhy) {
  const Result r = run(one_issue({{"A", 0, 10, 1.0}, {"B", 2.0, 90, 0.0}}));
  EXPECT_FALSE(r.issues[0].forecast.has_value());
  EXPECT_TRUE(r.issues[0].details["condorcet_winner"].is_null());
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("zero capability x salience"), std::string::npos) << r.warnings[0];
}

TEST(Median, EcEmissions1994ByHand) {
  // Weights c·s by position (see the compromise test for each row):
  //   4: Netherlands 0.064 + Luxembourg 0.006 + Germany 0.128 + Denmark 0.050 = 0.248
  //   7: Belgium 0.032 + Ireland 0.005 + Greece 0.056                      = 0.093
  //  10: France 0.096 + Italy 0.096 + UK 0.144                             = 0.336
  // Total 0.677, half 0.3385. Cumulative: 0.248 (36.6%) < half; 0.341 (50.4%) ≥ half:
  // the weighted median is 7. Pairwise: 7 vs 4 (cut 5.5): 0.093 + 0.336 = 0.429 vs 0.248;
  // 7 vs 10 (cut 8.5): 0.248 + 0.093 = 0.341 vs 0.336: 7 is the Condorcet winner, narrowly.
  const Result r = run(one_issue(ec_emissions_rows(), 0, 10));
  const IssueResult& ir = r.issues[0];
  EXPECT_EQ(*ir.forecast, 7.0);
  EXPECT_EQ(ir.details["condorcet_winner"].get<double>(), 7.0);
  ASSERT_EQ(ir.details["cumulative"].size(), 3U);
  EXPECT_NEAR(ir.details["cumulative"][0]["cumulative"].get<double>(), 0.248 / 0.677, 1e-12);
  EXPECT_NEAR(ir.details["cumulative"][1]["cumulative"].get<double>(), 0.341 / 0.677, 1e-12);
  EXPECT_EQ(ir.details["cumulative"][1]["actors"],
            (nlohmann::json{"Belgium", "Greece", "Ireland"}));
}

// --- properties -------------------------------------------------------------------------

RC_GTEST_PROP(Median, ForecastLiesBetweenExtremePositions,
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

RC_GTEST_PROP(Median, CondorcetWinnersBracketTheMedian,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse)) {
  // The median voter theorem, checked by the model's brute-force pairwise vote: without a
  // tie the median is the one Condorcet winner; on an exact half split the weak winners
  // run from one half's edge to the other's, and the median is their midpoint.
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  const IssueResult ir = run(one_issue(rows)).issues[0];
  const std::vector<double> w = winners(ir);
  RC_ASSERT(!w.empty());
  if (ir.details["tie"].get<bool>()) {
    RC_ASSERT((w.front() + w.back()) / 2 == *ir.forecast);
  } else {
    RC_ASSERT(w.size() == 1U);
    RC_ASSERT(ir.details["condorcet_winner"].get<double>() == *ir.forecast);
  }
}

RC_GTEST_PROP(Median, PermutingActorsChangesNothing,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned seed)) {
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  std::vector<Row> shuffled = rows;
  std::mt19937 rng(seed);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const IssueResult a = run(one_issue(rows)).issues[0];
  const IssueResult b = run(one_issue(shuffled)).issues[0];
  RC_ASSERT(*a.forecast == *b.forecast);
  RC_ASSERT(a.details["condorcet_winners"] == b.details["condorcet_winners"]);
}

RC_GTEST_PROP(Median, ScalingCapabilitiesChangesNothing,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned factor)) {
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  const double k = (factor % 10000 + 1) / 37.0;
  std::vector<Row> scaled = rows;
  for (Row& r : scaled) r.capability *= k;
  const IssueResult a = run(one_issue(rows)).issues[0];
  const IssueResult b = run(one_issue(scaled)).issues[0];
  // The same position (or midpoint) is chosen, so the values agree exactly.
  RC_ASSERT(*a.forecast == *b.forecast);
  RC_ASSERT(a.details["condorcet_winners"] == b.details["condorcet_winners"]);
}

RC_GTEST_PROP(Median, MirroringTheScaleMirrorsTheMedian,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse)) {
  // Why the tie rule takes the midpoint: x → 100 − x maps the median m to 100 − m, ties
  // included ("take the lower" would map it to the other side's position).
  const std::vector<Row> rows = rows_from(raw, coarse);
  RC_PRE(has_weight(rows));
  std::vector<Row> mirrored = rows;
  for (Row& r : mirrored) r.position = 100 - r.position;
  const double m = *run(one_issue(rows)).issues[0].forecast;
  RC_ASSERT(std::abs(*run(one_issue(mirrored)).issues[0].forecast - (100 - m)) <= 1e-9);
}

}  // namespace
}  // namespace entente
