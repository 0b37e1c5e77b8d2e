// logit on trees in behaviour strategies (--option agent=true): the agent quantal-response
// equilibrium of McKelvey and Palfrey (1998), where each information set's agent plays a
// logit response to its payoffs conditional on reaching the set, with beliefs from Bayes'
// rule. The references are computed here, independently of the solver's tree passes:
// logit backward induction on perfect-information trees (where the agent QRE at each lambda
// is unique and is exactly that), the QRE equations checked by enumerating the tree on
// imperfect-information trees, and a two-move game solved by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "entente/game_io.hpp"
#include "entente/solver.hpp"
#include "games/logit.hpp"
#include "games/random_games.hpp"
#include "support/test_support.hpp"

namespace entente::games {
namespace {

std::vector<Equilibrium> solve_tree(const ExtensiveGame& g, SolverOptions options) {
  options["agent"] = "true";
  return make_solver("logit", options)->solve(g);
}

// Payoff totals at the leaves (outcomes added along the path), scaled to [0, 1] over every
// leaf and player: the scale lambda is measured on (docs/games.md). Indexed by node.
std::vector<std::vector<double>> scaled_leaves(const ExtensiveGame& g) {
  const auto np = static_cast<std::size_t>(g.num_players());
  std::vector<std::vector<Rational>> total(g.nodes().size(), std::vector<Rational>(np));
  std::vector<Rational> all;
  for (int n : g.prefix_order()) {
    const Node& node = g.node(n);
    auto& t = total[static_cast<std::size_t>(n)];
    if (node.parent >= 0) t = total[static_cast<std::size_t>(node.parent)];
    if (node.outcome >= 0) {
      for (std::size_t p = 0; p < np; ++p) {
        t[p] += g.outcomes()[static_cast<std::size_t>(node.outcome)].payoffs[p];
      }
    }
    if (node.kind == NodeKind::kTerminal) all.insert(all.end(), t.begin(), t.end());
  }
  const Rational lo = *std::min_element(all.begin(), all.end());
  const Rational hi = *std::max_element(all.begin(), all.end());
  std::vector<std::vector<double>> out(g.nodes().size(), std::vector<double>(np, 0.0));
  for (std::size_t n = 0; n < g.nodes().size(); ++n) {
    if (g.node(static_cast<int>(n)).kind != NodeKind::kTerminal) continue;
    for (std::size_t p = 0; p < np; ++p)
      out[n][p] = Rational((total[n][p] - lo) / (hi - lo)).get_d();
  }
  return out;
}

// The probability of action a at node n under profile e (chance: the game's).
double move_prob(const ExtensiveGame& g, const Profile& profile, int n, std::size_t a) {
  const Node& node = g.node(n);
  const Infoset& info = g.infoset(node.infoset);
  if (node.kind == NodeKind::kChance) return info.probs[a].get_d();
  const auto sets = g.player_infosets(info.player);
  const auto local = std::find(sets.begin(), sets.end(), node.infoset) - sets.begin();
  return profile
      .approx[static_cast<std::size_t>(info.player - 1)][static_cast<std::size_t>(local)][a];
}

// Expected scaled payoffs below each node under the profile, by recursion.
std::vector<double> value_of(const ExtensiveGame& g, const Profile& profile,
                             const std::vector<std::vector<double>>& leaves, int n) {
  const Node& node = g.node(n);
  if (node.kind == NodeKind::kTerminal) return leaves[static_cast<std::size_t>(n)];
  std::vector<double> v(static_cast<std::size_t>(g.num_players()), 0.0);
  for (std::size_t a = 0; a < node.children.size(); ++a) {
    const auto c = value_of(g, profile, leaves, node.children[a]);
    for (std::size_t p = 0; p < v.size(); ++p) v[p] += move_prob(g, profile, n, a) * c[p];
  }
  return v;
}

// The probability that play reaches node n.
double reach_of(const ExtensiveGame& g, const Profile& profile, int n) {
  double r = 1;
  for (int cur = n; g.node(cur).parent >= 0; cur = g.node(cur).parent) {
    r *= move_prob(g, profile, g.node(cur).parent,
                   static_cast<std::size_t>(g.node(cur).parent_action));
  }
  return r;
}

// The largest violation of the agent QRE equations at lambda:
// log P(a) - log P(0) = lambda (U(a) - U(0)), U(a) = sum_x reach(x) V(child a of x) / sum_x
// reach(x) over the set's nodes x, for the player who moves there.
double qre_residual(const ExtensiveGame& g, const Equilibrium& e) {
  const auto leaves = scaled_leaves(g);
  double worst = 0;
  for (std::size_t h = 0; h < g.infosets().size(); ++h) {
    const Infoset& info = g.infosets()[h];
    if (info.player <= 0) continue;  // chance
    const auto p = static_cast<std::size_t>(info.player - 1);
    std::vector<double> u(info.actions.size(), 0.0);
    double mass = 0;
    for (int x : info.nodes) {
      const double r = reach_of(g, e.profile, x);
      mass += r;
      for (std::size_t a = 0; a < u.size(); ++a) {
        u[a] += r * value_of(g, e.profile, leaves, g.node(x).children[a])[p];
      }
    }
    if (!(mass > 0)) return std::numeric_limits<double>::infinity();  // nothing to compare
    const int x0 = info.nodes.front();
    for (std::size_t a = 1; a < u.size(); ++a) {
      const double lhs = std::log(move_prob(g, e.profile, x0, a) / move_prob(g, e.profile, x0, 0));
      worst = std::max(worst, std::abs(lhs - e.lambda * (u[a] - u[0]) / mass));
    }
  }
  return worst;
}

// Logit backward induction: on a tree of perfect information each node's mover responds to
// the values below it, so the agent QRE at lambda is computed from the leaves up.
// Per infoset (one node each): the mover's probabilities.
std::vector<std::vector<double>> logit_backward_induction(const ExtensiveGame& g, double lambda) {
  const auto leaves = scaled_leaves(g);
  std::vector<std::vector<double>> value(g.nodes().size());
  std::vector<std::vector<double>> play(g.infosets().size());
  const auto order = g.prefix_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int n = *it;
    const Node& node = g.node(n);
    if (node.kind == NodeKind::kTerminal) {
      value[static_cast<std::size_t>(n)] = leaves[static_cast<std::size_t>(n)];
      continue;
    }
    const Infoset& info = g.infoset(node.infoset);
    std::vector<double> q;
    if (node.kind == NodeKind::kChance) {
      for (const Rational& r : info.probs) q.push_back(r.get_d());
    } else {
      const auto p = static_cast<std::size_t>(info.player - 1);
      double top = -1e300;
      for (int c : node.children) top = std::max(top, value[static_cast<std::size_t>(c)][p]);
      for (int c : node.children) {
        q.push_back(std::exp(lambda * (value[static_cast<std::size_t>(c)][p] - top)));
      }
      const double sum = std::accumulate(q.begin(), q.end(), 0.0);
      for (double& x : q) x /= sum;
      play[static_cast<std::size_t>(node.infoset)] = q;
    }
    std::vector<double> v(static_cast<std::size_t>(g.num_players()), 0.0);
    for (std::size_t a = 0; a < q.size(); ++a) {
      for (std::size_t p = 0; p < v.size(); ++p) {
        v[p] += q[a] * value[static_cast<std::size_t>(node.children[a])][p];
      }
    }
    value[static_cast<std::size_t>(n)] = v;
  }
  return play;
}

double largest_gap_to(const ExtensiveGame& g, const Equilibrium& e,
                      const std::vector<std::vector<double>>& play) {
  double worst = 0;
  for (std::size_t h = 0; h < g.infosets().size(); ++h) {
    const Infoset& info = g.infosets()[h];
    if (info.player <= 0) continue;
    for (std::size_t a = 0; a < info.actions.size(); ++a) {
      worst =
          std::max(worst, std::abs(move_prob(g, e.profile, info.nodes.front(), a) - play[h][a]));
    }
  }
  return worst;
}

TEST(GamesLogitTree, IsLogitBackwardInductionOnPerfectInformationTrees) {
  int decisions = 0;
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    const ExtensiveGame g = test::random_extensive(seed, 2 + static_cast<int>(seed % 2), 4, true);
    for (const auto& info : g.infosets()) decisions += info.player > 0 ? 1 : 0;
    const auto eqs = solve_tree(g, {{"lambda_max", "6"}});
    ASSERT_EQ(eqs.size(), 1U);
    if (eqs[0].lambda < 0) continue;  // constant game: nothing traced
    EXPECT_GE(eqs[0].lambda, 6.0);
    EXPECT_LT(largest_gap_to(g, eqs[0], logit_backward_induction(g, eqs[0].lambda)), 1e-7);
  }
  EXPECT_GT(decisions, 100);  // the trees are not trivial
}

