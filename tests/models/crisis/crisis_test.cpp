// The crisis model on hand-derived small games (entry deterrence: the flip value equals the
// threshold derived beside it), payoff expressions, geo-derived variables, and the
// directions the korea-2003 scenario's inputs imply.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "entente/crisis.hpp"
#include "entente/embedded.hpp"
#include "entente/expression.hpp"
#include "entente/model.hpp"
#include "entente/scenario_io.hpp"
#include "entente/sweep.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

Scenario load(const std::string& text) {
  LoadOptions o;
  o.filename = "test.yaml";
  return load_scenario_yaml(text, o);
}

// Entry deterrence (Selten's chain-store stage). Entrant: out (E 0, I 10) or in; then the
// incumbent fights (E -1, I -cost_fight) or accommodates (E 2, I -5). Backward induction:
// the incumbent fights iff -cost_fight >= -5, i.e. cost_fight <= 5 (ties go to the first
// listed action, fight). With cost_fight ~ uniform(0, 20) its value is the mean, 10, so the
// threat is not credible and the entrant enters; the flip is at exactly 5, credible below.
const char* const kEntry = R"(entente: 1
id: entry
title: Entry deterrence
as_of: 2003-01-01
actors:
  - {id: E, name: Entrant, kind: state, capability: 1}
  - {id: I, name: Incumbent, kind: state, capability: 1}
params:
  cost_fight: {uniform: [0, 20]}
games:
  - id: entry
    players: [E, I]
    root:
      player: E
      actions:
        - name: in
          next:
            id: incumbent
            player: I
            actions:
              - {name: fight, threat: true, payoffs: {E: "-1", I: "-cost_fight"}}
              - {name: accommodate, payoffs: {E: "2", I: "-5"}}
        - name: out
          payoffs: {E: "0", I: "10"}
)";

TEST(CrisisExpression, EvaluatesMuParserLanguage) {
  // min(3, 2) = 2; b = 2 > 1 so the conditional gives 10: 12.
  EXPECT_DOUBLE_EQ(expr::evaluate("min(a, 2) + (b > 1 ? 10 : 20)", {{"a", 3}, {"b", 2}}), 12.0);
  EXPECT_DOUBLE_EQ(expr::evaluate("-a * (1 + b) ^ 2", {{"a", 0.5}, {"b", 1}}), -2.0);
  EXPECT_THROW((void)expr::evaluate("a / 0", {{"a", 1}}), expr::ExpressionError);
}

TEST(CrisisExpression, ReportsUnknownVariablesAndSyntaxWithPosition) {
  EXPECT_EQ(expr::used_variables("x + 2*y", {"x", "y", "z"}), (std::vector<std::string>{"x", "y"}));
  try {
    (void)expr::used_variables("1 + cots", {"cost"});
    FAIL() << "expected an error";
  } catch (const expr::ExpressionError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown variable 'cots'"));
    EXPECT_THAT(e.what(), HasSubstr("did you mean 'cost'"));
    EXPECT_EQ(e.position(), 4);  // "1 + " is four characters
  }
  EXPECT_THROW((void)expr::used_variables("1 +", {}), expr::ExpressionError);
}

TEST(CrisisModel, EntryDeterrenceSolvedByHand) {
  const Scenario s = load(kEntry);
  const auto sol = crisis::solve(s.games[0], crisis::game_variables(s));
  ASSERT_EQ(sol.path.size(), 2U);
  EXPECT_EQ(sol.path[0].action, "in");
  EXPECT_EQ(sol.path[1].action, "accommodate");
  EXPECT_DOUBLE_EQ(sol.payoffs[0], 2.0);
  EXPECT_DOUBLE_EQ(sol.payoffs[1], -5.0);
  ASSERT_EQ(sol.threats.size(), 1U);
  EXPECT_FALSE(sol.threats[0].credible);
  EXPECT_TRUE(sol.threats[0].reached);
}

TEST(CrisisModel, FlipFoundAtHandDerivedThreshold) {
  const Scenario s = load(kEntry);
  const Result r = make_model("crisis")->run(s, RunContext{});
  const auto& threat = r.details["games"][0]["threats"][0];
  EXPECT_EQ(threat["credible"], false);
  ASSERT_EQ(threat["flips"].size(), 1U);
  const auto& f = threat["flips"][0];
  EXPECT_EQ(f["input"], "params.cost_fight");
  EXPECT_NEAR(f["flips_at"].get<double>(), 5.0, 1e-4);  // derivation above kEntry
  EXPECT_EQ(f["credible_below"], true);
  EXPECT_THAT(f["text"].get<std::string>(), HasSubstr("credible if params.cost_fight < 5"));
  ASSERT_EQ(r.outputs.size(), 1U);
  EXPECT_EQ(r.outputs[0].name, "entry/fight/credible");
  EXPECT_EQ(r.outputs[0].value, 0.0);
}

