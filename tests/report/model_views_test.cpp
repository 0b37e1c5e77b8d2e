// Scenario models' views (entente/model_views.hpp): a model registers its view by name and
// every front end shows it with no change of its own. The model "tariff" here exists only in
// this test: its run document is written by hand and its view registered below, so every
// expected line follows from the document.
#include "entente/model_views.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/result_shape.hpp"
#include "cli/summary.hpp"
#include "entente/json_shape.hpp"
#include "entente/report.hpp"
#include "entente/server.hpp"
#include "entente/store.hpp"
#include "support/test_support.hpp"

namespace entente::report {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The fake model's view: one summary line per rate, one section with a bar chart, and a
// shape check that rates are numbers.
ModelView tariff_view() {
  ModelView v;
  v.model = "tariff";
  v.section_id = "tariffs";
  v.section_title = "Tariffs";
  v.check = [](const json& m, const std::string& path) {
    shape::expect(m, path, shape::Kind::kObject);
    if (const auto* rates = shape::optional_field(m, path, "rates", shape::Kind::kObject)) {
      for (const auto& [who, r] : rates->items())
        shape::expect(r, path + ".rates." + who, shape::Kind::kNumber);
    }
  };
  v.summary = [](const json& m, bool) {
    std::string out = "\nTariffs\n";
    const json rates = m.value("rates", json::object());
    for (const auto& [who, r] : rates.items())
      out += "  " + who + " rate " + std::to_string(r.get<int>()) + "%\n";
    return out;
  };
  v.sections = [](const json& m, const ReportInput&) {
    Section s;
    s.id = "tariffs";
    s.title = "Tariffs";
    s.intro = "Each side's tariff.";
    Chart c;
    c.id = "tariff-rates";
    c.title = "Tariff rates";
    c.spec = {{"mark", "bar"}, {"data", {{"values", m.value("rates", json::object())}}}};
    s.charts.push_back(c);
    return std::vector<Section>{s};
  };
  v.sweep_charts = [](const json& outputs, std::uint64_t) {
    Chart c;
    c.id = "sweep-tariff";
    c.title = "Tariffs over the draws (" + std::to_string(outputs.size()) + " outputs)";
    return std::vector<Chart>{c};
  };
  return v;
}

// A run of the fake model alone: its details and its typed outputs.
json tariff_run() {
  return json::parse(R"json({
    "scenario": {"title": "Trade war", "id": "trade", "at": "2019-05-01"},
    "issues": [],
    "models": {"tariff": {
      "rates": {"us": 25, "cn": 20},
      "outputs": [{"name": "us/rate", "value": 25, "lo": 0, "hi": 100,
                   "label": "US tariff (%)", "group": "Tariffs"}]}}
  })json");
}

class ModelViews : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { register_model_view(tariff_view()); }
};

TEST_F(ModelViews, BuiltInViewsComeFirstInOrder) {
  ASSERT_GE(model_views().size(), 2u);
  EXPECT_EQ(model_views()[0].model, "alliance");
  EXPECT_EQ(model_views()[1].model, "crisis");
  ASSERT_NE(find_model_view("tariff"), nullptr);
  EXPECT_EQ(find_model_view("no-such-model"), nullptr);
  EXPECT_THROW(register_model_view(ModelView{}), std::invalid_argument);
}

TEST_F(ModelViews, RegisteredModelAppearsInTheSummary) {
  const std::string out = cli::render_summary(tariff_run(), false);
  EXPECT_THAT(out, HasSubstr("\nTariffs\n  cn rate 20%\n  us rate 25%\n"));
}

TEST_F(ModelViews, RegisteredModelAppearsInTheReport) {
  ReportInput in;
  in.run = tariff_run();
  const std::vector<Section> sections = build_sections(in, json::array());
  const auto it = std::find_if(sections.begin(), sections.end(),
                               [](const Section& s) { return s.id == "tariffs"; });
  ASSERT_NE(it, sections.end());
  ASSERT_EQ(it->charts.size(), 1u);
  EXPECT_EQ(it->charts[0].spec["data"]["values"]["us"], 25);
  const std::string html = render_html(ReportMeta{}, sections, Assets{});
  EXPECT_THAT(html, HasSubstr("<section id=\"tariffs\">\n<h2>Tariffs</h2>"));
  // The alliance and crisis views draw nothing for a run without their models.
  EXPECT_EQ(std::count_if(sections.begin(), sections.end(),
                          [](const Section& s) { return s.id == "alliances" || s.id == "crisis"; }),
            0);
}

TEST_F(ModelViews, MissingModelGetsItsNotRunSection) {
  ReportInput in;
  in.run = json::parse(R"({"scenario": {}, "issues": [], "models": {}})");
  in.missing_models = {"tariff"};
  const std::vector<Section> sections = build_sections(in, json::array());
  const auto it = std::find_if(sections.begin(), sections.end(),
                               [](const Section& s) { return s.id == "tariffs"; });
  ASSERT_NE(it, sections.end());
  EXPECT_EQ(it->intro,
            "Not in this run: the tariff model did not run (see \"Models not in this run\" "
            "above).");
}

TEST_F(ModelViews, StoredRunIsCheckedByTheView) {
  EXPECT_EQ(app::result_shape_error("run", tariff_run()), "");
  json bad = tariff_run();
  bad["models"]["tariff"]["rates"]["us"] = "high";
  EXPECT_EQ(app::result_shape_error("run", bad),
            "result.models.tariff.rates.us: expected a number, found string");
}

TEST_F(ModelViews, SweepOutputsGoToTheViewOrTheGenericCharts) {
  const json sweep = json::parse(R"({"samples": 10, "outputs": [
    {"id": "tariff/us/rate", "model": "tariff", "issue": "",
     "histogram": [5, 5], "range": [0, 100], "quantiles": {"p50": 25}, "mean": 25},
    {"id": "quota/us/units", "model": "quota", "issue": "",
     "histogram": [4, 6], "range": [0, 10], "quantiles": {"p50": 5}, "mean": 5}]})");
  std::vector<std::string> ids;
  for (const Chart& c : sweep_charts(sweep)) ids.push_back(c.id);
  // The view's chart, then the generic pair for "quota", which has no view.
  EXPECT_THAT(
      ids, ::testing::ElementsAre("sweep-tariff", "sweep-hist-outputs", "sweep-quantiles-outputs"));
}

TEST_F(ModelViews, RegisteredModelAppearsInTheForecastsAndTheCsvExport) {
  // Neither reads a view: the typed outputs carry the model there.
  const auto forecasts = server::forecasts_of(tariff_run());
  ASSERT_EQ(forecasts.size(), 1u);
  EXPECT_EQ(forecasts[0].key, "tariff/us/rate");
  EXPECT_EQ(forecasts[0].label, "US tariff (%)");

  RunStore store(test::temp_dir("model-views") + "/runs.db");
  NewRun run;
  run.kind = "run";
  run.scenario_id = "trade";
  run.scenario_source = "trade.yaml";
  run.scenario_text = "id: trade\n";
  run.at_date = "2019-05-01";
  run.models = {"tariff"};
  run.seed = 1;
  const std::int64_t id = store.begin_run(run);
  store.finish_run(id, tariff_run(), {});
  const auto stored = store.get_run(id);
  ASSERT_TRUE(stored);
  EXPECT_THAT(store.export_csv(id), HasSubstr(std::to_string(id) + ",trade,tariff,,25,done," +
                                              stored->created_at + ",us/rate\n"));
}

}  // namespace
}  // namespace entente::report