TEST(GamesLogitTree, SolvesTheAgentQreEquationsWithBayesBeliefs) {
  int shared = 0;  // information sets of more than one node: where beliefs matter
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    const ExtensiveGame g = test::random_extensive(seed, 2 + static_cast<int>(seed % 2), 4, false);
    for (const auto& info : g.infosets()) shared += info.player > 0 && info.nodes.size() > 1;
    const auto eqs = solve_tree(g, {{"lambda_max", "5"}});
    ASSERT_EQ(eqs.size(), 1U);
    if (eqs[0].lambda < 0) continue;
    EXPECT_LT(qre_residual(g, eqs[0]), 1e-7);
  }
  EXPECT_GT(shared, 10);
  const ExtensiveGame kuhn = read_efg(entente::test::read_file(entente::test::source_path(
                                          "tests/data/games/openspiel_kuhn_poker.efg")),
                                      "kuhn");
  const auto k = solve_tree(kuhn, {{"lambda_max", "20"}});
  ASSERT_EQ(k.size(), 1U);
  EXPECT_LT(qre_residual(kuhn, k[0]), 1e-7);
}

// Chance picks s1 or s2 (1/2 each) or s3 (probability 0); player 1 knows the state and moves;
// player 2's one set holds three nodes that are not siblings — after (s1, a), (s2, b) and
// (s3, a), the last never reached — and player 1 moves again below one of them, so beliefs,
// own earlier moves above a set and a set's subtree all enter the derivatives.
constexpr const char* kBeliefTree = R"(EFG 2 R "beliefs" { "P1" "P2" }
c "" 1 "" { "s1" 1/2 "s2" 1/2 "s3" 0 } 0
p "" 1 1 "" { "a" "b" } 0
p "" 2 1 "" { "L" "R" } 0
p "" 1 2 "" { "x" "y" } 0
t "" 1 "" { 3, -1 }
t "" 2 "" { 0, 2 }
t "" 3 "" { 1, 1 }
t "" 4 "" { 2, 0 }
p "" 1 3 "" { "a" "b" } 0
t "" 5 "" { -1, 3 }
p "" 2 1 "" { "L" "R" } 0
t "" 6 "" { 4, 0 }
t "" 7 "" { 0, 1 }
p "" 1 4 "" { "a" "b" } 0
p "" 2 1 "" { "L" "R" } 0
t "" 8 "" { 1, 2 }
t "" 9 "" { 2, 2 }
t "" 10 "" { 0, 0 }
)";

