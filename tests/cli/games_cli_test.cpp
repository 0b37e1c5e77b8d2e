// `entente games` as a user types it: solve (text and JSON), convert, solvers, exit codes,
// and every broken game file in tests/data/bad-games/ (NAME.efg or NAME.nfg) giving exactly
// NAME.expected on stderr with exit code 1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.hpp"

namespace entente {
namespace {

using test::run_entente;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string game(const std::string& name) {
  return "'" + test::source_path("tests/data/games/" + name) + "'";
}

class GamesCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir("games-cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(GamesCli, SolvePrintsProfilesAndPayoffs) {
  const auto r = run_entente("games solve " + game("openspiel_kuhn_poker.efg") + " --solver lcp");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("extensive game \"Kuhn poker\": 1 equilibrium by lcp"));
  EXPECT_THAT(r.out, HasSubstr("    1pb: p 1/3, b 2/3\n"));
  EXPECT_THAT(r.out, HasSubstr("payoffs: -1/18, 1/18"));  // Kuhn poker's value
}

TEST_F(GamesCli, SolveJsonHasTheDocumentedShape) {
  const auto r = run_entente("games solve " + game("gambit_entry_accommodation.efg") +
                             " --solver enummixed --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc["equilibria"].is_array());
  bool found = false;
  for (const auto& e : doc["equilibria"]) {
    ASSERT_TRUE(e["profile"].is_object());
    ASSERT_EQ(e["payoffs"].size(), 2U);
    // Players "1" and "2"; unnamed infosets are keyed by their number.
    if (e["exact"]["profile"]["1"]["#1"]["S"] == "2/3") {
      found = true;
      EXPECT_EQ(e["exact"]["profile"]["2"]["#1"]["E"], "2/3");
      EXPECT_NEAR(e["profile"]["1"]["#1"]["S"].get<double>(), 2.0 / 3.0, 1e-12);
      EXPECT_EQ(e["exact"]["payoffs"], nlohmann::json({"7/3", "7/3"}));
    }
  }
  EXPECT_TRUE(found) << r.out;
  const auto nfg =
      run_entente("games solve " + game("gambit_selten_fig2.nfg") + " --solver logit --json");
  ASSERT_EQ(nfg.exit_code, 0) << nfg.err;
  const auto d2 = nlohmann::json::parse(nfg.out);
  EXPECT_TRUE(d2["equilibria"][0]["profile"]["Player 1"]["1"].is_number());
  EXPECT_FALSE(d2["equilibria"][0].contains("exact"));
}

TEST_F(GamesCli, UsageErrorsAndUnsuitableGames) {
  const auto unknown =
      run_entente("games solve " + game("gambit_doc_poker.efg") + " --solver enumixed");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown solver 'enumixed'; did you mean 'enummixed'?"));
  const auto option =
      run_entente("games solve " + game("gambit_doc_poker.efg") + " --solver lcp --option nope=1");
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_THAT(option.err, HasSubstr("solver 'lcp' has no option 'nope'"));
  const auto missing = run_entente("games solve");
  EXPECT_EQ(missing.exit_code, 2);
  const auto bi =
      run_entente("games solve " + game("gambit_doc_poker.efg") + " --solver backward-induction");
  EXPECT_EQ(bi.exit_code, 1);
  EXPECT_THAT(bi.err, HasSubstr("backward-induction needs perfect information"));
  const auto nofile = run_entente("games solve /nonexistent/x.efg --solver lcp");
  EXPECT_EQ(nofile.exit_code, 1);
  EXPECT_THAT(nofile.err, HasSubstr("/nonexistent/x.efg"));
  const auto list = run_entente("games solvers");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("backward-induction"));
  EXPECT_THAT(list.out, HasSubstr("--option lambda_max=1e7"));
}

// Issue 18: a game without perfect recall is refused by the solvers that need it, with the
// loader's wording, and enumpure still answers (its pure equilibria; none in this game).
TEST_F(GamesCli, ImperfectRecallIsRefusedNotMisanswered) {
  for (const char* solver : {"enummixed", "logit", "lcp"}) {
    SCOPED_TRACE(solver);
    const auto r =
        run_entente("games solve " + game("forgetful_coordination.efg") + " --solver " + solver);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr(std::string(solver) + " needs perfect recall, and this game "
                                                       "lacks it: player 1's information set 2"));
  }
  const auto pure =
      run_entente("games solve " + game("forgetful_coordination.efg") + " --solver enumpure");
  EXPECT_EQ(pure.exit_code, 0) << pure.err;
  EXPECT_THAT(pure.out, HasSubstr("0 equilibria by enumpure"));
}

