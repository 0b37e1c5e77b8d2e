// The table of settable numbers (include/entente/fields.hpp): which paths a scenario has,
// in which order, with the loader's ranges, and setting through it.
#include "entente/fields.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "entente/diagnostics.hpp"
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

// A scenario with one of each number the first lacks: places, signals and episodes.
const char* const kWithPlaces = R"(entente: 1
id: places
title: places
as_of: 2003-06-01
actors:
  - {id: A, name: Alpha, kind: state, capability: 2}
  - {id: B, name: Beta, kind: state, capability: 1}
decisions:
  - {id: vote, date: 2003-03-01, description: the vote}
alliances:
  - id: pact
    name: Pact
    type: defence
    members: [A, B]
    terms:
      A:
        commitment: 0.8
        signals:
          - {id: offer, date: 2003-02-01, needed_by: vote, commitment: 0.1, contributions: 5}
        episodes:
          - {id: crisis-94, date: 1994-10-21, shares_risk: 0.2}
      B: {commitment: 0.6}
places:
  - {id: camp, name: Camp, lat: 37.5, lon: 127}
forces:
  - {id: unit, owner: A, unit: One, kind: ground, at: camp, strength: 100}
polls:
  - {id: p1, actor: A, question: q, date: 2002-12-01, support: 0.4}
params:
  cost: 2.5
)";

Scenario load(const std::string& text) {
  LoadOptions o;
  o.filename = "fields.yaml";
  return load_scenario_yaml(text, o);
}

TEST(Fields, PlacesSignalsAndEpisodesAreInTheTable) {
  Scenario s = load(kWithPlaces);
  std::vector<std::string> paths;
  for (const NumericField& f : numeric_fields(s)) paths.push_back(f.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"actors.A.capability", "actors.B.capability",
                                      "alliances.pact.terms.A.commitment",
                                      "alliances.pact.terms.A.signals.offer.contributions",
                                      "alliances.pact.terms.A.signals.offer.commitment",
                                      "alliances.pact.terms.A.episodes.crisis-94.shares_risk",
                                      "alliances.pact.terms.B.commitment", "forces.unit.strength",
                                      "forces.unit.lat", "forces.unit.lon", "polls.p1.support",
                                      "params.cost", "places.camp.lat", "places.camp.lon"}));
  // Moving the place moves the unit that stands at it, and the unit stays there.
  set_numeric_field(s, "places.camp.lat", 37.0);
  EXPECT_EQ(s.forces[0].location.lat, 37.0);
  EXPECT_EQ(s.forces[0].place, "camp");
}

// Every number of the table can be set by an event, by the table's path: each path in turn
// is given a new value inside its range (the midpoint of a closed range, else the value
// plus one) by an event, and the scenario at the event's date has that value there.
TEST(Fields, AnEventSetsEveryNumberOfTheTable) {
  for (const char* text : {kScenario, kWithPlaces}) {
    Scenario base = load(text);
    for (const NumericField& f : numeric_fields(base)) {
      const double v = std::isfinite(f.lo) && std::isfinite(f.hi) && f.hi - f.lo < 1000
                           ? (f.lo + f.hi) / 2
                           : f.value() + 1;
      const std::string event = "events:\n  - id: e\n    date: 2003-01-01\n    set:\n      " +
                                f.path + ": " + std::to_string(v) + "\n";
      Scenario s;
      ASSERT_NO_THROW(s = load(std::string(text) + event)) << f.path;
      Scenario at = s.at(*Date::parse("2003-12-31"));
      const auto fields = numeric_fields(at);
      const auto it = std::find_if(fields.begin(), fields.end(),
                                   [&](const NumericField& g) { return g.path == f.path; });
      ASSERT_NE(it, fields.end()) << f.path;
      EXPECT_DOUBLE_EQ(it->value(), std::stod(std::to_string(v))) << f.path;
    }
  }
}

TEST(Fields, AnEventGivesANumberADistributionThroughTheTable) {
  Scenario s = load(std::string(kWithPlaces) +
                    "events:\n  - id: e\n    date: 2003-01-01\n    set:\n"
                    "      alliances.pact.terms.A.episodes.crisis-94.shares_risk: {uniform: [0.5, "
                    "0.7]}\n");
  const Scenario at = s.at(*Date::parse("2003-12-31"));
  const Quantity& q = at.alliance("pact")->terms[0].episodes[0].shares_risk;
  EXPECT_TRUE(q.uncertain());
  EXPECT_DOUBLE_EQ(q.value, 0.6);  // the nominal value of uniform [0.5, 0.7] is its mean
}

// What the table lacks is an error naming the file, line and field, with a near miss. The
// event's path is on line 35 of the text (kWithPlaces' 30 lines, then events, id, date,
// set), its key at column 7; a terms path is reported at its value, 48 characters on.
TEST(Fields, AnEventPathOutsideTheTableIsNamed) {
  auto diagnostics = [](const std::string& set) {
    try {
      load(std::string(kWithPlaces) + "events:\n  - id: e\n    date: 2003-01-01\n    set:\n      " +
           set + "\n");
    } catch (const InputError& e) {
      return e.diagnostics().str();
    }
    return std::string("loaded");
  };
  EXPECT_EQ(diagnostics("polls.p1.suport: 0.5"),
            "fields.yaml:35:7: error: events[0].set.polls.p1.suport: cannot set 'suport' of polls; "
            "settable fields: support; did you mean 'support'?\n");
  EXPECT_THAT(diagnostics("polls.p2.support: 0.5"), HasSubstr("did you mean 'p1'?"));
  EXPECT_THAT(diagnostics("alliances.pact.terms.A.signals.ofer.commitment: 0.2"),
              HasSubstr("fields.yaml:35:55: error: events[0].set.alliances.pact.terms.A.signals."
                        "ofer.commitment: no settable number at "
                        "'alliances.pact.terms.A.signals.ofer.commitment'; A's signals have: "));
  EXPECT_THAT(diagnostics("alliances.pact.terms.A.signals.ofer.commitment: 0.2"),
              HasSubstr("did you mean 'alliances.pact.terms.A.signals.offer.commitment'?"));
  EXPECT_THAT(diagnostics("forces.unit.lat: 91"), HasSubstr("events[0].set.forces.unit.lat"));
  EXPECT_THAT(diagnostics("forces.unit.lati: 30"), HasSubstr("did you mean 'lat'?"));
  EXPECT_THAT(diagnostics("places.camp.lat: 95"), HasSubstr("events[0].set.places.camp.lat"));
}

}  // namespace
}  // namespace entente
