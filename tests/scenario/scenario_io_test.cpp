// Loader, writer and CSV-table tests. The larger corpus of broken inputs, checked through
// the CLI as a user meets them, is tests/data/bad/ (tests/cli/bad_inputs_test.cpp).
#include "entente/scenario_io.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "entente/embedded.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

const char* kMinimal = R"(entente: 1
id: demo
title: Demo
as_of: 2003-03-15
actors:
  - {id: A, name: Alpha, kind: state, capability: 2}
  - {id: B, name: Beta, kind: state, capability: {uniform: [1, 3]}}
  - {id: B-public, name: Beta public, kind: public, parent: B, capability: 0.5}
places:
  - {id: north, name: North base, lat: 38.0, lon: 127.0}
  - {id: south, name: South base, lat: 37.0, lon: 127.0}
lines:
  - {id: front, name: Front, points: [[38.3, 126.5], [38.3, 128.0]]}
issues:
  - id: policy
    name: Policy
    scale: {min: 0, max: 100, anchors: {0: soft, 100: hard}}
    status_quo: 40
    positions:
      A: {position: 90, salience: 0.8}
      B: {position: 20, salience: {beta: [2, 2]}}
alliances:
  - {id: ab, name: A-B pact, type: defence, atop: 3240, members: [A, B], since: 1953-10-01}
forces:
  - {id: div, owner: A, unit: 1st Division, at: north, strength: 10000}
weapons:
  - {id: guns, owner: B, system: Guns, range_km: 40, count: 100, along: front}
polls:
  - {id: p1, actor: B-public, question: stay, date: 2002-12-14, support: 0.55}
  - {id: p2, actor: B-public, question: stay, date: 2003-06-01, support: 0.6}
events:
  - id: move
    date: 2003-06-01
    description: Division moves south
    set:
      forces.div.at: south
      issues.policy.positions.B.position: 30
  - id: early
    date: 2003-01-10
    set:
      issues.policy.positions.B-public.position: 10
      issues.policy.positions.B-public.salience: 0.9
)";

Scenario load(const std::string& text) {
  LoadOptions o;
  o.filename = "test.yaml";
  o.cinc = &default_cinc_table();
  return load_scenario_yaml(text, o);
}

// Loads `text` expecting failure; returns every diagnostic formatted.
std::string errors_of(const std::string& text) {
  try {
    load(text);
  } catch (const InputError& e) {
    return e.diagnostics().str();
  }
  ADD_FAILURE() << "expected an InputError";
  return "";
}

TEST(ScenarioYaml, LoadsEveryPart) {
  const Scenario s = load(kMinimal);
  EXPECT_EQ(s.id, "demo");
  ASSERT_EQ(s.actors.size(), 3U);
  EXPECT_EQ(s.actors[2].parent, "B");
  EXPECT_EQ(s.actors[2].kind, ActorKind::kPublic);
  ASSERT_TRUE(s.actors[1].capability.uncertain());
  EXPECT_DOUBLE_EQ(s.actors[1].capability.value, 2.0);  // mean of uniform(1, 3)
  ASSERT_EQ(s.issues.size(), 1U);
  EXPECT_DOUBLE_EQ(s.issues[0].status_quo->value, 40);
  ASSERT_EQ(s.issues[0].scale.anchors.size(), 2U);
  EXPECT_EQ(s.issues[0].scale.anchors[1].label, "hard");
  EXPECT_DOUBLE_EQ(s.issues[0].stance("B")->salience.value, 0.5);  // mean of beta(2, 2)
  EXPECT_EQ(s.alliances[0].atop, 3240);
  EXPECT_EQ(s.forces[0].place, "north");
  EXPECT_DOUBLE_EQ(s.forces[0].location.lat, 38.0);
  EXPECT_EQ(s.weapons[0].front_line, "front");
  ASSERT_EQ(s.events.size(), 2U);
  EXPECT_EQ(s.events[0].id, "early");  // sorted by date, not file order
}

