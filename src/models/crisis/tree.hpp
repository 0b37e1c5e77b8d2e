// The crisis model's internals shared by its two solving paths: the exact one
// (crisis.cpp: build_game, solve) and the one compiled for Monte Carlo samples
// (sampled.cpp: threat_credibility). Not a public header.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "entente/crisis.hpp"
#include "entente/games.hpp"

namespace entente::crisis::detail {

// Whether two inline declarations build the same tree with the same payoffs and threats
// (false for .efg games, which are not compared).
bool same_game(const ScenarioGame& a, const ScenarioGame& b);

// Appends to `key` everything of `s` that a game's variables are computed from (params,
// capabilities, and what force exposure reads: units, weapons, lines, parents,
// alliances): scenarios with equal keys give every game the same variables.
void append_variables_key(const Scenario& s, std::string& key);
void append_key(std::string& key, double x);
void append_key(std::string& key, const std::string& text);

inline int player_index(const ScenarioGame& game, const std::string& actor) {
  return static_cast<int>(std::find(game.players.begin(), game.players.end(), actor) -
                          game.players.begin()) +
         1;
}

// The inline tree of `game`; `payoff(terminal, player, text)` gives the payoff of player
// (0-based) at tree node `terminal` for each expression there, in declaration order.
template <typename Payoff>
games::ExtensiveGame build_inline_game(const ScenarioGame& game, Payoff&& payoff) {
  games::ExtensiveGame eg(game.players, game.name.empty() ? game.id : game.name);
  std::map<std::string, int> shared;  // declared infoset name -> infoset index
  // Declared node index -> tree node, filled as the tree grows from the root.
  std::vector<std::pair<int, int>> todo{{0, 0}};
  while (!todo.empty()) {
    const auto [declared, tree] = todo.back();
    todo.pop_back();
    const GameNode& n = game.nodes.at(static_cast<std::size_t>(declared));
    std::vector<std::string> names;
    for (const auto& a : n.actions) names.push_back(a.name);
    int infoset = -1;
    if (!n.infoset.empty()) {
      auto it = shared.find(n.infoset);
      if (it == shared.end()) {
        it = shared
                 .emplace(n.infoset, eg.add_infoset(player_index(game, n.player), names, n.infoset))
                 .first;
      }
      infoset = it->second;
    } else {
      infoset = eg.add_infoset(player_index(game, n.player), names, n.label);
    }
    const std::vector<int> children = eg.set_move(tree, infoset);
    eg.set_node_label(tree, n.label);
    for (std::size_t k = 0; k < n.actions.size(); ++k) {
      const GameAction& a = n.actions[k];
      if (a.child >= 0) {
        todo.emplace_back(a.child, children[k]);
        continue;
      }
      std::vector<games::Rational> pay(game.players.size());
      for (const auto& [who, text] : a.payoffs) {
        const auto p = static_cast<std::size_t>(player_index(game, who) - 1);
        pay[p] = payoff(children[k], p, text);
      }
      eg.set_outcome(children[k], eg.add_outcome(pay, n.label + ": " + a.name));
    }
  }
  return eg;
}

// Where a declared threat acts in the built game.
struct ThreatSite {
  std::string name;
  std::string label;
  std::string player;
  int infoset = -1;
  int action = -1;
};

// The declared threats of `game` as they sit in `eg`, the tree built from it: in the .efg
// file's order for a referenced game, else in the tree's prefix order.
std::vector<ThreatSite> threat_sites(const ScenarioGame& game, const games::ExtensiveGame& eg);

}  // namespace entente::crisis::detail
