// Solvers (include/entente/solver.hpp) on published equilibria, hand-derived small games and
// random games. Every equilibrium is checked by the independent best-response routine
// (games::regrets), not by the solver's own arithmetic.
#include "entente/solver.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "entente/game_io.hpp"
#include "games/random_games.hpp"
#include "support/test_support.hpp"

namespace entente::games {
namespace {

using Q = Rational;
using Rows = std::vector<std::vector<Q>>;

// Reference games, copied into the repository (tests/data/games/SOURCES.md).
ExtensiveGame shared_efg(const std::string& name) {
  return read_efg(entente::test::read_file(entente::test::source_path("tests/data/games/" + name)),
                  name);
}

std::vector<Equilibrium> solve(const std::string& solver, const ExtensiveGame& g,
                               const SolverOptions& options = {}) {
  return make_solver(solver, options)->solve(g);
}
std::vector<Equilibrium> solve(const std::string& solver, const StrategicGame& g,
                               const SolverOptions& options = {}) {
  return make_solver(solver, options)->solve(g);
}

double max_regret(const std::vector<double>& r) { return *std::max_element(r.begin(), r.end()); }

// The exact strategic profile of each equilibrium, for set comparisons.
std::vector<Rows> mixed_of(const std::vector<Equilibrium>& eqs) {
  std::vector<Rows> out;
  for (const auto& e : eqs) {
    Rows rows;
    for (const auto& p : e.profile.probs) rows.push_back(p[0]);
    out.push_back(rows);
  }
  return out;
}

bool contains(const std::vector<Rows>& set, const Rows& x) {
  return std::find(set.begin(), set.end(), x) != set.end();
}

StrategicGame bimatrix(const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                       const std::vector<std::vector<std::pair<int, int>>>& pay) {
  StrategicGame g({"Row", "Column"}, {rows, cols});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < cols.size(); ++j) {
      g.set_payoffs({static_cast<int>(i), static_cast<int>(j)},
                    {Q(pay[i][j].first), Q(pay[i][j].second)});
    }
  }
  return g;
}

// ---------------------------------------------------------------- registry

TEST(GamesSolver, RegistryListsTheSolversAndRefusesUnknownOnes) {
  std::vector<std::string> names;
  for (const auto& info : registered_solvers()) names.push_back(info.name);
  EXPECT_EQ(names, (std::vector<std::string>{"backward-induction", "enummixed", "enumpoly",
                                             "enumpure", "gnm", "lcp", "logit", "simpdiv"}));
  try {
    (void)make_solver("enummixd");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown solver 'enummixd'; did you mean 'enummixed'?");
  }
  try {
    (void)make_solver("lcp", {{"lable", "1"}});
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "solver 'lcp' has no option 'lable'; did you mean 'label'?");
  }
  EXPECT_THROW((void)make_solver("logit", {{"lambda_max", "-1"}}), std::invalid_argument);
}

TEST(GamesSolver, UnsuitableGamesAreSolverErrors) {
  const StrategicGame three = test::random_strategic(1, 3, 2);
  EXPECT_THROW((void)solve("enummixed", three), SolverError);
  EXPECT_THROW((void)solve("lcp", three), SolverError);
  EXPECT_THROW((void)solve("backward-induction", three), SolverError);
  const ExtensiveGame entry = shared_efg("gambit_entry_accommodation.efg");
  EXPECT_THROW((void)solve("backward-induction", entry), SolverError);  // imperfect information
}

// ---------------------------------------------------------------- reference games

// Gambit's tests expect this mixed equilibrium of gambit_entry_accommodation.efg among the
// equilibria (tests/data/games/SOURCES.md): P1 (S 2/3, T 1/3; A, A), P2 (E 2/3, O 1/3).
TEST(GamesSolver, EntryAccommodationPublishedMixedEquilibrium) {
  const ExtensiveGame g = shared_efg("gambit_entry_accommodation.efg");
  const std::vector<std::vector<std::vector<Q>>> expected = {
      {{Q(2, 3), Q(1, 3)}, {Q(1), Q(0)}, {Q(1), Q(0)}}, {{Q(2, 3), Q(1, 3)}}};
  for (const char* solver : {"enummixed", "lcp"}) {
    SCOPED_TRACE(solver);
    const auto eqs = solve(solver, g);
    bool found = false;
    for (const auto& e : eqs) {
      found = found || e.profile.probs == expected;
      EXPECT_LT(max_regret(regrets(g, e.profile)), 1e-12);
    }
    EXPECT_TRUE(found);
  }
  // Payoffs (7/3, 7/3): S then A against E 2/3 gives 3*2/3 + 1*1/3 (hand).
  const auto lcp = solve("lcp", g);
  ASSERT_EQ(lcp.size(), 1U);
  EXPECT_EQ(lcp[0].payoffs, (std::vector<Q>{Q(7, 3), Q(7, 3)}));
  // logit's principal branch converges to the same equilibrium.
  const auto logit = solve("logit", g);
  ASSERT_EQ(logit.size(), 1U);
  EXPECT_NEAR(logit[0].profile.approx[0][0][0], 2.0 / 3.0, 1e-4);
  EXPECT_NEAR(logit[0].profile.approx[1][0][0], 2.0 / 3.0, 1e-4);
  EXPECT_LT(max_regret(regrets(g, logit[0].profile)), 1e-5);
}

