// N-player equilibria (src/games/nplayer.hpp, the enumpoly and simpdiv solvers) on published
// games and hand derivations, each expected value with its source; and a random cross-check
// in which every returned profile is verified in exact arithmetic.
#include "games/nplayer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

// The 2x2x2 game of tests/data/games/mckelvey_mclennan_2x2x2.nfg as numbers: u[p] at
// (a1, a2, a3), 0-based.
Q mm_payoff(int p, int a1, int a2, int a3) {
  const int table[2][2][2][3] = {{{{9, 8, 12}, {0, 0, 0}}, {{0, 0, 0}, {3, 4, 6}}},
                                 {{{0, 0, 0}, {3, 4, 4}}, {{9, 8, 2}, {0, 0, 0}}}};
  return table[a1][a2][a3][p];
}

// ---------------------------------------------------------------- helpers

// Strategy payoffs against a mixed profile, computed by hand from the payoff table: player 1's
// payoff from strategy 1 when player 2 plays (1/2, 1/2) and player 3 (1/3, 2/3) is
// 1/2·1/3·9 + 1/2·2/3·0 + 1/2·1/3·0 + 1/2·2/3·3 = 3/2 + 1 = 5/2.
TEST(GamesNPlayer, StrategyPayoffsAndRegretsByHand) {
  const StrategicGame g = data_nfg("mckelvey_mclennan_2x2x2.nfg");
  const auto table = detail::exact_table(g);
  const Mixed<Q> x{{Q(1), Q(0)}, {Q(1, 2), Q(1, 2)}, {Q(1, 3), Q(2, 3)}};
  const Mixed<Q> u = detail::strategy_payoffs(table, x);
  // Every entry against the same hand sum over the table.
  for (int p = 0; p < 3; ++p) {
    for (int s = 0; s < 2; ++s) {
      Q expected = 0;
      for (int a1 = 0; a1 < 2; ++a1) {
        for (int a2 = 0; a2 < 2; ++a2) {
          for (int a3 = 0; a3 < 2; ++a3) {
            const int own[3] = {a1, a2, a3};
            if (own[p] != s) continue;
            Q w = 1;
            for (int m = 0; m < 3; ++m) {
              if (m != p) w *= x[static_cast<std::size_t>(m)][static_cast<std::size_t>(own[m])];
            }
            expected += w * mm_payoff(p, a1, a2, a3);
          }
        }
      }
      EXPECT_EQ(u[static_cast<std::size_t>(p)][static_cast<std::size_t>(s)], expected)
          << p << " " << s;
    }
  }
  EXPECT_EQ(u[0][0], Q(5, 2));
  // Player 1 plays strategy 1 (5/2); strategy 2 earns 1/2·1/3·0 + 1/2·2/3·3 + 1/2·1/3·9 +
  // 1/2·2/3·0 = 1 + 3/2 = 5/2: no regret. Player 2's best reply against (1, 0) and (1/3, 2/3):
  // strategy 1 earns 1/3·8 = 8/3, strategy 2 earns 2/3·4 = 8/3: no regret either. Player 3:
  // strategy 1 earns 1/2·12 = 6, strategy 2 earns 1/2·6 = 3; her mixture earns 1/3·6 + 2/3·3
  // = 4, so her regret is 2.
  EXPECT_EQ(detail::max_regret(table, x), Q(2));
  EXPECT_FALSE(detail::is_equilibrium(table, x));
  EXPECT_NEAR(detail::max_regret(detail::double_table(g),
                                 Mixed<double>{{1, 0}, {0.5, 0.5}, {1.0 / 3, 2.0 / 3}}),
              2.0, 1e-12);
  // Not a profile: probabilities summing to 2, a negative one, a missing player.
  EXPECT_FALSE(detail::is_equilibrium(table, {{Q(1), Q(1)}, {Q(1), Q(0)}, {Q(1), Q(0)}}));
  EXPECT_FALSE(detail::is_equilibrium(table, {{Q(2), Q(-1)}, {Q(1), Q(0)}, {Q(1), Q(0)}}));
  EXPECT_FALSE(detail::is_equilibrium(table, {{Q(1), Q(0)}, {Q(1), Q(0)}}));
}

