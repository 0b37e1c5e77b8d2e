// Crisis games beyond inline perfect-information trees: games given by a Gambit .efg file
// (tests/data/games/), inline games with information sets, and the equilibrium solvers the
// model falls back to (lcp, logit). Every expected value is derived by hand beside its test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "entente/crisis.hpp"
#include "entente/model.hpp"
#include "entente/scenario_io.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kDataDir = std::string(ENTENTE_SOURCE_DIR) + "/tests/data/games";

std::optional<std::string> read_disk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Loads `text` as if it were the file tests/data/games/scenario.yaml, so `efg:` references
// resolve to the fixtures beside it.
Scenario load_beside_fixtures(const std::string& text) {
  LoadOptions o;
  o.filename = kDataDir + "/scenario.yaml";
  o.read_file = read_disk;
  return load_scenario_yaml(text, o);
}

// All diagnostics of loading `text` as dir/test.yaml with these in-memory files ("" when
// it loads).
std::string load_errors(const std::string& text, const std::map<std::string, std::string>& files,
                        bool with_reader = true) {
  LoadOptions o;
  o.filename = "dir/test.yaml";
  if (with_reader) {
    o.read_file = [files](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
  }
  try {
    (void)load_scenario_yaml(text, o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* const kHead = R"(entente: 1
id: efg
title: Efg games
as_of: 2003-01-01
actors:
  - {id: CH, name: Challenger, kind: state, capability: 1}
  - {id: DF, name: Defender, kind: state, capability: 1}
  - {id: X, name: Third, kind: state, capability: 1}
)";

// tests/data/games/deterrence.efg: the Challenger challenges or backs down (status quo
// 0, 0); after a challenge the Defender resists (war) or concedes (5, -2). The scenario
// makes war cost the Defender `cost`: resisting gives -cost, conceding -2, so by backward
// induction the Defender resists iff -cost >= -2, i.e. cost <= 2 (ties go to the first
// listed action, resist). cost ~ uniform(0, 6) has value 3: the threat is not credible,
// the Challenger challenges (5 > 0) and the Defender concedes: payoffs (5, -2), the
// unmapped concession outcome's numbers from the file. The flip is at exactly 2,
// credible below. At cost 1 it is credible and deters: the Challenger backs down (0 > -10).
const std::string kDeterrence = std::string(kHead) + R"(params:
  cost: {uniform: [0, 6]}
games:
  - id: deter
    name: Deterrence from a file
    players: [CH, DF]
    efg: deterrence.efg
    outcomes:
      war: {CH: "-10", DF: "-cost"}
    threats:
      - {player: DF, infoset: defender, action: resist}
)";

TEST(CrisisEfg, DeterrenceFromFileSolvedByHand) {
  const Scenario s = load_beside_fixtures(kDeterrence);
  ASSERT_EQ(s.games.size(), 1U);
  ASSERT_TRUE(s.games[0].efg.has_value());
  const auto sol = crisis::solve(s.games[0], crisis::game_variables(s));
  EXPECT_EQ(sol.solver, "backward-induction");
  ASSERT_EQ(sol.path.size(), 2U);
  EXPECT_EQ(sol.path[0].action, "challenge");
  EXPECT_EQ(sol.path[1].action, "concede");
  EXPECT_DOUBLE_EQ(sol.payoffs[0], 5.0);
  EXPECT_DOUBLE_EQ(sol.payoffs[1], -2.0);
  ASSERT_EQ(sol.threats.size(), 1U);
  EXPECT_EQ(sol.threats[0].action, "resist");
  EXPECT_EQ(sol.threats[0].node, "defender");
  EXPECT_EQ(sol.threats[0].player, "DF");
  EXPECT_FALSE(sol.threats[0].credible);
  EXPECT_TRUE(sol.threats[0].reached);

  Scenario cheap = s;
  cheap.params[0].value = Quantity(1.0);
  const auto deterred = crisis::solve(cheap.games[0], crisis::game_variables(cheap));
  EXPECT_TRUE(deterred.threats[0].credible);
  EXPECT_FALSE(deterred.threats[0].reached);
  EXPECT_EQ(deterred.path[0].action, "back down");
  // What a Monte Carlo sample reads of a file's game: solve()'s threats.
  for (const Scenario* x : std::vector<const Scenario*>{&s, &cheap, &s}) {
    const auto fast = crisis::threat_credibility(*x, x->games[0]);
    ASSERT_EQ(fast.size(), 1U);
    EXPECT_EQ(fast[0].action, "resist");
    EXPECT_EQ(fast[0].credible, x == &cheap);
  }
}

TEST(CrisisEfg, FlipAtHandDerivedThreshold) {
  const Scenario s = load_beside_fixtures(kDeterrence);
  const Result r = make_model("crisis")->run(s, RunContext{});
  const auto& g = r.details["games"][0];
  EXPECT_EQ(g["solver"], "backward-induction");
  const auto& threat = g["threats"][0];
  ASSERT_EQ(threat["flips"].size(), 1U);
  const auto& f = threat["flips"][0];
  EXPECT_EQ(f["input"], "params.cost");
  EXPECT_NEAR(f["flips_at"].get<double>(), 2.0, 1e-5);  // derivation above kDeterrence
  EXPECT_EQ(f["credible_below"], true);
  // The drawn tree comes from the file: the war terminal carries the evaluated expression.
  const auto& war = g["tree"]["children"][0]["node"]["children"][0]["node"]["payoffs"];
  EXPECT_DOUBLE_EQ(war["DF"].get<double>(), -3.0);
  EXPECT_DOUBLE_EQ(war["CH"].get<double>(), -10.0);
}

// lcp on the same (perfect-information) game may return a Nash equilibrium in which the
// Challenger backs down and the Defender's set is never reached: Nash does not constrain
// play there, so the model judges the threat by the Defender's best reply at it, which is
// the backward-induction answer: credible iff cost <= 2 (derivation above kDeterrence).
TEST(CrisisEfg, LcpAgreesWithBackwardInductionOnCredibility) {
  Scenario s = load_beside_fixtures(kDeterrence);
  for (double cost : {0.5, 1.5, 2.5, 3.0, 5.0}) {
    s.params[0].value = Quantity(cost);
    const auto sol = crisis::solve(s.games[0], crisis::game_variables(s), "lcp");
    EXPECT_EQ(sol.solver, "lcp");
    EXPECT_EQ(sol.threats[0].credible, cost <= 2.0) << "cost " << cost;
  }
}

TEST(CrisisEfg, PlayersByGambitNameAndOutcomeByNumber) {
  // Outcome 1 of deterrence.efg is "war"; players mapped by the file's names.
  std::string text = kDeterrence;
  text.replace(text.find("players: [CH, DF]"), 17, "players: {Defender: DF, Challenger: CH}");
  text.replace(text.find("      war:"), 10, "      1:");
  const Scenario s = load_beside_fixtures(text);
  EXPECT_EQ(s.games[0].players, (std::vector<std::string>{"CH", "DF"}));
  EXPECT_FALSE(crisis::solve(s.games[0], crisis::game_variables(s)).threats[0].credible);
}

TEST(CrisisEfg, WriterKeepsTheReference) {
  const Scenario a = load_beside_fixtures(kDeterrence);
  const std::string text = write_scenario_yaml(a);
  EXPECT_THAT(text, HasSubstr("efg: deterrence.efg"));
  EXPECT_THAT(text, HasSubstr("-cost"));
  EXPECT_THAT(text, HasSubstr("resist"));
  const Scenario b = load_beside_fixtures(text);
  EXPECT_EQ(write_scenario_yaml(b), text);
  ASSERT_TRUE(b.games[0].efg.has_value());
  EXPECT_EQ(b.games[0].efg->path, "deterrence.efg");
  ASSERT_EQ(b.games[0].efg->outcomes.size(), 1U);
  EXPECT_EQ(b.games[0].efg->outcomes[0].key, "war");
  ASSERT_EQ(b.games[0].efg->threats.size(), 1U);
  EXPECT_EQ(b.games[0].efg->threats[0].action, "resist");

  // The map form of players survives too.
  std::string named = kDeterrence;
  named.replace(named.find("players: [CH, DF]"), 17, "players: {Defender: DF, Challenger: CH}");
  const std::string written = write_scenario_yaml(load_beside_fixtures(named));
  EXPECT_THAT(written, HasSubstr("Defender"));
  EXPECT_EQ(write_scenario_yaml(load_beside_fixtures(written)), written);
}

// --- diagnostics ----------------------------------------------------------------------------

const std::string kSmallEfg = R"(EFG 2 R "small" { "P1" "P2" }
""
p "" 1 1 "" { "a" "b" } 0
t "" 1 "win" { 1, -1 }
t "" 2 "lose" { -1, 1 }
)";

std::string efg_game(const std::string& body) {
  return std::string(kHead) + "params:\n  cost: 1\ngames:\n  - id: g\n" + body;
}

TEST(CrisisEfgDiagnostics, NoReaderMissingFileBadFile) {
  const std::string text = efg_game("    players: [CH, DF]\n    efg: g.efg\n");
  // The `efg:` key is on line 14 of the scenario (kHead has 8 lines, then params (2), games,
  // id, players).
  EXPECT_THAT(load_errors(text, {}, false), HasSubstr("no file reader"));
  const std::string missing = load_errors(text, {});
  EXPECT_THAT(missing, StartsWith("dir/test.yaml:14:"));
  EXPECT_THAT(missing, HasSubstr("no such file 'dir/g.efg'"));
  // Line 3 of the file: a player node's infoset number is missing.
  const std::string bad = load_errors(text, {{"dir/g.efg",
                                              "EFG 2 R \"x\" { \"P1\" \"P2\" }\n\"\"\n"
                                              "p \"\" 1 { \"a\" } 0\n"}});
  EXPECT_THAT(bad, StartsWith("dir/test.yaml:14:"));
  EXPECT_THAT(bad, HasSubstr("games[0].efg"));
  EXPECT_THAT(bad, HasSubstr("dir/g.efg:3:"));
}

TEST(CrisisEfgDiagnostics, FileGameWithoutPerfectRecall) {
  // P1 moves L or R, then moves again at infoset 2, which holds the nodes after both: P1
  // has forgotten its first move. Rejected where the file is referenced (line 14).
  const std::string text = efg_game("    players: [CH, DF]\n    efg: g.efg\n");
  const std::string forgetful =
      "EFG 2 R \"forgetful\" { \"P1\" \"P2\" }\n\"\"\n"
      "p \"\" 1 1 \"\" { \"L\" \"R\" } 0\n"
      "p \"\" 1 2 \"\" { \"l\" \"r\" } 0\n"
      "t \"\" 1 \"a\" { 1, 0 }\n"
      "t \"\" 2 \"b\" { 0, 1 }\n"
      "p \"\" 1 2 \"\" { \"l\" \"r\" } 0\n"
      "t \"\" 3 \"c\" { 0, 0 }\n"
      "t \"\" 4 \"d\" { 1, 1 }\n";
  const std::string errors = load_errors(text, {{"dir/g.efg", forgetful}});
  EXPECT_THAT(errors, StartsWith("dir/test.yaml:14:"));
  EXPECT_THAT(errors, HasSubstr("'dir/g.efg': player 1's information set 2 holds nodes reached "
                                "by different own moves; expected perfect recall"));
}

TEST(CrisisEfgDiagnostics, PlayersOutcomesThreats) {
  const std::map<std::string, std::string> files{{"dir/g.efg", kSmallEfg}};
  EXPECT_THAT(load_errors(efg_game("    players: [CH, DF, X]\n    efg: g.efg\n"), files),
              HasSubstr("the game file has 2 player(s) ('P1', 'P2'); expected 2 actor id(s)"));
  EXPECT_THAT(load_errors(efg_game("    players: {P1: CH, P3: DF}\n    efg: g.efg\n"), files),
              HasSubstr("'P3' is not a player of the game file; did you mean 'P1'?"));
  EXPECT_THAT(load_errors(efg_game("    players: [CH, DF]\n    efg: g.efg\n"
                                   "    outcomes:\n      wim: {CH: \"cost\"}\n"),
                          files),
              HasSubstr("the game file has no outcome 'wim'; did you mean 'win'?"));
  EXPECT_THAT(load_errors(efg_game("    players: [CH, DF]\n    efg: g.efg\n"
                                   "    outcomes:\n      win: {CH: \"cots\"}\n"),
                          files),
              HasSubstr("did you mean 'cost'"));
  EXPECT_THAT(load_errors(efg_game("    players: [CH, DF]\n    efg: g.efg\n"
                                   "    threats:\n      - {player: CH, infoset: 1, action: c}\n"),
                          files),
              HasSubstr("has no action 'c'"));
  EXPECT_THAT(load_errors(efg_game("    players: [CH, DF]\n    efg: g.efg\n"
                                   "    threats:\n      - {player: DF, infoset: 1, action: a}\n"),
                          files),
              HasSubstr("player 'DF' has no information set '1'"));
  EXPECT_THAT(load_errors(efg_game("    players: [CH, DF]\n    efg: g.efg\n    root: {}\n"), files),
              HasSubstr("not both"));
  EXPECT_EQ(load_errors(efg_game("    players: [CH, DF]\n    efg: g.efg\n"
                                 "    outcomes:\n      win: {CH: \"cost\"}\n"
                                 "    threats:\n      - {player: CH, infoset: 1, action: 2}\n"),
                        files),
            "");
}

// --- imperfect information --------------------------------------------------------------------

// Inspection: PRK cheats or complies; USA, not seeing which (one information set, `us`),
// strikes or holds. Payoffs (PRK, USA): cheat/strike (-pen, 2), cheat/hold (3, -4),
// comply/strike (0, -c), comply/hold (0, 0), with pen = 5, c = 6. No pure equilibrium
// (each cell has a profitable deviation), so both mix:
//   USA strikes with q making PRK indifferent: -pen q + 3 (1 - q) = 0, q = 3/(3 + pen) = 3/8;
//   PRK cheats with p making USA indifferent: 2p - c(1 - p) = -4p, p = c/(6 + c) = 1/2.
// Payoffs: PRK 0 (complying gives 0), USA -4p = -2. The strike threat (q = 3/8 < 1/2) is
// not credible; it is iff 3/(3 + pen) >= 1/2, i.e. pen <= 3: the flip is at pen = 3,
// credible below.
const std::string kInspection =
    std::string(kHead) + R"(  - {id: PRK, name: DPRK, kind: state, capability: 1}
  - {id: USA, name: US, kind: state, capability: 1}
params:
  pen: {uniform: [1, 9]}
  c: 6
games:
  - id: inspect
    players: [PRK, USA]
    root:
      player: PRK
      actions:
        - name: cheat
          next:
            id: us-after-cheat
            player: USA
            infoset: us
            actions:
              - {name: strike, threat: true, payoffs: {PRK: "-pen", USA: "2"}}
              - {name: hold, payoffs: {PRK: "3", USA: "-4"}}
        - name: comply
          next:
            id: us-after-comply
            player: USA
            infoset: us
            actions:
              - {name: strike, payoffs: {PRK: "0", USA: "-c"}}
              - {name: hold, payoffs: {PRK: "0", USA: "0"}}
)";

