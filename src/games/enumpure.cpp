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

std::vector<Equilibrium> pure_strategic(const StrategicGame& game, Work& work) {
  const int n = game.num_players();
  std::vector<Equilibrium> out;
  std::vector<int> s(static_cast<std::size_t>(n), 0);
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    if ((c & 1023U) == 0 && work.time_up()) {
      work.fail("after " + std::to_string(c) + " of " + std::to_string(game.num_cells()) +
                    " pure profiles",
                std::move(out));
    }
    bool stable = true;
    for (int p = 0; p < n && stable; ++p) {
      std::vector<int> dev = s;
      for (int t = 0; t < game.num_strategies(p) && stable; ++t) {
        dev[static_cast<std::size_t>(p)] = t;
        if (game.payoff(game.cell(dev), p) > game.payoff(c, p)) stable = false;
      }
    }
    if (stable) {
      std::vector<std::vector<Rational>> mixed;
      for (int p = 0; p < n; ++p) {
        std::vector<Rational> row(static_cast<std::size_t>(game.num_strategies(p)), Rational(0));
        row[static_cast<std::size_t>(s[static_cast<std::size_t>(p)])] = 1;
        mixed.push_back(std::move(row));
      }
      out.push_back(make_equilibrium(game, mixed_profile(std::move(mixed))));
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
    return "enumpure checks every cell of the reduced strategic form (" + shape +
           " strategies), each by a walk through the tree: expect it to run out of its budget; " +
           advice(game, "enumpure");
  }

  inline static const SolverInfo kInfo{
      "enumpure",
      "every pure-strategy Nash equilibrium (n players, strategic or agent form, exact)",
      true,
      true,
      true,
      {{"agent", "false",
        "extensive games: equilibria of the agent form instead of the reduced strategic form"}}};

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