TEST(ScenarioYaml, EventsApplyUpToTheDate) {
  const Scenario s = load(kMinimal);
  const Scenario march = s.current();  // as_of 2003-03-15: only "early" applied
  EXPECT_NE(march.issues[0].stance("B-public"), nullptr);
  EXPECT_DOUBLE_EQ(march.issues[0].stance("B-public")->position.value, 10);
  EXPECT_DOUBLE_EQ(march.issues[0].stance("B")->position.value, 20);
  EXPECT_EQ(march.forces[0].place, "north");
  EXPECT_EQ(march.polls.size(), 1U);  // the June poll is not yet visible

  const Scenario july = s.at(Date{2003, 7, 1});
  EXPECT_DOUBLE_EQ(july.issues[0].stance("B")->position.value, 30);
  EXPECT_EQ(july.forces[0].place, "south");
  EXPECT_DOUBLE_EQ(july.forces[0].location.lat, 37.0);
  EXPECT_EQ(july.polls.size(), 2U);

  // Applying further from an applied scenario equals applying from scratch.
  const Scenario step = march.at(Date{2003, 7, 1});
  EXPECT_DOUBLE_EQ(step.issues[0].stance("B")->position.value, 30);
  EXPECT_THROW((void)july.at(Date{2003, 1, 1}), std::logic_error);

  // The original is untouched: events are applied to copies.
  EXPECT_EQ(s.issues[0].stances.size(), 2U);
}

TEST(ScenarioYaml, CincResolvesFromCow) {
  const Scenario s = load(R"(entente: 1
id: c
title: C
as_of: 2003-01-01
actors:
  - {id: USA, name: US, kind: state, capability: {cinc: {state: USA, year: 2003}}}
  - {id: DOD, name: Pentagon, kind: military, parent: USA, capability: {cinc: {state: USA, year: 2003, share: 0.5}}}
)");
  // COW NMC v6 row "USA,2,2003,...,0.15177245" (data/cow/NMC-60-abridged.csv).
  EXPECT_DOUBLE_EQ(s.actors[0].capability.value, 0.15177245);
  EXPECT_DOUBLE_EQ(s.actors[1].capability.value, 0.15177245 * 0.5);
  EXPECT_EQ(s.actors[1].cinc->share, 0.5);
}

TEST(ScenarioYaml, ReportsEveryProblemWithLocation) {
  const std::string errs = errors_of(R"(entente: 1
id: bad
title: Bad
as_of: 2003-02-30
actors:
  - {id: A, name: Alpha, kind: stat, capability: -1}
  - {id: A, name: Again, kind: state, capabilty: 1}
issues:
  - id: i
    name: I
    scale: {min: 0, max: 10}
    positions:
      A: {position: 11, salience: 1.5}
      Z: {position: 1, salience: 0.5}
)");
  EXPECT_THAT(errs, HasSubstr("test.yaml:4:8: error: as_of: '2003-02-30' is not a valid date; "
                              "February 2003 has 28 days"));
  EXPECT_THAT(errs, HasSubstr("actors[0].kind: 'stat' is not allowed"));
  EXPECT_THAT(errs, HasSubstr("did you mean 'state'?"));
  EXPECT_THAT(errs, HasSubstr("actors[0].capability: -1 is out of range; expected a number >= 0"));
  EXPECT_THAT(
      errs, HasSubstr("actors[1].capabilty: unknown key 'capabilty'; did you mean 'capability'?"));
  EXPECT_THAT(errs, HasSubstr("actors[1].capability: missing required field"));
  EXPECT_THAT(errs, HasSubstr("duplicate actor id 'A'"));
  EXPECT_THAT(
      errs,
      HasSubstr(
          "issues[0].positions.A.position: 11 is out of range; expected a number in [0, 10]"));
  EXPECT_THAT(errs, HasSubstr("issues[0].positions.A.salience: 1.5 is out of range"));
  EXPECT_THAT(errs, HasSubstr("issues[0].positions.Z: unknown actor 'Z'"));
}

