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

ExtensiveGame shared_efg(const std::string& name) {
  return read_efg(entente::test::read_file(entente::test::shared_data_path("games/" + name)), name);
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
  EXPECT_EQ(names, (std::vector<std::string>{"backward-induction", "enummixed", "enumpure", "lcp",
                                             "logit"}));
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
// equilibria (tests/data/reference/SOURCES.md): P1 (S 2/3, T 1/3; A, A), P2 (E 2/3, O 1/3).
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

// Kuhn poker: the game value is -1/18 for player 1 (tests/data/reference/SOURCES.md; Kuhn 1950).
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
  const StrategicGame g = read_nfg(
      entente::test::read_file(entente::test::shared_data_path("games/gambit_selten_fig2.nfg")),
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
  // Lemke–Howson reaches only equilibria of index +1: here the two pure ones.
  const auto lh = mixed_of(solve("lcp", g));
  EXPECT_EQ(lh.size(), 2U);
  for (const Rows& r : lh) EXPECT_TRUE(contains(all, r));
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
  for (const auto& e : solve("enumpure", g)) RC_ASSERT(max_regret(regrets(g, e.profile)) == 0.0);
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
