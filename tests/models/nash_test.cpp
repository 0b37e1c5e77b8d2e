// The Nash bargaining model: the asymmetric (capability-weighted) Nash bargaining solution
// against a disagreement point. Every expected value below is derived by hand in the
// comment beside it.
//
// Notation: actor i has ideal point x_i, salience s_i, weight α_i = c_i / Σ c; d is the
// disagreement point. Gain g_i(x) = u_i(x) − u_i(d). With quadratic utility
//   g_i(x) = s_i((d − x_i)² − (x − x_i)²) = s_i (x − d)(2x_i − d − x),
// and the solution maximises f(x) = Σ α_i log g_i(x) where every g_i ≥ 0.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
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
using test::Row;
using test::rows_from;

// The solver brackets the maximiser to 1e-10 of the scale; scales here are 100 wide.
constexpr double kSolved = 1e-7;

IssueResult solve(const Scenario& s, const std::map<std::string, std::string>& options = {}) {
  const Result r = make_model("nash", options)->run(s, RunContext{});
  EXPECT_EQ(r.issues.size(), 1U);
  return r.issues.at(0);
}

const std::map<std::string, std::string> kLinear{{"utility", "linear"}};

// The EC emissions table (Bueno de Mesquita & Stokman 1994), as shipped in shared data.
// Nash tests name the status quo first: it is the point of most of them.
Scenario nash_issue(const std::vector<Row>& rows, std::optional<double> status_quo, double min = 0,
                    double max = 100) {
  return test::one_issue(rows, min, max, status_quo);
}

std::vector<Row> ec_emissions_rows() { return test::actor_table_rows("bdm/ec-emissions-1994.csv"); }

TEST(Nash, IsRegisteredWithItsOptions) {
  const ModelInfo* info = find_model("nash");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->scope, ModelInfo::Scope::kIssue);
  ASSERT_EQ(info->options.size(), 2U);
  EXPECT_EQ(info->options[0].name, "utility");
  EXPECT_EQ(info->options[0].default_value, "quadratic");
  EXPECT_EQ(info->options[1].name, "disagreement");
  EXPECT_EQ(info->options[1].default_value, "status-quo");
  EXPECT_THROW((void)make_model("nash", {{"utility", "cubic"}}), std::invalid_argument);
  EXPECT_THROW((void)make_model("nash", {{"disagreement", "best"}}), std::invalid_argument);
  EXPECT_NO_THROW((void)make_model("nash", {{"disagreement", "own"}}));
}

TEST(Nash, QuadraticEqualCapabilitiesStatusQuoOutside) {
  // A at 20 (s 1), B at 40 (s 0.5), equal capability → α = ½ each; d = 0 (status quo).
  //   g_A = 1·(x − 0)(40 − x),  g_B = 0.5·(x − 0)(80 − x).
  // Feasible: A gains on [0, 40], B on [0, 80] → [0, 40].
  // f = ½ log x + ½ log(40 − x) + ½ log x + ½ log(80 − x) + const
  // f' = 1/x − ½/(40 − x) − ½/(80 − x) = 0; times 2x(40 − x)(80 − x):
  //   2(40 − x)(80 − x) − x(80 − x) − x(40 − x) = 6400 − 360x + 4x² = 0
  //   → x² − 90x + 1600 = 0 → x = 45 ± 5√17; in [0, 40]: x* = 45 − 5√17 ≈ 24.3845.
  const double x = 45 - 5 * std::sqrt(17.0);
  const IssueResult ir = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}}, 0.0));
  ASSERT_TRUE(ir.forecast.has_value());
  EXPECT_NEAR(*ir.forecast, x, kSolved);
  EXPECT_EQ(ir.details["disagreement"].get<double>(), 0.0);
  EXPECT_EQ(ir.details["disagreement_source"], "status_quo");
  EXPECT_EQ(ir.details["utility"], "quadratic");
  EXPECT_EQ(ir.details["feasible"], (nlohmann::json{0.0, 40.0}));
  EXPECT_NEAR(ir.details["weights"]["A"].get<double>(), 0.5, 1e-15);
  // Gains at x*: g_A = x*(40 − x*) ≈ 381.7, g_B = 0.5·x*(80 − x*) ≈ 677.1.
  EXPECT_NEAR(ir.details["gains"]["A"].get<double>(), x * (40 - x), 1e-5);
  EXPECT_NEAR(ir.details["gains"]["B"].get<double>(), 0.5 * x * (80 - x), 1e-5);
  // Share of the possible gain (at the own ideal point, s_i r_i² with r_i = |d − x_i|):
  //   A: 1 − ((x* − 20)/20)² ≈ 0.952,  B: 1 − ((x* − 40)/40)² ≈ 0.848.
  EXPECT_NEAR(ir.details["gain_shares"]["A"].get<double>(), 1 - std::pow((x - 20) / 20, 2), 1e-9);
  EXPECT_NEAR(ir.details["gain_shares"]["B"].get<double>(), 1 - std::pow((x - 40) / 40, 2), 1e-9);
  ASSERT_EQ(ir.trace.size(), 3U);
  EXPECT_EQ(ir.trace[2], "share of the possible gain: least B 85%, most A 95%");
  EXPECT_EQ(ir.trace[0].rfind("Nash bargaining solution 24.3845", 0), 0U) << ir.trace[0];
  EXPECT_LE(ir.trace.size(), 3U);
}

