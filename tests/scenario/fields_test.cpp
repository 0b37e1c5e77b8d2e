// The table of settable numbers (include/entente/fields.hpp): which paths a scenario has,
// in which order, with the loader's ranges, and setting through it.
#include "entente/fields.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "entente/scenario_io.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

// One of everything that holds a number, written out by hand.
const char* const kScenario = R"(entente: 1
id: fields
title: fields
as_of: 2003-01-01
actors:
  - {id: A, name: Alpha, kind: state, capability: 2, risk: 0.5}
  - {id: B, name: Beta, kind: state, capability: {uniform: [1, 3]}}
issues:
  - id: deal
    name: The deal
    scale: {min: 0, max: 10}
    status_quo: 4
    positions:
      A: {position: 1, salience: 0.5}
      B: {position: {uniform: [6, 9]}, salience: 1}
alliances:
  - id: pact
    name: Pact
    type: defence
    members: [A, B]
    terms:
      A: {commitment: 0.8, burden: {contributions: 5}}
      B: {commitment: 0.6}
forces:
  - {id: unit, owner: A, unit: One, kind: ground, at: {lat: 37.5, lon: 127}, strength: 100}
weapons:
  - {id: gun, owner: B, system: Gun, range_km: 40, count: 3, sites: [{lat: 38, lon: 127}]}
polls:
  - {id: p1, actor: A, question: q, date: 2002-12-01, support: 0.4}
params:
  cost: 2.5
)";

Scenario loaded() {
  LoadOptions o;
  o.filename = "fields.yaml";
  return load_scenario_yaml(kScenario, o);
}

TEST(Fields, EveryNumberOfTheScenarioInTheTablesOrder) {
  Scenario s = loaded();
  std::vector<std::string> paths;
  for (const NumericField& f : numeric_fields(s)) paths.push_back(f.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{
                "actors.A.capability", "actors.A.risk", "actors.B.capability",
                "issues.deal.status_quo", "issues.deal.positions.A.position",
                "issues.deal.positions.A.salience", "issues.deal.positions.B.position",
                "issues.deal.positions.B.salience", "alliances.pact.terms.A.commitment",
                "alliances.pact.terms.A.burden.contributions", "alliances.pact.terms.B.commitment",
                "forces.unit.strength", "forces.unit.lat", "forces.unit.lon",
                "weapons.gun.range_km", "weapons.gun.count", "polls.p1.support", "params.cost"}));
}

TEST(Fields, SamplingVisitsTheUncertainQuantitiesOfTheTable) {
  Scenario s = loaded();
  std::vector<std::string> visited;
  s.for_each_quantity([&](const std::string& path, Quantity&) { visited.push_back(path); });
  EXPECT_EQ(visited,
            (std::vector<std::string>{"actors.B.capability", "issues.deal.positions.B.position"}));
}

TEST(Fields, SettingChecksTheLoadersRange) {
  Scenario s = loaded();
  set_numeric_field(s, "params.cost", -7);
  EXPECT_EQ(s.param("cost")->value.value, -7);
  set_numeric_field(s, "alliances.pact.terms.B.commitment", 1);
  EXPECT_EQ(s.alliance("pact")->terms[1].commitment->value, 1);
  set_numeric_field(s, "polls.p1.support", 0);
  EXPECT_EQ(s.polls[0].support.value, 0);
  // A distribution stays for sampling; the nominal value moves.
  set_numeric_field(s, "issues.deal.positions.B.position", 7);
  EXPECT_EQ(s.issue("deal")->stance("B")->position.value, 7);
  EXPECT_TRUE(s.issue("deal")->stance("B")->position.uncertain());
  // Coordinates leave the named place.
  set_numeric_field(s, "forces.unit.lat", 36);
  EXPECT_EQ(s.forces[0].location.lat, 36);

  auto error = [&](const std::string& path, double v) {
    try {
      set_numeric_field(s, path, v);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("issues.deal.status_quo", 11), "issues.deal.status_quo: 11 is outside [0, 10]");
  EXPECT_THAT(error("polls.p1.support", 1.5), HasSubstr("outside [0, 1]"));
  EXPECT_THAT(error("weapons.gun.range_km", 0), HasSubstr("outside"));
  EXPECT_THAT(error("actors.A.capability", -1), HasSubstr("outside [0, inf]"));
  EXPECT_THAT(error("params.cost", std::numeric_limits<double>::quiet_NaN()),
              HasSubstr("not a finite number"));
  EXPECT_THAT(error("params.other", 1),
              HasSubstr("'params.other' is not a settable number of this scenario; e.g. "
                        "params.cost"));
  EXPECT_THAT(error("actors.A.name", 1), HasSubstr("e.g. actors.A.capability"));
  EXPECT_THAT(error("nothing", 1), HasSubstr("under actors, issues, alliances"));
  // A stance that does not exist is named precisely (the what-if and with_changes say so).
  EXPECT_EQ(error("issues.deal.positions.C.position", 1),
            "issues.deal.positions.C.position: 'C' takes no position on issue 'deal'");
  EXPECT_EQ(error("issues.nope.positions.A.position", 1),
            "issues.nope.positions.A.position: no issue 'nope'");
}

}  // namespace
}  // namespace entente