// Kuhn poker: the game value is -1/18 for player 1 (tests/data/games/SOURCES.md; Kuhn 1950).
TEST(GamesSolver, KuhnPokerValueBySequenceFormLemke) {
  const ExtensiveGame g = shared_efg("openspiel_kuhn_poker.efg");
  const auto eqs = solve("lcp", g);
  ASSERT_EQ(eqs.size(), 1U);
  EXPECT_EQ(eqs[0].payoffs, (std::vector<Q>{Q(-1, 18), Q(1, 18)}));
  EXPECT_LT(max_regret(regrets(g, eqs[0].profile)), 1e-12);
  // Player 2 holding the king (card "2") calls a bet: calling wins 2, folding loses 1 (hand).
  const auto p2 = g.player_infosets(2);
  for (std::size_t k = 0; k < p2.size(); ++k) {
    if (g.infoset(p2[k]).label == "2b") {
      EXPECT_EQ(eqs[0].profile.probs[1][k], (std::vector<Q>{0, 1}));
    }
  }
  const auto logit = solve("logit", g);
  EXPECT_NEAR(logit[0].payoffs_approx[0], -1.0 / 18.0, 1e-4);
  EXPECT_LT(max_regret(regrets(g, logit[0].profile)), 1e-4);
}

// One-card poker (gambit_doc_poker.efg, after Myerson 1991), derived by hand: Bob meets a
// raise with m and Alice raises a queen with q. Bob is indifferent when
// (-2 + 2q) / (1 + q) = -1, q = 1/3; Alice with a queen when -2m + (1 - m) = -1, m = 2/3. Value
// 1/2 (2m + (1 - m)) + 1/2 (-1) = 1/3 for Alice. The equilibrium is unique.
TEST(GamesSolver, OneCardPokerDocumentationGame) {
  const ExtensiveGame g = shared_efg("gambit_doc_poker.efg");
  const std::vector<std::vector<std::vector<Q>>> expected = {{{Q(1), Q(0)}, {Q(1, 3), Q(2, 3)}},
                                                             {{Q(2, 3), Q(1, 3)}}};
  for (const char* solver : {"enummixed", "lcp"}) {
    SCOPED_TRACE(solver);
    const auto eqs = solve(solver, g);
    ASSERT_EQ(eqs.size(), 1U);
    EXPECT_EQ(eqs[0].profile.probs, expected);
    EXPECT_EQ(eqs[0].payoffs, (std::vector<Q>{Q(1, 3), Q(-1, 3)}));
  }
  EXPECT_TRUE(solve("enumpure", g).empty());
}

// Selten (1975) fig. 2 (gambit_selten_fig2.nfg), by hand: strategy 1 gives player 1 payoff 1
// whatever player 2 does; 2 gives 0; 3 gives 2 y2. So player 1 plays 1 exactly when
// y2 <= 1/2, and then player 2 is indifferent (1 either way): the equilibria are
// {1} x {y : y2 <= 1/2}, with extreme points y = (1, 0) and (1/2, 1/2). The only pure one is
// (1, 1).
TEST(GamesSolver, SeltenFigure2) {
  const StrategicGame g = read_nfg(entente::test::read_file(entente::test::source_path(
                                       "tests/data/games/gambit_selten_fig2.nfg")),
                                   "s.nfg");
  const auto all = mixed_of(solve("enummixed", g));
  ASSERT_EQ(all.size(), 2U);
  EXPECT_TRUE(contains(all, Rows{{1, 0, 0}, {1, 0}}));
  EXPECT_TRUE(contains(all, Rows{{1, 0, 0}, {Q(1, 2), Q(1, 2)}}));
  EXPECT_EQ(mixed_of(solve("enumpure", g)), (std::vector<Rows>{Rows{{1, 0, 0}, {1, 0}}}));
  for (const Rows& r : mixed_of(solve("lcp", g))) EXPECT_TRUE(contains(all, r));
}

// Matching pennies: the unique equilibrium is both mixing 1/2 (hand: each must make the
// other indifferent).
TEST(GamesSolver, MatchingPennies) {
  const StrategicGame g =
      bimatrix({"H", "T"}, {"H", "T"}, {{{1, -1}, {-1, 1}}, {{-1, 1}, {1, -1}}});
  const Rows half{{Q(1, 2), Q(1, 2)}, {Q(1, 2), Q(1, 2)}};
  EXPECT_EQ(mixed_of(solve("enummixed", g)), std::vector<Rows>{half});
  EXPECT_EQ(mixed_of(solve("lcp", g)), std::vector<Rows>{half});
  EXPECT_TRUE(solve("enumpure", g).empty());
  const auto logit = solve("logit", g);
  EXPECT_NEAR(logit[0].profile.approx[0][0][0], 0.5, 1e-9);
  EXPECT_NEAR(logit[0].payoffs_approx[0], 0.0, 1e-9);
}

