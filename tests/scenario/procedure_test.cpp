// Decision procedures in scenarios: the loader's diagnostics, the writer's round trip, and
// the voting rules (DecisionBody::carries) on cases counted by hand.
#include "entente/procedure.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "entente/scenario_io.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

// Three actors on one issue; `procedure` is spliced in at the issue (indented 4).
std::string scenario_with(const std::string& issue_procedure,
                          const std::string& top_procedure = "") {
  return "entente: 1\n"
         "id: t\n"
         "title: T\n"
         "as_of: 2000-01-01\n"
         "actors:\n"
         "  - {id: com, name: Commission, kind: organisation, capability: 1}\n"
         "  - {id: de, name: Germany, kind: state, capability: 1}\n"
         "  - {id: fr, name: France, kind: state, capability: 1}\n"
         "  - {id: ep, name: Parliament, kind: organisation, capability: 1}\n" +
         top_procedure +
         "issues:\n"
         "  - id: i\n"
         "    name: I\n"
         "    scale: {min: 0, max: 100}\n"
         "    status_quo: 0\n"
         "    positions:\n"
         "      com: {position: 80, salience: 1}\n"
         "      de: {position: 30, salience: 1}\n"
         "      fr: {position: 60, salience: 1}\n"
         "      ep: {position: 90, salience: 1}\n" +
         issue_procedure;
}

LoadOptions named() {
  LoadOptions o;
  o.filename = "p.yaml";
  return o;
}

std::string errors_of(const std::string& text) {
  try {
    (void)load_scenario_yaml(text, named());
  } catch (const InputError& e) {
    return e.diagnostics().str();
  }
  return "";
}

TEST(ProcedureYaml, ReadsEveryField) {
  const Scenario s = load_scenario_yaml(
      scenario_with("    procedure:\n"
                    "      rule: qualified-majority\n"
                    "      voters: {de: 10, fr: 10}\n"
                    "      threshold: 15\n"
                    "      members: 0.5\n"
                    "      population: {share: 0.62, figures: {de: 82, fr: 60}}\n"
                    "      min_blockers: 2\n"
                    "      agenda_setter: com\n"
                    "      vetoes: [fr]\n"
                    "      co_decision: {rule: unanimity, voters: [ep]}\n"
                    "      basis: EC Art. 251\n"),
      named());
  ASSERT_TRUE(s.issues.at(0).procedure.has_value());
  const Procedure& p = *s.issues[0].procedure;
  EXPECT_EQ(p.body.rule, VotingRule::kQualifiedMajority);
  ASSERT_EQ(p.body.voters.size(), 2U);
  EXPECT_EQ(p.body.voters[1].actor, "fr");
  EXPECT_EQ(p.body.voters[1].weight, 10);
  EXPECT_EQ(p.body.voters[1].population, 60);
  EXPECT_EQ(p.body.threshold, 15);
  EXPECT_EQ(p.body.member_share, 0.5);
  EXPECT_EQ(p.body.population_share, 0.62);
  EXPECT_EQ(p.body.min_blockers, 2);
  EXPECT_EQ(p.agenda_setter, "com");
  EXPECT_EQ(p.vetoes, std::vector<std::string>{"fr"});
  ASSERT_TRUE(p.co_decision.has_value());
  EXPECT_EQ(p.co_decision->voters.at(0).actor, "ep");
  EXPECT_EQ(p.basis, "EC Art. 251");
  EXPECT_EQ(s.procedure_for(s.issues[0]), &p);
}

TEST(ProcedureYaml, ScenarioDefaultAppliesToIssuesWithoutTheirOwn) {
  const Scenario s = load_scenario_yaml(
      scenario_with("", "procedure: {rule: unanimity, voters: [de, fr]}\n"), LoadOptions{});
  ASSERT_TRUE(s.procedure.has_value());
  EXPECT_FALSE(s.issues.at(0).procedure.has_value());
  EXPECT_EQ(s.procedure_for(s.issues[0]), &*s.procedure);
}