TEST(Nash, QuadraticUnequalCapabilities) {
  // As above with capabilities 1 and 3: α = ¼, ¾ (capabilities normalised to sum 1).
  // f' = 1/x − ¼/(40 − x) − ¾/(80 − x) = 0; times 4x(40 − x)(80 − x):
  //   4(40 − x)(80 − x) − x(80 − x) − 3x(40 − x) = 12800 − 680x + 8x² = 0
  //   → x² − 85x + 1600 = 0 → x* = (85 − √825)/2 = (85 − 5√33)/2 ≈ 28.1386,
  // closer to the stronger B than the equal-capability 24.38.
  const IssueResult ir = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 3, 40, 0.5}}, 0.0));
  EXPECT_NEAR(*ir.forecast, (85 - 5 * std::sqrt(33.0)) / 2, kSolved);
  EXPECT_NEAR(ir.details["weights"]["B"].get<double>(), 0.75, 1e-15);
}

TEST(Nash, LinearUtilityEqualCapabilities) {
  // Linear: g_A = s_A(20 − |x − 20|), g_B = s_B(40 − |x − 40|); feasible [0, 40] again.
  // On [0, 20]: g_A = s_A x, g_B = s_B x → f = log x + const, increasing.
  // On [20, 40]: g_A = s_A(40 − x), g_B = s_B x → f' = −½/(40 − x) + ½/x < 0 for x > 20.
  // So the maximum is at the kink x* = 20, A's ideal point.
  const IssueResult ir = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}}, 0.0), kLinear);
  EXPECT_NEAR(*ir.forecast, 20.0, kSolved);
  EXPECT_EQ(ir.details["utility"], "linear");
  // Gains at 20: A 1·(20 − 0) = 20, B 0.5·(40 − 20) = 10.
  EXPECT_NEAR(ir.details["gains"]["A"].get<double>(), 20.0, 1e-6);
  EXPECT_NEAR(ir.details["gains"]["B"].get<double>(), 10.0, 1e-6);
}

TEST(Nash, LinearUtilityUnequalCapabilities) {
  // α = ¼, ¾. On [0, 20] f = log x + const, increasing. On [20, 40]:
  //   f' = −¼/(40 − x) + ¾/x = 0 → ¾(40 − x) = ¼x → x* = 30.
  const IssueResult ir = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 3, 40, 0.5}}, 0.0), kLinear);
  EXPECT_NEAR(*ir.forecast, 30.0, kSolved);
}

TEST(Nash, LinearAndQuadraticDiffer) {
  // Same actors, d = 0, equal capabilities: linear 20, quadratic 45 − 5√17 ≈ 24.38 (above).
  // With quadratic utility A's marginal loss at its own ideal point is zero, while B's
  // marginal gain there is not, so the product still grows past 20; with linear utility
  // A's marginal loss is as large as B's marginal gain relative to what each has gained, and
  // the solution stops at A's ideal point.
  const Scenario s = nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}}, 0.0);
  const double linear = *solve(s, kLinear).forecast;
  const double quadratic = *solve(s).forecast;
  EXPECT_NEAR(linear, 20.0, kSolved);
  EXPECT_NEAR(quadratic, 45 - 5 * std::sqrt(17.0), kSolved);
  EXPECT_GT(quadratic - linear, 4.0);
}