// Battle of the sexes, (Opera, Opera) = (2, 1), (Football, Football) = (1, 2), else 0. By
// hand: two pure equilibria and one mixed where Row plays Opera 2/3 (Column indifferent:
// 1 p = 2 (1 - p)) and Column plays Opera 1/3 (Row indifferent: 2 q = 1 - q); payoffs 2/3 each.
TEST(GamesSolver, BattleOfTheSexesHasThreeEquilibria) {
  const StrategicGame g =
      bimatrix({"Opera", "Football"}, {"Opera", "Football"}, {{{2, 1}, {0, 0}}, {{0, 0}, {1, 2}}});
  const auto eqs = solve("enummixed", g);
  const auto all = mixed_of(eqs);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_TRUE(contains(all, Rows{{1, 0}, {1, 0}}));
  EXPECT_TRUE(contains(all, Rows{{0, 1}, {0, 1}}));
  EXPECT_TRUE(contains(all, Rows{{Q(2, 3), Q(1, 3)}, {Q(1, 3), Q(2, 3)}}));
  for (const auto& e : eqs) {
    if (e.profile.probs[0][0][0] == Q(2, 3)) {
      EXPECT_EQ(e.payoffs, (std::vector<Q>{Q(2, 3), Q(2, 3)}));
    }
  }
  EXPECT_EQ(solve("enumpure", g).size(), 2U);
  // A Lemke–Howson path from the artificial equilibrium reaches only equilibria of index +1
  // (here the two pure ones); paths from those reach the mixed one (index -1), so lcp's
  // default (every label, from every equilibrium found: Gambit's AllLemke) finds all three.
  const auto lh = mixed_of(solve("lcp", g));
  EXPECT_EQ(lh.size(), 3U);
  for (const Rows& r : lh) EXPECT_TRUE(contains(all, r));
  EXPECT_TRUE(contains(lh, Rows{{Q(2, 3), Q(1, 3)}, {Q(1, 3), Q(2, 3)}}));
  for (const char* label : {"1", "2", "3", "4"}) {
    const auto one = mixed_of(solve("lcp", g, {{"label", label}}));
    ASSERT_EQ(one.size(), 1U);
    EXPECT_NE(one[0][0][0], Q(2, 3));  // one path from the artificial one: a pure equilibrium
  }
  const auto logit = solve("logit", g);
  EXPECT_LT(max_regret(regrets(g, logit[0].profile)), 1e-6);
}

// Prisoner's dilemma (C,C) = (-1,-1), (C,D) = (-3,0), (D,C) = (0,-3), (D,D) = (-2,-2): defect
// strictly dominates, so (D, D) is the only equilibrium (hand).
TEST(GamesSolver, PrisonersDilemma) {
  const StrategicGame g =
      bimatrix({"C", "D"}, {"C", "D"}, {{{-1, -1}, {-3, 0}}, {{0, -3}, {-2, -2}}});
  const std::vector<Rows> dd{Rows{{0, 1}, {0, 1}}};
  EXPECT_EQ(mixed_of(solve("enumpure", g)), dd);
  EXPECT_EQ(mixed_of(solve("enummixed", g)), dd);
  EXPECT_EQ(mixed_of(solve("lcp", g)), dd);
  EXPECT_NEAR(solve("logit", g)[0].profile.approx[0][0][1], 1.0, 1e-6);
}

