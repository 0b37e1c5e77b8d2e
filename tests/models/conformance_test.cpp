// Every registered model, tried the same way (as OpenSpiel's basic tests run on every game):
// the same seed gives the same result; a run without details gives the same forecasts and
// outputs; a model refuses a scenario it says it cannot run, through plan_run; no forecast
// is NaN or outside its issue's scale; bad option values and unknown options are refused;
// a stopped run stops. A model added later is checked with no change here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "entente/embedded.hpp"
#include "entente/model.hpp"
#include "entente/runner.hpp"
#include "entente/scenario_io.hpp"
#include "support/scenario_builder.hpp"

namespace entente {
namespace {

Scenario korea() {
  LoadOptions o;
  o.filename = "korea-2003.yaml";
  o.cinc = &default_cinc_table();
  return load_scenario_yaml(embedded_default_scenario(), o).current();
}

// Two issues, no alliances, forces or games: the issue models apply, the scenario models
// must say they do not.
Scenario issues_only() {
  Scenario s = test::one_issue({{"A", 3, 10, 0.9}, {"B", 2, 60, 0.5}, {"C", 1, 90, 0.7}});
  Issue second = s.issues[0];
  second.id = "second";
  second.name = "Second";
  for (Stance& st : second.stances) st.position.value = 100 - st.position.value;
  s.issues.push_back(second);
  return s;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const ModelInfo& info : registered_models()) out.push_back(info.name);
  return out;
}

class EveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModel, SameSeedSameResult) {
  const Scenario s = korea();
  const auto model = make_model(GetParam());
  if (!model->applicability(s).empty()) GTEST_SKIP() << model->applicability(s);
  const Result a = model->run(s, RunContext{7});
  const Result b = model->run(s, RunContext{7});
  ASSERT_EQ(a.issues.size(), b.issues.size());
  for (std::size_t i = 0; i < a.issues.size(); ++i) {
    EXPECT_EQ(a.issues[i].forecast, b.issues[i].forecast) << a.issues[i].issue;
    EXPECT_EQ(a.issues[i].details, b.issues[i].details) << a.issues[i].issue;
    EXPECT_EQ(a.issues[i].trace, b.issues[i].trace) << a.issues[i].issue;
  }
  EXPECT_EQ(a.details, b.details);
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (std::size_t i = 0; i < a.outputs.size(); ++i) {
    EXPECT_EQ(a.outputs[i].name, b.outputs[i].name);
    EXPECT_EQ(a.outputs[i].value, b.outputs[i].value) << a.outputs[i].name;
  }
}

TEST_P(EveryModel, DetailsOffGivesTheSameForecastsAndOutputs) {
  for (const Scenario& s : {korea(), issues_only()}) {
    const auto model = make_model(GetParam());
    if (!model->applicability(s).empty()) continue;
    RunContext with{3};
    RunContext without{3};
    without.details = false;
    const Result a = model->run(s, with);
    const Result b = model->run(s, without);
    ASSERT_EQ(a.issues.size(), b.issues.size());
    for (std::size_t i = 0; i < a.issues.size(); ++i) {
      EXPECT_EQ(a.issues[i].issue, b.issues[i].issue);
      EXPECT_EQ(a.issues[i].forecast, b.issues[i].forecast) << s.id << " " << a.issues[i].issue;
    }
    ASSERT_EQ(a.outputs.size(), b.outputs.size()) << s.id;
    for (std::size_t i = 0; i < a.outputs.size(); ++i) {
      EXPECT_EQ(a.outputs[i].name, b.outputs[i].name);
      EXPECT_EQ(a.outputs[i].value, b.outputs[i].value) << s.id << " " << a.outputs[i].name;
    }
  }
}

TEST_P(EveryModel, ForecastsAreFiniteAndOnTheScale) {
  for (const Scenario& s : {korea(), issues_only()}) {
    const auto model = make_model(GetParam());
    if (!model->applicability(s).empty()) continue;
    const Result r = model->run(s, RunContext{1});
    const ModelInfo& info = model->info();
    if (info.scope == ModelInfo::Scope::kIssue) {
      EXPECT_EQ(r.issues.size(), s.issues.size()) << "one result per issue, in order";
    }
    for (std::size_t i = 0; i < r.issues.size(); ++i) {
      const IssueResult& ir = r.issues[i];
      const Issue* issue = s.issue(ir.issue);
      ASSERT_NE(issue, nullptr) << ir.issue;
      if (!ir.forecast) continue;
      EXPECT_TRUE(std::isfinite(*ir.forecast)) << ir.issue;
      EXPECT_GE(*ir.forecast, issue->scale.min) << ir.issue;
      EXPECT_LE(*ir.forecast, issue->scale.max) << ir.issue;
    }
    for (const Output& o : r.outputs) {
      EXPECT_TRUE(std::isfinite(o.value)) << o.name;
      EXPECT_LE(o.lo, o.value) << o.name;
      EXPECT_GE(o.hi, o.value) << o.name;
    }
  }
}

