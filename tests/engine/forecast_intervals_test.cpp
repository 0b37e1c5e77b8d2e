// Forecast intervals: the shipped calibration equals a fresh fit on the shipped DEU file (so
// it cannot go stale), hand-derived intervals and clipping, parse errors, and the run
// document carrying each issue model's interval.
#include "entente/forecast_intervals.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "entente/embedded.hpp"
#include "entente/model.hpp"
#include "entente/runner.hpp"
#include "support/scenario_builder.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

std::vector<std::string> issue_models() {
  std::vector<std::string> names;
  for (const auto& info : registered_models()) {
    if (info.scope == ModelInfo::Scope::kIssue) names.push_back(info.name);
  }
  return names;
}

TEST(ForecastIntervals, ShippedCalibrationEqualsAFreshFitOfEveryIssueModel) {
  // `entente fit intervals` from the repository root writes exactly this document; a model
  // added without re-running it fails here.
  const std::string shipped =
      test::read_file(test::source_path("data/models/forecast-intervals.json"));
  const auto doc = nlohmann::json::parse(shipped);
  const std::string data = doc["data"].get<std::string>();
  const auto cases =
      load_deu_tsv(test::read_file(test::source_path(data)), data, DeuCapability::kEqual);
  const auto fresh = fit_forecast_intervals(cases, issue_models(), data);
  EXPECT_EQ(doc, fresh) << "re-run `entente fit intervals` from the repository root";
  EXPECT_EQ(embedded_forecast_intervals(), shipped) << "rebuild to embed the new calibration";
  for (const auto& name : issue_models()) EXPECT_TRUE(fresh["models"].contains(name)) << name;
}

TEST(ForecastIntervals, QuantileIsTheConformalRankOfScaledErrors) {
  // Four cases, compromise forecast 50 (actors 40, 50, 60, equal weights) on a 0-200 scale,
  // outcomes 50, 70, 90, 130: errors 0, 20, 40, 80, scaled 0, 0.1, 0.2, 0.4. Rank
  // ceil(5 x 0.8) = 4: 0.4.
  std::vector<DeuCase> cases;
  for (double outcome : {50.0, 70.0, 90.0, 130.0}) {
    DeuCase c;
    c.scenario = test::one_issue({{"a", 1, 40, 1}, {"b", 1, 50, 1}, {"c", 1, 60, 1}}, 0, 200);
    c.outcome = outcome;
    cases.push_back(c);
  }
  const auto doc = fit_forecast_intervals(cases, {"compromise"}, "hand");
  EXPECT_EQ(doc["models"]["compromise"]["n"], 4);
  EXPECT_NEAR(doc["models"]["compromise"]["quantile"].get<double>(), 0.4, 1e-12);
  EXPECT_EQ(doc["data"], "hand");
}

TEST(ForecastIntervals, IntervalIsClippedToTheScale) {
  const auto cal = parse_forecast_intervals(
      R"({"method": "m", "data": "d", "level": 0.8, "models": {"x": {"n": 10, "quantile": 0.3}}})",
      "cal.json");
  const Scale scale{0.0, 100.0, "", {}};
  // 90 +/- 30: [60, 120] clipped to [60, 100].
  const auto a = forecast_interval(cal, "x", 90, scale);
  ASSERT_TRUE(a.has_value());
  EXPECT_DOUBLE_EQ((*a)[0], 60.0);
  EXPECT_DOUBLE_EQ((*a)[1], 100.0);
  // On a -1..1 scale the half-width is 0.3 x 2 = 0.6.
  const auto b = forecast_interval(cal, "x", 0.0, Scale{-1.0, 1.0, "", {}});
  EXPECT_DOUBLE_EQ((*b)[0], -0.6);
  EXPECT_DOUBLE_EQ((*b)[1], 0.6);
  EXPECT_FALSE(forecast_interval(cal, "y", 50, scale).has_value());
}

TEST(ForecastIntervals, BadCalibrationNamesSourceAndField) {
  try {
    (void)parse_forecast_intervals(
        R"({"method": "m", "data": "d", "level": 0.8, "models": {"x": {"n": 1, "quantile": 2}}})",
        "cal.json");
    FAIL() << "accepted a quantile of 2";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cal.json: models.x.quantile: expected a number in [0, 1]");
  }
  EXPECT_THROW((void)parse_forecast_intervals("[]", "c"), std::runtime_error);
  EXPECT_THROW((void)parse_forecast_intervals(R"({"method": "m", "data": "d", "level": 1.5,
      "models": {}})",
                                              "c"),
               std::runtime_error);
}

TEST(ForecastIntervals, RunDocumentCarriesEachIssueModelsInterval) {
  const Scenario s = test::one_issue({{"a", 1, 0, 1}, {"b", 1, 20, 1}, {"c", 1, 80, 1}});
  RunRequest request;
  request.models = {"compromise", "median"};
  const RunPlan plan = plan_run(s, request);
  const RunOutput out = execute_run(s, plan, kDefaultSeed);
  const auto& cal = embedded_forecast_interval_calibration();
  const auto& models = out.document["issues"][0]["models"];
  for (const std::string name : {"compromise", "median"}) {
    const double f = models[name]["forecast"].get<double>();
    const auto expected = forecast_interval(cal, name, f, s.issues[0].scale);
    ASSERT_TRUE(expected.has_value()) << name;
    EXPECT_EQ(models[name]["interval"], nlohmann::json::array({(*expected)[0], (*expected)[1]}));
  }
  EXPECT_EQ(out.document["forecast_intervals"]["data"], cal.data);
  EXPECT_EQ(out.document["forecast_intervals"]["level"], 0.8);
}

}  // namespace
}  // namespace entente
