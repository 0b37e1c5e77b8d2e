#include "app/games_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <type_traits>

#include "entente/refinements.hpp"

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

using Json = nlohmann::ordered_json;

Json profile_json(const GameLabels& l, const games::Profile& prof, bool exact) {
  Json out = Json::object();
  for (std::size_t p = 0; p < l.players.size(); ++p) {
    Json player = Json::object();
    for (std::size_t h = 0; h < l.infosets[p].size(); ++h) {
      Json row = Json::object();
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

// "reached" and "open" of an extensive game's equilibrium.
void add_reach(const ExtensiveGame& game, const GameLabels& l, const games::Equilibrium& e,
               Json& item) {
  const std::vector<bool> reached = games::reached_infosets(game, e.profile);
  const std::vector<bool> open = open_infosets(game, e);
  Json r = Json::object();
  Json o = Json::object();
  for (int p = 1; p <= game.num_players(); ++p) {
    const auto pi = static_cast<std::size_t>(p - 1);
    Json row = Json::object();
    Json list = Json::array();
    const std::vector<int> mine = game.player_infosets(p);
    for (std::size_t k = 0; k < mine.size(); ++k) {
      const auto h = static_cast<std::size_t>(mine[k]);
      row[l.infosets[pi][k]] = static_cast<bool>(reached[h]);
      if (open[h]) list.push_back(l.infosets[pi][k]);
    }
    r[l.players[pi]] = row;
    if (!list.empty()) o[l.players[pi]] = list;
  }
  item["reached"] = r;
  if (!o.empty()) item["open"] = o;
}

template <class Game>
Json document_of(const Game& game, const std::string& solver,
                 const std::vector<games::Equilibrium>& eqs, const std::string& stopped) {
  const GameLabels l = labels_of(game);
  Json doc;
  doc["game"] = {{"title", game.title()},
                 {"kind", l.extensive ? "extensive" : "strategic"},
                 {"players", game.players()}};
  doc["solver"] = solver;
  doc["complete"] = stopped.empty();
  if (!stopped.empty()) doc["stopped"] = stopped;
  doc["equilibria"] = Json::array();
  for (const auto& e : eqs) {
    Json item;
    item["profile"] = profile_json(l, e.profile, false);
    item["payoffs"] = e.payoffs_approx;
    if (e.lambda >= 0) item["lambda"] = e.lambda;  // logit: where tracing stopped
    if (e.approximate || e.lambda >= 0) {
      // How far from an equilibrium the floating-point profile is.
      const std::vector<double> r = games::regrets(game, e.profile);
      item["approximate"] = true;
      item["max_regret"] = *std::max_element(r.begin(), r.end());
    }
    if (e.non_isolated) item["non_isolated"] = true;
    if constexpr (std::is_same_v<Game, ExtensiveGame>) add_reach(game, l, e, item);
    if (e.profile.exact) {
      Json exact;
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

std::string csv_number(const games::Profile& prof, std::size_t p, std::size_t h, std::size_t a) {
  if (prof.exact) return games::to_string(prof.probs[p][h][a]);
  return fmt::format("{:.6f}", prof.approx[p][h][a]);
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

Json equilibria_document(const ExtensiveGame& game, const std::string& solver,
                         const std::vector<games::Equilibrium>& eqs, const std::string& stopped) {
  return document_of(game, solver, eqs, stopped);
}

Json equilibria_document(const StrategicGame& game, const std::string& solver,
                         const std::vector<games::Equilibrium>& eqs, const std::string& stopped) {
  return document_of(game, solver, eqs, stopped);
}

std::vector<bool> open_infosets(const ExtensiveGame& game, const games::Equilibrium& e) {
  if (e.specifies_avoided) return std::vector<bool>(game.infosets().size(), false);
  return games::avoided_by_own_play(game, e.profile);
}

std::string gambit_csv_line(const ExtensiveGame& game, const games::Profile& profile) {
  // Each player's infosets in the order a depth-first walk meets them (Gambit's order),
  // which need not be the order they were declared in.
  std::vector<std::vector<int>> met(static_cast<std::size_t>(game.num_players()));
  std::vector<bool> seen(game.infosets().size(), false);
  for (int n : game.prefix_order()) {
    const games::Node& node = game.node(n);
    if (node.kind != games::NodeKind::kPlayer) continue;
    const auto h = static_cast<std::size_t>(node.infoset);
    if (seen[h]) continue;
    seen[h] = true;
    met[static_cast<std::size_t>(game.infoset(node.infoset).player - 1)].push_back(node.infoset);
  }
  std::string out = "NE";
  for (std::size_t p = 0; p < met.size(); ++p) {
    for (int h : met[p]) {
      const auto k = static_cast<std::size_t>(game.local_index(h));
      for (std::size_t a = 0; a < game.infoset(h).actions.size(); ++a) {
        out += "," + csv_number(profile, p, k, a);
      }
    }
  }
  return out;
}

std::string gambit_csv_line(const StrategicGame& game, const games::Profile& profile) {
  std::string out = "NE";
  for (int p = 0; p < game.num_players(); ++p) {
    for (int s = 0; s < game.num_strategies(p); ++s) {
      out += "," + csv_number(profile, static_cast<std::size_t>(p), 0, static_cast<std::size_t>(s));
    }
  }
  return out;
}

}  // namespace entente::app
