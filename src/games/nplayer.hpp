// Internal: mixed profiles of N-player strategic games in plain vectors, for the solvers
// that work with N players (enumpoly, simpdiv): the payoff of each pure strategy against the
// others' mixtures, the profile's payoffs, the largest gain from a best reply, and the exact
// check that a profile is an equilibrium. Templates over the arithmetic (Rational, double,
// intervals) so one definition serves the exact checks and the floating-point searches.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "entente/games.hpp"
#include "entente/solver.hpp"

namespace entente::games::detail {

// x[p][s]: probability that player p (0-based) plays strategy s.
template <class T>
using Mixed = std::vector<std::vector<T>>;

// A strategic game's payoffs in the arithmetic T, laid out for repeated evaluation: the
// game's outcomes are looked up once, not per evaluation.
template <class T>
struct PayoffTable {
  int players = 0;
  std::vector<int> counts;             // strategies per player
  std::vector<std::vector<int>> pure;  // pure[cell][p]: p's strategy in the cell
  std::vector<T> pay;                  // pay[cell * players + p]
};

// The game's table with each payoff converted by `convert` (exact to T).
template <class T>
PayoffTable<T> make_payoff_table(const StrategicGame& game,
                                 const std::function<T(const Rational&)>& convert) {
  PayoffTable<T> t;
  t.players = game.num_players();
  const auto n = static_cast<std::size_t>(t.players);
  for (int p = 0; p < t.players; ++p) t.counts.push_back(game.num_strategies(p));
  t.pure.reserve(game.num_cells());
  t.pay.reserve(game.num_cells() * n);
  std::vector<int> s(n, 0);
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    t.pure.push_back(s);
    for (int p = 0; p < t.players; ++p) t.pay.push_back(convert(game.payoff(c, p)));
    for (std::size_t p = 0; p < n; ++p) {  // player 1's strategy varies fastest
      if (++s[p] < t.counts[p]) break;
      s[p] = 0;
    }
  }
  return t;
}

// u[p][s]: player p's expected payoff from pure strategy s when every other player m plays
// x[m]. One pass over the table; each cell's weight for player p is the product of the
// others' probabilities, from prefix and suffix products (n multiplications, not n^2).
template <class T>
Mixed<T> strategy_payoffs(const PayoffTable<T>& t, const Mixed<T>& x) {
  const auto n = static_cast<std::size_t>(t.players);
  Mixed<T> u(n);
  for (std::size_t p = 0; p < n; ++p) u[p].assign(static_cast<std::size_t>(t.counts[p]), T(0));
  std::vector<T> prefix(n + 1, T(1));
  std::vector<T> suffix(n + 1, T(1));
  for (std::size_t c = 0; c < t.pure.size(); ++c) {
    const std::vector<int>& s = t.pure[c];
    for (std::size_t p = 0; p < n; ++p) {
      prefix[p + 1] = prefix[p] * x[p][static_cast<std::size_t>(s[p])];
    }
    for (std::size_t p = n; p-- > 0;) {
      suffix[p] = suffix[p + 1] * x[p][static_cast<std::size_t>(s[p])];
    }
    for (std::size_t p = 0; p < n; ++p) {
      u[p][static_cast<std::size_t>(s[p])] += prefix[p] * suffix[p + 1] * t.pay[c * n + p];
    }
  }
  return u;
}

// Each player's expected payoff under the profile, given u = strategy_payoffs(t, x).
template <class T>
std::vector<T> mixed_payoffs(const Mixed<T>& u, const Mixed<T>& x) {
  std::vector<T> out;
  for (std::size_t p = 0; p < x.size(); ++p) {
    T v(0);
    for (std::size_t s = 0; s < x[p].size(); ++s) v += x[p][s] * u[p][s];
    out.push_back(v);
  }
  return out;
}

// Each player's gain from a best reply (>= 0 up to rounding), given u.
template <class T>
std::vector<T> player_regrets(const Mixed<T>& u, const Mixed<T>& x) {
  const std::vector<T> v = mixed_payoffs(u, x);
  std::vector<T> out;
  for (std::size_t p = 0; p < x.size(); ++p) {
    T best = u[p][0];
    for (const T& w : u[p]) best = std::max(best, w);
    out.push_back(best - v[p]);
  }
  return out;
}

// The largest gain any player has from a best reply to the others.
template <class T>
T max_regret(const PayoffTable<T>& t, const Mixed<T>& x) {
  const std::vector<T> r = player_regrets(strategy_payoffs(t, x), x);
  return *std::max_element(r.begin(), r.end());
}

// Exact and floating-point tables of a game.
PayoffTable<Rational> exact_table(const StrategicGame& game);
PayoffTable<double> double_table(const StrategicGame& game);

// True when x is a mixed profile of the game (one distribution per player over its
// strategies: nonnegative, summing to 1) and no player gains by any pure deviation, in
// exact arithmetic.
bool is_equilibrium(const PayoffTable<Rational>& table, const Mixed<Rational>& x);

// A strategic game's profile (one "infoset" per player) as plain vectors, and back.
Mixed<Rational> exact_mixed(const Profile& profile);
Mixed<double> double_mixed(const Profile& profile);

// An equilibrium near x on x's support (the strategies x plays with probability above
// `threshold`): Newton's method on the support's indifference system from x, recovered as an
// exact rational profile when it is one (checked exactly), else in doubles when no deviation
// gains more than rounding. nullopt when Newton's method finds no equilibrium with that
// support. Used to refine approximate equilibria (simpdiv). Defined in enumpoly.cpp.
struct Polished {
  bool exact = false;
  Mixed<Rational> exact_profile;  // when exact
  Mixed<double> profile;
};
std::optional<Polished> polish_on_support(const StrategicGame& game, const Mixed<double>& x,
                                          double threshold);

// An approximate equilibrium x (from a floating-point method) as the solvers return it:
// refined on its support (polish_on_support, threshold 1e-6) and exact when the refinement
// reads as an exact equilibrium; otherwise the refined profile when its max regret
// (`table`: the game's payoffs in doubles) is no larger than x's, else x, marked
// approximate.
Equilibrium refined_equilibrium(const StrategicGame& game, const PayoffTable<double>& table,
                                const Mixed<double>& x);

}  // namespace entente::games::detail
