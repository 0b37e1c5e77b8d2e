// The game model (include/entente/games.hpp): builder, reduced strategic form, behaviour
// profiles, payoffs, the independent best-response regret, queries a crisis model needs.
#include "entente/games.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <random>

#include "games/random_games.hpp"

namespace entente::games {
namespace {

using Q = Rational;

// Matching pennies (hand-written): player 1 wins 1 on a match, loses 1 otherwise.
StrategicGame matching_pennies() {
  StrategicGame g({"Row", "Column"}, {{"H", "T"}, {"H", "T"}}, "matching pennies");
  g.set_payoffs({0, 0}, {1, -1});
  g.set_payoffs({1, 0}, {-1, 1});
  g.set_payoffs({0, 1}, {-1, 1});
  g.set_payoffs({1, 1}, {1, -1});
  return g;
}

// Entry-accommodation game of tests/data/games/gambit_entry_accommodation.efg, built in
// code: the builder calls a crisis model would make.
ExtensiveGame entry_accommodation() {
  ExtensiveGame g({"1", "2"}, "Entry-accomodation game");
  const int h11 = g.add_infoset(1, {"S", "T"});
  const int h21 = g.add_infoset(2, {"E", "O"});
  const int h12 = g.add_infoset(1, {"A", "F"});
  const int h13 = g.add_infoset(1, {"A", "F"});
  const auto root = g.set_move(0, h11);
  const auto s = g.set_move(root[0], h21);
  const auto t = g.set_move(root[1], h21);
  const auto sa = g.set_move(s[0], h12);
  const auto ta = g.set_move(t[0], h13);
  g.set_outcome(sa[0], g.add_outcome({3, 2}));
  g.set_outcome(sa[1], g.add_outcome({0, 1}));
  g.set_outcome(s[1], g.add_outcome({1, 3}));
  g.set_outcome(ta[0], g.add_outcome({2, 3}));
  g.set_outcome(ta[1], g.add_outcome({1, 0}));
  g.set_outcome(t[1], g.add_outcome({3, 1}));
  return g;
}

TEST(GamesModel, BuilderMakesTreeInfosetsAndOutcomes) {
  const ExtensiveGame g = entry_accommodation();
  EXPECT_EQ(g.num_players(), 2);
  EXPECT_EQ(g.nodes().size(), 11U);
  EXPECT_EQ(g.infosets().size(), 4U);
  EXPECT_EQ(g.infoset(1).nodes.size(), 2U);  // player 2 does not see S or T
  EXPECT_FALSE(g.perfect_information());
  EXPECT_EQ(g.perfect_recall_problem(), "");
  EXPECT_EQ(g.player_infosets(1), (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(g.local_index(3), 2);
  EXPECT_EQ(g.infoset(3).number, 3);  // numbered per player in creation order
  const int leaf = g.node(g.node(g.node(0).children[0]).children[0]).children[1];
  EXPECT_EQ(g.path_payoffs(leaf), (std::vector<Q>{0, 1}));
}

TEST(GamesModel, BuilderRejectsMisuse) {
  ExtensiveGame g({"A", "B"});
  EXPECT_THROW(g.add_infoset(3, {"x"}), std::invalid_argument);
  EXPECT_THROW(g.add_infoset(1, {}), std::invalid_argument);
  EXPECT_THROW(g.add_chance_infoset({"x", "y"}, {Q(1, 2), Q(1, 3)}), std::invalid_argument);
  EXPECT_THROW(g.add_outcome({1}), std::invalid_argument);
  const int h = g.add_infoset(1, {"x"});
  g.set_move(0, h);
  EXPECT_THROW(g.set_move(0, h), std::invalid_argument);
  EXPECT_THROW(g.set_outcome(0, 5), std::invalid_argument);
}

TEST(GamesModel, PerfectRecallViolationIsNamed) {
  // Player 1 moves, then forgets the move: both children in one infoset of player 1.
  ExtensiveGame g({"A"});
  const auto kids = g.set_move(0, g.add_infoset(1, {"L", "R"}));
  const int forget = g.add_infoset(1, {"l", "r"});
  g.set_move(kids[0], forget);
  g.set_move(kids[1], forget);
  EXPECT_NE(g.perfect_recall_problem().find("different own moves"), std::string::npos);
}

TEST(GamesModel, ReducedStrategicFormOfEntryGame) {
  const ExtensiveGame g = entry_accommodation();
  const ReducedForm form = reduced_strategic_form(g);
  // Player 1: after S only infoset 2 matters, after T only infoset 3: 4 reduced strategies.
  EXPECT_EQ(form.game.strategies()[0],
            (std::vector<std::string>{"S,A,*", "S,F,*", "T,*,A", "T,*,F"}));
  EXPECT_EQ(form.game.strategies()[1], (std::vector<std::string>{"E", "O"}));
  // (T,*,F) against E ends at outcome (1, 0).
  const std::size_t c = form.game.cell({3, 0});
  EXPECT_EQ(form.game.payoff(c, 0), 1);
  EXPECT_EQ(form.game.payoff(c, 1), 0);
}

TEST(GamesModel, BehaviourFromMixedFollowsKuhnsTheorem) {
  const ExtensiveGame g = entry_accommodation();
  const ReducedForm form = reduced_strategic_form(g);
  // 1/2 (S,A,*) + 1/6 (S,F,*) + 1/3 (T,*,A): S with 2/3, A after S with 3/4, A after T.
  const Profile mixed = mixed_profile({{Q(1, 2), Q(1, 6), Q(1, 3), Q(0)}, {Q(1), Q(0)}});
  const Profile b = behaviour_from_mixed(g, form, mixed);
  EXPECT_EQ(b.probs[0][0], (std::vector<Q>{Q(2, 3), Q(1, 3)}));
  EXPECT_EQ(b.probs[0][1], (std::vector<Q>{Q(3, 4), Q(1, 4)}));
  EXPECT_EQ(b.probs[0][2], (std::vector<Q>{Q(1), Q(0)}));
  EXPECT_EQ(expected_payoffs(g, b), expected_payoffs(form.game, mixed));
}

TEST(GamesModel, RegretsOfMatchingPennies) {
  const StrategicGame g = matching_pennies();
  const Profile uniform = mixed_profile({{Q(1, 2), Q(1, 2)}, {Q(1, 2), Q(1, 2)}});
  EXPECT_EQ(regrets(g, uniform), (std::vector<double>{0.0, 0.0}));
  // Both play H: row gets 1 (nothing better), column gets -1 and would get 1 with T.
  const Profile hh = mixed_profile({{Q(1), Q(0)}, {Q(1), Q(0)}});
  EXPECT_EQ(regrets(g, hh), (std::vector<double>{0.0, 2.0}));
  EXPECT_EQ(expected_payoffs(g, hh), (std::vector<Q>{1, -1}));
}

TEST(GamesModel, TreeRegretAndQueries) {
  const ExtensiveGame g = entry_accommodation();
  Profile p;
  // Player 1: T, A, A; player 2: E. Player 2 gets 3 (O would give 1): no regret; player 1
  // gets 2 and would get 3 with S then A.
  p.probs = {{{Q(0), Q(1)}, {Q(1), Q(0)}, {Q(1), Q(0)}}, {{Q(1), Q(0)}}};
  p.sync_approx();
  const auto r = regrets(g, p);
  EXPECT_DOUBLE_EQ(r[0], 1.0);
  EXPECT_DOUBLE_EQ(r[1], 0.0);
  const int root = 0;
  EXPECT_DOUBLE_EQ(action_probability(g, p, root, 1), 1.0);
  const int t_node = g.node(root).children[1];
  const int te = g.node(t_node).children[0];
  EXPECT_DOUBLE_EQ(reach_probability(g, p, te), 1.0);
  EXPECT_DOUBLE_EQ(reach_probability(g, p, g.node(root).children[0]), 0.0);
  EXPECT_EQ(g.find_node("nowhere"), -1);
}

// Kuhn's theorem on random games: the tree payoff of the behaviour profile derived from a
// random mixed profile of the reduced form equals the mixed profile's strategic payoff.
RC_GTEST_PROP(GamesModelProperty, ReducedFormAndTreeAgreeOnPayoffs, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const int players = *rc::gen::inRange(1, 4);
  const ExtensiveGame g = test::random_extensive(seed, players, 3, false);
  RC_ASSERT(g.perfect_recall_problem().empty());
  const ReducedForm form = reduced_strategic_form(g);
  std::mt19937 rng(seed);
  std::vector<std::vector<Q>> mixed;
  for (int p = 0; p < players; ++p) {
    std::vector<Q> row;
    Q sum = 0;
    for (int s = 0; s < form.game.num_strategies(p); ++s) {
      row.emplace_back(static_cast<long>(rng() % 4));
      sum += row.back();
    }
    if (sum == 0) {
      row[0] = 1;
      sum = 1;
    }
    for (auto& q : row) q /= sum;
    mixed.push_back(row);
  }
  const Profile m = mixed_profile(mixed);
  const Profile b = behaviour_from_mixed(g, form, m);
  RC_ASSERT(expected_payoffs(g, b) == expected_payoffs(form.game, m));
}

}  // namespace
}  // namespace entente::games
