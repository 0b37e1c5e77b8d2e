// `entente sensitivity` on a scenario whose answer is known: compromise = (a + b + 160) / 4
// with a ~ U(0, 100) and b ~ U(39, 41), so Var = (Var a + Var b) / 16 and a's share is
// (10000/12) / (10000/12 + 4/12) = 0.9996, b's 0.0004 (both first-order; no interaction).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

constexpr const char* kScenario = R"(entente: 1
id: mini-sensitivity
title: Two uncertain positions, one of them barely
as_of: 2003-03-15
actors:
  - {id: A, name: A, kind: state, capability: 1}
  - {id: B, name: B, kind: state, capability: 1}
  - {id: C, name: C, kind: state, capability: 2}
issues:
  - id: deal
    name: The deal
    scale: {min: 0, max: 100}
    positions:
      A: {position: {uniform: [0, 100]}, salience: 1}
      B: {position: {uniform: [39, 41]}, salience: 1}
      C: {position: 80, salience: 1}
)";

class SensitivityCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("sensitivity");
    scenario_ = dir_ + "/mini.yaml";
    std::ofstream(scenario_) << kScenario;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  nlohmann::json analyse(const std::string& flags) const {
    const auto r = test::run_entente("sensitivity '" + scenario_ + "' -m compromise --json " +
                                     flags + " --db '" + dir_ + "/runs.db'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  std::string dir_;
  std::string scenario_;
};

TEST_F(SensitivityCommand, SobolSharesMatchTheAnalyticVariance) {
  const auto doc = analyse("--method sobol --samples 512");
  EXPECT_EQ(doc["kind"], "sensitivity");
  EXPECT_EQ(doc["evaluations"], 512 * 4);  // N (k + 2), k = 2
  const auto& inputs = doc["outputs"][0]["inputs"];
  ASSERT_EQ(inputs.size(), 2U);
  EXPECT_EQ(inputs[0]["input"], "issues.deal.positions.A.position");
  EXPECT_NEAR(inputs[0]["first"].get<double>(), 0.9996, 0.02);
  EXPECT_NEAR(inputs[0]["total"].get<double>(), 0.9996, 0.02);
  EXPECT_LE(inputs[0]["total_ci"][0].get<double>(), 0.9996);
  EXPECT_GE(inputs[0]["total_ci"][1].get<double>(), 0.9996 - 0.02);
  EXPECT_LT(inputs[1]["total"].get<double>(), 0.01);
}

TEST_F(SensitivityCommand, MorrisRanksTheWideInputFirst) {
  const auto doc = analyse("--method morris --samples 10");
  EXPECT_EQ(doc["evaluations"], 10 * 3);  // r (k + 1)
  const auto& inputs = doc["outputs"][0]["inputs"];
  EXPECT_EQ(inputs[0]["input"], "issues.deal.positions.A.position");
  // On the unit cube a step Δ = 1/2 in a's CDF moves a by 50, the forecast by 12.5: the
  // effect per unit of CDF is 25; for b, 2/4 = 0.5.
  EXPECT_NEAR(inputs[0]["mu_star"].get<double>(), 25.0, 1e-9);
  EXPECT_NEAR(inputs[1]["mu_star"].get<double>(), 0.5, 1e-9);
}

TEST_F(SensitivityCommand, RefusesAScenarioWithoutUncertainty) {
  const std::string fixed = dir_ + "/fixed.yaml";
  std::string text = kScenario;
  text.replace(text.find("{uniform: [0, 100]}"), 19, "10");
  text.replace(text.find("{uniform: [39, 41]}"), 19, "40");
  std::ofstream(fixed) << text;
  const auto r = test::run_entente("sensitivity '" + fixed + "' --db '" + dir_ + "/runs.db'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no uncertain numbers"));
  const auto bad = test::run_entente("sensitivity '" + scenario_ + "' --method sobolx");
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace entente