// Issue 18: enummixed on Kuhn poker used to grow to 4 GB and abort. Now a warning first,
// then the memory budget stops it: exit 1, a message naming lcp, and the (partial) result
// on stdout marked as such.
TEST_F(GamesCli, BudgetsStopWithAMessageAndTheResultSoFar) {
  const auto r = run_entente("games solve " + game("openspiel_kuhn_poker.efg") +
                             " --solver enummixed --max-memory 8M");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("warning: "));
  EXPECT_THAT(r.err, HasSubstr("enummixed enumerates the vertices of both best-response "
                               "polytopes, whose number grows exponentially with the strategy "
                               "counts (27 x 64 here)"));
  EXPECT_THAT(r.err, HasSubstr("error: "));
  EXPECT_THAT(r.err, HasSubstr("enummixed: the memory budget of 8 MiB (max_memory) ran out"));
  EXPECT_THAT(r.err, HasSubstr("lcp suits this game"));
  EXPECT_THAT(r.out, HasSubstr("by enummixed before its budget ran out (incomplete)"));
  const auto json = run_entente("games solve " + game("openspiel_kuhn_poker.efg") +
                                " --solver enummixed --max-memory 8M --json");
  EXPECT_EQ(json.exit_code, 1);
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["complete"], false);
  EXPECT_THAT(doc["stopped"].get<std::string>(), HasSubstr("memory budget of 8 MiB"));
  const auto done = run_entente("games solve " + game("gambit_doc_poker.efg") +
                                " --solver lcp --json --max-seconds 30");
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.err, "");  // no warning on a small game
  EXPECT_EQ(nlohmann::json::parse(done.out)["complete"], true);
  const auto bad = run_entente("games solve " + game("gambit_doc_poker.efg") +
                               " --solver lcp --max-memory lots");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("option max_memory='lots' is invalid"));
}

// Out of memory below the budget (a ulimit smaller than the default 2 GiB): a message and
// exit code 1, not SIGABRT from GMP or an uncaught std::bad_alloc. Not under ASan, which
// needs terabytes of address space.
#if defined(__SANITIZE_ADDRESS__)
#define ENTENTE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENTENTE_ASAN 1
#endif
#endif
TEST_F(GamesCli, OutOfMemoryIsAMessageNotAnAbort) {
#ifdef ENTENTE_ASAN
  GTEST_SKIP() << "ulimit -v and AddressSanitizer do not mix";
#else
  const auto r =
      run_entente("games solve " + game("openspiel_kuhn_poker.efg") + " --solver enummixed",
                  "ulimit -v 400000;");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("error: "));
  EXPECT_THAT(r.err, HasSubstr("out of memory"));
  EXPECT_THAT(r.err, HasSubstr("lower --max-memory"));
#endif
}

TEST_F(GamesCli, ConvertBetweenFormats) {
  const std::string nfg = dir_ + "/entry.nfg";
  const auto c =
      run_entente("games convert " + game("gambit_entry_accommodation.efg") + " -o '" + nfg + "'");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::string text = test::read_file(nfg);
  EXPECT_THAT(text, HasSubstr("{ \"S,A,*\" \"S,F,*\" \"T,*,A\" \"T,*,F\" }"));
  // The reduced strategic form keeps the published mixed equilibrium: 2/3 on S (split as
  // S,A,*) and 1/3 on T,*,A.
  const auto s = run_entente("games solve '" + nfg + "' --solver enummixed");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr("S,A,* 2/3, S,F,* 0, T,*,A 1/3, T,*,F 0"));
  // Outcome variant -> payoff variant -> outcome variant: same payoffs.
  const std::string pay = dir_ + "/entry-pay.nfg";
  ASSERT_EQ(run_entente("games convert '" + nfg + "' -o '" + pay + "'").exit_code, 0);
  EXPECT_EQ(
      test::read_file(pay).rfind("NFG 1 R \"Entry-accomodation game\" { \"1\" \"2\" } { 4 2 }", 0),
      0U);
  const auto back = run_entente("games convert '" + pay + "' -o - --format nfg-payoff");
  EXPECT_EQ(back.exit_code, 0);
  EXPECT_EQ(back.out, test::read_file(pay));
  const auto efg = run_entente("games convert '" + pay + "' -o '" + dir_ + "/x.efg'");
  EXPECT_EQ(efg.exit_code, 1);
  EXPECT_THAT(efg.err, HasSubstr("a strategic game cannot be written as .efg"));
  const auto ext = run_entente("games convert '" + pay + "' -o '" + dir_ + "/x.txt'");
  EXPECT_EQ(ext.exit_code, 2);
}

