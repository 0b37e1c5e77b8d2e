#include "app/games_document.hpp"

#include <map>

namespace entente::app {

namespace {

using games::ExtensiveGame;
using games::StrategicGame;

// Names that are unique and non-empty, else "#k" (1-based) for every clashing or empty one.
std::vector<std::string> unique_keys(const std::vector<std::string>& names,
                                     const std::string& prefix) {
  std::map<std::string, int> count;
  for (const auto& n : names) ++count[n];
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out.push_back(!names[i].empty() && count[names[i]] == 1 ? names[i]
                                                            : prefix + std::to_string(i + 1));
  }
  return out;
}

nlohmann::json profile_json(const GameLabels& l, const games::Profile& prof, bool exact) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t p = 0; p < l.players.size(); ++p) {
    nlohmann::json player = nlohmann::json::object();
    for (std::size_t h = 0; h < l.infosets[p].size(); ++h) {
      nlohmann::json row = nlohmann::json::object();
      for (std::size_t a = 0; a < l.actions[p][h].size(); ++a) {
        if (exact) {
          row[l.actions[p][h][a]] = games::to_string(prof.probs[p][h][a]);
        } else {
          row[l.actions[p][h][a]] = prof.approx[p][h][a];
        }
      }
      if (l.extensive) {
        player[l.infosets[p][h]] = row;
      } else {
        player = row;
      }
    }
    out[l.players[p]] = player;
  }
  return out;
}

template <class Game>
nlohmann::json document_of(const Game& game, const std::string& solver,
                           const std::vector<games::Equilibrium>& eqs, const std::string& stopped) {
  const GameLabels l = labels_of(game);
  nlohmann::json doc;
  doc["game"] = {{"title", game.title()},
                 {"kind", l.extensive ? "extensive" : "strategic"},
                 {"players", game.players()}};
  doc["solver"] = solver;
  doc["complete"] = stopped.empty();
  if (!stopped.empty()) doc["stopped"] = stopped;
  doc["equilibria"] = nlohmann::json::array();
  for (const auto& e : eqs) {
    nlohmann::json item;
    item["profile"] = profile_json(l, e.profile, false);
    item["payoffs"] = e.payoffs_approx;
    if (e.profile.exact) {
      nlohmann::json exact;
      exact["profile"] = profile_json(l, e.profile, true);
      std::vector<std::string> pay;
      for (const auto& q : e.payoffs) pay.push_back(games::to_string(q));
      exact["payoffs"] = pay;
      item["exact"] = exact;
    }
    doc["equilibria"].push_back(item);
  }
  return doc;
}

}  // namespace

GameLabels labels_of(const ExtensiveGame& g) {
  GameLabels l;
  l.extensive = true;
  l.players = unique_keys(g.players(), "player ");
  for (int p = 1; p <= g.num_players(); ++p) {
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> acts;
    for (int h : g.player_infosets(p)) {
      names.push_back(g.infoset(h).label);
      acts.push_back(unique_keys(g.infoset(h).actions, "#"));
    }
    std::vector<std::string> keys = unique_keys(names, "#");
    const auto mine = g.player_infosets(p);
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (names[k].empty() || keys[k] != names[k]) {
        keys[k] = "#" + std::to_string(g.infoset(mine[k]).number);
      }
    }
    l.infosets.push_back(keys);
    l.actions.push_back(acts);
  }
  return l;
}

GameLabels labels_of(const StrategicGame& g) {
  GameLabels l;
  l.players = unique_keys(g.players(), "player ");
  for (int p = 0; p < g.num_players(); ++p) {
    l.infosets.push_back({""});
    l.actions.push_back({unique_keys(g.strategies()[static_cast<std::size_t>(p)], "#")});
  }
  return l;
}

nlohmann::json equilibria_document(const ExtensiveGame& game, const std::string& solver,
                                   const std::vector<games::Equilibrium>& eqs,
                                   const std::string& stopped) {
  return document_of(game, solver, eqs, stopped);
}

nlohmann::json equilibria_document(const StrategicGame& game, const std::string& solver,
                                   const std::vector<games::Equilibrium>& eqs,
                                   const std::string& stopped) {
  return document_of(game, solver, eqs, stopped);
}

}  // namespace entente::app