TEST(ScenarioYaml, DistributionSupportMustFitTheRange) {
  const std::string errs = errors_of(R"(entente: 1
id: d
title: D
as_of: 2003-01-01
actors:
  - {id: A, name: A, kind: state, capability: 1}
  - {id: B, name: B, kind: state, capability: 1}
issues:
  - id: i
    name: I
    scale: {min: 0, max: 100}
    positions:
      A: {position: 50, salience: {normal: [0.9, 0.1]}}
      B: {position: {gaussian: [50, 5]}, salience: 0.5}
)");
  EXPECT_THAT(errs, HasSubstr("normal(0.9, 0.1) can draw values in [-inf, inf]; expected a number "
                              "in [0, 1] for every draw"));
  EXPECT_THAT(errs, HasSubstr("unknown distribution 'gaussian'"));
}

TEST(ScenarioYaml, EventsAreCheckedAtLoad) {
  const std::string errs = errors_of(R"(entente: 1
id: e
title: E
as_of: 2003-01-01
actors:
  - {id: A, name: A, kind: state, capability: 1}
  - {id: B, name: B, kind: state, capability: 1}
issues:
  - id: i
    name: I
    scale: {min: 0, max: 100}
    positions:
      A: {position: 50, salience: 0.5}
      B: {position: 60, salience: 0.5}
events:
  - id: e1
    date: 2003-02-01
    set:
      issues.i.positions.C.position: 10
      issues.j.name: J
      actors.A.capabilty: 2
      issues.i.positions.A.position: 200
      forces.x.at: nowhere
)");
  EXPECT_THAT(errs, HasSubstr("events[0].set.issues.i.positions.C.position: unknown actor 'C'"));
  EXPECT_THAT(errs, HasSubstr("events[0].set.issues.j.name: unknown issue 'j'"));
  EXPECT_THAT(errs, HasSubstr("did you mean 'capability'?"));
  EXPECT_THAT(errs, HasSubstr("events[0].set.issues.i.positions.A.position: 200 is out of range"));
  EXPECT_THAT(errs, HasSubstr("unknown force 'x'"));
}

TEST(ScenarioYaml, AddingAStanceNeedsBothFields) {
  const std::string errs = errors_of(R"(entente: 1
id: e
title: E
as_of: 2003-01-01
actors:
  - {id: A, name: A, kind: state, capability: 1}
  - {id: B, name: B, kind: state, capability: 1}
  - {id: C, name: C, kind: state, capability: 1}
issues:
  - id: i
    name: I
    scale: {min: 0, max: 100}
    positions:
      A: {position: 50, salience: 0.5}
      B: {position: 60, salience: 0.5}
events:
  - {id: e1, date: 2003-02-01, set: {issues.i.positions.C.position: 10}}
)");
  EXPECT_THAT(errs, HasSubstr("must set both position and salience"));
}

TEST(ScenarioYaml, SyntaxErrorsNameLineAndColumn) {
  const std::string errs = errors_of("entente: 1\nid: x\nactors: [a, b\n");
  EXPECT_THAT(errs, HasSubstr("test.yaml:"));
  EXPECT_THAT(errs, HasSubstr("YAML syntax error"));
}

TEST(ScenarioYaml, RejectsDeepNestingBeforeParsing) {
  const std::string deep =
      "entente: 1\nx: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  EXPECT_THAT(errors_of(deep), HasSubstr("nesting deeper than 64 levels"));
}

TEST(ScenarioYaml, RejectsOversizedAndBinaryInput) {
  EXPECT_THAT(errors_of(std::string(kMaxScenarioBytes + 1, '#')),
              HasSubstr("expected a scenario of at most 8 MiB"));
  EXPECT_THAT(errors_of(std::string("entente: 1\n\0\x01", 13)), HasSubstr("binary data"));
  EXPECT_THAT(errors_of(""), HasSubstr("empty file"));
}

