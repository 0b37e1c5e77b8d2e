// The random cross-check suite (issue 18): games drawn from one recorded seed, every profile a
// solver returns verified independently in exact arithmetic — each player's payoff against
// every one of her pure deviations, evaluated on the game itself — and the solvers checked
// against each other. Sized for CI: about 1.5 s in Release.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "entente/refinements.hpp"
#include "entente/solver.hpp"
#include "games/random_games.hpp"

namespace entente::games {
namespace {

using Q = Rational;
using Rows = std::vector<std::vector<Q>>;

// The recorded seed: game k is drawn from kSeed + k.
constexpr std::uint32_t kSeed = 20261205;

std::vector<Equilibrium> solve(const std::string& solver, const StrategicGame& g,
                               const SolverOptions& options = {}) {
  return make_solver(solver, options)->solve(g);
}
std::vector<Equilibrium> solve(const std::string& solver, const ExtensiveGame& g) {
  return make_solver(solver)->solve(g);
}

// Whether no player gains by any pure strategy against the others' mixed strategies, and the
// equilibrium's payoffs are the profile's: exact, by the strategic game's own payoff table.
::testing::AssertionResult exact_equilibrium(const StrategicGame& g, const Equilibrium& e) {
  if (!e.profile.exact) return ::testing::AssertionFailure() << "not exact";
  const std::vector<Q> value = expected_payoffs(g, e.profile);
  if (value != e.payoffs) return ::testing::AssertionFailure() << "payoffs differ";
  for (int p = 0; p < g.num_players(); ++p) {
    for (int s = 0; s < g.num_strategies(p); ++s) {
      Profile deviation = e.profile;
      auto& row = deviation.probs[static_cast<std::size_t>(p)][0];
      std::fill(row.begin(), row.end(), Q(0));
      row[static_cast<std::size_t>(s)] = 1;
      deviation.sync_approx();
      const Q gain = expected_payoffs(g, deviation)[static_cast<std::size_t>(p)] -
                     value[static_cast<std::size_t>(p)];
      if (gain > 0) {
        return ::testing::AssertionFailure() << g.title() << ": player " << p + 1 << " gains "
                                             << gain.get_str() << " by strategy " << s + 1;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// The same on a tree: every reduced pure strategy of each player (a choice at every infoset
// she can reach; any at the others) against the others' behaviour, payoffs on the tree.
::testing::AssertionResult exact_equilibrium(const ExtensiveGame& g, const ReducedForm& form,
                                             const Equilibrium& e) {
  if (!e.profile.exact) return ::testing::AssertionFailure() << "not exact";
  const std::vector<Q> value = expected_payoffs(g, e.profile);
  if (value != e.payoffs) return ::testing::AssertionFailure() << "payoffs differ";
  for (std::size_t p = 0; p < form.choices.size(); ++p) {
    for (const auto& strategy : form.choices[p]) {
      Profile deviation = e.profile;
      for (std::size_t k = 0; k < strategy.size(); ++k) {
        auto& row = deviation.probs[p][k];
        std::fill(row.begin(), row.end(), Q(0));
        row[static_cast<std::size_t>(std::max(strategy[k], 0))] = 1;
      }
      deviation.sync_approx();
      const Q gain = expected_payoffs(g, deviation)[p] - value[p];
      if (gain > 0) {
        return ::testing::AssertionFailure()
               << g.title() << ": player " << p + 1 << " gains " << gain.get_str();
      }
    }
  }
  return ::testing::AssertionSuccess();
}

Rows rows_of(const Equilibrium& e) {
  Rows out;
  for (const auto& player : e.profile.probs) out.push_back(player[0]);
  return out;
}

bool pure(const Rows& rows) {
  return std::all_of(rows.begin(), rows.end(), [](const std::vector<Q>& r) {
    return std::all_of(r.begin(), r.end(), [](const Q& q) { return q == 0 || q == 1; });
  });
}

// 400 bimatrix games up to 5 x 5 with payoffs in sevenths (ties rare): every equilibrium of
// enummixed, AllLemke, Lemke–Howson from label 1 and enumpure is exact; Lemke–Howson's and
// the pure ones are extreme equilibria, so among enummixed's; enummixed's pure ones are
// exactly enumpure's.
TEST(GamesCrossCheck, RandomBimatrixGames) {
  constexpr int kGames = 400;
  int equilibria = 0;
  for (int k = 0; k < kGames; ++k) {
    const StrategicGame g =
        test::random_strategic(kSeed + static_cast<std::uint32_t>(k), 2, 5, 5, 7);
    const auto all = solve("enummixed", g);
    ASSERT_FALSE(all.empty()) << g.title();  // Nash: every finite game has one
    std::vector<Rows> extreme;
    for (const auto& e : all) {
      ASSERT_TRUE(exact_equilibrium(g, e));
      extreme.push_back(rows_of(e));
    }
    equilibria += static_cast<int>(all.size());
    auto among = [&](const Equilibrium& e) {
      return std::find(extreme.begin(), extreme.end(), rows_of(e)) != extreme.end();
    };
    for (const auto& e : solve("lcp", g)) {
      ASSERT_TRUE(exact_equilibrium(g, e));
      EXPECT_TRUE(among(e)) << g.title();
    }
    for (const auto& e : solve("lcp", g, {{"label", "1"}})) {
      ASSERT_TRUE(exact_equilibrium(g, e));
      EXPECT_TRUE(among(e)) << g.title();
    }
    std::vector<Rows> pure_found;
    for (const auto& e : solve("enumpure", g)) {
      ASSERT_TRUE(exact_equilibrium(g, e));
      EXPECT_TRUE(among(e)) << g.title();
      pure_found.push_back(rows_of(e));
    }
    for (const Rows& r : extreme) {
      if (pure(r)) {
        EXPECT_NE(std::find(pure_found.begin(), pure_found.end(), r), pure_found.end())
            << g.title();
      }
    }
  }
  EXPECT_GT(equilibria, kGames);  // some games have several
}

// 200 games of 3 or 4 players: enumpure's equilibria are exact, and they are every pure
// profile where no player gains by a pure deviation (checked cell by cell here).
TEST(GamesCrossCheck, RandomNPlayerGames) {
  constexpr int kGames = 200;
  for (int k = 0; k < kGames; ++k) {
    const StrategicGame g =
        test::random_strategic(kSeed + 1000 + static_cast<std::uint32_t>(k), 3 + k % 2, 3, 2);
    const auto found = solve("enumpure", g);
    std::vector<Rows> listed;
    for (const auto& e : found) {
      ASSERT_TRUE(exact_equilibrium(g, e));
      listed.push_back(rows_of(e));
    }
    std::size_t stable = 0;
    std::vector<int> s(static_cast<std::size_t>(g.num_players()), 0);
    for (std::size_t c = 0; c < g.num_cells(); ++c) {
      bool ok = true;
      for (int p = 0; p < g.num_players() && ok; ++p) {
        std::vector<int> t = s;
        for (int a = 0; a < g.num_strategies(p) && ok; ++a) {
          t[static_cast<std::size_t>(p)] = a;
          ok = g.payoff(g.cell(t), p) <= g.payoff(c, p);
        }
      }
      stable += ok ? 1 : 0;
      for (int p = 0; p < g.num_players(); ++p) {
        if (++s[static_cast<std::size_t>(p)] < g.num_strategies(p)) break;
        s[static_cast<std::size_t>(p)] = 0;
      }
    }
    EXPECT_EQ(found.size(), stable) << g.title();
  }
}

// 150 two-player trees with imperfect information and chance: the sequence-form lcp
// equilibrium, enumpure's and (small reduced forms) enummixed's are exact equilibria against
// every reduced pure strategy.
TEST(GamesCrossCheck, RandomTrees) {
  constexpr int kGames = 150;
  for (int k = 0; k < kGames; ++k) {
    const ExtensiveGame g =
        test::random_extensive(kSeed + 2000 + static_cast<std::uint32_t>(k), 2, 1 + k % 3, false);
    const ReducedForm form = reduced_strategic_form(g);
    const auto lemke = solve("lcp", g);
    ASSERT_EQ(lemke.size(), 1U);
    ASSERT_TRUE(exact_equilibrium(g, form, lemke[0]));
    for (const auto& e : solve("enumpure", g)) ASSERT_TRUE(exact_equilibrium(g, form, e));
    if (form.game.num_cells() <= 100) {
      for (const auto& e : solve("enummixed", g)) ASSERT_TRUE(exact_equilibrium(g, form, e));
    }
  }
}

// 150 perfect-information trees of 2 to 4 players with chance: backward induction's profile
// is an exact equilibrium, and subgame perfect by the independent check in refinements.cpp.
TEST(GamesCrossCheck, RandomPerfectInformationTrees) {
  constexpr int kGames = 150;
  for (int k = 0; k < kGames; ++k) {
    const ExtensiveGame g =
        test::random_extensive(kSeed + 3000 + static_cast<std::uint32_t>(k), 2 + k % 3, 3, true);
    const ReducedForm form = reduced_strategic_form(g);
    const auto bi = solve("backward-induction", g);
    ASSERT_EQ(bi.size(), 1U);
    ASSERT_TRUE(exact_equilibrium(g, form, bi[0]));
    EXPECT_TRUE(subgame_perfection(g, bi[0].profile).perfect) << g.title();
  }
}

}  // namespace
}  // namespace entente::games