// A three-player entry game, built in code as a crisis model would. Entrant A moves first
// (In/Out); the incumbent answers an entry (Fight/Acc); entrant B then decides.
//   A Out, B In, incumbent Fight (0,-1,-2) / Acc (0,2,1);  A Out, B Out (0,4,0)
//   A In, incumbent Fight (-2,-1,0); A In, Acc, B In (1,1,-1) / B Out (2,2,0)
// By hand: after A Out and B In the incumbent accommodates (2 > -1), so B enters (1 > 0);
// after A In and Acc, B stays out (0 > -1), so the incumbent accommodates (2 > -1) and A
// enters (2 > 0). Payoffs (2, 2, 0).
TEST(GamesSolver, BackwardInductionOnThreePlayerEntryGame) {
  ExtensiveGame g({"A", "Incumbent", "B"}, "three-player entry");
  const auto root = g.set_move(0, g.add_infoset(1, {"In", "Out"}));
  const auto after_in = g.set_move(root[0], g.add_infoset(2, {"Fight", "Acc"}));
  g.set_node_label(root[0], "incumbent after A enters");
  g.set_outcome(after_in[0], g.add_outcome({-2, -1, 0}));
  const auto b1 = g.set_move(after_in[1], g.add_infoset(3, {"In", "Out"}));
  g.set_outcome(b1[0], g.add_outcome({1, 1, -1}));
  g.set_outcome(b1[1], g.add_outcome({2, 2, 0}));
  const auto b2 = g.set_move(root[1], g.add_infoset(3, {"In", "Out"}));
  const auto inc2 = g.set_move(b2[0], g.add_infoset(2, {"Fight", "Acc"}));
  g.set_outcome(inc2[0], g.add_outcome({0, -1, -2}));
  g.set_outcome(inc2[1], g.add_outcome({0, 2, 1}));
  g.set_outcome(b2[1], g.add_outcome({0, 4, 0}));

  const auto eqs = solve("backward-induction", g);
  ASSERT_EQ(eqs.size(), 1U);
  const Equilibrium& e = eqs[0];
  EXPECT_EQ(e.payoffs, (std::vector<Q>{2, 2, 0}));
  EXPECT_EQ(e.profile.probs[0], (Rows{{1, 0}}));          // A: In
  EXPECT_EQ(e.profile.probs[1], (Rows{{0, 1}, {0, 1}}));  // incumbent: Acc, Acc
  EXPECT_EQ(e.profile.probs[2], (Rows{{0, 1}, {1, 0}}));  // B: Out after Acc, In after A Out
  EXPECT_EQ(max_regret(regrets(g, e.profile)), 0.0);
  // The query a crisis model makes: is Acc taken at the labelled node, and is it reached?
  const int node = g.find_node("incumbent after A enters");
  EXPECT_EQ(action_probability(g, e.profile, node, 1), 1.0);
  EXPECT_EQ(reach_probability(g, e.profile, node), 1.0);
  // Subgame perfection: the profile is among the agent-form pure equilibria.
  const auto agent = solve("enumpure", g, {{"agent", "true"}});
  EXPECT_TRUE(std::any_of(agent.begin(), agent.end(), [&](const Equilibrium& a) {
    return a.profile.probs == e.profile.probs;
  }));
}

// ---------------------------------------------------------------- imperfect recall

// forgetful_coordination.efg: Alice picks L/R, Bob guesses it unseen, Alice (having forgotten
// her pick) picks l/r. Alice: 2 when her picks match, minus 1 when Bob guessed right; Bob: 1
// when right. By hand, the strategic form (Alice's strategies Ll, Lr, Rl, Rr) against Bob's
// L, R is Ll (1,1) (2,0); Lr (-1,1) (0,0); Rl (0,0) (-1,1); Rr (2,0) (1,1). Lr and Rl are
// strictly dominated; on Ll, Rr it is a matching-pennies game with the unique equilibrium
// Alice (Ll 1/2, Rr 1/2), Bob (1/2, 1/2), Alice's payoff 3/2. Its behaviour "equivalent"
// (first pick 1/2, second pick 1/2) matches only half the time: Alice gets 2/2 - 1/2 = 1/2
// and gains 1 by playing Ll. No pure equilibrium: against L Alice plays Rr, against R Ll.
TEST(GamesSolver, ImperfectRecallIsRefusedBySolversThatNeedIt) {
  const ExtensiveGame g = shared_efg("forgetful_coordination.efg");
  ASSERT_FALSE(g.perfect_recall_problem().empty());
  for (const char* solver : {"enummixed", "logit", "lcp"}) {
    SCOPED_TRACE(solver);
    try {
      (void)solve(solver, g);
      ADD_FAILURE() << "no error";
    } catch (const SolverError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string(solver) +
                    " needs perfect recall, and this game lacks it: player 1's information set "
                    "2 holds nodes reached by different own moves; expected perfect recall (a "
                    "player remembers its own moves). enumpure finds the pure equilibria of its "
                    "strategic form, which stay equilibria without perfect recall");
    }
  }
  EXPECT_TRUE(solve("enumpure", g).empty());
  // The strategic form itself is fine: its equilibrium is the one derived above.
  const ReducedForm form = reduced_strategic_form(g);
  EXPECT_EQ(form.game.strategies()[0], (std::vector<std::string>{"L,l", "L,r", "R,l", "R,r"}));
  const auto eqs = mixed_of(solve("enummixed", form.game));
  EXPECT_EQ(eqs, (std::vector<Rows>{Rows{{Q(1, 2), 0, 0, Q(1, 2)}, {Q(1, 2), Q(1, 2)}}}));
  // ... and why a behaviour profile cannot stand for it: Alice's payoff drops to 1/2.
  const Profile behaviour =
      behaviour_from_mixed(g, form, mixed_profile({{Q(1, 2), 0, 0, Q(1, 2)}, {Q(1, 2), Q(1, 2)}}));
  EXPECT_EQ(expected_payoffs(g, behaviour)[0], Q(1, 2));
}

