// The structural hazard: logistic regression and AUC against hand derivations, the
// alliance-year construction on a toy ATOP table, and the shipped fit — reproducible to the
// bit from the shipped data, and better than chance on held-out alliances.
#include <gtest/gtest.h>

#include <cmath>

#include "entente/alliance.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

TEST(AllianceHazard, LogitMatchesTheClosedFormOfA2x2Table) {
  // x = 0: 1 event in 4; x = 1: 3 in 4. The saturated logit reproduces the cell rates:
  // intercept = logit(1/4) = −ln 3, slope = logit(3/4) − logit(1/4) = 2 ln 3. Standard
  // errors from the inverse information: var(b0) = 1/(4·¼·¾) = 4/3, var(b1) = 4/3 + 4/3.
  const std::vector<std::vector<double>> x = {{0}, {0}, {0}, {0}, {1}, {1}, {1}, {1}};
  const std::vector<int> y = {1, 0, 0, 0, 1, 1, 1, 0};
  const auto f = alliance::fit_logit(x, y);
  EXPECT_NEAR(f.beta[0], -std::log(3.0), 1e-9);
  EXPECT_NEAR(f.beta[1], 2 * std::log(3.0), 1e-9);
  EXPECT_NEAR(f.se[0], std::sqrt(4.0 / 3.0), 1e-9);
  EXPECT_NEAR(f.se[1], std::sqrt(8.0 / 3.0), 1e-9);
  // log-likelihood: 2 × (ln ¼ + 3 ln ¾).
  EXPECT_NEAR(f.log_likelihood, 2 * (std::log(0.25) + 3 * std::log(0.75)), 1e-9);
}

TEST(AllianceHazard, LogitRefusesCollinearData) {
  const std::vector<std::vector<double>> x = {{1, 2}, {2, 4}, {3, 6}, {4, 8}};
  EXPECT_THROW((void)alliance::fit_logit(x, {0, 1, 0, 1}), std::runtime_error);
}

TEST(AllianceHazard, AucByHand) {
  // Positives score 0.35 and 0.8, negatives 0.1 and 0.4: of the 4 pairs, 3 are ordered
  // right → 0.75.
  EXPECT_NEAR(*alliance::auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75, 1e-12);
  EXPECT_NEAR(*alliance::auc({1, 1}, {0, 1}), 0.5, 1e-12);  // a tie counts one half
  EXPECT_FALSE(alliance::auc({1, 2}, {1, 1}));
}

TEST(AllianceHazard, HeldOutSplitIsFixedBySeed) {
  int held = 0;
  for (int id = 1000; id < 3000; ++id) {
    EXPECT_EQ(alliance::held_out(id, 7, 0.25), alliance::held_out(id, 7, 0.25));
    held += alliance::held_out(id, 7, 0.25) ? 1 : 0;
  }
  EXPECT_NEAR(held / 2000.0, 0.25, 0.04);  // a hash, so only about a quarter
}

