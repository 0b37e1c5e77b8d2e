// Random games for the property tests, drawn from a seed (rapidcheck supplies the seed, so a
// failure shrinks to a seed and is reproducible).
#pragma once

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "entente/games.hpp"

namespace entente::games::test {

// A strategic game with `players` players, 1..max_strategies strategies each, payoffs drawn
// from -range..range divided by `denominator` (denominator > 1 makes ties rare).
inline StrategicGame random_strategic(std::uint32_t seed, int players, int max_strategies,
                                      int range = 5, int denominator = 1) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> count(1, max_strategies);
  std::uniform_int_distribution<int> pay(-range * denominator, range * denominator);
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> strategies;
  for (int p = 0; p < players; ++p) {
    names.push_back("P" + std::to_string(p + 1));
    std::vector<std::string> s;
    const int k = count(rng);
    for (int j = 0; j < k; ++j) s.push_back(std::string(1, static_cast<char>('a' + j)));
    strategies.push_back(s);
  }
  StrategicGame g(names, strategies, "random " + std::to_string(seed));
  for (std::size_t c = 0; c < g.num_cells(); ++c) {
    std::vector<Rational> payoffs;
    for (int p = 0; p < players; ++p) payoffs.emplace_back(pay(rng), denominator);
    for (auto& q : payoffs) q.canonicalize();
    g.set_cell_outcome(c, g.add_outcome(payoffs, "o" + std::to_string(c + 1)));
  }
  return g;
}

// An extensive game with perfect recall: a random tree of depth <= max_depth where a player's
// move sometimes hides the previous move (all children of a node become one information set
// of the next player), chance nodes with rational probabilities and outcomes at inner nodes.
// `perfect_info` keeps every information set a single node.
inline ExtensiveGame random_extensive(std::uint32_t seed, int players, int max_depth,
                                      bool perfect_info, bool chance = true) {
  std::mt19937 rng(seed);
  auto roll = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<std::string> names;
  for (int p = 0; p < players; ++p) names.push_back("P" + std::to_string(p + 1));
  ExtensiveGame g(names, "random " + std::to_string(seed));
  auto payoffs = [&] {
    std::vector<Rational> v;
    for (int p = 0; p < players; ++p) v.emplace_back(roll(-6, 6));
    return v;
  };
  auto actions = [&](int k) {
    std::vector<std::string> a;
    for (int j = 0; j < k; ++j) a.push_back(std::string(1, static_cast<char>('a' + j)));
    return a;
  };
  // Expands a group of sibling terminal nodes at depth `depth`.
  std::function<void(const std::vector<int>&, int)> expand = [&](const std::vector<int>& nodes,
                                                                 int depth) {
    if (depth >= max_depth) {
      for (int v : nodes) g.set_outcome(v, g.add_outcome(payoffs()));
      return;
    }
    // The hiding player must not be the one who moved at the parent (perfect recall).
    const Node& parent = g.node(g.node(nodes[0]).parent < 0 ? 0 : g.node(nodes[0]).parent);
    const int mover = parent.infoset < 0 ? 0 : g.infoset(parent.infoset).player;
    int player = roll(1, players);
    if (player == mover) player = player % players + 1;
    const bool hide = !perfect_info && nodes.size() > 1 && player != mover && roll(0, 2) == 0;
    if (hide) {
      const int h = g.add_infoset(player, actions(roll(2, 3)));
      std::vector<int> kids;
      for (int v : nodes) {
        for (int c : g.set_move(v, h)) kids.push_back(c);
      }
      for (int c : kids) expand({c}, depth + 1);
      return;
    }
    for (int v : nodes) {
      const int kind = roll(0, 9);
      if (depth > 0 && kind < 2) {
        g.set_outcome(v, g.add_outcome(payoffs()));
        continue;
      }
      if (chance && kind == 2) {
        const int k = roll(2, 3);
        std::vector<Rational> probs;
        Rational rest = 1;
        for (int j = 0; j + 1 < k; ++j) {
          probs.emplace_back(roll(1, 3), 4 * k);
          probs.back().canonicalize();
          rest -= probs.back();
        }
        probs.push_back(rest);
        const int h = g.add_chance_infoset(actions(k), probs);
        expand(g.set_move(v, h), depth + 1);
        continue;
      }
      if (roll(0, 4) == 0) g.set_outcome(v, g.add_outcome(payoffs()));
      const int h = g.add_infoset(roll(1, players), actions(roll(2, 3)));
      expand(g.set_move(v, h), depth + 1);
    }
  };
  expand({0}, 0);
  return g;
}

}  // namespace entente::games::test