TEST(Nash, StatusQuoBetweenIdealPointsIsTheSolution) {
  // A at 20, B at 40, d = 30: A gains only on [20, 40] ∩ ... = |x − 20| ≤ 10 → [10, 30];
  // B gains only on |x − 40| ≤ 10 → [30, 50]. Intersection {30}: any move hurts one of
  // them, so the solution is d, with a note.
  const IssueResult ir = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 1.0}}, 30.0));
  EXPECT_EQ(*ir.forecast, 30.0);
  ASSERT_TRUE(ir.details.contains("note"));
  EXPECT_NE(ir.details["note"].get<std::string>().find("opposite sides"), std::string::npos)
      << ir.details["note"];
  EXPECT_EQ(ir.details["gains"]["A"].get<double>(), 0.0);
  EXPECT_EQ(ir.details["gains"]["B"].get<double>(), 0.0);
}

TEST(Nash, StatusQuoAtAnIdealPointIsTheSolution) {
  // d = 20 = A's ideal point: A's reach |d − x_A| is 0, A gains nowhere, the feasible set is
  // {20} and the solution is d, for both utilities.
  const Scenario s = nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 1.0}}, 20.0);
  for (const auto& options : {std::map<std::string, std::string>{}, kLinear}) {
    const IssueResult ir = solve(s, options);
    EXPECT_EQ(*ir.forecast, 20.0);
    EXPECT_NE(ir.details["note"].get<std::string>().find("A's ideal point"), std::string::npos)
        << ir.details["note"];
  }
}

TEST(Nash, NoStatusQuoFallsBackToTheWorstEnd) {
  // No status quo: d is the end of the scale with the lower Σ α_i u_i.
  //   at 0:   −½(1·20² + 0.5·40²) = −½(400 + 800)   = −600
  //   at 100: −½(1·80² + 0.5·60²) = −½(6400 + 1800) = −4100  → d = 100.
  // g_A = (100 − x)(100 + x − 40) = (100 − x)(60 + x), g_B = 0.5(100 − x)(20 + x).
  // Feasible: A on [−60, 100], B on [−20, 100]; with the scale, [0, 100].
  // f' = −1/(100 − x) + ½/(60 + x) + ½/(20 + x) = 0; times 2(100 − x)(60 + x)(20 + x):
  //   −2(60 + x)(20 + x) + (100 − x)(20 + x) + (100 − x)(60 + x) = 5600 − 40x − 4x² = 0
  //   → x² + 10x − 1400 = 0 → x* = −5 + 5√57 ≈ 32.749.
  const double x = -5 + 5 * std::sqrt(57.0);
  const IssueResult ir = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}}, std::nullopt));
  EXPECT_NEAR(*ir.forecast, x, kSolved);
  EXPECT_EQ(ir.details["disagreement"].get<double>(), 100.0);
  EXPECT_EQ(ir.details["disagreement_source"], "worst");
  EXPECT_EQ(ir.details["feasible"], (nlohmann::json{0.0, 100.0}));
  EXPECT_NE(ir.trace[1].find("has no status quo"), std::string::npos) << ir.trace[1];

  // disagreement=worst uses the worst end even when a status quo is given.
  const IssueResult forced =
      solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}}, 0.0), {{"disagreement", "worst"}});
  EXPECT_NEAR(*forced.forecast, x, kSolved);
  EXPECT_EQ(forced.details["disagreement_source"], "worst");
}

TEST(Nash, ScaleBoundCanBeTheSolution) {
  // Both at 100, d = 0: each gains on [0, 200], clipped by the scale to [0, 100].
  // f = log x + log(200 − x) + const, f' = 1/x − 1/(200 − x) > 0 on (0, 100): x* = 100.
  const IssueResult ir = solve(nash_issue({{"A", 1, 100, 1.0}, {"B", 2, 100, 0.3}}, 0.0));
  EXPECT_EQ(*ir.forecast, 100.0);
}