// ---------------------------------------------------------------- enumpoly

// McKelvey and McLennan (1996, "Computation of equilibria in finite games", Handbook of
// Computational Economics I, ch. 2): a 2x2x2 game with 9 equilibria, 2 of them totally mixed,
// the maximal number of regular equilibria for this size. The list below is the one
// QuantEcon's game_theory tests (test_hc_solve) give for it; with those payoffs (cell
// (2, 1, 2) paying player 3 four, where Gambit's catalog file 2x2x2.nfg has six, which does
// not reproduce the published mixed equilibria) each is checked here in exact arithmetic too.
TEST(GamesNPlayer, EnumPolyFindsTheNineEquilibriaOfMcKelveyMcLennan) {
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
  const auto table = detail::exact_table(g);
  for (const Rows& x : published) EXPECT_TRUE(detail::is_equilibrium(table, x));
  const auto eqs = make_solver("enumpoly")->solve(g);
  ASSERT_EQ(eqs.size(), 9U);
  for (const auto& e : eqs) {
    EXPECT_TRUE(e.profile.exact);
    EXPECT_FALSE(e.approximate);
    EXPECT_FALSE(e.non_isolated);
    EXPECT_NE(std::find(published.begin(), published.end(), rows_of(e)), published.end());
  }
  // Pure ones first (supports are enumerated smallest first), and exactly enumpure's.
  std::vector<Rows> pure;
  for (const auto& e : make_solver("enumpure")->solve(g)) pure.push_back(rows_of(e));
  std::vector<Rows> first;
  for (std::size_t k = 0; k < 4; ++k) first.push_back(rows_of(eqs[k]));
  std::sort(pure.begin(), pure.end());
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, pure);
}

// Nau, Gomez Canovas and Hansen (2004, "On the geometry of Nash equilibria and correlated
// equilibria", IJGT 32): a 2x2x2 game whose only equilibrium is irrational. With p, q, r the
// probabilities of each player's first strategy, by hand from the table:
//   player 1: u(1) = 3qr + q(1-r), u(2) = (1-q)(2-r)  -> indifferent when r = (2-3q)/(1+q);
//   player 2: u(1) = (1-p)(3-2r), u(2) = p(1+r)       -> p = (3-2r)/(4-r) = (9q-1)/(7q+2);
//   player 3: u(1) = 2pq, u(2) = 3(1-p)(1-q)          -> 12q^2 + 13q - 9 = 0,
// so q = (-13 + sqrt(601))/24 (the closed form QuantEcon's tests also use). No pure profile is
// an equilibrium (enumpure finds none) and no partly mixed one either: the answer is one
// approximate equilibrium.
TEST(GamesNPlayer, EnumPolyGivesTheIrrationalEquilibriumOfNauGomezCanovasHansen) {
  const StrategicGame g = data_nfg("nau_gomez_canovas_hansen_2x2x2.nfg");
  EXPECT_TRUE(make_solver("enumpure")->solve(g).empty());
  const auto eqs = make_solver("enumpoly")->solve(g);
  ASSERT_EQ(eqs.size(), 1U);
  const Equilibrium& e = eqs[0];
  EXPECT_FALSE(e.profile.exact);
  EXPECT_TRUE(e.approximate);
  EXPECT_FALSE(e.non_isolated);
  const double q = (-13 + std::sqrt(601.0)) / 24;
  const double p = (9 * q - 1) / (7 * q + 2);
  const double r = (2 - 3 * q) / (1 + q);
  EXPECT_NEAR(e.profile.approx[0][0][0], p, 1e-12);
  EXPECT_NEAR(e.profile.approx[1][0][0], q, 1e-12);
  EXPECT_NEAR(e.profile.approx[2][0][0], r, 1e-12);
  const std::vector<double> gains = regrets(g, e.profile);
  EXPECT_LT(*std::max_element(gains.begin(), gains.end()), 1e-12);
}