// Strict UTF-8 (RFC 3629), each fault at its line and column in characters: JSON, and so
// the run store, refuses all of these, so a scenario holding one must not validate.
TEST(ScenarioYaml, RejectsEveryKindOfInvalidUtf8WhereItIs) {
  const std::string head = "entente: 1\n# é€😀 ";  // valid: 2-, 3- and 4-byte forms
  const std::string where = "test.yaml:2:7: error: binary data: ";
  EXPECT_EQ(errors_of(head + "\xC0\xAF\n"),
            where + "invalid UTF-8 (byte 0xC0); expected a UTF-8 YAML scenario\n");  // overlong
  EXPECT_EQ(errors_of(head + "\xE0\x80\xAF\n"),
            where + "invalid UTF-8 (byte 0x80 after 0xE0); expected a UTF-8 YAML scenario\n");
  EXPECT_EQ(errors_of(head + "\xED\xBF\xBF\n"),  // a UTF-16 surrogate
            where + "invalid UTF-8 (byte 0xBF after 0xED); expected a UTF-8 YAML scenario\n");
  EXPECT_EQ(errors_of(head + "\xF4\x90\x80\x80\n"),  // past U+10FFFF
            where + "invalid UTF-8 (byte 0x90 after 0xF4); expected a UTF-8 YAML scenario\n");
  EXPECT_EQ(errors_of(head + "\xF5\x80\x80\x80\n"),
            where + "invalid UTF-8 (byte 0xF5); expected a UTF-8 YAML scenario\n");
  EXPECT_EQ(errors_of(head + "\xE2\x82"),
            where +
                "invalid UTF-8 (byte 0xE2 cut short by the end of the file); expected a UTF-8 "
                "YAML scenario\n");
  EXPECT_EQ(errors_of(head + "ok\nx: " + std::string(1, '\0') + "\n"),
            "test.yaml:3:4: error: binary data: a NUL byte; expected a UTF-8 YAML scenario\n");
}

TEST(ScenarioYaml, ForcesSayWhichAlliancesTheyBack) {
  std::string text = kMinimal;
  const std::string div = "  - {id: div, owner: A, unit: 1st Division, at: north, strength: 10000}";
  const auto with = [&](const std::string& serves) {
    std::string t = text;
    t.replace(t.find(div), div.size(),
              "  - {id: div, owner: A, unit: 1st Division, at: north, strength: 10000, serves: " +
                  serves + "}");
    return t;
  };
  EXPECT_EQ(load(with("[ab]")).forces[0].serves, std::vector<std::string>{"ab"});
  EXPECT_EQ(load(with("ab")).forces[0].serves, std::vector<std::string>{"ab"});
  EXPECT_TRUE(load(text).forces[0].serves.empty());
  // Round trip keeps it.
  const Scenario a = load(with("[ab]"));
  EXPECT_EQ(load(write_scenario_yaml(a)).forces[0].serves, std::vector<std::string>{"ab"});
  EXPECT_THAT(errors_of(with("[ba]")),
              ::testing::HasSubstr("forces[0].serves[0]: unknown alliance 'ba'"));
  EXPECT_THAT(errors_of(with("[ab, ab]")),
              ::testing::HasSubstr("forces[0].serves[1]: alliance 'ab' listed twice"));
  EXPECT_THAT(errors_of(with("{x: 1}")),
              ::testing::HasSubstr("expected an alliance id or a list of them"));
  // An owner outside the alliance cannot back it.
  std::string outsider = with("[ab]");
  outsider.replace(outsider.find("owner: A,"), 9, "owner: B-public,");
  EXPECT_NO_THROW(load(outsider));  // B-public's root B is a member
  outsider = with("[ab]");
  outsider.replace(outsider.find("members: [A, B]"), 15, "members: [A, C]");
  outsider.replace(outsider.find("  - {id: B-public"), 0,
                   "  - {id: C, name: Gamma, kind: state, capability: 1}\n");
  std::string mover = outsider;
  mover.replace(mover.find("owner: A,"), 9, "owner: B,");
  EXPECT_THAT(errors_of(mover),
              ::testing::HasSubstr("force owner 'B' is not a member of alliance 'ab', so the "
                                   "unit cannot back it; members: A, C"));
}

TEST(ScenarioYaml, WriterRoundTrips) {
  const Scenario a = load(kMinimal);
  const std::string text = write_scenario_yaml(a);
  const Scenario b = load(text);
  EXPECT_EQ(write_scenario_yaml(b), text);
  ASSERT_EQ(b.actors.size(), a.actors.size());
  EXPECT_EQ(b.actors[1].capability.dist->str(), a.actors[1].capability.dist->str());
  EXPECT_EQ(b.events.size(), a.events.size());
  EXPECT_DOUBLE_EQ(b.at(Date{2003, 7, 1}).forces[0].location.lat, 37.0);
}

