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

}  // namespace
}  // namespace entente