// Player 1 moves at A (L/R); after L at K (k1 1, k2 0); after R at B: y ends (2), x leads to
// K again (k1 0, k2 3). K is reached by different own moves: no perfect recall. Her
// strategies, by hand: L,k1,* (1), L,k2,* (0), R,k1,x (0), R,k2,x (3), R,*,y (2); the best is
// R,k2,x. The reduced form used to decide K's reachability before B's move and lost R,k?,x.
TEST(GamesSolver, ReducedFormWithoutPerfectRecallKeepsEveryStrategy) {
  ExtensiveGame g({"Solo", "Bystander"}, "forgetful path");
  const auto a = g.set_move(0, g.add_infoset(1, {"L", "R"}));
  const int k = g.add_infoset(1, {"k1", "k2"});
  const auto first = g.set_move(a[0], k);
  g.set_outcome(first[0], g.add_outcome({1, 0}));
  g.set_outcome(first[1], g.add_outcome({0, 0}));
  const auto b = g.set_move(a[1], g.add_infoset(1, {"x", "y"}));
  g.set_outcome(b[1], g.add_outcome({2, 0}));
  const auto second = g.set_move(b[0], k);
  g.set_outcome(second[0], g.add_outcome({0, 0}));
  g.set_outcome(second[1], g.add_outcome({3, 0}));
  ASSERT_FALSE(g.perfect_recall_problem().empty());

  const ReducedForm form = reduced_strategic_form(g);
  EXPECT_EQ(form.game.strategies()[0],
            (std::vector<std::string>{"L,k1,*", "L,k2,*", "R,k1,x", "R,*,y", "R,k2,x"}));
  std::vector<Q> payoffs;
  for (std::size_t c = 0; c < form.game.num_cells(); ++c) payoffs.push_back(form.game.payoff(c, 0));
  EXPECT_EQ(payoffs, (std::vector<Q>{1, 0, 0, 2, 3}));
  const auto eqs = solve("enumpure", g);
  ASSERT_EQ(eqs.size(), 1U);
  EXPECT_EQ(eqs[0].profile.probs[0], (Rows{{0, 1}, {0, 1}, {1, 0}}));  // R; k2; x
  EXPECT_EQ(eqs[0].payoffs, (std::vector<Q>{3, 0}));
}

// ---------------------------------------------------------------- logit and large payoffs

// Weighted matching pennies plus `offset` on every payoff. Row (2, 0 / 0, 1) wants to match,
// Column (0, 1 / 1, 0) to mismatch. By hand: Column's y on H makes Row indifferent when
// 2y = 1 - y, y = 1/3; Row's x makes Column indifferent when 1 - x = x, x = 1/2. A constant
// added to every payoff changes nothing.
StrategicGame weighted_pennies(const Q& offset) {
  StrategicGame g({"Row", "Column"}, {{"H", "T"}, {"H", "T"}});
  const int pay[2][2][2] = {{{2, 0}, {0, 1}}, {{0, 1}, {1, 0}}};
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      g.set_payoffs({i, j}, {Q(pay[i][j][0] + offset), Q(pay[i][j][1] + offset)});
    }
  }
  return g;
}

TEST(GamesSolver, LogitNormalisesLargePayoffsExactly) {
  mpz_class big;
  mpz_ui_pow_ui(big.get_mpz_t(), 10, 30);
  mpz_class huge;
  mpz_ui_pow_ui(huge.get_mpz_t(), 10, 400);  // beyond double's range
  for (const Q& offset : {Q(0), Q(big), Q(huge), Q(-huge)}) {
    SCOPED_TRACE(offset.get_d());
    const auto eqs = solve("logit", weighted_pennies(offset));
    ASSERT_EQ(eqs.size(), 1U);
    EXPECT_NEAR(eqs[0].profile.approx[0][0][0], 0.5, 1e-4);
    EXPECT_NEAR(eqs[0].profile.approx[1][0][0], 1.0 / 3.0, 1e-4);
  }
}

// ---------------------------------------------------------------- budgets

// A two-player chain `depth` moves long: at move i the mover (players alternate) stops,
// ending the game with payoffs (i, depth - i), or goes on. Perfect information.
ExtensiveGame chain(int depth) {
  ExtensiveGame g({"First", "Second"}, "chain");
  int node = 0;
  for (int i = 0; i < depth; ++i) {
    const auto next = g.set_move(node, g.add_infoset(1 + i % 2, {"stop", "go"}));
    g.set_outcome(next[0], g.add_outcome({Q(i), Q(depth - i)}));
    node = next[1];
  }
  g.set_outcome(node, g.add_outcome({Q(depth), Q(0)}));
  return g;
}

// logit reports the lambda it stopped at, and max_regret stops it early: on the
// entry-accommodation game at a profile whose regret (the independent best-response routine)
// is within the bound, well before lambda_max; the default traces to lambda_max.
TEST(GamesSolver, LogitStopsAtARegretAndReportsLambda) {
  const ExtensiveGame g = shared_efg("gambit_entry_accommodation.efg");
  const auto full = solve("logit", g);
  ASSERT_EQ(full.size(), 1U);
  EXPECT_GE(full[0].lambda, 1e7);
  const auto early = solve("logit", g, {{"max_regret", "1e-3"}});
  ASSERT_EQ(early.size(), 1U);
  EXPECT_LE(max_regret(regrets(g, early[0].profile)), 1e-3);
  EXPECT_GT(early[0].lambda, 0.0);
  EXPECT_LT(early[0].lambda, 1e5);
  // Exact solvers have no lambda.
  EXPECT_LT(solve("lcp", g)[0].lambda, 0.0);
  EXPECT_THROW((void)make_solver("logit", {{"max_regret", "-1"}}), std::invalid_argument);
}