std::string bad_dir() { return test::source_path("tests/data/bad-games"); }

TEST(GamesCliBadInput, EveryBrokenFileGivesItsExpectedDiagnostics) {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(bad_dir())) {
    const fs::path p = entry.path();
    if (p.extension() != ".efg" && p.extension() != ".nfg") continue;
    ++cases;
    SCOPED_TRACE(p.filename().string());
    const std::string expected = test::read_file(bad_dir() + "/" + p.stem().string() + ".expected");
    for (const char* solver : {"enumpure", "lcp"}) {
      const auto r = test::run_entente_in(
          bad_dir(), "games solve '" + p.filename().string() + "' --solver " + solver);
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_EQ(r.out, "");
      EXPECT_EQ(r.err, expected);
    }
    const auto c =
        test::run_entente_in(bad_dir(), "games convert '" + p.filename().string() + "' -o -");
    EXPECT_EQ(c.err, expected);
  }
  EXPECT_GE(cases, 10);
}

// Gambit's CSV form: "NE," then the probabilities by player, then strategy. Selten's Fig. 2
// game (tests/data/games/gambit_selten_fig2.nfg, cells with player 1 fastest): player 1's
// payoffs are (1, 1) for strategy 1, (0, 0) for 2, (0, 2) for 3 against player 2's (1, 2);
// player 2 is indifferent against strategy 1 and prefers 2 against strategy 2. So strategy 1
// is a best reply iff 1 >= 2 q2, and the equilibria are (1; q) with q2 in [0, 1/2], whose
// extreme points enummixed prints: (1, 0, 0; 1, 0) and (1, 0, 0; 1/2, 1/2).
TEST_F(GamesCli, CsvIsGambitsForm) {
  const auto r = run_entente("games solve " + game("gambit_selten_fig2.nfg") +
                             " --solver enummixed --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "NE,1,0,0,1,0\nNE,1,0,0,1/2,1/2\n");
  // Behaviour profiles by player, then infoset in the order a depth-first walk meets them.
  // Selten's horse (gambit_selten_horse.efg) has two pure equilibria: (R, R, L) (payoffs
  // 1, 1, 1) and (L, R, R) (3, 2, 2), the rows Gambit's documentation lists for it among
  // gambit-enumpoly's output (as NE,1,0,1,0,0,1 and NE,0,1,1,0,1,0 with 6 decimals).
  const auto horse = run_entente("games solve " + game("gambit_selten_horse.efg") +
                                 " --solver enumpure --format csv");
  ASSERT_EQ(horse.exit_code, 0) << horse.err;
  EXPECT_EQ(horse.out, "NE,0,1,1,0,1,0\nNE,1,0,1,0,0,1\n");
  // Floating-point solvers with 6 decimals, as Gambit prints them.
  const auto logit =
      run_entente("games solve " + game("gambit_selten_fig2.nfg") + " --solver logit --format csv");
  ASSERT_EQ(logit.exit_code, 0) << logit.err;
  EXPECT_THAT(logit.out, ::testing::MatchesRegex("NE(,[01]\\.[0-9]{6}){5}\n"));
  // Text and JSON say where logit stopped and how far from an equilibrium it is there.
  const auto text =
      run_entente("games solve " + game("gambit_selten_fig2.nfg") + " --solver logit");
  EXPECT_THAT(text.out, ::testing::ContainsRegex("  lambda: [0-9.e+]+, max regret: "));
  const auto json = run_entente("games solve " + game("gambit_selten_fig2.nfg") +
                                " --solver logit -o max_regret=0.01 --json");
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_LE(doc["equilibria"][0]["max_regret"].get<double>(), 0.01);
  EXPECT_GT(doc["equilibria"][0]["lambda"].get<double>(), 0.0);
}

// Approximate equilibria (simpdiv, enumpoly's irrational ones) carry their max regret, and
// enumpoly flags a point of a continuum: text and JSON. The Nau, Gomez Canovas and Hansen
// game's only equilibrium is irrational; Selten's horse has two continua (both derived in
// tests/games/nplayer_test.cpp).
TEST_F(GamesCli, ApproximateAndNonIsolatedEquilibriaAreMarked) {
  const std::string nau = game("nau_gomez_canovas_hansen_2x2x2.nfg");
  const auto text = run_entente("games solve " + nau + " --solver simpdiv");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, ::testing::ContainsRegex("  approximate, max regret: [0-9.e+-]+\n"));
  const auto json = run_entente("games solve " + nau + " --solver enumpoly --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["equilibria"].size(), 1U);
  EXPECT_EQ(doc["equilibria"][0]["approximate"], true);
  EXPECT_LT(doc["equilibria"][0]["max_regret"].get<double>(), 1e-12);
  EXPECT_FALSE(doc["equilibria"][0].contains("exact"));
  const auto horse =
      run_entente("games solve " + game("gambit_selten_horse.efg") + " --solver enumpoly --json");
  ASSERT_EQ(horse.exit_code, 0) << horse.err;
  const auto hdoc = nlohmann::json::parse(horse.out);
  int continua = 0;
  for (const auto& e : hdoc["equilibria"]) continua += e.value("non_isolated", false) ? 1 : 0;
  EXPECT_EQ(continua, 2);
  const auto htext =
      run_entente("games solve " + game("gambit_selten_horse.efg") + " --solver enumpoly");
  EXPECT_THAT(htext.out, HasSubstr("  one point of a continuum of equilibria (not isolated)\n"));
}

// gnm from the command line: five random rays from seed 0 reach all nine equilibria of
// McKelvey and McLennan's game (the published list is in tests/games/nplayer_test.cpp), in
// Gambit's CSV form; the same seed gives the same output, and a bad ray is refused with a
// message and exit 1.
TEST_F(GamesCli, GnmFromTheCommandLine) {
  const std::string mm = game("mckelvey_mclennan_2x2x2.nfg");
  const auto r = run_entente("games solve " + mm + " --solver gnm -o perturbations=5 --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::stringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines,
            (std::vector<std::string>{"NE,0,1,0,1,1,0", "NE,0,1,1,0,0,1", "NE,0,1,1/3,2/3,1/3,2/3",
                                      "NE,1,0,0,1,0,1", "NE,1,0,1,0,1,0", "NE,1/2,1/2,1/2,1/2,1,0",
                                      "NE,1/2,1/2,1/3,2/3,1/4,3/4", "NE,1/4,3/4,1,0,1/4,3/4",
                                      "NE,1/4,3/4,1/2,1/2,1/3,2/3"}));
  const auto again =
      run_entente("games solve " + mm + " --solver gnm -o perturbations=5 --format csv");
  EXPECT_EQ(again.out, r.out);
  const auto bad = run_entente("games solve " + mm + " --solver gnm -o 'ray=1,0;1,0'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("gnm: option ray has 2 players; expected 3"));
  const auto listed = run_entente("games solvers");
  EXPECT_THAT(listed.out, HasSubstr("gnm"));
  EXPECT_THAT(listed.out, HasSubstr("perturbations"));
}

// The JSON keeps the game's order of players, infosets and strategies: "10" after "2", "a"
// after "b", Zoe before Adam (strategy_order.nfg; a sorted map would print them the other
// way round). Asked for by issue 18.
TEST_F(GamesCli, JsonKeepsTheGamesOrder) {
  const auto r =
      run_entente("games solve " + game("strategy_order.nfg") + " --solver enumpure --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::ordered_json::parse(r.out);
  const auto& profile = doc["equilibria"][0]["profile"];
  std::vector<std::string> keys;
  for (const auto& [k, v] : profile.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"Zoe", "Adam"}));
  keys.clear();
  for (const auto& [k, v] : profile["Zoe"].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"2", "10", "b", "a"}));
  // The only pure equilibrium: Zoe's "a" (4 against y) with Adam's y (1 against a).
  EXPECT_EQ(doc["equilibria"][0]["exact"]["profile"]["Zoe"]["a"], "1");
  EXPECT_EQ(doc["equilibria"][0]["exact"]["profile"]["Adam"]["y"], "1");
}