TEST(ProcedureYaml, WriterRoundTrip) {
  const std::string text = scenario_with(
      "    procedure:\n"
      "      rule: qualified-majority\n"
      "      voters: {de: 29, fr: 29}\n"
      "      threshold: 30.5\n"
      "      population: {share: 0.65, figures: {de: 18.49, fr: 15.17}}\n"
      "      min_blockers: 1\n"
      "      agenda_setter: com\n"
      "      vetoes: [ep]\n"
      "      co_decision: {rule: simple-majority, voters: [ep, com], threshold: 1}\n"
      "      basis: \"TEU Art. 16(4): double majority\"\n",
      "procedure: {rule: unanimity, voters: [de, fr, com]}\n");
  const Scenario a = load_scenario_yaml(text, LoadOptions{});
  const std::string written = write_scenario_yaml(a);
  const Scenario b = load_scenario_yaml(written, LoadOptions{});
  ASSERT_TRUE(b.procedure && b.issues.at(0).procedure) << written;
  EXPECT_EQ(b.procedure->describe(), a.procedure->describe());
  EXPECT_FALSE(b.procedure->body.weighted);
  const Procedure& pa = *a.issues[0].procedure;
  const Procedure& pb = *b.issues[0].procedure;
  EXPECT_EQ(pb.describe(), pa.describe());
  EXPECT_TRUE(pb.body.weighted);
  EXPECT_EQ(pb.body.voters[0].population, 18.49);
  EXPECT_EQ(pb.body.threshold, 30.5);
  EXPECT_EQ(pb.co_decision->threshold, 1);
  EXPECT_EQ(pb.basis, pa.basis);
  EXPECT_EQ(write_scenario_yaml(b), written);
}

TEST(ProcedureYaml, AnEventReplacesAnIssuesProcedure) {
  // Unanimity of de and fr until 2001-01-01, when a qualified majority of 1 of 2 votes
  // (de alone) takes over; the written scenario keeps the event.
  const std::string text =
      scenario_with("    procedure: {rule: unanimity, voters: [de, fr]}\n") +
      "events:\n"
      "  - id: treaty\n"
      "    date: 2001-01-01\n"
      "    set:\n"
      "      issues.i.procedure: {rule: qualified-majority, voters: [de, fr], threshold: 1}\n";
  const Scenario s = load_scenario_yaml(text, named());
  EXPECT_EQ(s.at({2000, 6, 1}).issues[0].procedure->body.rule, VotingRule::kUnanimity);
  const Scenario later = s.at({2001, 1, 1});
  EXPECT_EQ(later.issues[0].procedure->body.rule, VotingRule::kQualifiedMajority);
  EXPECT_EQ(later.issues[0].procedure->body.threshold, 1);
  const Scenario back = load_scenario_yaml(write_scenario_yaml(s), named());
  EXPECT_EQ(back.at({2001, 1, 1}).issues[0].procedure->describe(),
            later.issues[0].procedure->describe());
  // A bad procedure in an event is reported at its own path.
  EXPECT_THAT(
      errors_of(scenario_with("") + "events:\n"
                                    "  - id: e\n"
                                    "    date: 2001-01-01\n"
                                    "    set:\n"
                                    "      issues.i.procedure: {rule: unanimity, voters: [xx]}\n"),
      HasSubstr("events[0].set.issues.i.procedure.voters[0]: unknown actor 'xx'"));
}

TEST(ProcedureYaml, UnknownActorsAreNamedWithADidYouMean) {
  const std::string errors =
      errors_of(scenario_with("    procedure:\n"
                              "      rule: unanimity\n"
                              "      voters: [de, frr]\n"
                              "      agenda_setter: comm\n"
                              "      vetoes: [xyzzy]\n"));
  EXPECT_THAT(errors, HasSubstr("p.yaml:22:20: error: issues[0].procedure.voters[1]: unknown "
                                "actor 'frr'; did you mean 'fr'?"));
  EXPECT_THAT(errors, HasSubstr("p.yaml:23:22: error: issues[0].procedure.agenda_setter: unknown "
                                "actor 'comm'; did you mean 'com'?"));
  EXPECT_THAT(errors, HasSubstr("issues[0].procedure.vetoes[0]: unknown actor 'xyzzy'; expected "
                                "the id of an actor defined in the scenario"));
}

