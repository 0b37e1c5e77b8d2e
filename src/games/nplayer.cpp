#include "nplayer.hpp"

namespace entente::games::detail {

PayoffTable<Rational> exact_table(const StrategicGame& game) {
  return make_payoff_table<Rational>(game, [](const Rational& q) { return q; });
}

PayoffTable<double> double_table(const StrategicGame& game) {
  return make_payoff_table<double>(game, [](const Rational& q) { return q.get_d(); });
}

bool is_equilibrium(const PayoffTable<Rational>& table, const Mixed<Rational>& x) {
  if (x.size() != static_cast<std::size_t>(table.players)) return false;
  for (std::size_t p = 0; p < x.size(); ++p) {
    if (x[p].size() != static_cast<std::size_t>(table.counts[p])) return false;
    Rational sum(0);
    for (const Rational& q : x[p]) {
      if (q < 0) return false;
      sum += q;
    }
    if (sum != 1) return false;
  }
  for (const Rational& r : player_regrets(strategy_payoffs(table, x), x)) {
    if (r > 0) return false;
  }
  return true;
}

Mixed<Rational> exact_mixed(const Profile& profile) {
  Mixed<Rational> x;
  for (const auto& player : profile.probs) x.push_back(player.at(0));
  return x;
}

Mixed<double> double_mixed(const Profile& profile) {
  Mixed<double> x;
  for (const auto& player : profile.approx) x.push_back(player.at(0));
  return x;
}

Equilibrium refined_equilibrium(const StrategicGame& game, const PayoffTable<double>& table,
                                const Mixed<double>& x) {
  const auto approximate = [&game](const Mixed<double>& profile) {
    std::vector<std::vector<std::vector<double>>> approx;
    for (const auto& row : profile) approx.push_back({row});
    Equilibrium e = make_equilibrium(game, approx_profile(std::move(approx)));
    e.approximate = true;
    return e;
  };
  if (auto polished = polish_on_support(game, x, 1e-6)) {
    if (polished->exact) return make_equilibrium(game, mixed_profile(polished->exact_profile));
    if (max_regret(table, polished->profile) <= max_regret(table, x)) {
      return approximate(polished->profile);
    }
  }
  return approximate(x);
}

}  // namespace entente::games::detail