TEST(CrisisImperfect, InspectionMixedEquilibriumByLcp) {
  const Scenario s = load_beside_fixtures(kInspection);
  const auto sol = crisis::solve(s.games[0], crisis::game_variables(s));
  EXPECT_EQ(sol.solver, "lcp");  // auto: imperfect information, two players
  ASSERT_EQ(sol.threats.size(), 1U);
  EXPECT_DOUBLE_EQ(sol.threats[0].probability, 3.0 / 8.0);
  EXPECT_FALSE(sol.threats[0].credible);
  EXPECT_TRUE(sol.threats[0].reached);
  EXPECT_DOUBLE_EQ(sol.payoffs[0], 0.0);
  EXPECT_DOUBLE_EQ(sol.payoffs[1], -2.0);
  EXPECT_DOUBLE_EQ(sol.path[0].probability, 0.5);  // cheat and comply 1/2 each
  // Imperfect information: the sample path is solve()'s (lcp) too.
  const auto fast = crisis::threat_credibility(s, s.games[0]);
  ASSERT_EQ(fast.size(), 1U);
  EXPECT_FALSE(fast[0].credible);
}

TEST(CrisisImperfect, InspectionMixedEquilibriumByLogit) {
  const Scenario s = load_beside_fixtures(kInspection);
  const auto sol = crisis::solve(s.games[0], crisis::game_variables(s), "logit");
  EXPECT_EQ(sol.solver, "logit");
  EXPECT_NEAR(sol.threats[0].probability, 3.0 / 8.0, 1e-4);
  EXPECT_FALSE(sol.threats[0].credible);
  EXPECT_NEAR(sol.payoffs[1], -2.0, 1e-3);
}