TEST(ProcedureYaml, RuleFieldsAreChecked) {
  // A qualified majority without a threshold or member quota; a misspelt rule; a threshold
  // above the total weight; unanimity with a threshold; a share out of range; a missing
  // population figure; an unknown key.
  EXPECT_THAT(errors_of(scenario_with("    procedure: {rule: qualified-majority, voters: [de]}\n")),
              HasSubstr("issues[0].procedure.threshold: missing required field 'threshold'"));
  EXPECT_THAT(errors_of(scenario_with("    procedure: {rule: qmv, voters: [de]}\n")),
              HasSubstr("issues[0].procedure.rule:"));
  EXPECT_THAT(
      errors_of(scenario_with(
          "    procedure: {rule: qualified-majority, voters: {de: 2, fr: 3}, threshold: 6}\n")),
      HasSubstr("issues[0].procedure.threshold: 6 is out of range; expected the votes needed, "
                "in (0, 5] (the voters' total weight)"));
  EXPECT_THAT(errors_of(scenario_with("    procedure: {rule: unanimity, voters: [de], "
                                      "threshold: 1}\n")),
              HasSubstr("'threshold' applies to a majority rule"));
  EXPECT_THAT(errors_of(scenario_with("    procedure: {rule: simple-majority, voters: [de], "
                                      "members: 1.5}\n")),
              HasSubstr("issues[0].procedure.members: 1.5 is out of range; expected a share in "
                        "(0, 1]"));
  EXPECT_THAT(errors_of(scenario_with(
                  "    procedure: {rule: simple-majority, voters: [de, fr], population: {share: "
                  "0.6, figures: {de: 3}}}\n")),
              HasSubstr("issues[0].procedure.population.figures: no population for voter(s) fr"));
  EXPECT_THAT(errors_of(scenario_with(
                  "    procedure: {rule: unanimity, voters: [de], agenda_seter: com}\n")),
              HasSubstr("issues[0].procedure.agenda_seter: unknown key 'agenda_seter'; did you "
                        "mean 'agenda_setter'?"));
  EXPECT_THAT(errors_of(scenario_with("    procedure: {rule: unanimity, voters: {de: 0}}\n")),
              HasSubstr("issues[0].procedure.voters.de: 0 is out of range; expected a voting "
                        "weight > 0"));
}

TEST(DecisionBody, EuFifteenQualifiedMajorityCountedByHand) {
  // EU-15 weights (EC Art. 205(2)): DE FR IT UK 10, ES 8, BE EL NL PT 5, AT SE 4, DK IE FI 3,
  // LU 2; total 87, threshold 62. Against: DE, IT, ES = 28, so 59 in favour: fails.
  // Against: DE, IT, LU = 22, so 65 in favour: passes.
  DecisionBody b;
  b.rule = VotingRule::kQualifiedMajority;
  b.threshold = 62;
  const std::vector<std::pair<std::string, double>> w = {
      {"de", 10}, {"fr", 10}, {"it", 10}, {"uk", 10}, {"es", 8}, {"be", 5}, {"el", 5}, {"nl", 5},
      {"pt", 5},  {"at", 4},  {"se", 4},  {"dk", 3},  {"ie", 3}, {"fi", 3}, {"lu", 2}};
  for (const auto& [id, weight] : w) b.voters.push_back({id, weight, {}});
  EXPECT_EQ(b.total_weight(), 87);
  auto all_but = [&](const std::vector<std::string>& no) {
    std::vector<bool> yes;
    for (const Voter& v : b.voters) {
      yes.push_back(std::find(no.begin(), no.end(), v.actor) == no.end());
    }
    return yes;
  };
  EXPECT_FALSE(b.carries(all_but({"de", "it", "es"})));
  EXPECT_TRUE(b.carries(all_but({"de", "it", "lu"})));
  // Exactly at the threshold: against UK 10, ES 8, SE 4, FI 3 = 25, so 62 in favour: passes;
  // LU (2) against as well leaves 60: fails.
  EXPECT_TRUE(b.carries(all_but({"uk", "es", "se", "fi"})));
  EXPECT_FALSE(b.carries(all_but({"uk", "es", "se", "fi", "lu"})));
}