TEST(CrisisScenario, EventsSetParams) {
  // cost_fight 3 < 5 from 2004: the threat is credible then (derivation above kEntry).
  const Scenario s = load(std::string(kEntry) + R"(events:
  - id: cheaper-fight
    date: 2004-01-01
    set:
      params.cost_fight: 3
)");
  EXPECT_FALSE(crisis::solve(s.games[0], crisis::game_variables(s.current())).threats[0].credible);
  const Scenario later = s.at(Date{2004, 1, 2});
  EXPECT_TRUE(crisis::solve(s.games[0], crisis::game_variables(later)).threats[0].credible);
}

TEST(CrisisModel, SkipsDetailsWhenNotAsked) {
  const Scenario s = load(kEntry);
  RunContext ctx;
  ctx.details = false;
  const Result r = make_model("crisis")->run(s, ctx);
  EXPECT_FALSE(r.details.contains("games"));
  ASSERT_EQ(r.outputs.size(), 1U);
  // A sampled scenario with cost 4 < 5: the threat is credible.
  Scenario low = s;
  low.params[0].value = Quantity(4.0);
  EXPECT_EQ(make_model("crisis")->run(low, ctx).outputs[0].value, 1.0);
}

// One US unit 0.2 degrees of latitude (about 22 km) south of a PRK gun site with a 40 km
// range, another 1.2 degrees (about 133 km) south: only the first is reached.
TEST(CrisisVariables, ExposureFromGeo) {
  Scenario s = load(R"(entente: 1
id: geo
title: Exposure
as_of: 2003-01-01
actors:
  - {id: USA, name: US, kind: state, capability: 1}
  - {id: PRK, name: DPRK, kind: state, capability: 1}
forces:
  - {id: near, owner: USA, unit: near, kind: ground, at: {lat: 38.0, lon: 127.0}, strength: 1000}
  - {id: far, owner: USA, unit: far, kind: ground, at: {lat: 37.0, lon: 127.0}, strength: 500}
weapons:
  - {id: gun, owner: PRK, system: gun, range_km: 40, count: 100, sites: [{lat: 38.2, lon: 127.0}]}
)");
  const auto v = crisis::game_variables(s);
  EXPECT_DOUBLE_EQ(v.at("troops_USA"), 1500.0);
  EXPECT_DOUBLE_EQ(v.at("exposed_troops_USA"), 1000.0);
  EXPECT_DOUBLE_EQ(v.at("exposed_units_USA"), 1.0);
  EXPECT_DOUBLE_EQ(v.at("weapons_in_range_USA"), 100.0);
  EXPECT_DOUBLE_EQ(v.at("exposed_troops_PRK"), 0.0);
}