// logit in behaviour strategies (--option agent=true: agent QRE with conditional payoffs, as
// gambit-logit on trees). Selten's horse: the branch's limit is a sequential equilibrium
// (McKelvey and Palfrey 1998), here (R; R; L): player 3, whose set play never reaches,
// answers her beliefs with L — Selten's (trembling-hand) perfect equilibrium, not the
// imperfect (L; R; R) (Selten 1975; tests/data/games/SOURCES.md).
TEST(GamesSolver, LogitInBehaviourStrategies) {
  const ExtensiveGame horse = shared_efg("gambit_selten_horse.efg");
  const auto h = solve("logit", horse, {{"agent", "true"}});
  ASSERT_EQ(h.size(), 1U);
  EXPECT_NEAR(h[0].profile.approx[0][0][0], 1.0, 1e-4);  // player 1: R
  EXPECT_NEAR(h[0].profile.approx[1][0][0], 1.0, 1e-4);  // player 2: R
  EXPECT_NEAR(h[0].profile.approx[2][0][1], 1.0, 1e-4);  // player 3: L
  EXPECT_TRUE(h[0].specifies_avoided);
  EXPECT_LT(max_regret(regrets(horse, h[0].profile)), 1e-5);
  EXPECT_GT(h[0].lambda, 1e6);
}

// Kuhn poker's value -1/18 (OpenSpiel), traced in behaviour strategies: 12 information
// sets, 24 unknowns, evaluated on the tree (20 ms in the Release build).
TEST(GamesSolver, LogitInBehaviourStrategiesOnKuhnPoker) {
  const ExtensiveGame kuhn = shared_efg("openspiel_kuhn_poker.efg");
  const auto k = solve("logit", kuhn, {{"agent", "true"}});
  ASSERT_EQ(k.size(), 1U);
  EXPECT_NEAR(k[0].payoffs_approx[0], -1.0 / 18.0, 1e-4);
  EXPECT_LT(max_regret(regrets(kuhn, k[0].profile)), 1e-5);
}

TEST(GamesSolverBudget, OptionsAreParsedAndCheckedForEverySolver) {
  for (const auto& info : registered_solvers()) {
    const auto s = make_solver(info.name, {{"max_seconds", "2.5"}, {"max_memory", "512M"}});
    EXPECT_EQ(s->budget().max_seconds, 2.5);
    EXPECT_EQ(s->budget().max_memory, std::size_t{512} << 20U);
  }
  EXPECT_EQ(make_solver("lcp")->budget().max_seconds, Budget::kDefaultSeconds);
  EXPECT_EQ(make_solver("lcp")->budget().max_memory, Budget::kDefaultMemory);
  EXPECT_EQ(parse_memory_size("3K", "x"), 3072U);
  EXPECT_EQ(parse_memory_size("1000", "x"), 1000U);
  for (const char* bad : {"", "0", "12X", "-1M", "1.5G", "99999999999999999999G"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW((void)make_solver("lcp", {{"max_memory", bad}}), std::invalid_argument);
  }
  EXPECT_THROW((void)make_solver("lcp", {{"max_seconds", "soon"}}), std::invalid_argument);
}

// The issue's case: enummixed on Kuhn poker (a 27 x 64 reduced form) used to grow to 4 GB
// and abort. Its memory is now charged per queued tableau; a small budget stops it with a
// message naming lcp, which solves Kuhn poker at once (value -1/18).
TEST(GamesSolverBudget, EnumMixedOnKuhnPokerStopsAtItsMemoryBudget) {
  const ExtensiveGame g = shared_efg("openspiel_kuhn_poker.efg");
  const auto solver = make_solver("enummixed", {{"max_memory", "8M"}});
  EXPECT_NE(solver->work_warning(g).find("(27 x 64 here)"), std::string::npos)
      << solver->work_warning(g);
  try {
    (void)solver->solve(g);
    ADD_FAILURE() << "no budget error";
  } catch (const BudgetExceeded& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("enummixed: the memory budget of 8 MiB (max_memory) ran out after ", 0),
              0U)
        << what;
    EXPECT_NE(what.find("best-response polytope (27 x 64 game)"), std::string::npos) << what;
    EXPECT_NE(what.find("lcp suits this game"), std::string::npos) << what;
    for (const auto& eq : e.found()) EXPECT_LT(max_regret(regrets(g, eq.profile)), 1e-12);
  }
  EXPECT_EQ(solve("lcp", g)[0].payoffs[0], Q(-1, 18));
  // A small game raises no warning.
  EXPECT_EQ(solver->work_warning(shared_efg("gambit_doc_poker.efg")), "");
}