TEST(DecisionBody, DoubleMajorityWithBlockingMinorityCountedByHand) {
  // Five members, populations 40, 30, 15, 10, 5 (total 100); 55% of members (2.75 -> 3) and
  // 65% of the population; a blocking minority needs 4 members.
  // {A, B}: 2 members: fails the member quota, but only 3 oppose (< 4): deemed attained.
  // With min_blockers 0: {A, B} fails; {A, B, C} (85%, 3 members) passes; {B, C, D, E}
  // (60%) fails the population quota.
  DecisionBody b;
  b.rule = VotingRule::kQualifiedMajority;
  b.member_share = 0.55;
  b.population_share = 0.65;
  for (auto [id, pop] : std::vector<std::pair<std::string, double>>{
           {"A", 40}, {"B", 30}, {"C", 15}, {"D", 10}, {"E", 5}}) {
    b.voters.push_back({id, 1.0, pop});
  }
  EXPECT_FALSE(b.carries({true, true, false, false, false}));
  EXPECT_TRUE(b.carries({true, true, true, false, false}));
  EXPECT_FALSE(b.carries({false, true, true, true, true}));
  b.min_blockers = 4;
  EXPECT_TRUE(b.carries({true, true, false, false, false}));
  EXPECT_TRUE(b.carries({false, true, true, true, true}));      // only 1 opposes
  EXPECT_FALSE(b.carries({true, false, false, false, false}));  // 4 oppose: blocked
}

TEST(DecisionBody, SimpleMajorityAndUnanimity) {
  // Weights 3, 2, 2: more than half of 7 is more than 3.5: {3, 2} = 5 passes; {3} fails;
  // unanimity needs all three.
  DecisionBody b;
  b.rule = VotingRule::kSimpleMajority;
  b.voters = {{"a", 3, {}}, {"b", 2, {}}, {"c", 2, {}}};
  EXPECT_TRUE(b.carries({true, true, false}));
  EXPECT_FALSE(b.carries({true, false, false}));
  b.rule = VotingRule::kUnanimity;
  EXPECT_FALSE(b.carries({true, true, false}));
  EXPECT_TRUE(b.carries({true, true, true}));
}

TEST(Procedure, FormalWeights) {
  // Voters de 10, fr 5; co-decider ep (weight 1, scaled to the Council's 15); setter com
  // gets the heaviest voter's 10; veto nl likewise 10; fr also a veto keeps its 10 > 5.
  Procedure p;
  p.body.rule = VotingRule::kQualifiedMajority;
  p.body.threshold = 12;
  p.body.voters = {{"de", 10, {}}, {"fr", 5, {}}};
  p.co_decision = DecisionBody{};
  p.co_decision->voters = {{"ep", 1, {}}};
  p.agenda_setter = "com";
  p.vetoes = {"nl", "fr"};
  const auto w = p.formal_weights();
  EXPECT_EQ(w.at("de"), 10);
  EXPECT_EQ(w.at("fr"), 10);
  EXPECT_EQ(w.at("ep"), 15);
  EXPECT_EQ(w.at("com"), 10);
  EXPECT_EQ(w.at("nl"), 10);
  EXPECT_EQ(p.participants(), (std::vector<std::string>{"de", "fr", "ep", "com", "nl"}));
}

}  // namespace
}  // namespace entente