// The analytic Jacobian the tracer steps with, against central differences of H, at random
// points (not on the branch: probabilities need not sum to 1 there).
TEST(GamesLogitTree, JacobianMatchesFiniteDifferences) {
  const ExtensiveGame kuhn = read_efg(entente::test::read_file(entente::test::source_path(
                                          "tests/data/games/openspiel_kuhn_poker.efg")),
                                      "kuhn");
  const ExtensiveGame beliefs = read_efg(kBeliefTree, "beliefs.efg");
  std::mt19937 rng(11);
  for (const ExtensiveGame* g : {&beliefs, &kuhn}) {
    const int n = detail::logit_tree_unknowns(*g);
    ASSERT_GT(n, 0);
    for (int trial = 0; trial < 3; ++trial) {
      Eigen::VectorXd z(n + 1);
      for (int i = 0; i < n; ++i) z(i) = std::uniform_real_distribution<double>(-2.5, 0.3)(rng);
      z(n) = 2.5 + trial;
      Eigen::VectorXd h;
      Eigen::MatrixXd jac;
      detail::logit_tree_system(*g, z, h, jac);
      ASSERT_EQ(jac.rows(), n);
      ASSERT_EQ(jac.cols(), n + 1);
      for (int c = 0; c <= n; ++c) {
        constexpr double kStep = 1e-6;
        Eigen::VectorXd up = z;
        Eigen::VectorXd down = z;
        up(c) += kStep;
        down(c) -= kStep;
        Eigen::VectorXd h_up;
        Eigen::VectorXd h_down;
        Eigen::MatrixXd ignored;
        detail::logit_tree_system(*g, up, h_up, ignored);
        detail::logit_tree_system(*g, down, h_down, ignored);
        const Eigen::VectorXd numeric = (h_up - h_down) / (2 * kStep);
        for (int r = 0; r < n; ++r) {
          EXPECT_NEAR(jac(r, c), numeric(r), 1e-6 * (1 + std::abs(numeric(r))))
              << "row " << r << ", column " << c;
        }
      }
    }
  }
}

// Far out on the branch a set off the path is reached with probability e^-(lambda ...), which
// is 0 in double precision; beliefs there come from log reach probabilities and stay
// defined (a product of probabilities would give 0 / 0).
TEST(GamesLogitTree, BeliefsStayDefinedWhereReachUnderflows) {
  const ExtensiveGame g = read_efg(kBeliefTree, "beliefs.efg");
  const int n = detail::logit_tree_unknowns(g);
  Eigen::VectorXd z = Eigen::VectorXd::Constant(n + 1, -800.0);  // exp(-800) == 0
  for (int i = 0; i < n; i += 2) z(i) = 0;
  z(n) = 1e6;
  Eigen::VectorXd h;
  Eigen::MatrixXd jac;
  detail::logit_tree_system(g, z, h, jac);
  EXPECT_TRUE(h.allFinite());
  EXPECT_TRUE(jac.allFinite());
}