// Infosets play never reaches are flagged; those a player's own strategy avoids are left
// open (a reduced-form strategy says nothing there) instead of shown as 1/2, 1/2. In the
// entry-accommodation game's equilibrium (T; O), player 1's infoset #2 follows her own S
// (avoided) and #3 follows player 2's E (unreached, but her choice there is part of it).
TEST_F(GamesCli, UnreachedInfosetsAreFlagged) {
  const auto r =
      run_entente("games solve " + game("gambit_entry_accommodation.efg") + " --solver enumpure");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("    #1: S 0, T 1\n"
                               "    #2: unreached, left open by 1's own strategy\n"
                               "    #3: A 0, F 1 (unreached)\n"));
  const auto j = run_entente("games solve " + game("gambit_entry_accommodation.efg") +
                             " --solver enumpure --json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto e = nlohmann::json::parse(j.out)["equilibria"][0];
  EXPECT_EQ(e["reached"]["1"], nlohmann::json({{"#1", true}, {"#2", false}, {"#3", false}}));
  EXPECT_EQ(e["reached"]["2"], nlohmann::json({{"#1", true}}));
  EXPECT_EQ(e["open"], nlohmann::json({{"1", {"#2"}}}));
  // Backward induction's plan is part of its answer: nothing is left open.
  const auto bi =
      run_entente("games solve " + game("deterrence.efg") + " --solver backward-induction --json");
  ASSERT_EQ(bi.exit_code, 0) << bi.err;
  EXPECT_FALSE(nlohmann::json::parse(bi.out)["equilibria"][0].contains("open"));
}