TEST(Nash, ZeroCapabilityOrSalienceDropsOut) {
  // The first case (x* = 45 − 5√17) plus C (capability 0) at 0 = d and D (salience 0) at
  // 30. Counted, C could gain nowhere and would pin the solution to d; D's gain would be 0
  // everywhere, zeroing the product. Both drop out, so x* is unchanged.
  const IssueResult ir = solve(
      nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}, {"C", 0, 0, 1.0}, {"D", 5, 30, 0.0}}, 0.0));
  const double x = 45 - 5 * std::sqrt(17.0);
  EXPECT_NEAR(*ir.forecast, x, kSolved);
  EXPECT_EQ(ir.details["dropped"], (nlohmann::json{"C", "D"}));
  EXPECT_FALSE(ir.details["weights"].contains("C"));
  // Gains are reported for dropped actors too: C loses 1·(x*² − 0) , D's are 0.
  EXPECT_NEAR(ir.details["gains"]["C"].get<double>(), -x * x, 1e-5);
  EXPECT_EQ(ir.details["gains"]["D"].get<double>(), 0.0);
}

TEST(Nash, SalienceDoesNotMoveTheSolution) {
  // log g_i = log s_i + log((d − x_i)² − (x − x_i)²): a positive salience adds a constant
  // to f and cannot move its maximiser (Nash's invariance to rescaling utilities). It only
  // scales the reported gains.
  const IssueResult a = solve(nash_issue({{"A", 1, 20, 1.0}, {"B", 1, 40, 0.5}}, 0.0));
  const IssueResult b = solve(nash_issue({{"A", 1, 20, 0.1}, {"B", 1, 40, 1.0}}, 0.0));
  EXPECT_EQ(*a.forecast, *b.forecast);
  EXPECT_NEAR(b.details["gains"]["A"].get<double>(), 0.1 * a.details["gains"]["A"].get<double>(),
              1e-9);
}

TEST(Nash, SingleActorGetsItsIdealPoint) {
  // Alone: f = log(x(40 − x)) + const with d = 0, maximal at x = 20, A's ideal point.
  EXPECT_NEAR(*solve(nash_issue({{"A", 2, 20, 0.7}}, 0.0)).forecast, 20.0, kSolved);
  EXPECT_NEAR(*solve(nash_issue({{"A", 2, 20, 0.7}}, 0.0), kLinear).forecast, 20.0, kSolved);
}

TEST(Nash, NoBargainerGivesNoForecastAndSaysWhy) {
  const Result r = make_model("nash")->run(nash_issue({{"A", 0, 20, 1.0}, {"B", 1, 40, 0.0}}, 0.0),
                                           RunContext{});
  EXPECT_FALSE(r.issues.at(0).forecast.has_value());
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("positive capability and positive salience"), std::string::npos);
}

TEST(Nash, EcEmissions1994) {
  // Capabilities by position: 4: 0.08 + 0.03 + 0.16 + 0.05 = 0.32; 7: 0.08 + 0.05 + 0.08 =
  // 0.21; 10: 0.16·3 = 0.48. The table has no status quo, so d is the worst end.
  //
  // On the table's own range [4, 10]: Σ c_i s_i (x − x_i)² (the worst end maximises it,
  // quadratic utility) is, with c·s weights 0.248 at 4, 0.093 at 7, 0.336 at 10 (see the
  // compromise test): at 4: 0.093·9 + 0.336·36 = 12.933; at 10: 0.248·36 + 0.093·9 = 9.765.
  // So d = 4, which is Denmark's (and Germany's, ...) ideal point: they cannot gain, the
  // solution is d = 4.
  const std::vector<Row> rows = ec_emissions_rows();
  const IssueResult narrow = solve(nash_issue(rows, std::nullopt, 4, 10));
  EXPECT_EQ(narrow.details["disagreement"].get<double>(), 4.0);
  EXPECT_EQ(*narrow.forecast, 4.0);
  EXPECT_NE(narrow.details["note"].get<std::string>().find("Denmark's ideal point"),
            std::string::npos);

  // On [0, 10]: at 0: 0.248·16 + 0.093·49 + 0.336·100 = 42.125 > 9.765 at 10 → d = 0.
  // Every actor is right of 0, so all gain on [0, min 2x_i] = [0, 8]. With
  // g_i = s_i x (2x_i − x), f' = Σ α_i (1/x − 1/(2x_i − x)) = (2/x) Σ α_i (x_i − x)/(2x_i − x),
  // so x* solves  0.32(4 − x)/(8 − x) + 0.21(7 − x)/(14 − x) + 0.48(10 − x)/(20 − x) = 0,
  // a cubic whose root in (4, 7) is 5.4757 (found by bisection on this equation alone,
  // independently of the model).
  const IssueResult wide = solve(nash_issue(rows, std::nullopt, 0, 10));
  EXPECT_EQ(wide.details["disagreement"].get<double>(), 0.0);
  EXPECT_EQ(wide.details["feasible"], (nlohmann::json{0.0, 8.0}));
  const double x = *wide.forecast;
  EXPECT_NEAR(x, 5.475699640654829, 1e-8);
  EXPECT_NEAR(0.32 * (4 - x) / (8 - x) + 0.21 * (7 - x) / (14 - x) + 0.48 * (10 - x) / (20 - x),
              0.0, 1e-9);
}