TEST(AllianceHazard, AllianceYearsOfAToyTable) {
  // Alliance 1 (defence, 1900, no term): members 2 and 200; 200 leaves in 1903 → event in
  // 1903, rows 1900–1903. Alliance 2 (1900, 36-month term): member 2 leaves in 1903, the
  // term's last year → expiry, censored. Alliance 3: in force → censored at 1904.
  const std::string al = "atopid,begyr,length,defense\n1,1900,0,1\n2,1900,36,0\n3,1902,0,0\n";
  const std::string mem =
      "atopid,member,yrent,yrexit\n1,2,1900,0\n1,200,1900,1903\n2,2,1900,1903\n2,200,1900,0\n"
      "3,2,1902,0\n3,200,1902,0\n";
  std::string nmc = "stateabb,ccode,year,cinc\n";
  for (int y = 1899; y <= 1904; ++y) {
    nmc += "USA,2," + std::to_string(y) + ",0.3\n";
    nmc += "UKG,200," + std::to_string(y) + "," + (y >= 1902 ? "0.2" : "0.1") + "\n";
  }
  const auto d = alliance::build_hazard_data(al, mem, nmc, 0);
  EXPECT_EQ(d.last_year, 1904);
  EXPECT_EQ(d.alliances, 3);
  EXPECT_EQ(d.expired_at_term, 1);
  int events = 0;
  for (const auto& r : d.rows) events += r.event ? 1 : 0;
  EXPECT_EQ(events, 1);
  ASSERT_EQ(d.rows.size(), 4U + 4U + 3U);  // 1900–03, 1900–03, 1902–04
  const auto& first = d.rows[0];
  // 1900: shares 0.3/0.4 = 3/4 → asymmetry (3/4 − 1/2)/(1/2) = 1/2; no change; age 0.
  EXPECT_NEAR(first.x[0], 0.5, 1e-12);
  EXPECT_NEAR(first.x[1], 0.0, 1e-12);
  EXPECT_NEAR(first.x[2], 0.0, 1e-12);
  EXPECT_EQ(first.x[3], 1.0);
  EXPECT_NEAR(first.x[4], std::log(2.0), 1e-12);
  const auto& last = d.rows[3];  // 1903, measured in 1902: UKG 0.1 → 0.2
  EXPECT_TRUE(last.event);
  EXPECT_NEAR(last.x[1], std::log((0.2 + 1e-4) / (0.1 + 1e-4)), 1e-12);
  EXPECT_NEAR(last.x[2], std::log(4.0), 1e-12);
}

// The shipped fit against a fresh fit of the shipped tables.
class ShippedFit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shipped_ = nlohmann::json::parse(
        test::read_file(test::source_path("data/models/alliance-hazard.json")));
    const auto data = alliance::build_hazard_data(
        test::read_file(test::source_path("data/atop/atop-alliance-level.csv")),
        test::read_file(test::source_path("data/atop/atop-member-level.csv")),
        test::read_file(test::source_path("data/cow/NMC-60-abridged.csv")),
        shipped_["fit"]["censoring_year"].get<int>());
    refit_ = alliance::fit_hazard(data, shipped_["fit"]["holdout"]["seed"].get<std::uint64_t>(),
                                  shipped_["fit"]["holdout"]["fraction"].get<double>())
                 .to_json();
  }
  static nlohmann::json shipped_;
  static nlohmann::json refit_;
};
nlohmann::json ShippedFit::shipped_;
nlohmann::json ShippedFit::refit_;

TEST_F(ShippedFit, CoefficientsAreReproducibleBitForBit) {
  // JSON numbers round-trip doubles exactly, so equality here is equality of the bits.
  ASSERT_EQ(refit_["coefficients"].size(), shipped_["coefficients"].size());
  for (std::size_t i = 0; i < shipped_["coefficients"].size(); ++i) {
    EXPECT_EQ(refit_["coefficients"][i]["coefficient"].get<double>(),
              shipped_["coefficients"][i]["coefficient"].get<double>())
        << shipped_["coefficients"][i]["term"];
    EXPECT_EQ(refit_["coefficients"][i]["se"].get<double>(),
              shipped_["coefficients"][i]["se"].get<double>());
  }
  EXPECT_EQ(refit_, shipped_);
}

TEST_F(ShippedFit, HeldOutDiscriminationBeatsChance) {
  // Held-out AUC must exceed 0.5 by two Hanley–McNeil (1982) standard errors.
  const auto& ho = shipped_["fit"]["holdout"];
  const double a = ho["auc_test"].get<double>();
  const double np = ho["test_events"].get<double>();
  const double nn = ho["test_years"].get<double>() - np;
  const double q1 = a / (2 - a);
  const double q2 = 2 * a * a / (1 + a);
  const double se =
      std::sqrt((a * (1 - a) + (np - 1) * (q1 - a * a) + (nn - 1) * (q2 - a * a)) / (np * nn));
  EXPECT_GT(a - 2 * se, 0.5) << "held-out AUC " << a << " ± " << se;
  EXPECT_GT(np, 20);  // enough held-out events for the test to mean something
}

TEST_F(ShippedFit, EmbeddedFitIsTheShippedFile) {
  const auto& h = alliance::default_hazard();
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.to_json(), shipped_);
}

}  // namespace
}  // namespace entente