// "-" reads the game from standard input, under the same 8 MiB cap as files.
TEST_F(GamesCli, DashReadsStandardInput) {
  const std::string out = dir_ + "/out";
  const std::string err = dir_ + "/err";
  auto run = [&](const std::string& input, const std::string& args) {
    const std::string cmd =
        input + " | '" + std::string(ENTENTE_BIN) + "' " + args + " >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  ASSERT_EQ(
      run("cat " + game("gambit_selten_fig2.nfg"), "games solve - --solver enummixed --format csv"),
      0)
      << test::read_file(err);
  EXPECT_EQ(test::read_file(out), "NE,1,0,0,1,0\nNE,1,0,0,1/2,1/2\n");
  EXPECT_EQ(
      run("printf 'NFG 1 R \"x\" { \"A\" }\\nnot a game\\n'", "games solve - --solver enumpure"),
      1);
  EXPECT_THAT(test::read_file(err), HasSubstr("<stdin>:"));
  EXPECT_EQ(run("head -c 9000000 /dev/zero", "games solve - --solver enumpure"), 1);
  EXPECT_THAT(test::read_file(err), HasSubstr("standard input is larger than 8 MiB"));
  ASSERT_EQ(
      run("cat " + game("gambit_selten_fig2.nfg"), "games convert - -o - --format nfg-outcome"), 0);
  EXPECT_THAT(test::read_file(out), HasSubstr("NFG 1 R"));
}