// Player 1 takes Out (2, 0) or In, after which player 2 picks L (0, 1) or R (0, 0). Scaled to
// [0, 1] (range 2): player 1's Out is worth 1 more than In, player 2's L 1/2 more than R,
// whatever player 1 does. By hand: P(In) = 1 / (1 + e^lambda) and, conditional on In,
// P(L) = 1 / (1 + e^(-lambda/2)). In the agent normal form player 2's payoffs would be
// weighted by P(In) (at lambda = 4, P(L) = 0.509 instead of 0.881), and player 2 would stay
// near 1/2 in the limit; here she plays L, the sequentially rational move.
TEST(GamesLogitTree, AnAgentOffThePathRespondsToItsConditionalPayoffs) {
  const ExtensiveGame g = read_efg(R"(EFG 2 R "out or in" { "P1" "P2" }
p "" 1 1 "" { "Out" "In" } 0
t "" 1 "out" { 2, 0 }
p "" 2 1 "" { "L" "R" } 0
t "" 2 "in, L" { 0, 1 }
t "" 3 "in, R" { 0, 0 }
)",
                                   "out-or-in.efg");
  const auto at = solve_tree(g, {{"lambda_max", "4"}});
  ASSERT_EQ(at.size(), 1U);
  const double lambda = at[0].lambda;
  EXPECT_NEAR(at[0].profile.approx[0][0][1], 1 / (1 + std::exp(lambda)), 1e-9);
  EXPECT_NEAR(at[0].profile.approx[1][0][0], 1 / (1 + std::exp(-lambda / 2)), 1e-9);
  const auto limit = solve_tree(g, {});
  ASSERT_EQ(limit.size(), 1U);
  EXPECT_NEAR(limit[0].profile.approx[0][0][0], 1.0, 1e-9);  // Out
  EXPECT_NEAR(limit[0].profile.approx[1][0][0], 1.0, 1e-9);  // L, off the path
  EXPECT_TRUE(limit[0].specifies_avoided);
  // Stopping early at a regret counts the agents' conditional regrets too: player 1's Out is
  // nearly certain long before player 2 answers In well, and her play there is reported as
  // part of the answer, so it must be within the bound (L's edge is 1 in game payoffs).
  const auto early = solve_tree(g, {{"max_regret", "1e-3"}});
  ASSERT_EQ(early.size(), 1U);
  EXPECT_GE(early[0].profile.approx[1][0][0], 1 - 1e-3);
  EXPECT_LT(early[0].lambda, 1e3);
}

// A perfect ternary tree of depth 3 with generic payoffs: 13 three-action agents, 3^13 (1.6
// million) agent profiles (the agent form this solver once built stopped at 65,536). In the
// limit the branch reaches the unique subgame-perfect equilibrium, backward induction's, at
// every node, on and off the path.
TEST(GamesLogitTree, ReachesBackwardInductionOnATreeFarPastTheAgentFormsSize) {
  ExtensiveGame g({"P1", "P2"}, "ternary tree");
  std::mt19937 rng(7);
  std::vector<int> pay1(27);
  std::vector<int> pay2(27);
  std::iota(pay1.begin(), pay1.end(), 0);
  std::iota(pay2.begin(), pay2.end(), 0);
  std::shuffle(pay1.begin(), pay1.end(), rng);
  std::shuffle(pay2.begin(), pay2.end(), rng);
  std::vector<int> level = {0};
  for (int depth = 0; depth < 3; ++depth) {
    std::vector<int> next;
    for (int v : level) {
      for (int c : g.set_move(v, g.add_infoset(1 + depth % 2, {"l", "m", "r"}))) {
        next.push_back(c);
      }
    }
    level = next;
  }
  for (std::size_t i = 0; i < level.size(); ++i) {
    g.set_outcome(level[i], g.add_outcome({Rational(pay1[i]), Rational(pay2[i])}));
  }
  const auto eqs = solve_tree(g, {});
  ASSERT_EQ(eqs.size(), 1U);
  const auto bi = make_solver("backward-induction")->solve(g);
  ASSERT_EQ(bi.size(), 1U);
  for (std::size_t p = 0; p < 2; ++p) {
    for (std::size_t h = 0; h < bi[0].profile.approx[p].size(); ++h) {
      for (std::size_t a = 0; a < 3; ++a) {
        EXPECT_NEAR(eqs[0].profile.approx[p][h][a], bi[0].profile.approx[p][h][a], 1e-9);
      }
    }
  }
  const auto r = regrets(g, eqs[0].profile);
  EXPECT_LT(*std::max_element(r.begin(), r.end()), 1e-9);
}

}  // namespace
}  // namespace entente::games