// Gambit's 2x2x2-nau.nfg ("3 pure, 2 incompletely mixed, and a continuum of completely mixed
// NE"). By hand, with p, q, r the probabilities of strategy 1: player 1 gets q(1-r) from 1
// and 3qr from 2, player 2 p(1-r) and 3pr, player 3 2pq and 3(1-p)(1-q). The pure equilibria
// are (2,1,1), (1,2,1) and (2,2,2) (every other cell has a profitable deviation). Totally
// mixed: players 1 and 2 are indifferent only at r = 1/4, and player 3 where
// 2pq = 3(1-p)(1-q), a curve of equilibria. With player 1 on 1 and player 2 on 2, player 3's
// payoffs are 0 and 0 whatever she does and player 2 stays on 2 while 3r >= 1 - r: a segment
// r in [1/4, 1) (and symmetrically with players 1 and 2 swapped) — the "incompletely mixed"
// equilibria are segments too. enumpoly reports the pure ones and one exactly verified point
// of each continuum, flagged non-isolated.
TEST(GamesNPlayer, EnumPolyFlagsTheContinuaOfNausGame) {
  const StrategicGame g = data_nfg("gambit_2x2x2_nau.nfg");
  const auto table = detail::exact_table(g);
  const auto eqs = make_solver("enumpoly")->solve(g);
  std::vector<Rows> pure;
  std::vector<Rows> continua;
  for (const auto& e : eqs) {
    ASSERT_TRUE(e.profile.exact);
    EXPECT_TRUE(detail::is_equilibrium(table, rows_of(e)));
    (e.non_isolated ? continua : pure).push_back(rows_of(e));
  }
  std::sort(pure.begin(), pure.end());
  EXPECT_EQ(pure, (std::vector<Rows>{{{Q(0), Q(1)}, {Q(0), Q(1)}, {Q(0), Q(1)}},
                                     {{Q(0), Q(1)}, {Q(1), Q(0)}, {Q(1), Q(0)}},
                                     {{Q(1), Q(0)}, {Q(0), Q(1)}, {Q(1), Q(0)}}}));
  ASSERT_EQ(continua.size(), 3U);
  int segments = 0;
  int curves = 0;
  for (const Rows& x : continua) {
    const Q& p = x[0][0];
    const Q& q = x[1][0];
    const Q& r = x[2][0];
    if ((p == 1 && q == 0) || (p == 0 && q == 1)) {
      ++segments;
      EXPECT_TRUE(r >= Q(1, 4) && r < 1);
    } else {
      ++curves;
      EXPECT_EQ(r, Q(1, 4));
      EXPECT_EQ(2 * p * q, 3 * (1 - p) * (1 - q));
    }
  }
  EXPECT_EQ(segments, 2);
  EXPECT_EQ(curves, 1);
}