// --- properties -------------------------------------------------------------------------

bool has_bargainer(const std::vector<Row>& rows) {
  return std::any_of(rows.begin(), rows.end(),
                     [](const Row& r) { return r.capability > 0 && r.salience > 0; });
}

// A status quo in [0, 100] in steps of 0.1 (of 10 when `coarse`, so that it often meets
// an ideal point), or none when `raw` is a multiple of 5.
std::optional<double> status_quo_from(unsigned raw, bool coarse) {
  if (raw % 5 == 0) return std::nullopt;
  return coarse ? (raw % 11) * 10.0 : (raw % 1001) / 10.0;
}

// disagreement=own: each actor's conflict payoff is its utility at the end of the scale
// farthest from it. A at 30, B at 60 on [0, 100], linear utility: A's worst end is 100
// (reach 70), B's is 0 (reach 60). On [30, 60] the gains are s_A (70 − (x − 30)) =
// s_A (100 − x) and s_B (60 − (60 − x)) = s_B x; with equal capabilities the product
// (100 − x) x peaks at x = 50 (outside [30, 60] the product falls: below 30 it is
// (40 + x) x, rising; above 60 it is (100 − x)(120 − x), falling). The status quo 55 plays
// no part. With capabilities 2 and 1 (α = 2/3, 1/3): (2/3)/(100 − x) = (1/3)/x gives
// x = 100/3.
TEST(Nash, OwnConflictPayoffsLinearByHand) {
  const std::map<std::string, std::string> own{{"utility", "linear"}, {"disagreement", "own"}};
  const IssueResult equal = solve(nash_issue({{"A", 1, 30, 0.4}, {"B", 1, 60, 0.9}}, 55.0), own);
  EXPECT_NEAR(*equal.forecast, 50.0, kSolved);
  EXPECT_EQ(equal.details["disagreement_source"], "own");
  EXPECT_EQ(equal.details["disagreement"]["A"].get<double>(), 100.0);
  EXPECT_EQ(equal.details["disagreement"]["B"].get<double>(), 0.0);
  // Gains over the own conflict payoffs: A 0.4 · (100 − 50) = 20, B 0.9 · 50 = 45.
  EXPECT_NEAR(equal.details["gains"]["A"].get<double>(), 20.0, 1e-6);
  EXPECT_NEAR(equal.details["gains"]["B"].get<double>(), 45.0, 1e-6);
  const IssueResult unequal = solve(nash_issue({{"A", 2, 30, 0.4}, {"B", 1, 60, 0.9}}, 55.0), own);
  EXPECT_NEAR(*unequal.forecast, 100.0 / 3, kSolved);
}

// With the shared status quo 45 between A (30) and B (60), any move hurts one of them and the
// solution is 45; with their own conflict payoffs every point of the scale is at least as
// good as conflict for both, so the solution moves off the status quo (to 50, above).
TEST(Nash, OwnConflictPayoffsLeaveTheStatusQuo) {
  const Scenario s = nash_issue({{"A", 1, 30, 1.0}, {"B", 1, 60, 1.0}}, 45.0);
  EXPECT_EQ(*solve(s, kLinear).forecast, 45.0);
  EXPECT_NEAR(*solve(s, {{"utility", "linear"}, {"disagreement", "own"}}).forecast, 50.0, kSolved);
}