// A 2,000-move chain: its reduced form has 1,001 x 1,001 strategies, each cell a walk down
// the chain. A tiny time budget stops enumpure with a message naming backward-induction,
// which solves the chain in linear time. By hand: stopping at move i gives First i and
// Second 2000 - i, so Second (odd moves) stops at once rather than let the count grow, and
// First (even moves) goes on, since Second's stop at i + 1 gives her more than i. Play ends
// at move 1: (1, 1999).
TEST(GamesSolverBudget, EnumPureOnADeepChainStopsAtItsTimeBudget) {
  const ExtensiveGame g = chain(2000);
  const auto solver = make_solver("enumpure", {{"max_seconds", "0.001"}});
  EXPECT_NE(solver->work_warning(g).find("(1001 x 1001 strategies)"), std::string::npos)
      << solver->work_warning(g);
  try {
    (void)solver->solve(g);
    ADD_FAILURE() << "no budget error";
  } catch (const BudgetExceeded& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("enumpure: the time budget of 0.001 s (max_seconds) ran out ", 0), 0U)
        << what;
    EXPECT_NE(what.find("backward-induction suits this game"), std::string::npos) << what;
  }
  const auto bi = solve("backward-induction", g);
  ASSERT_EQ(bi.size(), 1U);
  EXPECT_EQ(bi[0].payoffs, (std::vector<Q>{1, 1999}));
}

// logit out of time reports the profile where it stopped; lcp the paths it finished.
TEST(GamesSolverBudget, LogitAndLcpReportWhatTheyFoundSoFar) {
  const StrategicGame g = test::random_strategic(7, 2, 40, 5, 7);
  try {
    (void)solve("logit", g, {{"max_seconds", "0.000001"}});
    ADD_FAILURE() << "no budget error";
  } catch (const BudgetExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("logit: the time budget of 1e-06 s (max_seconds) ran "
                                         "out at lambda = "),
              std::string::npos)
        << e.what();
    ASSERT_EQ(e.found().size(), 1U);
    EXPECT_EQ(e.found()[0].profile.approx.size(), 2U);
  }
  try {
    (void)solve("lcp", g, {{"max_memory", "1K"}});
    ADD_FAILURE() << "no budget error";
  } catch (const BudgetExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("lcp: the memory budget of 1 KiB (max_memory) ran out "
                                         "before Lemke-Howson"),
              std::string::npos)
        << e.what();
    EXPECT_TRUE(e.found().empty());
  }
}

// The sequence form's tableau is charged before Lemke's algorithm starts (and again as it
// fills in): a budget smaller than Kuhn poker's stops it with the sizes in the message.
TEST(GamesSolverBudget, SequenceFormTableauIsCharged) {
  const ExtensiveGame g = shared_efg("openspiel_kuhn_poker.efg");
  try {
    (void)solve("lcp", g, {{"max_memory", "16K"}});
    ADD_FAILURE() << "no budget error";
  } catch (const BudgetExceeded& e) {
    // 13 sequences each (1 + 6 information sets x 2 actions); the tableau has a row per
    // sequence and per constraint (1 + 6 for each player, twice: p = p' - p'').
    EXPECT_EQ(std::string(e.what()).rfind("lcp: the memory budget of 16 KiB (max_memory) ran out "
                                          "before Lemke's algorithm on the sequence form (13 x 13 "
                                          "sequences; tableau 54 x 109)",
                                          0),
              0U)
        << e.what();
  }
  // The initial tableau fits in 64 KiB, the filled-in one does not.
  try {
    (void)solve("lcp", g, {{"max_memory", "64K"}});
    ADD_FAILURE() << "no budget error";
  } catch (const BudgetExceeded& e) {
    EXPECT_EQ(std::string(e.what()).rfind("lcp: the memory budget of 64 KiB (max_memory) ran out "
                                          "in Lemke's algorithm on the sequence form (13 x 13 "
                                          "sequences; tableau 54 x 109) after ",
                                          0),
              0U)
        << e.what();
  }
  EXPECT_EQ(solve("lcp", g, {{"max_memory", "1M"}})[0].payoffs[0], Q(-1, 18));
  // Kuhn poker's 54 rows raise no warning; a 2,047-node binary tree's 4,098 do (by hand:
  // 1,023 information sets of 2 actions, 6 + 1,023 x 4 rows).
  EXPECT_EQ(make_solver("lcp")->work_warning(g), "");
  ExtensiveGame tree({"1", "2"});
  std::vector<int> frontier{0};
  for (int depth = 0; depth < 10; ++depth) {
    std::vector<int> next;
    for (int v : frontier) {
      for (int c : tree.set_move(v, tree.add_infoset(1 + depth % 2, {"a", "b"}))) next.push_back(c);
    }
    frontier = next;
  }
  EXPECT_EQ(make_solver("lcp")->work_warning(tree).rfind("lcp pivots an exact 4098-row tableau", 0),
            0U);
}

// ---------------------------------------------------------------- properties