TEST_P(EveryModel, ApplicabilityIsRespectedByThePlan) {
  const Scenario s = issues_only();
  const auto model = make_model(GetParam());
  RunRequest request;
  request.models = {GetParam()};
  const std::string why = model->applicability(s);
  if (why.empty()) {
    EXPECT_EQ(model->info().scope, ModelInfo::Scope::kIssue)
        << "a scenario model should not apply to a scenario of issues alone";
    EXPECT_NO_THROW((void)plan_run(s, request));
  } else {
    EXPECT_THROW((void)plan_run(s, request), std::invalid_argument);
    // Every model left to itself is skipped with the reason, not run.
    const RunPlan all = plan_run(s, RunRequest{});
    EXPECT_EQ(std::count(all.models.begin(), all.models.end(), GetParam()), 0);
  }
}

TEST_P(EveryModel, BadOptionsAreRefused) {
  const ModelInfo* info = find_model(GetParam());
  ASSERT_NE(info, nullptr);
  EXPECT_THROW((void)make_model(GetParam(), {{"no-such-option", "1"}}), std::invalid_argument);
  for (const OptionSpec& o : info->options) {
    // The default is valid.
    EXPECT_NO_THROW((void)make_model(GetParam(), {{o.name, o.default_value}})) << o.name;
    if (o.type != OptionSpec::Type::kString || !o.choices.empty()) {
      EXPECT_THROW((void)make_model(GetParam(), {{o.name, "not a valid value"}}),
                   std::invalid_argument)
          << o.name;
    }
    if (o.type != OptionSpec::Type::kString) {
      EXPECT_THROW((void)make_model(GetParam(), {{o.name, "nan"}}), std::invalid_argument)
          << o.name;
    }
  }
}

TEST_P(EveryModel, AStoppedRunStops) {
  for (const Scenario& s : {korea(), issues_only()}) {
    const auto model = make_model(GetParam());
    if (!model->applicability(s).empty()) continue;
    const StopToken expired(StopToken::Clock::now() - std::chrono::seconds(1), "deadline passed");
    RunContext context{1};
    context.stop = &expired;
    EXPECT_THROW((void)model->run(s, context), RunStopped) << s.id;
    StopToken stopped;
    stopped.request_stop();
    context.stop = &stopped;
    EXPECT_THROW((void)model->run(s, context), RunStopped) << s.id;
    // The same model without a token runs to the end.
    context.stop = nullptr;
    EXPECT_NO_THROW((void)model->run(s, context));
  }
}

// Issue 17: option names mix styles (bdm's t-rule, smp's vote_rule); either spelling works
// and is recorded under the model's own.
TEST_P(EveryModel, OptionNamesTakeEitherSeparator) {
  const ModelInfo* info = find_model(GetParam());
  ASSERT_NE(info, nullptr);
  const Scenario s = korea();
  for (const OptionSpec& o : info->options) {
    std::string other = o.name;
    for (char& c : other) {
      if (c == '-') {
        c = '_';
      } else if (c == '_') {
        c = '-';
      }
    }
    if (other == o.name) continue;
    EXPECT_NO_THROW((void)make_model(GetParam(), {{other, o.default_value}})) << other;
    if (!make_model(GetParam())->applicability(s).empty()) continue;
    RunRequest request;
    request.models = {GetParam()};
    request.options = {GetParam() + "." + other + "=" + o.default_value};
    const RunPlan plan = plan_run(s, request);
    EXPECT_EQ(plan.options.at(GetParam()).count(o.name), 1U) << other;
    EXPECT_EQ(plan.options.at(GetParam()).count(other), 0U) << other;
  }
}

INSTANTIATE_TEST_SUITE_P(Registered, EveryModel, ::testing::ValuesIn(model_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace entente