RC_GTEST_PROP(Nash, OwnConflictPayoffsGiveAParetoPoint,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               bool linear)) {
  // Every point of the scale is individually rational, so the solution is the interior
  // maximiser: between the extreme ideal points of the bargainers, and nobody loses.
  const std::vector<Row> rows = rows_from(raw, coarse, 10);
  RC_PRE(has_bargainer(rows));
  std::map<std::string, std::string> options{{"disagreement", "own"}};
  if (linear) options["utility"] = "linear";
  const IssueResult ir = solve(nash_issue(rows, 50.0), options);
  RC_ASSERT(ir.forecast.has_value());
  double lo = 100;
  double hi = 0;
  for (const Row& r : rows) {
    if (r.capability > 0 && r.salience > 0) {
      lo = std::min(lo, r.position);
      hi = std::max(hi, r.position);
      RC_ASSERT(ir.details["gains"][r.actor].get<double>() >= -1e-6);
    }
  }
  RC_ASSERT(*ir.forecast >= lo - 1e-7 && *ir.forecast <= hi + 1e-7);
}

std::map<std::string, std::string> options_from(bool linear) {
  return linear ? kLinear : std::map<std::string, std::string>{};
}

RC_GTEST_PROP(Nash, SolutionIsBetweenIdealPointsOrTheDisagreementPoint,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned sq, bool linear)) {
  // The solution is Pareto-optimal, so it lies between the bargainers' extreme ideal points
  // unless no move from d makes everyone gain, in which case it is d. No bargainer loses.
  const std::vector<Row> rows = rows_from(raw, coarse, 10);
  RC_PRE(has_bargainer(rows));
  const IssueResult ir = solve(nash_issue(rows, status_quo_from(sq, coarse)), options_from(linear));
  RC_ASSERT(ir.forecast.has_value());
  const double x = *ir.forecast;
  const double d = ir.details["disagreement"].get<double>();
  double lo = 100;
  double hi = 0;
  for (const Row& r : rows) {
    if (r.capability > 0 && r.salience > 0) {
      lo = std::min(lo, r.position);
      hi = std::max(hi, r.position);
      RC_ASSERT(ir.details["gains"][r.actor].get<double>() >= -1e-6);
    }
  }
  RC_ASSERT(x == d || (x >= lo - 1e-7 && x <= hi + 1e-7));
}

RC_GTEST_PROP(Nash, PermutingActorsChangesNothing,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned sq, bool linear, unsigned seed)) {
  const std::vector<Row> rows = rows_from(raw, coarse, 10);
  RC_PRE(has_bargainer(rows));
  std::vector<Row> shuffled = rows;
  std::mt19937 rng(seed);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // Sums run in a canonical order, so the results agree to the last bit.
  RC_ASSERT(
      *solve(nash_issue(rows, status_quo_from(sq, coarse)), options_from(linear)).forecast ==
      *solve(nash_issue(shuffled, status_quo_from(sq, coarse)), options_from(linear)).forecast);
}

RC_GTEST_PROP(Nash, ScalingCapabilitiesChangesNothing,
              (const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw, bool coarse,
               unsigned sq, bool linear, unsigned factor)) {
  const std::vector<Row> rows = rows_from(raw, coarse, 10);
  RC_PRE(has_bargainer(rows));
  const double k = (factor % 10000 + 1) / 37.0;
  std::vector<Row> scaled = rows;
  for (Row& r : scaled) r.capability *= k;
  const IssueResult a = solve(nash_issue(rows, status_quo_from(sq, coarse)), options_from(linear));
  const IssueResult b =
      solve(nash_issue(scaled, status_quo_from(sq, coarse)), options_from(linear));
  RC_ASSERT(a.details["disagreement"] == b.details["disagreement"]);
  RC_ASSERT(std::abs(*a.forecast - *b.forecast) <= 1e-7);
}

}  // namespace
}  // namespace entente