// A two-player alternating tree of `depth` binary moves with the payoffs (k mod 7, k mod 5)
// at the k-th leaf: large enough that the exact sequence-form LCP takes far more than a
// millisecond.
std::string deep_game(int depth) {
  int next_id = 0;
  int leaf = 0;
  std::string out;
  const std::function<void(int, const std::string&)> node = [&](int level,
                                                                const std::string& indent) {
    out += indent + "id: n" + std::to_string(next_id++) + "\n";
    out += indent + "player: " + (level % 2 == 0 ? "CH" : "DF") + "\n";
    out += indent + "actions:\n";
    for (const char* a : {"l", "r"}) {
      out += indent + "  - name: " + a + "\n";
      if (level + 1 == depth) {
        out += indent + "    payoffs: {CH: \"" + std::to_string(leaf % 7) + "\", DF: \"" +
               std::to_string(leaf % 5) + "\"}\n";
        ++leaf;
      } else {
        out += indent + "    next:\n";
        node(level + 1, indent + "      ");
      }
    }
  };
  node(0, "      ");
  return std::string(kHead) + "games:\n  - id: deep\n    players: [CH, DF]\n    root:\n" + out;
}

// A solver cannot check a run's stop token inside itself: the time left before a deadline
// becomes its budget, and a budget too small for the game is an error naming the game and
// the solver, not a run past the deadline. (A limit of 0 must not read as the solvers' "no
// limit".)
TEST(CrisisImperfect, TheCallersTimeLimitCapsTheSolversBudget) {
  const Scenario deep = load_beside_fixtures(deep_game(9));
  for (const double limit : {0.0, 1e-3}) {
    try {
      (void)crisis::solve(deep.games[0], crisis::game_variables(deep), "lcp", limit);
      FAIL() << "no error at " << limit;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("game 'deep': lcp: the time budget of 0.001 s"));
    }
  }
  // A generous limit leaves the answer as without one.
  const Scenario s = load_beside_fixtures(kInspection);
  const auto values = crisis::game_variables(s);
  EXPECT_EQ(crisis::solve(s.games[0], values, "logit", 60.0).threats[0].probability,
            crisis::solve(s.games[0], values, "logit").threats[0].probability);
}