// Selten's horse (tests/data/games/gambit_selten_horse.efg; docs/games.md derives its
// equilibria): the pure equilibria (R, R, L) and (L, R, R), and two continua — player 1 R,
// player 2 R, player 3 R with probability q in (0, 1/4] (player 2's L would earn 4q, player
// 1's L 3q, against 1), and player 1 L, player 3 R, player 2 R with probability at least 1/3
// (player 1's R earns pR + 4(1 - pR) <= 3), player 2's information set then unreached.
TEST(GamesNPlayer, EnumPolyFindsSeltensHorsesPureEquilibriaAndBothComponents) {
  const ExtensiveGame g = data_efg("gambit_selten_horse.efg");
  const auto eqs = make_solver("enumpoly")->solve(g);
  ASSERT_EQ(eqs.size(), 4U);
  for (const auto& e : eqs) {
    ASSERT_TRUE(e.profile.exact);
    const auto r = regrets(g, e.profile);
    EXPECT_EQ(*std::max_element(r.begin(), r.end()), 0.0);
  }
  // Behaviour probabilities of R (action 0) at each player's only information set.
  const auto r_of = [](const Equilibrium& e, int p) {
    return e.profile.probs[static_cast<std::size_t>(p)][0][0];
  };
  EXPECT_FALSE(eqs[0].non_isolated);
  EXPECT_FALSE(eqs[1].non_isolated);
  std::vector<std::vector<Q>> pure{{r_of(eqs[0], 0), r_of(eqs[0], 1), r_of(eqs[0], 2)},
                                   {r_of(eqs[1], 0), r_of(eqs[1], 1), r_of(eqs[1], 2)}};
  std::sort(pure.begin(), pure.end());
  EXPECT_EQ(pure, (std::vector<std::vector<Q>>{{Q(0), Q(1), Q(1)}, {Q(1), Q(1), Q(0)}}));
  int first = 0;
  int second = 0;
  for (std::size_t k = 2; k < eqs.size(); ++k) {
    EXPECT_TRUE(eqs[k].non_isolated);
    if (r_of(eqs[k], 0) == 1) {
      ++first;
      EXPECT_EQ(r_of(eqs[k], 1), 1);
      EXPECT_TRUE(r_of(eqs[k], 2) > 0 && r_of(eqs[k], 2) <= Q(1, 4));
    } else {
      ++second;
      EXPECT_EQ(r_of(eqs[k], 0), 0);
      EXPECT_EQ(r_of(eqs[k], 2), 1);
      EXPECT_TRUE(r_of(eqs[k], 1) >= Q(1, 3) && r_of(eqs[k], 1) < 1);
    }
  }
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST(GamesNPlayer, EnumPolyRefusesLargeGamesAndWarnsBeforeMediumOnes) {
  // 3 players with 10 strategies: (2^10 - 1)^3 = 1.07e9 support profiles.
  const StrategicGame small = test::random_strategic(7, 3, 2);
  const StrategicGame g(
      {"A", "B", "C"}, std::vector<std::vector<std::string>>(3, std::vector<std::string>(10, "s")));
  const auto solver = make_solver("enumpoly");
  EXPECT_NE(solver->work_warning(g).find("support profiles"), std::string::npos);
  try {
    (void)solver->solve(g);
    ADD_FAILURE();
  } catch (const SolverError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a small game"), std::string::npos);
  }
  EXPECT_EQ(solver->work_warning(small), "");
}

TEST(GamesNPlayer, EnumPolyStopsAtItsBudgetWithWhatItFound) {
  // 4 players with 4 strategies: 15^4 = 50,625 supports, far more than 0.2 s allows.
  std::vector<std::vector<std::string>> s(4, {"a", "b", "c", "d"});
  StrategicGame big({"A", "B", "C", "D"}, s);
  for (std::size_t c = 0; c < big.num_cells(); ++c) {
    big.set_cell_outcome(
        c, big.add_outcome({Q(static_cast<long>(c % 7)), Q(static_cast<long>(c % 5)),
                            Q(static_cast<long>(c % 3)), Q(static_cast<long>(c % 11))}));
  }
  try {
    (void)make_solver("enumpoly", {{"max_seconds", "0.2"}})->solve(big);
    ADD_FAILURE();
  } catch (const BudgetExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("support profiles"), std::string::npos);
    for (const auto& f : e.found()) {
      if (f.profile.exact) {
        EXPECT_TRUE(detail::is_equilibrium(detail::exact_table(big), rows_of(f)));
      } else {
        EXPECT_TRUE(f.approximate);
        EXPECT_LE(detail::max_regret(detail::double_table(big), detail::double_mixed(f.profile)),
                  1e-9);
      }
    }
  }
}