// A retaliation threat that is credible only while few US troops are exposed: the
// incumbent fights when 10 > exposed_troops_USA / 100. Hand derivation: the unit of 1000
// at 38.0 N is ~22 km from the gun (range 40) when exposed, so fighting pays -10 + 0 < 0;
// moved to 37.0 N (~133 km) nothing is exposed and fighting pays 10 > 0.
TEST(CrisisVariables, CompiledCredibilityFollowsMovesOfUnitsAndWeapons) {
  const Scenario base = load(R"(entente: 1
id: geo
title: Exposure decides a threat
as_of: 2003-01-01
actors:
  - {id: USA, name: US, kind: state, capability: 1}
  - {id: PRK, name: DPRK, kind: state, capability: 1}
forces:
  - {id: near, owner: USA, unit: near, kind: ground, at: {lat: 38.0, lon: 127.0}, strength: 1000}
weapons:
  - {id: gun, owner: PRK, system: gun, range_km: 40, count: 100, sites: [{lat: 38.2, lon: 127.0}]}
games:
  - id: g
    players: [PRK, USA]
    root:
      player: PRK
      actions:
        - name: provoke
          next:
            id: usa
            player: USA
            actions:
              - {name: retaliate, threat: true, payoffs: {PRK: "-1", USA: "10 - exposed_troops_USA / 50"}}
              - {name: yield, payoffs: {PRK: "1", USA: "0"}}
        - name: stay
          payoffs: {PRK: "0", USA: "0"}
)");
  Scenario moved = base;
  moved.forces[0].location.lat = 37.0;
  Scenario short_range = base;
  short_range.weapons[0].range_km = Quantity(10.0);
  Scenario unfielded = base;
  unfielded.weapons[0].count = Quantity(0.0);
  auto credible = [](const Scenario& s) {
    const auto fast = crisis::threat_credibility(s, s.games.at(0));
    const crisis::Solution exact = crisis::solve(s.games.at(0), crisis::game_variables(s));
    EXPECT_EQ(fast.at(0).credible, exact.threats.at(0).credible);
    return fast.at(0).credible;
  };
  // The flip search keeps its last result while the game's variables and inputs are
  // equal: a unit moved 2 degrees east (its longitude is no input of the search) is out of
  // the gun's reach, so its flips differ, and the base's come back unchanged after it.
  auto texts = [&](const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& per_threat : crisis::find_flips(
             s, s.games.at(0), crisis::inputs_of(s, s.games.at(0)), 16, 1e-7, "auto")) {
      for (const crisis::Flip& f : per_threat) out.push_back(f.text);
    }
    return out;
  };
  Scenario east = base;
  east.forces[0].location.lon = 129.0;
  const std::vector<std::string> at_base = texts(base);
  const std::vector<std::string> at_east = texts(east);
  EXPECT_NE(at_base, at_east);
  EXPECT_EQ(texts(base), at_base);
  EXPECT_EQ(texts(east), at_east);
  // Alternating, so each call follows one that left another exposure behind.
  for (int round = 0; round < 2; ++round) {
    EXPECT_FALSE(credible(base));
    EXPECT_TRUE(credible(moved));
    EXPECT_FALSE(credible(base));
    EXPECT_TRUE(credible(short_range));
    EXPECT_FALSE(credible(base));
    EXPECT_TRUE(credible(unfielded));
  }
}