TEST(CrisisImperfect, FlipUnderLcpAndLogit) {
  const Scenario s = load_beside_fixtures(kInspection);
  for (const char* solver : {"auto", "logit"}) {
    const Result r = make_model("crisis", {{"solver", solver}})->run(s, RunContext{});
    const auto& g = r.details["games"][0];
    EXPECT_EQ(g["solver"], std::string(solver) == "auto" ? "lcp" : "logit");
    const auto& threat = g["threats"][0];
    EXPECT_EQ(threat["credible"], false);
    bool found = false;
    for (const auto& f : threat["flips"]) {
      if (f["input"] != "params.pen") continue;
      found = true;
      EXPECT_NEAR(f["flips_at"].get<double>(), 3.0, 1e-3) << solver;  // derivation above
      EXPECT_EQ(f["credible_below"], true);
    }
    EXPECT_TRUE(found) << solver;
  }
}

TEST(CrisisImperfect, SameGameFromFile) {
  // tests/data/games/inspection.efg is the same game with pen = 5 and c = 6 as numbers;
  // mapping "caught" to -pen reproduces the inline game (derivation above kInspection).
  const std::string text =
      std::string(kHead) + R"(  - {id: PRK, name: DPRK, kind: state, capability: 1}
  - {id: USA, name: US, kind: state, capability: 1}
params:
  pen: 5
games:
  - id: inspect
    players: [PRK, USA]
    efg: inspection.efg
    outcomes:
      caught: {PRK: "-pen"}
    threats:
      - {player: USA, infoset: inspector, action: strike}
)";
  const Scenario s = load_beside_fixtures(text);
  const auto sol = crisis::solve(s.games[0], crisis::game_variables(s));
  EXPECT_EQ(sol.solver, "lcp");
  EXPECT_DOUBLE_EQ(sol.threats[0].probability, 3.0 / 8.0);
  EXPECT_EQ(sol.threats[0].node, "inspector");
}

