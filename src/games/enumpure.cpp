// Pure-strategy Nash equilibria by enumeration, n players, exact. Extensive games are solved
// on their reduced strategic form, or with agent=true on the agent form (no player gains by
// changing the action at one information set alone).
#include <cstdio>
#include <functional>

#include "solvers.hpp"

namespace entente::games::detail {

namespace {

constexpr std::size_t kMaxProfiles = 10'000'000;
// Reduced forms beyond this many cells take minutes to build (a tree walk per cell).
constexpr double kWarnCells = 1e6;

// Two passes over the table, linear in it: first each player's best payoff against every
// profile of the others (kept as the cell attaining it), then the cells where every player
// gets her best. (Checking every unilateral deviation of every cell instead costs the table
// times the strategy counts: hours on a 1,001 x 1,001 reduced form.)
std::vector<Equilibrium> pure_strategic(const StrategicGame& game, Work& work) {
  const int n = game.num_players();
  const std::size_t cells = game.num_cells();
  // best[p][others]: a cell where player p does best against `others` (the profile of the
  // other players, numbered as the cells with p's strategy left out).
  std::vector<std::vector<std::size_t>> best(static_cast<std::size_t>(n));
  std::vector<std::size_t> stride(static_cast<std::size_t>(n), 1);
  std::size_t bytes = 0;
  for (int p = 0; p < n; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    if (p > 0) stride[pi] = stride[pi - 1] * static_cast<std::size_t>(game.num_strategies(p - 1));
    bytes += cells / static_cast<std::size_t>(game.num_strategies(p)) * sizeof(std::size_t);
  }
  work.check_charge(bytes, "before enumerating " + std::to_string(cells) + " pure profiles");
  const auto others = [&](std::size_t c, std::size_t p) {
    const std::size_t k = static_cast<std::size_t>(game.num_strategies(static_cast<int>(p)));
    return c % stride[p] + (c / (stride[p] * k)) * stride[p];
  };
  for (int p = 0; p < n; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    best[pi].assign(cells / static_cast<std::size_t>(game.num_strategies(p)), cells);
  }
  for (std::size_t c = 0; c < cells; ++c) {
    if ((c & 1023U) == 0 && work.time_up()) {
      work.fail("finding best responses (" + std::to_string(c) + " of " + std::to_string(cells) +
                " pure profiles)");
    }
    for (int p = 0; p < n; ++p) {
      const auto pi = static_cast<std::size_t>(p);
      std::size_t& b = best[pi][others(c, pi)];
      if (b == cells || game.payoff(c, p) > game.payoff(b, p)) b = c;
    }
  }
  // Each equilibrium found holds a probability (exact and double) per strategy.
  std::size_t eq_bytes = 0;
  for (int p = 0; p < n; ++p) {
    eq_bytes +=
        static_cast<std::size_t>(game.num_strategies(p)) * (kSmallRationalBytes + sizeof(double));
  }
  std::vector<Equilibrium> out;
  std::vector<int> s(static_cast<std::size_t>(n), 0);
  for (std::size_t c = 0; c < cells; ++c) {
    if ((c & 1023U) == 0 && work.time_up()) {
      work.fail("after " + std::to_string(c) + " of " + std::to_string(cells) + " pure profiles",
                std::move(out));
    }
    bool stable = true;
    for (int p = 0; p < n && stable; ++p) {
      const auto pi = static_cast<std::size_t>(p);
      stable = !(game.payoff(best[pi][others(c, pi)], p) > game.payoff(c, p));
    }
    if (stable) {
      if (!work.charge(eq_bytes)) {
        work.fail("after " + std::to_string(c) + " of " + std::to_string(cells) +
                      " pure profiles (the equilibria found fill the budget)",
                  std::move(out));
      }
      std::vector<std::vector<Rational>> mixed;
      for (int p = 0; p < n; ++p) {
        std::vector<Rational> row(static_cast<std::size_t>(game.num_strategies(p)), Rational(0));
        row[static_cast<std::size_t>(s[static_cast<std::size_t>(p)])] = 1;
        mixed.push_back(std::move(row));
      }
      // The payoffs are the cell's: make_equilibrium would sum over the whole table, for
      // each of what can be thousands of equilibria.
      Equilibrium e;
      e.profile = mixed_profile(std::move(mixed));
      for (int p = 0; p < n; ++p) {
        e.payoffs.push_back(game.payoff(c, p));
        e.payoffs_approx.push_back(game.payoff(c, p).get_d());
      }
      out.push_back(std::move(e));
    }
    for (int p = 0; p < n; ++p) {
      if (++s[static_cast<std::size_t>(p)] < game.num_strategies(p)) break;
      s[static_cast<std::size_t>(p)] = 0;
    }
  }
  return out;
}

// Exact payoffs of a pure behaviour assignment (choice per infoset index).
std::vector<Rational> agent_payoffs(const ExtensiveGame& g, const std::vector<int>& choice) {
  std::vector<Rational> total(static_cast<std::size_t>(g.num_players()), Rational(0));
  std::function<void(int, const Rational&)> walk = [&](int v, const Rational& prob) {
    const Node& node = g.node(v);
    if (node.outcome >= 0) {
      const auto& pay = g.outcomes()[static_cast<std::size_t>(node.outcome)].payoffs;
      for (std::size_t p = 0; p < total.size(); ++p) total[p] += prob * pay[p];
    }
    if (node.kind == NodeKind::kTerminal) return;
    const Infoset& h = g.infoset(node.infoset);
    if (node.kind == NodeKind::kChance) {
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        if (h.probs[a] != 0) walk(node.children[a], prob * h.probs[a]);
      }
    } else {
      walk(node.children[static_cast<std::size_t>(choice[static_cast<std::size_t>(node.infoset)])],
           prob);
    }
  };
  walk(0, Rational(1));
  return total;
}

std::vector<Equilibrium> pure_agent(const ExtensiveGame& game, Work& work) {
  std::vector<int> agents;
  std::size_t total = 1;
  for (std::size_t h = 0; h < game.infosets().size(); ++h) {
    if (game.infosets()[h].player == 0) continue;
    agents.push_back(static_cast<int>(h));
    const std::size_t k = game.infosets()[h].actions.size();
    if (total > kMaxProfiles / k) {
      throw SolverError("enumpure: the agent form has more than " + std::to_string(kMaxProfiles) +
                        " pure profiles");
    }
    total *= k;
  }
  std::vector<int> choice(game.infosets().size(), 0);
  std::vector<Equilibrium> out;
  for (std::size_t count = 0; count < total; ++count) {
    if ((count & 63U) == 0 && work.time_up()) {
      work.fail("after " + std::to_string(count) + " of " + std::to_string(total) +
                    " pure profiles of the agent form",
                std::move(out));
    }
    const std::vector<Rational> base = agent_payoffs(game, choice);
    bool stable = true;
    for (int h : agents) {
      const auto hi = static_cast<std::size_t>(h);
      const auto p = static_cast<std::size_t>(game.infoset(h).player - 1);
      const int keep = choice[hi];
      for (int a = 0; a < static_cast<int>(game.infoset(h).actions.size()) && stable; ++a) {
        if (a == keep) continue;
        choice[hi] = a;
        if (agent_payoffs(game, choice)[p] > base[p]) stable = false;
      }
      choice[hi] = keep;
      if (!stable) break;
    }
    if (stable) {
      Profile profile;
      for (int p = 1; p <= game.num_players(); ++p) {
        std::vector<std::vector<Rational>> rows;
        for (int h : game.player_infosets(p)) {
          std::vector<Rational> row(game.infoset(h).actions.size(), Rational(0));
          row[static_cast<std::size_t>(choice[static_cast<std::size_t>(h)])] = 1;
          rows.push_back(std::move(row));
        }
        profile.probs.push_back(std::move(rows));
      }
      out.push_back(make_equilibrium(game, std::move(profile)));
      out.back().specifies_avoided = true;  // every agent's choice is part of the profile
    }
    for (int h : agents) {
      const auto hi = static_cast<std::size_t>(h);
      if (++choice[hi] < static_cast<int>(game.infoset(h).actions.size())) break;
      choice[hi] = 0;
    }
  }
  return out;
}

class EnumPure final : public Solver {
 public:
  explicit EnumPure(bool agent) : agent_(agent) {}
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    Work work(budget(), "enumpure", [&game] { return advice(game, "enumpure"); });
    return pure_strategic(game, work);
  }
  // Without perfect recall too: a pure equilibrium of the (reduced) strategic form is one
  // against every pure and mixed strategy, and a pure strategy is exactly one pure
  // behaviour profile (unlike mixed ones). docs/games.md says in what sense.
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    Work work(budget(), "enumpure", [&game] { return advice(game, "enumpure"); });
    if (agent_) return pure_agent(game, work);
    return via_reduced_form(game, work, pure_strategic);
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (agent_) return "";  // refused outright past 10^7 profiles
    double cells = 1;
    std::string shape;
    for (double k : reduced_strategy_counts(game)) {
      cells *= k;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.6g", shape.empty() ? "" : " x ", k);
      shape += buf;
    }
    if (cells <= kWarnCells) return "";
    return "enumpure builds the reduced strategic form (" + shape +
           " strategies), walking the tree for each cell: this can take minutes or run out of "
           "its budget; " +
           advice(game, "enumpure");
  }

  inline static const SolverInfo kInfo{
      "enumpure",
      "every pure-strategy Nash equilibrium (n players, strategic or agent form, exact)",
      true,
      true,
      true,
      {{"agent",
        "false",
        "extensive games: equilibria of the agent form instead of the reduced strategic form",
        {"true", "false", "1", "0", "yes", "no"}}}};

 private:
  bool agent_;
};

}  // namespace

SolverEntry enumpure_entry() {
  return {EnumPure::kInfo, [](const SolverOptions& options) {
            return std::make_unique<EnumPure>(option_flag(options, "agent", false));
          }};
}

}  // namespace entente::games::detail