RC_GTEST_PROP(GamesSolverProperty, TwoPlayerStrategicEquilibriaHaveZeroRegret, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const StrategicGame g = test::random_strategic(seed, 2, 4, 5, *rc::gen::element(1, 7));
  const auto all = solve("enummixed", g);
  RC_ASSERT(!all.empty());  // every finite game has an equilibrium
  const auto all_mixed = mixed_of(all);
  for (const auto& e : all) RC_ASSERT(max_regret(regrets(g, e.profile)) < 1e-9);
  // Lemke–Howson and pure equilibria are extreme equilibria: among enummixed's.
  for (const auto& e : solve("lcp", g)) {
    RC_ASSERT(max_regret(regrets(g, e.profile)) < 1e-9);
    RC_ASSERT(contains(all_mixed, mixed_of({e})[0]));
  }
  for (const auto& e : solve("enumpure", g)) RC_ASSERT(contains(all_mixed, mixed_of({e})[0]));
}

RC_GTEST_PROP(GamesSolverProperty, LogitLimitIsAnApproximateEquilibrium, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const StrategicGame g =
      test::random_strategic(seed, *rc::gen::inRange(2, 5), 3, 5, *rc::gen::element(1, 7));
  const auto eqs = solve("logit", g);
  RC_ASSERT(eqs.size() == 1U);
  // Payoffs span at most 10: regret <= 10 / (e lambda), lambda >= 1000 when tracing stalls
  // in double precision before lambda_max (docs/games.md), else lambda_max = 1e7.
  RC_ASSERT(max_regret(regrets(g, eqs[0].profile)) < 5e-3);
}

RC_GTEST_PROP(GamesSolverProperty, NPlayerPureEquilibriaHaveZeroRegret, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const StrategicGame g = test::random_strategic(seed, *rc::gen::inRange(2, 5), 3, 2);
  const auto found = mixed_of(solve("enumpure", g));
  // Every pure profile with zero regret (the independent best-response routine), in cell
  // order, is exactly what enumpure lists.
  std::vector<Rows> expected;
  std::vector<int> s(static_cast<std::size_t>(g.num_players()), 0);
  for (std::size_t c = 0; c < g.num_cells(); ++c) {
    Rows rows;
    for (int p = 0; p < g.num_players(); ++p) {
      std::vector<Q> row(static_cast<std::size_t>(g.num_strategies(p)), Q(0));
      row[static_cast<std::size_t>(s[static_cast<std::size_t>(p)])] = 1;
      rows.push_back(row);
    }
    if (max_regret(regrets(g, mixed_profile(rows))) == 0.0) expected.push_back(rows);
    for (int p = 0; p < g.num_players(); ++p) {
      if (++s[static_cast<std::size_t>(p)] < g.num_strategies(p)) break;
      s[static_cast<std::size_t>(p)] = 0;
    }
  }
  RC_ASSERT(found == expected);
}

RC_GTEST_PROP(GamesSolverProperty, TwoPlayerExtensiveEquilibriaHaveZeroRegretOnTheTree, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const ExtensiveGame g = test::random_extensive(seed, 2, *rc::gen::inRange(1, 4), false);
  const auto lemke = solve("lcp", g);
  RC_ASSERT(lemke.size() == 1U);
  RC_ASSERT(max_regret(regrets(g, lemke[0].profile)) < 1e-9);
  for (const auto& e : solve("enumpure", g)) RC_ASSERT(max_regret(regrets(g, e.profile)) < 1e-9);
  // Vertex enumeration grows exponentially with the reduced form (a 9 x 240 one takes
  // minutes): only small ones here.
  const ReducedForm form = reduced_strategic_form(g);
  if (form.game.num_cells() <= 150) {
    const auto all = solve("enummixed", g);
    RC_ASSERT(!all.empty());
    for (const auto& e : all) RC_ASSERT(max_regret(regrets(g, e.profile)) < 1e-9);
  }
}

RC_GTEST_PROP(GamesSolverProperty, ReducedStrategyCountsMatchTheReducedForm, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const ExtensiveGame g = test::random_extensive(seed, *rc::gen::inRange(1, 4), 3, false);
  const ReducedForm form = reduced_strategic_form(g);
  const std::vector<double> counts = reduced_strategy_counts(g);
  for (int p = 0; p < g.num_players(); ++p) {
    RC_ASSERT(counts[static_cast<std::size_t>(p)] == form.game.num_strategies(p));
  }
}

RC_GTEST_PROP(GamesSolverProperty, BackwardInductionIsSubgamePerfect, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const ExtensiveGame g = test::random_extensive(seed, *rc::gen::inRange(1, 4), 3, true);
  const auto eqs = solve("backward-induction", g);
  RC_ASSERT(eqs.size() == 1U);
  RC_ASSERT(max_regret(regrets(g, eqs[0].profile)) < 1e-9);
  std::size_t decisions = 0;
  for (const auto& h : g.infosets()) decisions += h.player > 0 ? 1 : 0;
  if (decisions > 8) return;  // the agent form has up to 3^decisions profiles
  const auto agent = solve("enumpure", g, {{"agent", "true"}});
  RC_ASSERT(std::any_of(agent.begin(), agent.end(), [&](const Equilibrium& a) {
    return a.profile.probs == eqs[0].profile.probs;
  }));
}

}  // namespace
}  // namespace entente::games