TEST(CrisisImperfect, SolverOption) {
  const Scenario s = load_beside_fixtures(kInspection);
  // Backward induction cannot solve a game with a two-node information set.
  try {
    (void)make_model("crisis", {{"solver", "backward-induction"}, {"flips", "false"}})
        ->run(s, RunContext{});
    ADD_FAILURE() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("game 'inspect': backward-induction"));
  }
  EXPECT_THROW((void)make_model("crisis", {{"solver", "enumpure"}}), std::exception);
  // The perfect-information deterrence game under the forced lcp reports it.
  const Result r = make_model("crisis", {{"solver", "lcp"}, {"flips", "false"}})
                       ->run(load_beside_fixtures(kDeterrence), RunContext{});
  EXPECT_EQ(r.details["games"][0]["solver"], "lcp");
}

TEST(CrisisImperfect, InfosetsMustMatch) {
  std::string text = kInspection;
  // The second node of set `us` offers strike/wait instead of strike/hold.
  text.replace(text.find("name: hold, payoffs: {PRK: \"0\"") + 6, 4, "wait");
  EXPECT_THAT(load_errors(text, {}), HasSubstr("share information set 'us' but differ"));
}

TEST(CrisisImperfect, InfosetsNeedPerfectRecall) {
  // USA warns or waits, PRK answers, then USA decides at one information set holding the
  // nodes after both of its own first moves: USA would have forgotten whether it warned
  // (imperfect recall), which no solver here handles; the loader says so.
  const std::string text = std::string(kHead) +
                           R"(  - {id: PRK, name: DPRK, kind: state, capability: 1}
  - {id: USA, name: US, kind: state, capability: 1}
games:
  - id: forgetful
    players: [PRK, USA]
    root:
      player: USA
      actions:
        - name: warn
          next:
            player: PRK
            actions:
              - name: stop
                payoffs: {PRK: "0", USA: "1"}
              - name: go
                next:
                  id: after-warn
                  player: USA
                  infoset: later
                  actions:
                    - {name: strike, payoffs: {PRK: "-2", USA: "0"}}
                    - {name: hold, payoffs: {PRK: "1", USA: "-1"}}
        - name: wait
          next:
            id: after-wait
            player: USA
            infoset: later
            actions:
              - {name: strike, payoffs: {PRK: "-2", USA: "-1"}}
              - {name: hold, payoffs: {PRK: "1", USA: "0"}}
)";
  const std::string errors = load_errors(text, {});
  EXPECT_THAT(errors, HasSubstr("nodes 'after-warn' and 'after-wait' share information set "
                                "'later', but USA reaches them by different moves of its own "
                                "('USA': warn vs 'USA': wait)"));
  EXPECT_THAT(errors, HasSubstr("games[0].root"));
  // The inspection game has perfect recall (USA has no earlier move) and loads.
  EXPECT_NO_THROW((void)load_beside_fixtures(kInspection));
}

}  // namespace
}  // namespace entente
