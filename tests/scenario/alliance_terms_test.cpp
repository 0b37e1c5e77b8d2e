// Alliance terms in the scenario format: loading, events that change them, the writer's
// round trip and the quantities Monte Carlo visits.
#include <gtest/gtest.h>

#include <algorithm>

#include "entente/embedded.hpp"
#include "entente/scenario_io.hpp"

namespace entente {
namespace {

constexpr const char* kTerms = R"(entente: 1
id: terms
title: Terms
as_of: 2003-03-15
actors:
  - {id: USA, name: United States, kind: state, capability: 10}
  - {id: ROK, name: South Korea, kind: state, capability: 5}
alliances:
  - id: us-rok
    name: US-ROK
    type: defence
    members: [USA, ROK]
    terms:
      USA:
        commitment: {uniform: [0.7, 0.9]}
        burden: {troops_abroad: 37000, host_nation_support: 0}
        threats: {PRK: 0.7, iraq: 0.9}
events:
  - id: e1
    date: 2002-12-19
    set:
      alliances.us-rok.terms.ROK.commitment: 0.5
      alliances.us-rok.terms.ROK.support_polls: [stay]
      alliances.us-rok.terms.USA.threats.PRK: 0.9
      alliances.us-rok.terms.USA.threats.terrorism: 0.8
      alliances.us-rok.terms.USA.burden.contributions: 10
)";

Scenario load(const std::string& text) {
  LoadOptions o;
  o.filename = "terms.yaml";
  o.cinc = &default_cinc_table();
  return load_scenario_yaml(text, o);
}

TEST(ScenarioAllianceTerms, LoadsEveryField) {
  const Scenario s = load(kTerms);
  const Alliance& a = s.alliances[0];
  ASSERT_EQ(a.terms.size(), 1U);
  const AllianceTerms* us = a.terms_of("USA");
  ASSERT_NE(us, nullptr);
  EXPECT_TRUE(us->commitment->uncertain());
  EXPECT_EQ(us->troops_abroad->value, 37000);
  EXPECT_EQ(us->host_nation_support->value, 0);
  EXPECT_FALSE(us->contributions);
  ASSERT_EQ(us->threats.size(), 2U);
  EXPECT_EQ(us->threat("iraq")->level.value, 0.9);
  EXPECT_EQ(a.terms_of("ROK"), nullptr);
}

TEST(ScenarioAllianceTerms, EventsSetAndCreateTerms) {
  const Scenario s = load(kTerms).at(Date{2003, 1, 1});
  const Alliance& a = s.alliances[0];
  const AllianceTerms* rok = a.terms_of("ROK");
  ASSERT_NE(rok, nullptr);  // created by the event
  EXPECT_EQ(rok->commitment->value, 0.5);
  EXPECT_EQ(rok->support_polls, std::vector<std::string>{"stay"});
  const AllianceTerms* us = a.terms_of("USA");
  EXPECT_EQ(us->threat("PRK")->level.value, 0.9);        // changed
  EXPECT_EQ(us->threat("terrorism")->level.value, 0.8);  // added
  EXPECT_EQ(us->contributions->value, 10);
  // Before the event nothing changed.
  EXPECT_EQ(load(kTerms).at(Date{2002, 12, 18}).alliances[0].terms_of("ROK"), nullptr);
}

TEST(ScenarioAllianceTerms, WriterRoundTrips) {
  const Scenario a = load(kTerms);
  const std::string text = write_scenario_yaml(a);
  const Scenario b = load(text);
  EXPECT_EQ(write_scenario_yaml(b), text);
  EXPECT_EQ(b.alliances[0].terms_of("USA")->threats.size(), 2U);
  EXPECT_EQ(b.at(Date{2003, 1, 1}).alliances[0].terms_of("ROK")->commitment->value, 0.5);
}

TEST(ScenarioAllianceTerms, KoreaRoundTripsWithItsTerms) {
  const Scenario a = load(std::string(embedded_default_scenario()));
  const std::string text = write_scenario_yaml(a);
  EXPECT_EQ(write_scenario_yaml(load(text)), text);
}

TEST(ScenarioAllianceTerms, MonteCarloSeesUncertainTerms) {
  Scenario s = load(kTerms);
  std::vector<std::string> paths;
  s.for_each_quantity([&](const std::string& path, Quantity&) { paths.push_back(path); });
  EXPECT_NE(std::find(paths.begin(), paths.end(), "alliances.us-rok.terms.USA.commitment"),
            paths.end());
}

// Issue 17: what the alliance model would do silently is warned about, with file, line and
// field: a burden field one member gives and the other does not (ignored), and a member
// with no terms (risk sharing 0.5). kTerms has both: USA gives troops_abroad and
// host_nation_support, ROK has no terms.
TEST(ScenarioAllianceTerms, WarnsOfOneSidedBurdenAndMissingTerms) {
  const Scenario s = load(kTerms);
  ASSERT_EQ(s.warnings.size(), 3U);
  // Line numbers of kTerms (line 1 is `entente: 1`): `terms:` is line 13, its first key
  // `USA:` line 14 (where the map node starts), USA's `burden:` line 16.
  const Diagnostic& none = s.warnings[0];
  EXPECT_TRUE(none.warning);
  EXPECT_EQ(none.where.file, "terms.yaml");
  EXPECT_EQ(none.where.line, 14);
  EXPECT_EQ(none.path, "alliances[0].terms");
  EXPECT_NE(none.message.find("member 'ROK' has no terms"), std::string::npos);
  const Diagnostic& troops = s.warnings[1];
  EXPECT_EQ(troops.where.line, 16);
  EXPECT_EQ(troops.path, "alliances[0].terms.USA.burden.troops_abroad");
  EXPECT_NE(troops.message.find("given for USA only but not for ROK"), std::string::npos);
  EXPECT_EQ(s.warnings[2].path, "alliances[0].terms.USA.burden.host_nation_support");
  EXPECT_EQ(format_diagnostic(troops).rfind("terms.yaml:16:", 0), 0U);
  EXPECT_NE(format_diagnostic(troops).find(": warning: "), std::string::npos);
}

TEST(ScenarioAllianceTerms, KoreaLoadsWithoutWarnings) {
  // Every member of korea-2003's alliances has terms, and every burden field is given by
  // both members of its alliance.
  const Scenario s = load(std::string(embedded_default_scenario()));
  for (const Diagnostic& d : s.warnings) ADD_FAILURE() << format_diagnostic(d);
}

constexpr const char* kSignals = R"(entente: 1
id: signals
title: Signals
as_of: 2003-04-15
actors:
  - {id: USA, name: United States, kind: state, capability: 10}
  - {id: ROK, name: South Korea, kind: state, capability: 5}
decisions:
  - {id: war, date: 2003-03-17, description: the decision}
alliances:
  - id: us-rok
    name: US-ROK
    type: defence
    members: [USA, ROK]
    terms:
      USA:
        commitment: 0.8
        burden: {contributions: 1000, defence_spending: 400}
      ROK:
        commitment: 0.5
        burden: {contributions: 0, defence_spending: 15}
        signals:
          - {id: offer, date: 2003-03-20, needed_by: war, commitment: 0.1, description: offer}
          - {id: sent, date: 2003-04-02, needed_by: war, contributions: {uniform: [600, 800]}}
        episodes:
          - {id: crisis-1994, date: 1994-10-21, shares_risk: 0.2, description: little}
)";