TEST(CrisisScenario, RejectsBadGames) {
  const std::string head = R"(entente: 1
id: bad
title: Bad
as_of: 2003-01-01
actors:
  - {id: E, name: E, kind: state, capability: 1}
  - {id: I, name: I, kind: state, capability: 1}
params:
  cost: 1
games:
  - id: g
    players: [E, I]
    root:
      player: E
      actions:
)";
  auto errors = [&](const std::string& tail) {
    try {
      (void)load(head + tail);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(errors("        - {name: a, payoffs: {E: \"cots\", I: \"0\"}}\n"),
              HasSubstr("did you mean 'cost'"));
  EXPECT_THAT(errors("        - {name: a, payoffs: {E: \"1\"}}\n"),
              HasSubstr("no payoff for player 'I'"));
  EXPECT_THAT(errors("        - {name: a, payoffs: {E: \"1\", X: \"0\"}}\n"),
              HasSubstr("'X' is not a player of the game"));
  EXPECT_THAT(errors("        - {name: a}\n"), HasSubstr("expected exactly one of 'next'"));
}

TEST(CrisisScenario, WriterRoundTripsParamsAndGames) {
  const Scenario a = load(kEntry);
  const std::string text = write_scenario_yaml(a);
  const Scenario b = load(text);
  EXPECT_EQ(write_scenario_yaml(b), text);
  ASSERT_EQ(b.games.size(), 1U);
  EXPECT_EQ(b.games[0].nodes.size(), a.games[0].nodes.size());
  EXPECT_EQ(b.games[0].nodes[1].label, "incumbent");
  EXPECT_TRUE(b.games[0].nodes[1].actions[0].threat);
  ASSERT_EQ(b.params.size(), 1U);
  EXPECT_EQ(b.params[0].value.dist->str(), a.params[0].value.dist->str());
}

// --- korea-2003: directions the scenario's inputs imply ------------------------------------

const Scenario& korea() {
  static const Scenario kScenario = [] {
    LoadOptions o;
    o.filename = "korea-2003.yaml";
    o.cinc = &default_cinc_table();
    return load_scenario_yaml(embedded_default_scenario(), o);
  }();
  return kScenario;
}

// The 2003 scenario with the relocation events' changes (2nd Infantry Division and USFK
// headquarters to Camp Humphreys) applied as if they had happened then.
Scenario relocated_in_2003() {
  Scenario s = korea().current();
  for (const Event& e : korea().events) {
    if (e.id != "2id-to-humphreys" && e.id != "usfk-hq-to-humphreys") continue;
    for (const Change& c : e.changes) c.apply(s);
  }
  return s;
}

double strike_payoff_usa(const Scenario& s) {
  const Result r = make_model("crisis", {{"flips", "false"}})->run(s, RunContext{});
  for (const auto& t : r.details["games"][0]["terminals"]) {
    if (t["node"] == "us-strike" && t["action"] == "strike") return t["payoffs"]["USA"];
  }
  ADD_FAILURE() << "no strike terminal";
  return 0.0;
}

bool credible(const Scenario& s, const std::string& threat) {
  for (const Output& o : make_model("crisis")->run(s, RunContext{0, false}).outputs) {
    if (o.name == "yongbyon/" + threat + "/credible") return o.value == 1.0;
  }
  ADD_FAILURE() << "no output for " << threat;
  return false;
}

TEST(CrisisKorea, RelocationLowersExposureAndRaisesStrikePayoff) {
  const Scenario before = korea().current();
  const Scenario after = relocated_in_2003();
  const auto vb = crisis::game_variables(before);
  const auto va = crisis::game_variables(after);
  // Camp Casey and Red Cloud (north of Seoul) are inside the artillery's range; Camp
  // Humphreys, about 100 km south of the MDL, is beyond every 2003 system's range.
  EXPECT_LT(va.at("exposed_troops_USA"), vb.at("exposed_troops_USA"));
  EXPECT_LT(va.at("weapons_in_range_USA"), vb.at("weapons_in_range_USA"));
  // The strike's US payoff falls with exposed troops (docs/korea-2003.md), so it rises.
  EXPECT_GT(strike_payoff_usa(after), strike_payoff_usa(before));
  // The same direction at the real dates (2018), with the KN-09 fielded by then.
  EXPECT_GT(strike_payoff_usa(korea().at(Date{2018, 6, 30})),
            strike_payoff_usa(korea().at(Date{2018, 6, 20})));
}

// The argument's claim, derived by hand from the scenario's nominal inputs: the strike is
// credible iff p_war (0.5) × (20 + c × exposed × fire weight) <= 65 (back-down: -50 - 15),
// c = mean of triangular(0.005, 0.01, 0.02) = 0.011667. In March 2003 about 21,700 US troops
// (Casey 10,000 + Red Cloud 4,667 + Yongsan 7,000, the forces' means) are exposed under the
// full weight of fire (> 500 tubes): 0.5 × (20 + 253) > 65, not credible. Relocated, only
// Yongsan's 7,000 may remain exposed: 0.5 × (20 + 81.7) < 65, credible. China restrains iff
// the strike would follow otherwise (-10 > -0.5 × 100, but 0 > -10 after a back-down).
TEST(CrisisKorea, StrikeBecomesCredibleAndChinaRestrainsAfterRelocation) {
  EXPECT_FALSE(credible(korea().current(), "strike"));
  EXPECT_FALSE(credible(korea().current(), "restrain"));
  EXPECT_TRUE(credible(relocated_in_2003(), "strike"));
  EXPECT_TRUE(credible(relocated_in_2003(), "restrain"));
}

}  // namespace
}  // namespace entente

