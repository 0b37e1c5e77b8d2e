// Backward induction on games of perfect information: the subgame-perfect equilibrium in
// pure strategies, n players, chance allowed, exact. Ties go to the first best action.
#include <algorithm>

#include "solvers.hpp"

namespace entente::games::detail {

namespace {

class BackwardInduction final : public Solver {
 public:
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }

  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    if (!game.perfect_information()) {
      throw SolverError(
          "backward-induction needs perfect information: every player's information set must "
          "hold one node");
    }
    const std::size_t n = static_cast<std::size_t>(game.num_players());
    // Linear in the tree, so the budget only matters for trees too large to hold: the value
    // of every node, one rational per player.
    Work work(budget(), "backward-induction",
              [] { return std::string("raise the budget (--max-seconds, --max-memory)"); });
    work.check_charge(
        game.nodes().size() * (sizeof(std::vector<Rational>) + n * kSmallRationalBytes),
        "before the walk: " + std::to_string(game.nodes().size()) + " nodes");
    std::vector<int> choice(game.infosets().size(), 0);
    std::vector<std::vector<Rational>> value(game.nodes().size());
    std::vector<int> order = game.prefix_order();
    std::size_t done = 0;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if ((++done & 1023U) == 0) {
        work.check_time("after " + std::to_string(done) + " of " + std::to_string(order.size()) +
                        " nodes");
      }
      const int v = *it;
      const Node& node = game.node(v);
      std::vector<Rational> total(n, Rational(0));
      if (node.outcome >= 0)
        total = game.outcomes()[static_cast<std::size_t>(node.outcome)].payoffs;
      if (node.kind == NodeKind::kChance) {
        const Infoset& h = game.infoset(node.infoset);
        for (std::size_t a = 0; a < node.children.size(); ++a) {
          const auto& child = value[static_cast<std::size_t>(node.children[a])];
          for (std::size_t p = 0; p < n; ++p) total[p] += h.probs[a] * child[p];
        }
      } else if (node.kind == NodeKind::kPlayer) {
        const auto p = static_cast<std::size_t>(game.infoset(node.infoset).player - 1);
        std::size_t best = 0;
        for (std::size_t a = 1; a < node.children.size(); ++a) {
          if (value[static_cast<std::size_t>(node.children[a])][p] >
              value[static_cast<std::size_t>(node.children[best])][p]) {
            best = a;
          }
        }
        choice[static_cast<std::size_t>(node.infoset)] = static_cast<int>(best);
        const auto& child = value[static_cast<std::size_t>(node.children[best])];
        for (std::size_t q = 0; q < n; ++q) total[q] += child[q];
      }
      value[static_cast<std::size_t>(v)] = std::move(total);
    }
    Profile profile;
    profile.exact = true;
    for (int p = 1; p <= game.num_players(); ++p) {
      std::vector<std::vector<Rational>> rows;
      for (int h : game.player_infosets(p)) {
        std::vector<Rational> row(game.infoset(h).actions.size(), Rational(0));
        row[static_cast<std::size_t>(choice[static_cast<std::size_t>(h)])] = 1;
        rows.push_back(std::move(row));
      }
      profile.probs.push_back(std::move(rows));
    }
    Equilibrium e = make_equilibrium(game, std::move(profile));
    e.specifies_avoided = true;  // a plan at every node: what makes it subgame perfect
    return {std::move(e)};
  }

  using Solver::solve;

 private:
  inline static const SolverInfo kInfo{
      "backward-induction",
      "subgame-perfect equilibrium of a perfect-information game (n players, exact)",
      true,
      false,
      true,
      {}};
};

}  // namespace

SolverEntry backward_induction_entry() {
  BackwardInduction probe;
  return {probe.info(), [](const SolverOptions&) { return std::make_unique<BackwardInduction>(); }};
}

}  // namespace entente::games::detail
