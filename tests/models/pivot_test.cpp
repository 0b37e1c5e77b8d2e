// The pivot model on tiny cases whose outcomes are derived by hand in each test's comment.
// Utility is symmetric: an actor at a accepts x against the status quo q iff |x-a| <= |q-a|,
// i.e. x lies between q and its reflection 2a - q.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "entente/model.hpp"
#include "entente/scenario.hpp"
#include "support/scenario_builder.hpp"

namespace entente {
namespace {

using test::one_issue;

std::optional<double> forecast(const Scenario& s, const std::string& amendment = "none") {
  const Result r = make_model("pivot", {{"amendment", amendment}})->run(s, RunContext{});
  return r.issues.at(0).forecast;
}

DecisionBody body(VotingRule rule, const std::vector<std::string>& voters,
                  std::optional<double> threshold = std::nullopt) {
  DecisionBody b;
  b.rule = rule;
  for (const std::string& v : voters) b.voters.push_back({v, 1.0, {}});
  b.threshold = threshold;
  return b;
}

// Voters A 20, B 40, C 60, D 80, E 100 (one vote each), setter S at 100, status quo 0,
// and the extra actors the tests name.
Scenario five_voters(const std::vector<test::Row>& extra = {}) {
  std::vector<test::Row> rows = {{"A", 1, 20, 1}, {"B", 1, 40, 1},  {"C", 1, 60, 1},
                                 {"D", 1, 80, 1}, {"E", 1, 100, 1}, {"S", 1, 100, 1}};
  rows.insert(rows.end(), extra.begin(), extra.end());
  return one_issue(rows, 0, 100, 0.0);
}

TEST(Pivot, QualifiedMajorityPivotBoundsTheSetter) {
  // q = 0: voter a accepts [0, 2a]: A to 40, B 80, C 120, D 160, E 200. Four of five votes:
  // the four widest (B..E) accept up to min(80, 120, 160, 200) = 80, the pivot being B.
  // S at 100 proposes the passable point nearest 100: 80.
  Scenario s = five_voters();
  Procedure p;
  p.body = body(VotingRule::kQualifiedMajority, {"A", "B", "C", "D", "E"}, 4);
  p.agenda_setter = "S";
  s.issues[0].procedure = p;
  EXPECT_NEAR(*forecast(s), 80, 1e-9);
  // The same under unanimity: A's 40 binds.
  s.issues[0].procedure->body = body(VotingRule::kUnanimity, {"A", "B", "C", "D", "E"});
  EXPECT_NEAR(*forecast(s), 40, 1e-9);
  const Result r = make_model("pivot")->run(s, RunContext{});
  EXPECT_EQ(r.issues[0].details["pivots"]["right"], "A");
  EXPECT_EQ(r.issues[0].details["winset"], nlohmann::json({0.0, 40.0}));
}

TEST(Pivot, VetoPlayerAndCoDecider) {
  // As above (QMV, 4 of 5: up to 80). A veto player V at 30 accepts [0, 60]: outcome 60.
  // Without V, a co-deciding body {P} at 35 accepts [0, 70]: outcome 70.
  Scenario s = five_voters({{"V", 1, 30, 1}, {"P", 1, 35, 1}});
  Procedure p;
  p.body = body(VotingRule::kQualifiedMajority, {"A", "B", "C", "D", "E"}, 4);
  p.agenda_setter = "S";
  p.vetoes = {"V"};
  s.issues[0].procedure = p;
  EXPECT_NEAR(*forecast(s), 60, 1e-9);
  s.issues[0].procedure->vetoes.clear();
  s.issues[0].procedure->co_decision = body(VotingRule::kUnanimity, {"P"});
  EXPECT_NEAR(*forecast(s), 70, 1e-9);
}

TEST(Pivot, UnanimousAmendmentKeepsTheOutcomeInTheCore) {
  // q = 50; voters A 10, B 20 (unanimity); setter S at 0, not a voter. A accepts
  // [-30, 50], B [-10, 50]: on the scale both accept [0, 50], so S could pass 0. But both
  // prefer 10..20 to 0 and can amend by unanimity: the outcome is the point of the core
  // [10, 20] nearest S, 10. Without amendment S gets 0.
  Scenario s = one_issue({{"A", 1, 10, 1}, {"B", 1, 20, 1}, {"S", 1, 0, 1}}, 0, 100, 50.0);
  Procedure p;
  p.body = body(VotingRule::kUnanimity, {"A", "B"});
  p.agenda_setter = "S";
  s.issues[0].procedure = p;
  EXPECT_NEAR(*forecast(s, "none"), 0, 1e-9);
  EXPECT_NEAR(*forecast(s, "unanimity"), 10, 1e-9);
}

TEST(Pivot, WithoutSetterTheWeightedMedianProposes) {
  // Voters A 20 (1 vote), B 40 (1), C 60 (3); simple majority: more than 2.5 of 5. q = 0.
  // The weighted median is C (cumulative 1, 2, 5 passes 2.5 at C). C alone carries the vote
  // and accepts [0, 120], so every point of the scale passes; C proposes 60.
  Scenario s = one_issue({{"A", 1, 20, 1}, {"B", 1, 40, 1}, {"C", 1, 60, 1}}, 0, 100, 0.0);
  Procedure p;
  p.body = body(VotingRule::kSimpleMajority, {"A", "B", "C"});
  p.body.voters[2].weight = 3;
  s.issues[0].procedure = p;
  EXPECT_NEAR(*forecast(s), 60, 1e-9);
  // With A and B against moving beyond their reflections it does not matter: C's weight 3
  // alone is a majority. Give C weight 2 (total 4, need > 2): C plus B accept up to 80,
  // the median is the midpoint of B and C (cumulative 2 of 4 at B): 50, which passes.
  s.issues[0].procedure->body.voters[2].weight = 2;
  EXPECT_NEAR(*forecast(s), 50, 1e-9);
}

TEST(Pivot, NoForecastWithoutStatusQuoOrProcedure) {
  Scenario s = one_issue({{"A", 1, 20, 1}, {"B", 1, 40, 1}});
  EXPECT_FALSE(make_model("pivot")->applicability(s).empty());
  Procedure p;
  p.body = body(VotingRule::kUnanimity, {"A", "B"});
  s.issues[0].procedure = p;
  EXPECT_TRUE(make_model("pivot")->applicability(s).empty());
  const Result r = make_model("pivot")->run(s, RunContext{});
  EXPECT_FALSE(r.issues.at(0).forecast.has_value());
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("no status quo"), std::string::npos) << r.warnings[0];
}

TEST(CompromiseProcedure, FormalWeightsReplaceCapabilities) {
  // Positions com 80, de 30, fr 60, ep 90, X 0, every salience 1. Procedure: de 10, fr 5
  // vote; ep co-decides (scaled to the Council's 15); com sets the agenda (the heaviest
  // voter's 10); X has no formal say (0). Mean = (10*30 + 5*60 + 15*90 + 10*80) / 40
  // = (300 + 300 + 1350 + 800) / 40 = 68.75. Ignoring the procedure (capabilities all 1):
  // (80 + 30 + 60 + 90 + 0) / 5 = 52.
  Scenario s = one_issue(
      {{"com", 1, 80, 1}, {"de", 1, 30, 1}, {"fr", 1, 60, 1}, {"ep", 1, 90, 1}, {"X", 1, 0, 1}});
  Procedure p;
  p.body.rule = VotingRule::kQualifiedMajority;
  p.body.threshold = 12;
  p.body.voters = {{"de", 10, {}}, {"fr", 5, {}}};
  p.co_decision = body(VotingRule::kUnanimity, {"ep"});
  p.agenda_setter = "com";
  s.issues[0].procedure = p;
  auto run = [&](const std::string& use) {
    return *make_model("compromise", {{"procedure", use}})->run(s, RunContext{}).issues[0].forecast;
  };
  EXPECT_NEAR(run("use"), 68.75, 1e-12);
  EXPECT_NEAR(run("ignore"), 52, 1e-12);
}

}  // namespace
}  // namespace entente
