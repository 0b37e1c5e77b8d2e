// ExtensiveGame::perfect_recall_violations (entente/games.hpp): the structured form of the
// perfect-recall check, which the YAML loader maps to a scenario's declared nodes. Each
// expected violation is read off the small tree built in the test.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "entente/games.hpp"

namespace entente::games {
namespace {

using Moves = std::vector<std::pair<int, int>>;

TEST(PerfectRecall, AGameWithPerfectRecallHasNoViolation) {
  // A moves, B moves without seeing it (one infoset of B over both of A's moves): B has no
  // earlier move of its own, so it forgets nothing.
  ExtensiveGame g({"A", "B"});
  const auto a = g.set_move(0, g.add_infoset(1, {"L", "R"}));
  const int b = g.add_infoset(2, {"l", "r"});
  g.set_move(a[0], b);
  g.set_move(a[1], b);
  EXPECT_TRUE(g.perfect_recall_violations().empty());
  EXPECT_EQ(g.perfect_recall_problem(), "");
}

TEST(PerfectRecall, AForgottenMoveNamesThePlayerTheSetTheNodesAndTheMoves) {
  // A chooses L or R (infoset 0), then forgets it: both children in A's infoset 1.
  ExtensiveGame g({"A"});
  const int first = g.add_infoset(1, {"L", "R"});
  const auto kids = g.set_move(0, first);
  const int forget = g.add_infoset(1, {"l", "r"});
  g.set_move(kids[0], forget);
  g.set_move(kids[1], forget);
  const auto v = g.perfect_recall_violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].player, 1);
  EXPECT_EQ(v[0].infoset, forget);
  EXPECT_EQ(v[0].first_node, kids[0]);
  EXPECT_EQ(v[0].node, kids[1]);
  EXPECT_EQ(v[0].first_moves, (Moves{{first, 0}}));  // reached by L
  EXPECT_EQ(v[0].node_moves, (Moves{{first, 1}}));   // reached by R
  EXPECT_EQ(g.perfect_recall_problem(),
            "player 1's information set 2 holds nodes reached by different own moves");
}

TEST(PerfectRecall, EveryDifferingNodeOfASetIsAViolation) {
  // A chooses among three actions and forgets which: the second and third nodes of the set
  // each differ from its first, so two violations, in the order the nodes joined the set.
  // B's move in between is not A's own and does not count.
  ExtensiveGame g({"A", "B"});
  const int first = g.add_infoset(1, {"x", "y", "z"});
  const auto kids = g.set_move(0, first);
  const int b = g.add_infoset(2, {"go"});
  std::vector<int> after_b;
  for (const int k : kids) after_b.push_back(g.set_move(k, b)[0]);
  const int forget = g.add_infoset(1, {"l", "r"});
  for (const int n : after_b) g.set_move(n, forget);
  const auto v = g.perfect_recall_violations();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].node, after_b[1]);
  EXPECT_EQ(v[1].node, after_b[2]);
  EXPECT_EQ(v[0].first_node, after_b[0]);
  EXPECT_EQ(v[1].node_moves, (Moves{{first, 2}}));
}

TEST(PerfectRecall, ChanceSetsAreNeverViolations) {
  // Chance moves twice into one chance infoset: chance has no memory to keep.
  ExtensiveGame g({"A"});
  const int c1 = g.add_chance_infoset({"h", "t"}, {Rational(1, 2), Rational(1, 2)});
  const auto kids = g.set_move(0, c1);
  const int c2 = g.add_chance_infoset({"h", "t"}, {Rational(1, 2), Rational(1, 2)});
  g.set_move(kids[0], c2);
  g.set_move(kids[1], c2);
  EXPECT_TRUE(g.perfect_recall_violations().empty());
}

}  // namespace
}  // namespace entente::games