namespace entente {
namespace {

// In March 2003 the strike is credible iff 0.5 × (20 + c × 21,666.67) <= 65 (the derivation
// above StrikeBecomesCredible...; exposed = the means of Casey, Red Cloud and Yongsan,
// 10,000 + 4,666.67 + 7,000), i.e. c <= 110 / 21,666.67 = 0.0050769; c's support is
// [0.005, 0.02], so the search finds it, credible below.
TEST(CrisisKorea, FlipOfCostPerExposedSoldierMatchesHandDerivation) {
  const Result r = make_model("crisis")->run(korea().current(), RunContext{});
  for (const auto& t : r.details["games"][0]["threats"]) {
    if (t["action"] != "strike") continue;
    for (const auto& f : t["flips"]) {
      if (f["input"] != "params.us_cost_per_exposed_soldier") continue;
      EXPECT_NEAR(f["flips_at"].get<double>(), 110.0 / (10000.0 + 14000.0 / 3.0 + 7000.0), 1e-6);
      EXPECT_EQ(f["credible_below"], true);
      return;
    }
  }
  ADD_FAILURE() << "no flip for params.us_cost_per_exposed_soldier";
}

// Japan's free riding, by hand: with c = 0.0045 in March 2003 the supported strike costs
// 0.5 × (20 + 0.0045 × 21,666.67) = 58.75 <= 65 (credible), the strike alone 68.75 > 65 (not).
// Japan then declines (0 > -15), the US would back down, so China need not restrain (0 > -10).
TEST(CrisisKorea, JapanDecliningKeepsChinaFromRestraining) {
  Scenario s = korea().current();
  for (Param& p : s.params) {
    if (p.id == "us_cost_per_exposed_soldier") p.value = Quantity(0.0045);
  }
  EXPECT_TRUE(credible(s, "strike"));
  EXPECT_FALSE(credible(s, "strike-alone"));
  EXPECT_FALSE(credible(s, "restrain"));
}

// Draw i of `count` from `base` (stream `seed`), with the cost per exposed soldier spread
// evenly over [0.002, 0.008], both sides of the strike's flip (about 0.0051).
Scenario draw_across_the_flip(const Scenario& base, std::uint64_t seed, std::uint64_t i,
                              std::uint64_t count) {
  Scenario s = draw_sample(base, sample_seed(seed, i));
  for (Param& p : s.params) {
    if (p.id == "us_cost_per_exposed_soldier") {
      p.value = Quantity(0.002 + 0.006 * static_cast<double>(i) / static_cast<double>(count));
    }
  }
  return s;
}

// threat_credibility() solves backward-induction games in doubles on a tree compiled once
// per thread; it must say what the exact solver says on every draw. The cost per exposed
// soldier is spread over both sides of the strike's flip (about 0.0051), on the 2003 bases
// and the relocated ones, so that every threat is decided both ways.
TEST(CrisisKorea, FastCredibilityMatchesTheExactSolverOnDraws) {
  std::map<std::string, int> credible_count;
  int draws = 0;
  for (const Scenario& base : {korea().current(), relocated_in_2003()}) {
    for (std::uint64_t i = 0; i < 200; ++i) {
      const Scenario s = draw_across_the_flip(base, 11, i, 200);
      const ScenarioGame& g = s.games.at(0);
      const auto exact = crisis::solve(g, crisis::game_variables(s)).threats;
      const auto fast = crisis::threat_credibility(s, g);
      ASSERT_EQ(fast.size(), exact.size());
      for (std::size_t t = 0; t < exact.size(); ++t) {
        EXPECT_EQ(fast[t].action, exact[t].action);
        EXPECT_EQ(fast[t].credible, exact[t].credible) << exact[t].action << " at draw " << i;
        credible_count[exact[t].action] += exact[t].credible ? 1 : 0;
      }
      ++draws;
    }
  }
  for (const auto& [action, n] : credible_count) {
    EXPECT_GT(n, 0) << action;
    EXPECT_LT(n, draws) << action;
  }
}

// pure_choices() is what the alliance model reads of a tagged game on every sample: the
// choice at every declared node and whether play passes it, by the same compiled path. It
// must agree with solve()'s profile and path on every draw (both sides of the flip).
TEST(CrisisKorea, CompiledCredibilityFollowsEveryInputAndEveryMove) {
  // The compiled path keeps the last force exposure it computed and reuses it while no
  // unit, weapon or line changes: alternate the two postures (the 2nd Infantry Division
  // north and south of the Han, which changes the exposure variables) and move each of
  // the game's inputs to both ends of its interval, comparing with the exact solver each
  // time.
  const Scenario north = korea().current();
  const Scenario south = relocated_in_2003();
  const ScenarioGame& g = north.games.at(0);
  ASSERT_NE(crisis::game_variables(north), crisis::game_variables(south));
  auto check = [&](const Scenario& s, const std::string& what) {
    const crisis::Solution exact = crisis::solve(s.games.at(0), crisis::game_variables(s));
    const auto fast = crisis::threat_credibility(s, s.games.at(0));
    ASSERT_EQ(fast.size(), exact.threats.size()) << what;
    for (std::size_t t = 0; t < fast.size(); ++t) {
      EXPECT_EQ(fast[t].action, exact.threats[t].action) << what;
      EXPECT_EQ(fast[t].credible, exact.threats[t].credible) << what << " " << fast[t].action;
    }
  };
  int checked = 0;
  for (const crisis::Input& in : crisis::inputs_of(north, g)) {
    for (const double x : {in.lo, in.hi}) {
      for (const Scenario* base : {&north, &south}) {
        Scenario s = *base;
        in.set(s, x);
        check(s, in.path + " = " + std::to_string(x));
        check(*base, "back to the base");
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40);
}

TEST(CrisisKorea, PureChoicesMatchTheExactSolversProfileAndPath) {
  int draws = 0;
  int off_path = 0;
  std::set<std::string> choices_seen;
  for (const Scenario& base : {korea().current(), relocated_in_2003()}) {
    for (std::uint64_t i = 0; i < 100; ++i) {
      const Scenario s = draw_across_the_flip(base, 12, i, 100);
      const ScenarioGame& g = s.games.at(0);
      const crisis::Solution exact = crisis::solve(g, crisis::game_variables(s));
      std::vector<crisis::NodeChoice> fast;
      ASSERT_TRUE(crisis::pure_choices(s, g, "auto", fast));
      ASSERT_EQ(fast.size(), g.nodes.size());
      const games::ExtensiveGame& eg = exact.game;
      for (std::size_t d = 0; d < g.nodes.size(); ++d) {
        const GameNode& n = g.nodes[d];
        int node = -1;
        for (std::size_t k = 0; k < eg.nodes().size() && node < 0; ++k) {
          if (eg.nodes()[k].label == n.label && eg.nodes()[k].infoset >= 0) {
            node = static_cast<int>(k);
          }
        }
        ASSERT_GE(node, 0) << n.label;
        int best = 0;
        for (std::size_t a = 1; a < n.actions.size(); ++a) {
          if (games::action_probability(eg, exact.profile, node, static_cast<int>(a)) >
              games::action_probability(eg, exact.profile, node, best)) {
            best = static_cast<int>(a);
          }
        }
        const bool on_path =
            std::any_of(exact.path.begin(), exact.path.end(),
                        [&](const crisis::Step& st) { return st.node == n.label; });
        EXPECT_EQ(fast[d].action, best) << n.label << " at draw " << i;
        EXPECT_EQ(fast[d].on_path, on_path) << n.label << " at draw " << i;
        off_path += on_path ? 0 : 1;
        choices_seen.insert(n.label + ":" + n.actions[static_cast<std::size_t>(best)].name);
      }
      ++draws;
    }
  }
  EXPECT_EQ(draws, 200);
  EXPECT_GT(off_path, 0);  // some node is off the path, so on_path is tested both ways
  // Some node's choice flips across the draws, so the choices are tested both ways.
  EXPECT_GT(choices_seen.size(), korea().current().games.at(0).nodes.size());
  // A game the compiled path does not take (another solver) is left to solve().
  std::vector<crisis::NodeChoice> out;
  EXPECT_FALSE(crisis::pure_choices(korea().current(), korea().current().games.at(0), "lcp", out));
}

// Another scenario with the same game, a game with another tree, and a solver that is not
// backward induction: each gets its own compiled form or the exact path.
TEST(CrisisModel, FastCredibilityFollowsTheScenarioAndTheSolver) {
  const Scenario entry = load(kEntry);
  Scenario renamed = entry;
  renamed.params[0].value = Quantity(4.0);
  renamed.params.insert(renamed.params.begin(), Param{"unused", Quantity(1.0), {}});
  for (const Scenario* s : std::vector<const Scenario*>{&entry, &renamed, &entry}) {
    for (const char* solver : {"auto", "lcp", "backward-induction"}) {
      const auto exact = crisis::solve(s->games[0], crisis::game_variables(*s), solver).threats;
      const auto fast = crisis::threat_credibility(*s, s->games[0], solver);
      ASSERT_EQ(fast.size(), 1U);
      EXPECT_EQ(fast[0].credible, exact[0].credible) << solver;
    }
  }
  // A payoff that is not finite on this draw: solve()'s error, word for word.
  Scenario broken = entry;
  broken.games[0].nodes[1].actions[0].payoffs[1].second = "-cost_fight / 0";
  std::string exact_error;
  try {
    (void)crisis::solve(broken.games[0], crisis::game_variables(broken));
  } catch (const std::exception& e) {
    exact_error = e.what();
  }
  ASSERT_FALSE(exact_error.empty());
  try {
    (void)crisis::threat_credibility(broken, broken.games[0]);
    ADD_FAILURE() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_EQ(e.what(), exact_error);
  }
}

}  // namespace
}  // namespace entente