// --subgame-perfect keeps the equilibria whose restriction to every subgame is one of it.
// Entry-accommodation: player 1's infosets #2 and #3 are single nodes, so each roots a
// subgame, where A (3 > 0, 2 > 1) is the only equilibrium; of enummixed's three equilibria
// only the mixed one plays A at both (S 2/3, T 1/3; E 2/3, O 1/3).
TEST_F(GamesCli, SubgamePerfectFilter) {
  const auto r = run_entente("games solve " + game("gambit_entry_accommodation.efg") +
                             " --solver enummixed --subgame-perfect --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["equilibria"].size(), 1U);
  EXPECT_EQ(doc["equilibria"][0]["exact"]["profile"]["1"]["#1"]["S"], "2/3");
  EXPECT_EQ(doc["refinement"], "subgame-perfect");
  EXPECT_EQ(doc["left_out"], 2);
  EXPECT_EQ(doc["left_out_open"], 0);
  EXPECT_EQ(r.err, "");
  // Selten's horse has no proper subgame: both pure equilibria stay, (L, R, R) included,
  // which is why Selten needed trembling-hand perfection.
  const auto horse = run_entente("games solve " + game("gambit_selten_horse.efg") +
                                 " --solver enumpure --subgame-perfect --format csv");
  ASSERT_EQ(horse.exit_code, 0) << horse.err;
  EXPECT_EQ(horse.out, "NE,0,1,1,0,1,0\nNE,1,0,1,0,0,1\n");
  // A subgame with imperfect information (entry_then_coordination.efg; derivation in
  // tests/games/refinements_test.cpp). enumpure's (Out, *; b) leaves Alice's choice after In
  // open; completed with b it is subgame perfect (the same equilibrium), and is kept so.
  const auto open = run_entente("games solve " + game("entry_then_coordination.efg") +
                                " --solver enumpure --subgame-perfect --json");
  ASSERT_EQ(open.exit_code, 0) << open.err;
  const auto d = nlohmann::json::parse(open.out);
  ASSERT_EQ(d["equilibria"].size(), 2U);
  EXPECT_EQ(d["completed"], 1);
  EXPECT_EQ(d["equilibria"][1]["exact"]["profile"]["Alice"]["Choose"]["b"], "1");
  EXPECT_FALSE(d["equilibria"][1].contains("open"));
  EXPECT_EQ(open.err, "");
  // enummixed's (Out, *; a 2/3) needs Alice at a 3/4 in the subgame for Bob to mix, and then
  // Bob at 1/4 for her to: no completion passes; the warning says the verdict rests on the
  // open choice.
  const auto mixed = run_entente("games solve " + game("entry_then_coordination.efg") +
                                 " --solver enummixed --subgame-perfect --format csv");
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_EQ(mixed.out, "NE,1,0,0,1,0,1\nNE,0,1,1,0,1,0\n");
  EXPECT_THAT(mixed.err, HasSubstr("1 of the 1 equilibrium left out as not subgame perfect "
                                   "fails only in subgames holding choices enummixed left "
                                   "open"));
}

// --perfect marks the pure equilibria that are trembling-hand perfect (derivation for
// Selten's horse in tests/games/refinements_test.cpp): (R, R, L) is, (L, R, R) is not.
TEST_F(GamesCli, PerfectMarksTremblingHandPerfectEquilibria) {
  const auto r = run_entente("games solve " + game("gambit_selten_horse.efg") +
                             " --solver enumpure --perfect --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["equilibria"].size(), 2U);
  for (const auto& e : doc["equilibria"]) {
    const bool rrl = e["exact"]["profile"]["Player 1"]["#1"]["R"] == "1";
    EXPECT_EQ(e["trembling_hand_perfect"], rrl) << e.dump();
    EXPECT_TRUE(e["perfection"].is_string());
  }
  const auto text = run_entente("games solve " + game("gambit_selten_horse.efg") +
                                " --solver enumpure --perfect");
  EXPECT_THAT(text.out, HasSubstr("  trembling-hand perfect: no (Player 2 at #1's L does "
                                  "strictly better than R against every completely mixed "
                                  "profile near it)\n"));
  EXPECT_THAT(text.out, HasSubstr("  trembling-hand perfect: yes (a best reply against "
                                  "trembles: "));
  // enumpure's (Out, *; b) in entry_then_coordination.efg leaves Alice's choice after In open;
  // with b there it is perfect: against trembles of size eta everywhere, Out gives 2 against
  // about 1, b gives 1 - eta against 3 eta, and Bob (reached only by Alice's tremble) gets
  // 3 (1 - eta) from b against eta from a.
  const auto open = run_entente("games solve " + game("entry_then_coordination.efg") +
                                " --solver enumpure --perfect");
  EXPECT_THAT(open.out, HasSubstr("trembling-hand perfect: yes (with the open choices made as "
                                  "b at Choose, "));
}

}  // namespace
}  // namespace entente
