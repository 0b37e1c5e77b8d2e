// Refinements (include/entente/refinements.hpp): reached and avoided infosets, subgames,
// subgame perfection. Every reference value is derived by hand in the comment above it.
#include "entente/refinements.hpp"

#include <gtest/gtest.h>

#include "entente/game_io.hpp"
#include "support/test_support.hpp"

namespace entente::games {
namespace {

using Q = Rational;

ExtensiveGame efg(const std::string& name) {
  return read_efg(test::read_file(test::source_path("tests/data/games/" + name)), name);
}

// A behaviour profile from rows per player and infoset (local order).
Profile behaviour(std::vector<std::vector<std::vector<Q>>> probs) {
  Profile p;
  p.exact = true;
  p.probs = std::move(probs);
  p.sync_approx();
  return p;
}

// entry_then_coordination.efg: Alice's Out gives (2, 2); after In, Alice (a/b) and Bob
// (a/b, not seeing her move) get (3, 1) on (a, a), (1, 3) on (b, b), 0 otherwise.
// Nodes in file order: 0 Enter?, 1 Out, 2 Choose, 3 Guess after a, 4, 5, 6 Guess after b.
TEST(Refinements, SubgamesMayHoldImperfectInformation) {
  const ExtensiveGame g = efg("entry_then_coordination.efg");
  const std::vector<int> roots = subgame_roots(g);
  // The root and Alice's Choose node (a singleton whose subtree holds Bob's whole infoset);
  // Bob's nodes share an infoset, so neither roots a subgame.
  ASSERT_EQ(roots.size(), 2U);
  EXPECT_EQ(roots[0], 0);
  EXPECT_EQ(g.infoset(g.node(roots[1]).infoset).label, "Choose");
  // Selten's horse: player 3's infoset spans both branches, so no proper subgame.
  EXPECT_EQ(subgame_roots(efg("gambit_selten_horse.efg")), std::vector<int>{0});
  // Entry-accommodation: player 2's infoset spans both of player 1's first moves; player 1's
  // later infosets are single nodes with terminal children: three subgames.
  EXPECT_EQ(subgame_roots(efg("gambit_entry_accommodation.efg")).size(), 3U);
}

// The subgame after In is a battle of the sexes: pure equilibria (a, a) worth 3 to Alice and
// (b, b) worth 1, and a mixed one where Alice plays a with 3/4 (Bob indifferent: 1 p =
// 3 (1 - p)) and Bob a with 1/4 (Alice indifferent: 3 q = 1 - q), worth 3/4 to her. Against
// Out's 2 Alice enters only after (a, a): the subgame-perfect equilibria are (In, a; a),
// (Out, b; b) and (Out, a 3/4; a 1/4).
TEST(Refinements, SubgamePerfectionOnImperfectInformation) {
  const ExtensiveGame g = efg("entry_then_coordination.efg");
  const Profile in_aa = behaviour({{{0, 1}, {1, 0}}, {{1, 0}}});
  const Profile out_bb = behaviour({{{1, 0}, {0, 1}}, {{0, 1}}});
  const Profile out_mixed = behaviour({{{1, 0}, {Q(3, 4), Q(1, 4)}}, {{Q(1, 4), Q(3, 4)}}});
  EXPECT_TRUE(subgame_perfection(g, in_aa).perfect);
  EXPECT_TRUE(subgame_perfection(g, out_bb).perfect);
  EXPECT_TRUE(subgame_perfection(g, out_mixed).perfect);
  // (Out, a; b) is a Nash equilibrium (In gives Alice 0 against b) but in the subgame Alice
  // gains 1 by b; her own Out avoids that choice, so the verdict says it rests on it.
  const Profile out_ab = behaviour({{{1, 0}, {1, 0}}, {{0, 1}}});
  const SubgamePerfection v = subgame_perfection(g, out_ab);
  EXPECT_FALSE(v.perfect);
  EXPECT_EQ(v.player, 1);
  EXPECT_DOUBLE_EQ(v.gain, 1.0);
  EXPECT_TRUE(v.rests_on_open_choices);
  // (In, a; b) is no equilibrium at all: the root subgame fails, with no open choice.
  const SubgamePerfection root = subgame_perfection(g, behaviour({{{0, 1}, {1, 0}}, {{0, 1}}}));
  EXPECT_FALSE(root.perfect);
  EXPECT_EQ(root.root, 0);
  EXPECT_FALSE(root.rests_on_open_choices);
  // Floating-point profiles are judged up to a tolerance of the payoff range.
  Profile near = out_mixed;
  near.exact = false;
  near.approx[0][1] = {0.75 + 1e-9, 0.25 - 1e-9};
  EXPECT_TRUE(subgame_perfection(g, near).perfect);
  near.approx[0][1] = {0.9, 0.1};
  EXPECT_FALSE(subgame_perfection(g, near).perfect);
}

// (Out, *; b) completed: b after In makes it (Out, b; b), subgame perfect; (Out, *; a 2/3)
// has no pure completion that is (Bob mixes only if Alice plays a with exactly 3/4).
TEST(Refinements, SubgamePerfectCompletionOfOpenChoices) {
  const ExtensiveGame g = efg("entry_then_coordination.efg");
  const Profile out_b = behaviour({{{1, 0}, {Q(1, 2), Q(1, 2)}}, {{0, 1}}});
  const std::vector<bool> open = avoided_by_own_play(g, out_b);
  const auto done = subgame_perfect_completion(g, out_b, open);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->probs[0][1], (std::vector<Q>{0, 1}));
  EXPECT_EQ(done->probs[1][0], (std::vector<Q>{0, 1}));  // Bob's play is kept
  const Profile out_mixed = behaviour({{{1, 0}, {Q(1, 2), Q(1, 2)}}, {{Q(2, 3), Q(1, 3)}}});
  EXPECT_FALSE(subgame_perfect_completion(g, out_mixed, open).has_value());
}

TEST(Refinements, ReachedAndAvoidedInfosets) {
  const ExtensiveGame g = efg("entry_then_coordination.efg");
  const Profile out_bb = behaviour({{{1, 0}, {0, 1}}, {{0, 1}}});
  // Out: neither Choose nor Guess is reached; Choose is avoided by Alice's own Out, Guess is
  // not Bob's doing.
  const std::vector<bool> reached = reached_infosets(g, out_bb);
  const std::vector<bool> avoided = avoided_by_own_play(g, out_bb);
  for (std::size_t h = 0; h < g.infosets().size(); ++h) {
    const std::string& label = g.infosets()[h].label;
    EXPECT_EQ(reached[h], label == "Enter?") << label;
    EXPECT_EQ(avoided[h], label == "Choose") << label;
  }
}

// A chain of `depth` moves, players alternating: stop gives (0, 0), going on to the end
// (1, 1). Every node roots a subgame.
ExtensiveGame chain(int depth) {
  ExtensiveGame g({"A", "B"});
  int node = 0;
  const int stop = g.add_outcome({Q(0), Q(0)});
  const int end = g.add_outcome({Q(1), Q(1)});
  for (int d = 0; d < depth; ++d) {
    const int h = g.add_infoset(1 + d % 2, {"stop", "go"});
    const auto children = g.set_move(node, h);
    g.set_outcome(children[0], stop);
    node = children[1];
  }
  g.set_outcome(node, end);
  return g;
}

Profile uniform_play(int depth, const Q& go) {
  Profile p;
  p.exact = true;
  p.probs.assign(2, std::vector<std::vector<Q>>(static_cast<std::size_t>(depth / 2),
                                                std::vector<Q>{1 - go, go}));
  p.sync_approx();
  return p;
}

// Reach flags come from zeros, not products that underflow: 0.5^1100 is 0 in doubles.
TEST(Refinements, DeepChainsDoNotUnderflow) {
  const ExtensiveGame g = chain(1100);
  EXPECT_TRUE(reached_infosets(g, uniform_play(1100, Q(1, 2))).back());
  EXPECT_EQ(subgame_roots(g).size(), 1100U);
  // Going on always gives 1 > 0 to both, so half-hearted play is not subgame perfect (the
  // root already fails); always going on is, in each of the 300 subgames.
  const ExtensiveGame small = chain(300);
  EXPECT_FALSE(subgame_perfection(small, uniform_play(300, Q(1, 2))).perfect);
  EXPECT_TRUE(subgame_perfection(small, uniform_play(300, Q(1))).perfect);
  // Subgames nested 20,000 deep would take 4 * 10^8 node visits: refused with a message.
  EXPECT_THROW((void)subgame_perfection(chain(20000), uniform_play(20000, Q(1))),
               std::invalid_argument);
}

// Selten's horse (gambit_selten_horse.efg): player 1 R -> player 2, L -> player 3's left
// node; player 2 R ends (1, 1, 1), L -> player 3's right node; player 3 (one infoset) gets
// R (4, 4, 0) / L (0, 0, 1) on the right and R (3, 2, 2) / L (0, 0, 0) on the left.
//
// (R, R, L) is perfect: let player 1 tremble to L with eta^2, player 2 to L with eta and
// player 3 to R with eta. Player 1: R gives (1 - eta) + 4 eta^2, L gives 3 eta; R is better
// for small eta. Player 2: R gives 1, L gives 4 eta. Player 3: L minus R is
// (1 - eta^2) eta (right node) - 2 eta^2 (left node) > 0 for small eta.
//
// (L, R, R) is not: player 2's choice matters only when player 1 trembles to R, and then R
// gives 1 while L gives 4 P3(R) > 1 whenever player 3 plays R with more than 1/4, as every
// profile near (L, R, R) does. (Selten 1975; the horse has no proper subgame, so subgame
// perfection keeps both.)
TEST(Refinements, TremblingHandPerfectionOfSeltensHorse) {
  const ExtensiveGame g = efg("gambit_selten_horse.efg");
  // Rows per player (one infoset each), actions (R, L).
  const Profile rrl = behaviour({{{1, 0}}, {{1, 0}}, {{0, 1}}});
  const Profile lrr = behaviour({{{0, 1}}, {{1, 0}}, {{1, 0}}});
  const PerfectionVerdict yes = trembling_hand_perfection(g, rrl);
  EXPECT_EQ(yes.verdict, Perfection::kPerfect) << yes.why;
  const PerfectionVerdict no = trembling_hand_perfection(g, lrr);
  EXPECT_EQ(no.verdict, Perfection::kNotPerfect) << no.why;
  EXPECT_NE(no.why.find("Player 2"), std::string::npos) << no.why;
  // A mixed profile (the endpoint of the component (L; R with at least 1/3; R)) is not
  // judged.
  const Profile mixed = behaviour({{{0, 1}}, {{Q(1, 3), Q(2, 3)}}, {{1, 0}}});
  EXPECT_EQ(trembling_hand_perfection(g, mixed).verdict, Perfection::kUndetermined);
}

// Two players: perfect = undominated equilibrium (van Damme 1991, Thm 3.2.2). In
// U/D x L/R with (U, L) = (1, 1) and every other cell (0, 0), (D, R) is an equilibrium
// (neither gains alone) but D and R are weakly dominated: not perfect; (U, L) is.
TEST(Refinements, TremblingHandPerfectionRejectsWeaklyDominatedEquilibria) {
  StrategicGame g({"Row", "Col"}, {{"U", "D"}, {"L", "R"}});
  g.set_payoffs({0, 0}, {Q(1), Q(1)});
  g.set_payoffs({1, 0}, {Q(0), Q(0)});
  g.set_payoffs({0, 1}, {Q(0), Q(0)});
  g.set_payoffs({1, 1}, {Q(0), Q(0)});
  EXPECT_EQ(trembling_hand_perfection(g, mixed_profile({{1, 0}, {1, 0}})).verdict,
            Perfection::kPerfect);
  const PerfectionVerdict dr = trembling_hand_perfection(g, mixed_profile({{0, 1}, {0, 1}}));
  EXPECT_EQ(dr.verdict, Perfection::kNotPerfect) << dr.why;
  // A profile that is no equilibrium is refuted too: against U, Col gains 1 by L over R.
  EXPECT_EQ(trembling_hand_perfection(g, mixed_profile({{1, 0}, {0, 1}})).verdict,
            Perfection::kNotPerfect);
}

}  // namespace
}  // namespace entente::games