// Random games: every profile enumpoly returns is verified (exactly when exact, else its
// regret is within rounding); its pure equilibria are exactly enumpure's; on generic
// two-player games (payoffs with denominator 1000, so degenerate ties are rare) its
// equilibria are exactly enummixed's extreme ones, all isolated.
TEST(GamesNPlayer, EnumPolyCrossCheckOnRandomGames) {
  int mixed_found = 0;
  for (std::uint32_t seed = 1; seed <= 80; ++seed) {
    const int players = 3 + static_cast<int>(seed % 2);
    const StrategicGame g = test::random_strategic(seed, players, players == 3 ? 3 : 2, 5, 1000);
    const auto table = detail::exact_table(g);
    const auto eqs = make_solver("enumpoly")->solve(g);
    ASSERT_FALSE(eqs.empty()) << seed;  // Nash: every finite game has one
    std::vector<Rows> pure_here;
    for (const auto& e : eqs) {
      if (e.profile.exact) {
        EXPECT_TRUE(detail::is_equilibrium(table, rows_of(e))) << seed;
        bool pure = true;
        for (const auto& row : rows_of(e)) {
          pure = pure && std::count(row.begin(), row.end(), Q(0)) + 1 ==
                             static_cast<std::ptrdiff_t>(row.size());
        }
        if (pure) {
          pure_here.push_back(rows_of(e));
        } else {
          ++mixed_found;
        }
      } else {
        ++mixed_found;
        EXPECT_LT(detail::max_regret(detail::double_table(g), detail::double_mixed(e.profile)),
                  1e-9)
            << seed;
      }
    }
    std::vector<Rows> pure;
    for (const auto& e : make_solver("enumpure")->solve(g)) pure.push_back(rows_of(e));
    std::sort(pure.begin(), pure.end());
    std::sort(pure_here.begin(), pure_here.end());
    EXPECT_EQ(pure_here, pure) << seed;
  }
  EXPECT_GT(mixed_found, 10);
  for (std::uint32_t seed = 100; seed < 160; ++seed) {
    const StrategicGame g = test::random_strategic(seed, 2, 4, 5, 1000);
    std::vector<Rows> poly;
    for (const auto& e : make_solver("enumpoly")->solve(g)) {
      ASSERT_TRUE(e.profile.exact) << seed;  // two players: linear systems, rational roots
      EXPECT_FALSE(e.non_isolated) << seed;
      poly.push_back(rows_of(e));
    }
    std::vector<Rows> extreme;
    for (const auto& e : make_solver("enummixed")->solve(g)) extreme.push_back(rows_of(e));
    std::sort(poly.begin(), poly.end());
    std::sort(extreme.begin(), extreme.end());
    EXPECT_EQ(poly, extreme) << seed;
  }
}

// ---------------------------------------------------------------- simpdiv

// simpdiv returns one equilibrium; on McKelvey and McLennan's game it refines to one of the
// nine published ones, exactly.
TEST(GamesNPlayer, SimpDivReachesOneOfMcKelveyMcLennansEquilibria) {
  const StrategicGame g = data_nfg("mckelvey_mclennan_2x2x2.nfg");
  const auto table = detail::exact_table(g);
  std::vector<Rows> all;
  for (const auto& e : make_solver("enumpoly")->solve(g)) all.push_back(rows_of(e));
  const auto eqs = make_solver("simpdiv")->solve(g);
  ASSERT_EQ(eqs.size(), 1U);
  ASSERT_TRUE(eqs[0].profile.exact);
  EXPECT_FALSE(eqs[0].approximate);
  EXPECT_TRUE(detail::is_equilibrium(table, rows_of(eqs[0])));
  EXPECT_NE(std::find(all.begin(), all.end(), rows_of(eqs[0])), all.end());
  // From a start that is itself an equilibrium (the published pure (1, 1, 1)), no grid is
  // needed: it is returned.
  const auto from_pure = make_solver("simpdiv", {{"start", "1,0;1,0;1,0"}})->solve(g);
  EXPECT_EQ(rows_of(from_pure.at(0)), (Rows{{Q(1), Q(0)}, {Q(1), Q(0)}, {Q(1), Q(0)}}));
}

// The irrational equilibrium (closed form derived by hand above) is returned approximately,
// marked so, with its regret at the level of rounding.
TEST(GamesNPlayer, SimpDivApproximatesTheIrrationalEquilibrium) {
  const StrategicGame g = data_nfg("nau_gomez_canovas_hansen_2x2x2.nfg");
  const auto eqs = make_solver("simpdiv")->solve(g);
  ASSERT_EQ(eqs.size(), 1U);
  EXPECT_TRUE(eqs[0].approximate);
  const double q = (-13 + std::sqrt(601.0)) / 24;
  EXPECT_NEAR(eqs[0].profile.approx[0][0][0], (9 * q - 1) / (7 * q + 2), 1e-9);
  EXPECT_NEAR(eqs[0].profile.approx[1][0][0], q, 1e-9);
  EXPECT_NEAR(eqs[0].profile.approx[2][0][0], (2 - 3 * q) / (1 + q), 1e-9);
  const std::vector<double> gains = regrets(g, eqs[0].profile);
  EXPECT_LT(*std::max_element(gains.begin(), gains.end()), 1e-10);
}