TEST(ScenarioYaml, DefaultScenarioLoads) {
  LoadOptions o;
  o.filename = "korea-2003.yaml";
  o.cinc = &default_cinc_table();
  const Scenario s = load_scenario_yaml(embedded_default_scenario(), o);
  EXPECT_EQ(s.id, "korea-2003");
  EXPECT_GE(s.actors.size(), 2U);
  EXPECT_GE(s.issues.size(), 1U);
}

TEST(ActorTableCsv, ReadsTheBdmLayout) {
  ActorTableOptions o;
  o.filename = "ec.csv";
  o.issue_id = "emissions";
  const Scenario s =
      load_actor_table_csv(test::read_file(test::shared_data_path("bdm/ec-emissions-1994.csv")), o);
  // The file lists 10 actors, Netherlands first with capability 0.08, position 4, salience 0.8.
  ASSERT_EQ(s.actors.size(), 10U);
  EXPECT_EQ(s.actors[0].id, "Netherlands");
  EXPECT_DOUBLE_EQ(s.actors[0].capability.value, 0.08);
  EXPECT_DOUBLE_EQ(s.issues[0].stances[0].position.value, 4);
  EXPECT_DOUBLE_EQ(s.issues[0].stances[0].salience.value, 0.8);
  // Positions run 4..10 in the table: the scale spans them.
  EXPECT_DOUBLE_EQ(s.issues[0].scale.min, 4);
  EXPECT_DOUBLE_EQ(s.issues[0].scale.max, 10);
}

TEST(ActorTableCsv, RescalesPercentSaliencesAndIgnoresExtraColumns) {
  ActorTableOptions o;
  o.filename = "kyoto.csv";
  const Scenario s =
      load_actor_table_csv(test::read_file(test::shared_data_path("bdm/kyoto.csv")), o);
  // kyoto.csv: "Australia,65,6,50,50," — name, position, capabilities, salience 50 → 0.5.
  EXPECT_EQ(s.actors[0].id, "Australia");
  EXPECT_DOUBLE_EQ(s.issues[0].stances[0].position.value, 65);
  EXPECT_DOUBLE_EQ(s.actors[0].capability.value, 6);
  EXPECT_DOUBLE_EQ(s.issues[0].stances[0].salience.value, 0.5);
  EXPECT_THAT(s.description, HasSubstr("resolve"));
}

TEST(ActorTableCsv, ErrorsNameLineAndColumn) {
  ActorTableOptions o;
  o.filename = "t.csv";
  try {
    load_actor_table_csv("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,-1,x,0.5\nA,1,2,0.5\n",
                         o);
    FAIL();
  } catch (const InputError& e) {
    const std::string s = e.diagnostics().str();
    EXPECT_THAT(s, HasSubstr("t.csv:3:2: error: capability: negative capability -1"));
    EXPECT_THAT(s, HasSubstr("t.csv:3:3: error: position: expected a number, got 'x'"));
    EXPECT_THAT(s, HasSubstr("t.csv:4:1: error: actor: duplicate actor 'A'"));
  }
}

TEST(DetectFormat, ByContent) {
  EXPECT_EQ(detect_format("# comment\nentente: 1\n"), InputFormat::kYamlScenario);
  EXPECT_EQ(detect_format("Actor,Capability,Position,Salience\n"), InputFormat::kActorTableCsv);
  EXPECT_EQ(detect_format("name,position,capabilities,salience,resolve,\n"),
            InputFormat::kActorTableCsv);
  EXPECT_EQ(detect_format("hello world\n"), InputFormat::kUnknown);
}

TEST(CincTable, ParsesTheShippedFile) {
  const CincTable& t = default_cinc_table();
  EXPECT_EQ(t.years(), (std::pair<int, int>{1816, 2016}));
  // NMC v6: "PRK,731,2003,-9,...,0.012368171" — milex missing, CINC present.
  EXPECT_DOUBLE_EQ(*t.cinc("PRK", 2003), 0.012368171);
  EXPECT_FALSE(t.cinc("PRK", 1900));  // not a state then
  EXPECT_TRUE(t.has_state("CHN"));
  EXPECT_FALSE(t.has_state("XXX"));
}

}  // namespace
}  // namespace entente