TEST(ScenarioAllianceTerms, SignalsEpisodesAndDecisionsLoadAndRoundTrip) {
  const Scenario s = load(kSignals);
  EXPECT_TRUE(s.warnings.empty());
  ASSERT_EQ(s.decisions.size(), 1U);
  EXPECT_EQ(s.decision("war")->date, (Date{2003, 3, 17}));
  const AllianceTerms* rok = s.alliances[0].terms_of("ROK");
  ASSERT_EQ(rok->signals.size(), 2U);
  EXPECT_EQ(rok->signals[0].needed_by, "war");
  EXPECT_EQ(rok->signals[0].commitment->value, 0.1);
  EXPECT_TRUE(rok->signals[1].contributions->uncertain());
  EXPECT_EQ(rok->defence_spending->value, 15);
  ASSERT_EQ(rok->episodes.size(), 1U);
  EXPECT_EQ(rok->episodes[0].shares_risk.value, 0.2);
  const std::string text = write_scenario_yaml(s);
  EXPECT_EQ(write_scenario_yaml(load(text)), text);
  EXPECT_NE(text.find("needed_by: war"), std::string::npos);
  // Monte Carlo sees an uncertain signal.
  Scenario m = load(kSignals);
  bool seen = false;
  m.for_each_quantity([&](const std::string& path, Quantity&) {
    seen = seen || path == "alliances.us-rok.terms.ROK.signals.sent.contributions";
  });
  EXPECT_TRUE(seen);
}

TEST(ScenarioAllianceTerms, SignalErrorsNameTheField) {
  std::string text = kSignals;
  text.replace(text.find("needed_by: war, commitment"), 14, "needed_by: wor");
  try {
    (void)load(text);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    const std::string all = e.diagnostics().str();
    EXPECT_NE(all.find("alliances[0].terms.ROK.signals[0].needed_by: unknown decision 'wor'; "
                       "did you mean 'war'?"),
              std::string::npos)
        << all;
  }
}

}  // namespace
}  // namespace entente
