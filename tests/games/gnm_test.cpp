// The global Newton method (src/games/gnm.hpp, the gnm solver) on published games, against
// the invariant of Govindan and Wilson's path (an odd number of crossings of the game, each an
// equilibrium), and cross-checked on random games against enumpoly and enummixed, which share
// no code with it; every returned profile is verified exactly or by its max regret.
#include "games/gnm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "entente/game_io.hpp"
#include "entente/solver.hpp"
#include "games/random_games.hpp"
#include "support/test_support.hpp"

namespace entente::games {
namespace {

using detail::Mixed;
using Q = Rational;
using Rows = std::vector<std::vector<Q>>;

StrategicGame data_nfg(const std::string& name) {
  return read_nfg(entente::test::read_file(entente::test::source_path("tests/data/games/" + name)),
                  name);
}
ExtensiveGame data_efg(const std::string& name) {
  return read_efg(entente::test::read_file(entente::test::source_path("tests/data/games/" + name)),
                  name);
}

Rows rows_of(const Equilibrium& e) {
  Rows out;
  for (const auto& p : e.profile.probs) out.push_back(p.at(0));
  return out;
}

double largest(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

// True when the returned equilibrium is one: exactly when exact, else within `tolerance`.
bool verified(const StrategicGame& g, const Equilibrium& e, double tolerance) {
  if (e.profile.exact) return detail::is_equilibrium(detail::exact_table(g), rows_of(e));
  return e.approximate &&
         detail::max_regret(detail::double_table(g), detail::double_mixed(e.profile)) <= tolerance;
}

// The largest difference between two profiles' probabilities.
double distance(const Mixed<double>& a, const Mixed<double>& b) {
  double d = 0;
  for (std::size_t p = 0; p < a.size(); ++p) {
    for (std::size_t s = 0; s < a[p].size(); ++s) d = std::max(d, std::abs(a[p][s] - b[p][s]));
  }
  return d;
}

detail::GnmPath path_of(const StrategicGame& g, const std::vector<double>& ray) {
  detail::Work work(Budget{}, "gnm", [] { return std::string("test"); });
  return detail::gnm_path(g, ray, work);
}

// McKelvey and McLennan's 2x2x2 game (the published list of its 9 equilibria is in
// nplayer_test.cpp, from QuantEcon's tests): every equilibrium gnm returns is one of them,
// read exactly; five rays (seed 0) between them reach all nine.
TEST(GamesGnm, ReachesMcKelveyMcLennansPublishedEquilibria) {
  const StrategicGame g = data_nfg("mckelvey_mclennan_2x2x2.nfg");
  const std::vector<Rows> published{{{Q(1), Q(0)}, {Q(1), Q(0)}, {Q(1), Q(0)}},
                                    {{Q(0), Q(1)}, {Q(0), Q(1)}, {Q(1), Q(0)}},
                                    {{Q(1), Q(0)}, {Q(0), Q(1)}, {Q(0), Q(1)}},
                                    {{Q(0), Q(1)}, {Q(1), Q(0)}, {Q(0), Q(1)}},
                                    {{Q(0), Q(1)}, {Q(1, 3), Q(2, 3)}, {Q(1, 3), Q(2, 3)}},
                                    {{Q(1, 4), Q(3, 4)}, {Q(1), Q(0)}, {Q(1, 4), Q(3, 4)}},
                                    {{Q(1, 2), Q(1, 2)}, {Q(1, 2), Q(1, 2)}, {Q(1), Q(0)}},
                                    {{Q(1, 4), Q(3, 4)}, {Q(1, 2), Q(1, 2)}, {Q(1, 3), Q(2, 3)}},
                                    {{Q(1, 2), Q(1, 2)}, {Q(1, 3), Q(2, 3)}, {Q(1, 4), Q(3, 4)}}};
  const auto one = make_solver("gnm")->solve(g);
  ASSERT_FALSE(one.empty());
  const auto five = make_solver("gnm", {{"perturbations", "5"}})->solve(g);
  std::vector<Rows> seen;
  for (const auto& e : five) {
    ASSERT_TRUE(e.profile.exact);
    EXPECT_FALSE(e.approximate);
    EXPECT_NE(std::find(published.begin(), published.end(), rows_of(e)), published.end());
    seen.push_back(rows_of(e));
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());  // merged, no repeats
  EXPECT_EQ(seen.size(), 9U);
  // The first ray's equilibria come first, in the same order: the rays are drawn from the seed.
  for (std::size_t k = 0; k < one.size(); ++k) EXPECT_EQ(rows_of(five[k]), rows_of(one[k]));
}

// Nau, Gomez Canovas and Hansen's game has one equilibrium, irrational: q = (-13 + sqrt(601))/24
// (derived by hand in nplayer_test.cpp). Every ray's path crosses the game there, an odd
// number of times.
TEST(GamesGnm, FindsTheIrrationalEquilibriumOfNauGomezCanovasHansen) {
  const StrategicGame g = data_nfg("nau_gomez_canovas_hansen_2x2x2.nfg");
  const double q = (-13 + std::sqrt(601.0)) / 24;
  const double p = (9 * q - 1) / (7 * q + 2);
  const double r = (2 - 3 * q) / (1 + q);
  for (const std::string seed : {"0", "1", "2"}) {
    const auto eqs = make_solver("gnm", {{"seed", seed}})->solve(g);
    ASSERT_EQ(eqs.size(), 1U) << seed;
    const Equilibrium& e = eqs[0];
    EXPECT_TRUE(e.approximate);
    EXPECT_NEAR(e.profile.approx[0][0][0], p, 1e-12);
    EXPECT_NEAR(e.profile.approx[1][0][0], q, 1e-12);
    EXPECT_NEAR(e.profile.approx[2][0][0], r, 1e-12);
    EXPECT_LT(largest(regrets(g, e.profile)), 1e-12);
  }
  const auto path = path_of(g, {0.3, 0.9, 0.8, 0.1, 0.5, 0.6});
  EXPECT_EQ(path.stopped, "");
  EXPECT_EQ(path.crossings.size() % 2, 1U);
}

// Govindan and Wilson's theorem: for a generic ray the path runs from λ = +∞ to λ = −∞ and
// crosses the game an odd number of times, each time at an equilibrium. Checked on random
// three- and four-player games (payoffs with denominator 1000, so ties are rare) and random
// rays; each crossing's max regret is within rounding, and each is one of the equilibria
// enumpoly finds independently (support enumeration).
TEST(GamesGnm, EveryPathCrossesTheGameAnOddNumberOfTimesAtEquilibria) {
  int crossings = 0;
  int paths_with_several = 0;
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    const int players = seed % 3 == 0 ? 4 : 3;
    const StrategicGame g = test::random_strategic(seed, players, players == 4 ? 2 : 3, 5, 1000);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> bonus(0.0, 1.0);
    std::vector<double> ray;
    for (int p = 0; p < g.num_players(); ++p) {
      for (int s = 0; s < g.num_strategies(p); ++s) ray.push_back(bonus(rng));
    }
    const auto path = path_of(g, ray);
    ASSERT_EQ(path.stopped, "") << seed;
    EXPECT_EQ(path.crossings.size() % 2, 1U) << seed;
    crossings += static_cast<int>(path.crossings.size());
    paths_with_several += path.crossings.size() > 1 ? 1 : 0;
    const auto table = detail::double_table(g);
    const auto all = make_solver("enumpoly")->solve(g);
    for (const auto& x : path.crossings) {
      EXPECT_LE(detail::max_regret(table, x), 1e-9) << seed;
      double nearest = 1;
      for (const auto& e : all)
        nearest = std::min(nearest, distance(x, detail::double_mixed(e.profile)));
      EXPECT_LE(nearest, 1e-8) << seed;
    }
  }
  EXPECT_GT(paths_with_several, 3);  // the parity is tested on paths that turn back, too
  EXPECT_GE(crossings, 30);
}

// Two-player games: every gnm equilibrium is one of enummixed's extreme equilibria (random
// games with denominator 1000 are nondegenerate, so each equilibrium is an extreme one), read
// exactly.
TEST(GamesGnm, TwoPlayerEquilibriaAreEnumMixeds) {
  for (std::uint32_t seed = 100; seed < 130; ++seed) {
    const StrategicGame g = test::random_strategic(seed, 2, 4, 5, 1000);
    std::vector<Rows> all;
    for (const auto& e : make_solver("enummixed")->solve(g)) all.push_back(rows_of(e));
    const auto eqs =
        make_solver("gnm", {{"perturbations", "2"}, {"seed", std::to_string(seed)}})->solve(g);
    ASSERT_FALSE(eqs.empty()) << seed;
    for (const auto& e : eqs) {
      ASSERT_TRUE(e.profile.exact) << seed;
      EXPECT_NE(std::find(all.begin(), all.end(), rows_of(e)), all.end()) << seed;
    }
  }
}

// Random games of 2-4 players, payoffs with ties (denominator 1): whatever the path meets,
// every profile returned is an equilibrium — exactly when exact, else within 1e-7 of the
// payoff range (10), the bound the solver keeps.
TEST(GamesGnm, EveryReturnedProfileIsAnEquilibrium) {
  for (std::uint32_t seed = 200; seed < 240; ++seed) {
    const int players = 2 + static_cast<int>(seed % 3);
    const StrategicGame g = test::random_strategic(seed, players, players == 4 ? 2 : 3);
    std::vector<Equilibrium> eqs;
    try {
      eqs = make_solver("gnm", {{"seed", std::to_string(seed)}})->solve(g);
    } catch (const SolverError& e) {
      // A tie can leave a path at a singular point before any crossing: said, not guessed.
      EXPECT_NE(std::string(e.what()).find("gnm: "), std::string::npos);
      continue;
    }
    for (const auto& e : eqs) EXPECT_TRUE(verified(g, e, 1e-6)) << seed;
  }
}

// Selten's horse through its reduced strategic form (its equilibria are derived in
// docs/games.md and nplayer_test.cpp: the pure (R, R, L) and (L, R, R) and two components).
// Every profile returned has zero regret on the tree, and five rays reach both pure ones.
TEST(GamesGnm, SeltensHorse) {
  const ExtensiveGame g = data_efg("gambit_selten_horse.efg");
  const auto eqs = make_solver("gnm", {{"perturbations", "5"}})->solve(g);
  std::vector<std::vector<Q>> pure;
  for (const auto& e : eqs) {
    ASSERT_TRUE(e.profile.exact);
    EXPECT_EQ(largest(regrets(g, e.profile)), 0.0);
    const auto& x = e.profile.probs;
    const std::vector<Q> r{x[0][0][0], x[1][0][0], x[2][0][0]};
    if (std::all_of(r.begin(), r.end(), [](const Q& v) { return v == 0 || v == 1; })) {
      pure.push_back(r);
    }
  }
  std::sort(pure.begin(), pure.end());
  // Player 3's information set is unreached in (R, R, L)'s neighbourhood; the profile's
  // numbers there are the solver's: count the two pure equilibria by their reached play.
  EXPECT_NE(std::find(pure.begin(), pure.end(), std::vector<Q>{Q(1), Q(1), Q(0)}), pure.end());
  EXPECT_NE(std::find(pure.begin(), pure.end(), std::vector<Q>{Q(0), Q(1), Q(1)}), pure.end());
}

// A game where every payoff is the same: every profile is an equilibrium and the path would
// meet all of them at once. One is returned (each player's first strategy), exactly.
TEST(GamesGnm, ConstantGame) {
  StrategicGame g({"A", "B", "C"}, {{"x", "y"}, {"x", "y", "z"}, {"x", "y"}});
  for (std::size_t c = 0; c < g.num_cells(); ++c) {
    g.set_cell_outcome(c, g.add_outcome({Q(3), Q(3), Q(3)}));
  }
  const auto eqs = make_solver("gnm")->solve(g);
  ASSERT_EQ(eqs.size(), 1U);
  EXPECT_EQ(rows_of(eqs[0]), (Rows{{Q(1), Q(0)}, {Q(1), Q(0), Q(0)}, {Q(1), Q(0)}}));
}

TEST(GamesGnm, RefusesBadOptionsWithMessages) {
  const StrategicGame g = data_nfg("mckelvey_mclennan_2x2x2.nfg");
  const auto message = [&](const SolverOptions& o) {
    try {
      (void)make_solver("gnm", o)->solve(g);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({{"ray", "1,0;1,0"}}), "gnm: option ray has 2 players; expected 3");
  EXPECT_EQ(message({{"ray", "1,0;1,0;1,0,2"}}),
            "gnm: option ray gives player 3 3 bonuses; expected 2 (one per strategy)");
  EXPECT_EQ(message({{"ray", "1,0;1,1;1,0"}}),
            "gnm: option ray gives player 2 a tie for the largest or the smallest bonus; "
            "expected one strategy with each (the path starts and ends where they are dominant)");
  EXPECT_EQ(message({{"ray", "1,x;1,0;1,0"}}),
            "option ray='1,x;1,0;1,0' is invalid: 'x' is not a number; expected one bonus per "
            "strategy, such as 1,0;0,1 (players separated by ';')");
  EXPECT_EQ(message({{"ray", "1,0;0,1;1,0"}, {"perturbations", "2"}}),
            "option perturbations='2' is invalid with a given ray: expected 1 (a given ray is "
            "traced once)");
  EXPECT_EQ(message({{"perturbations", "0"}}),
            "option perturbations='0' is invalid: expected a whole number from 1 to 1073741824");
  // A given ray is followed: bonuses 1/2 and -3/4 are numbers too.
  EXPECT_EQ(message({{"ray", "1/2,-3/4;0.25,1;1,0"}}), "no error");
}

// The budget stops a long path (a random 9x9x9 game's takes seconds) with the equilibria it
// has crossed so far.
TEST(GamesGnm, StopsAtItsBudgetWithWhatItFound) {
  std::vector<std::vector<std::string>> s(3, std::vector<std::string>(9, "s"));
  StrategicGame g({"A", "B", "C"}, s);
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> pay(0, 99);
  for (std::size_t c = 0; c < g.num_cells(); ++c) {
    g.set_cell_outcome(c, g.add_outcome({Q(pay(rng)), Q(pay(rng)), Q(pay(rng))}));
  }
  try {
    (void)make_solver("gnm", {{"max_seconds", "0.2"}})->solve(g);
    GTEST_SKIP() << "solved within 0.2 s";
  } catch (const BudgetExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("gnm: the time budget"), std::string::npos);
    for (const auto& eq : e.found()) EXPECT_TRUE(verified(g, eq, 1e-6));
  }
}

}  // namespace
}  // namespace entente::games