// Selten's horse through its reduced strategic form: an equilibrium of the tree (zero regret
// on the tree itself), in one of the two components derived above.
TEST(GamesNPlayer, SimpDivOnSeltensHorse) {
  const ExtensiveGame g = data_efg("gambit_selten_horse.efg");
  const auto eqs = make_solver("simpdiv")->solve(g);
  ASSERT_EQ(eqs.size(), 1U);
  ASSERT_TRUE(eqs[0].profile.exact);
  const auto r = regrets(g, eqs[0].profile);
  EXPECT_EQ(*std::max_element(r.begin(), r.end()), 0.0);
  const auto& x = eqs[0].profile.probs;
  const bool first = x[0][0][0] == 1 && x[1][0][0] == 1 && x[2][0][0] <= Q(1, 4);
  const bool second = x[0][0][0] == 0 && x[2][0][0] == 1 && x[1][0][0] >= Q(1, 3);
  EXPECT_TRUE(first || second);
}

TEST(GamesNPlayer, SimpDivRefusesBadOptionsWithMessages) {
  const StrategicGame g = data_nfg("mckelvey_mclennan_2x2x2.nfg");
  const auto message = [&](const SolverOptions& o) {
    try {
      (void)make_solver("simpdiv", o)->solve(g);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({{"start", "1,0;1,0"}}),
            "simpdiv: the start profile has 2 players; expected 3");
  EXPECT_EQ(message({{"start", "1,0;1,0;1,0,0"}}),
            "simpdiv: the start profile gives player 3 3 probabilities; expected 2 (one per "
            "strategy)");
  EXPECT_EQ(message({{"start", "1/2,1/3;1,0;1,0"}}),
            "option start='1/2,1/3;1,0;1,0' is invalid: player 1's probabilities sum to 5/6; "
            "expected 1");
  EXPECT_EQ(message({{"start", "a,b"}}),
            "option start='a,b' is invalid: 'a' is not a number; expected probabilities such "
            "as 1/2,1/2;1,0 (players separated by ';')");
  EXPECT_EQ(message({{"refine", "1"}}),
            "option refine='1' is invalid: expected a whole number from 2 to 1073741824");
}

// Random games of 2-4 players: simpdiv's profile is an equilibrium — exactly when exact, else
// within its precision (1e-10 of the payoff range, here 10).
TEST(GamesNPlayer, SimpDivCrossCheckOnRandomGames) {
  int exact = 0;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    const int players = 2 + static_cast<int>(seed % 3);
    const StrategicGame g = test::random_strategic(seed, players, players == 4 ? 2 : 3, 5, 1000);
    const auto eqs = make_solver("simpdiv")->solve(g);
    ASSERT_EQ(eqs.size(), 1U) << seed;
    if (eqs[0].profile.exact) {
      ++exact;
      EXPECT_TRUE(detail::is_equilibrium(detail::exact_table(g), rows_of(eqs[0]))) << seed;
    } else {
      EXPECT_TRUE(eqs[0].approximate);
      EXPECT_LE(detail::max_regret(detail::double_table(g), detail::double_mixed(eqs[0].profile)),
                1e-9)
          << seed;
    }
  }
  EXPECT_GT(exact, 10);  // two-player games and pure equilibria read exactly
}

TEST(GamesNPlayer, SimpDivStopsAtItsBudgetWithItsCurrentProfile) {
  std::vector<std::vector<std::string>> s(4, std::vector<std::string>(6, "s"));
  StrategicGame big({"A", "B", "C", "D"}, s);
  for (std::size_t c = 0; c < big.num_cells(); ++c) {
    big.set_cell_outcome(
        c, big.add_outcome({Q(static_cast<long>(c * 7 % 13)), Q(static_cast<long>(c * 5 % 11)),
                            Q(static_cast<long>(c * 3 % 7)), Q(static_cast<long>(c % 17))}));
  }
  try {
    (void)make_solver("simpdiv", {{"max_seconds", "0.05"}, {"precision", "1e-14"}})->solve(big);
    GTEST_SKIP() << "solved within 0.05 s";
  } catch (const BudgetExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("simpdiv: the time budget"), std::string::npos);
    ASSERT_EQ(e.found().size(), 1U);  // the profile reached, with its regret
    EXPECT_EQ(e.found()[0].profile.approx.size(), 4U);
  }
}

}  // namespace
}  // namespace entente::games
