// The YAML scenario loader: params and declared games (inline trees and .efg references)
// (docs/scenario.md).
#include "scenario/yaml_loader.hpp"

namespace entente::detail {

// --- params and games ---------------------------------------------------------------------

// `params: {NAME: quantity, ...}`: named numbers for game payoffs.
void Loader::load_params(const YAML::Node& node, Scenario& s) {
  if (!node.IsMap()) {
    r_.error(
        node, "params",
        "expected a map from param name to number or distribution, got " + detail::describe(node));
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      r_.error(it->first, "params", "expected a param name as key");
      continue;
    }
    const std::string id = it->first.Scalar();
    const std::string path = "params." + id;
    if (!is_identifier(id)) {
      r_.error(it->first, path,
               "'" + id +
                   "' is not a valid param name; expected letters, digits and '_', "
                   "starting with a letter or '_' (names are used in expressions)");
      continue;
    }
    if (!seen.insert(id).second) {
      r_.error(it->first, path, "param '" + id + "' given twice");
      continue;
    }
    auto q = r_.quantity(it->second, path, -kInf, kInf);
    if (!q) continue;
    s.params.push_back(Param{id, *q, detail::location(r_.file(), it->first)});
  }
}

bool Loader::is_identifier(const std::string& t) {
  if (t.empty() || t.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_')) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

void Loader::load_games(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "games")) return;
  // A param may not shadow a derived actor quantity: the expression would be ambiguous.
  const std::vector<std::string> vars = expr::game_variable_names(s);
  for (const Param& p : s.params) {
    if (std::count(vars.begin(), vars.end(), p.id) > 1) {
      diags_.error(p.where, "params." + p.id,
                   "param '" + p.id + "' has the name of a derived actor quantity; rename it");
    }
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "games[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path,
               "expected a game: a map with id, name, players, root (or efg); got " +
                   detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto name = m.optional("name");
    auto description = m.optional("description");
    auto players = m.required("players");
    auto root = m.optional("root");
    auto efg = m.optional("efg");
    auto outcomes = m.optional("outcomes");
    auto threats = m.optional("threats");
    m.finish();
    ScenarioGame g;
    if (id) g.id = r_.id(*id, path + ".id").value_or("");
    if (!g.id.empty() && !unique(seen, *id, path + ".id", g.id, "game")) continue;
    if (name) g.name = r_.text(*name, path + ".name").value_or("");
    if (description) g.description = r_.text(*description, path + ".description").value_or("");
    if (root && efg) {
      r_.error(*efg, path + ".efg",
               "expected either 'root' (an inline tree) or 'efg' (a Gambit file), not both");
      continue;
    }
    if (!root && !efg) {
      r_.error(item, path,
               "expected 'root' (an inline tree) or 'efg' (a Gambit .efg file, path relative "
               "to the scenario)");
      continue;
    }
    if (!efg) {
      bool extra = false;
      for (const auto& [key, n] :
           {std::pair{"outcomes", outcomes}, std::pair{"threats", threats}}) {
        if (!n) continue;
        r_.error(*n, path + "." + key,
                 std::string("'") + key +
                     "' maps a Gambit file's game; an inline tree gives payoffs and threats "
                     "at its actions");
        extra = true;
      }
      if (extra) continue;
    }
    const std::size_t before = diags_.size();
    if (efg) {
      if (!players) continue;
      read_efg_game(*efg, *players, outcomes, threats, path, s, vars, g);
      if (diags_.size() == before && !g.id.empty()) s.games.push_back(std::move(g));
      continue;
    }
    bool ok = !g.id.empty();
    if (players && r_.sequence(*players, path + ".players")) {
      ok = read_player_list(*players, path + ".players", s, g.players) && ok;
    } else {
      ok = false;
    }
    if (!ok) continue;
    std::set<std::string> labels;
    std::set<std::string> threat_names;
    read_game_node(*root, path + ".root", g, vars, labels, threat_names, "");
    if (diags_.size() == before) check_infosets(*root, path + ".root", g);
    if (diags_.size() == before) s.games.push_back(std::move(g));
  }
}

// A list of distinct actor ids; false (with a diagnostic) when any is bad or none given.
bool Loader::read_player_list(const YAML::Node& node, const std::string& path, const Scenario& s,
                              std::vector<std::string>& out) {
  bool ok = true;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string ppath = path + "[" + std::to_string(k) + "]";
    auto a = r_.text(node[k], ppath);
    if (!a || !check_actor_ref(node[k], ppath, *a, s)) {
      ok = false;
      continue;
    }
    if (std::find(out.begin(), out.end(), *a) != out.end()) {
      r_.error(node[k], ppath, "player '" + *a + "' listed twice");
      ok = false;
      continue;
    }
    out.push_back(*a);
  }
  if (out.empty() && ok) {
    r_.error(node, path, "expected at least one player");
    ok = false;
  }
  return ok;
}

// Nodes sharing an information set must look the same to the player who moves there:
// same player, same actions in the same order; and the player must have reached them by
// the same moves of its own (perfect recall), which every solver for imperfect
// information here needs (the sequence form of lcp, the regrets that check logit).
void Loader::check_infosets(const YAML::Node& root, const std::string& path,
                            const ScenarioGame& g) {
  const std::size_t before = diags_.size();
  check_infoset_shapes(root, path, g);
  if (diags_.size() == before) check_perfect_recall(root, path, g);
}

void Loader::check_perfect_recall(const YAML::Node& root, const std::string& path,
                                  const ScenarioGame& g) {
  // The declared tree as the games library's game (moves only: payoffs play no part), so
  // that the check is the library's (ExtensiveGame::perfect_recall_violations); each
  // violation is mapped back to the declared nodes and sets. Runs after the shapes of the
  // shared sets were checked: their nodes have the same player and actions.
  games::ExtensiveGame game(g.players);
  std::vector<int> game_node(g.nodes.size(), -1);  // declared node -> the game's node
  std::vector<std::size_t> declared(1, 0);         // the game's node -> declared node
  std::map<std::string, int> shared;               // declared set -> the game's infoset
  std::vector<std::string> where;  // the game's infoset -> "set 'x'" or the node's "'label'"
  game_node[0] = 0;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const GameNode& n = g.nodes[k];
    if (game_node[k] < 0) return;  // unreachable: reported by the tree's own checks
    const auto player = std::find(g.players.begin(), g.players.end(), n.player);
    if (player == g.players.end() || n.actions.empty()) return;
    int infoset = -1;
    if (const auto it = shared.find(n.infoset); !n.infoset.empty() && it != shared.end()) {
      infoset = it->second;
    } else {
      std::vector<std::string> actions;
      for (const GameAction& a : n.actions) actions.push_back(a.name);
      infoset = game.add_infoset(static_cast<int>(player - g.players.begin()) + 1, actions);
      where.push_back(n.infoset.empty() ? "'" + n.label + "'" : "set '" + n.infoset + "'");
      if (!n.infoset.empty()) shared.emplace(n.infoset, infoset);
    }
    const std::vector<int> children = game.set_move(game_node[k], infoset);
    declared.resize(game.nodes().size(), 0);
    for (std::size_t a = 0; a < n.actions.size(); ++a) {
      const int child = n.actions[a].child;
      if (child < 0) continue;
      game_node[static_cast<std::size_t>(child)] = children[a];
      declared[static_cast<std::size_t>(children[a])] = static_cast<std::size_t>(child);
    }
  }
  auto joined = [&](const std::vector<std::pair<int, int>>& moves) {
    std::string t;
    for (const auto& [h, a] : moves) {
      t += (t.empty() ? "" : ", ") + where[static_cast<std::size_t>(h)] + ": " +
           game.infoset(h).actions[static_cast<std::size_t>(a)];
    }
    return t.empty() ? std::string("none") : t;
  };
  std::vector<games::RecallViolation> violations = game.perfect_recall_violations();
  // Reported in the order the nodes are declared, as a reader goes through the file.
  std::stable_sort(violations.begin(), violations.end(),
                   [&](const games::RecallViolation& x, const games::RecallViolation& y) {
                     return declared[static_cast<std::size_t>(x.node)] <
                            declared[static_cast<std::size_t>(y.node)];
                   });
  for (const games::RecallViolation& v : violations) {
    const GameNode& f = g.nodes[declared[static_cast<std::size_t>(v.first_node)]];
    const GameNode& n = g.nodes[declared[static_cast<std::size_t>(v.node)]];
    r_.error(root, path,
             "nodes '" + f.label + "' and '" + n.label + "' share information set '" + n.infoset +
                 "', but " + n.player + " reaches them by different moves of its own (" +
                 joined(v.first_moves) + " vs " + joined(v.node_moves) +
                 "); expected perfect recall: a player remembers its own moves, so give "
                 "these nodes separate information sets");
  }
}

void Loader::check_infoset_shapes(const YAML::Node& root, const std::string& path,
                                  const ScenarioGame& g) {
  std::map<std::string, const GameNode*> first;
  for (const GameNode& n : g.nodes) {
    if (n.infoset.empty()) continue;
    auto [it, inserted] = first.emplace(n.infoset, &n);
    if (inserted) continue;
    const GameNode& f = *it->second;
    auto names = [](const GameNode& x) {
      std::string t;
      for (const auto& a : x.actions) t += (t.empty() ? "" : ", ") + a.name;
      return t;
    };
    if (f.player != n.player || names(f) != names(n)) {
      r_.error(root, path,
               "nodes '" + f.label + "' and '" + n.label + "' share information set '" + n.infoset +
                   "' but differ; expected the same player and the same actions in the same "
                   "order (" +
                   f.player + ": " + names(f) + " vs " + n.player + ": " + names(n) + ")");
    }
  }
}

// The reference joined to the scenario file's directory (no I/O: string work only).
std::string Loader::resolve_reference(const std::string& ref) const {
  const std::filesystem::path p(ref);
  if (p.is_absolute()) return ref;
  const std::filesystem::path dir = std::filesystem::path(options_.filename).parent_path();
  return dir.empty() ? ref : (dir / p).string();
}

// `efg: FILE` with `players` (list in file order, or map from the file's player names),
// `outcomes` (outcome label or number -> payoff expressions) and `threats`.
void Loader::read_efg_game(const YAML::Node& efg, const YAML::Node& players,
                           const std::optional<YAML::Node>& outcomes,
                           const std::optional<YAML::Node>& threats, const std::string& path,
                           const Scenario& s, const std::vector<std::string>& vars,
                           ScenarioGame& g) {
  const std::string epath = path + ".efg";
  auto ref = r_.text(efg, epath);
  if (!ref) return;
  GameFile file;
  file.path = *ref;
  file.where = detail::location(r_.file(), efg);
  if (!options_.read_file) {
    r_.error(efg, epath,
             "cannot read game file '" + *ref +
                 "': files a scenario refers to are read only when the scenario is loaded "
                 "from a file (no file reader was given)");
    return;
  }
  const std::string resolved = resolve_reference(*ref);
  std::optional<std::string> text;
  try {
    text = options_.read_file(resolved);
  } catch (const std::exception& e) {
    r_.error(efg, epath, "cannot read game file '" + resolved + "': " + e.what());
    return;
  }
  if (!text) {
    r_.error(efg, epath,
             "no such file '" + resolved + "'; expected a Gambit .efg file (the path is " +
                 "relative to the scenario file)");
    return;
  }
  if (text->size() > kMaxScenarioBytes) {
    r_.error(efg, epath, "'" + resolved + "': " + detail::oversize_message(text->size()));
    return;
  }
  games::ExtensiveGame game;
  try {
    game = games::read_efg(*text, resolved);
  } catch (const InputError& e) {
    // Both places: where the file is referenced, and where in the file the problem is.
    for (const Diagnostic& d : e.diagnostics().items()) {
      r_.error(efg, epath,
               "invalid game file: " + d.where.file + ":" + std::to_string(d.where.line) + ":" +
                   std::to_string(d.where.column) + ": " + (d.path.empty() ? "" : d.path + ": ") +
                   d.message);
    }
    return;
  }
  // As for inline games: the solvers for imperfect information need perfect recall.
  if (const std::string recall = game.perfect_recall_problem(); !recall.empty()) {
    r_.error(efg, epath,
             "'" + resolved + "': " + recall +
                 "; expected perfect recall (a player remembers its own moves)");
    return;
  }
  const std::size_t before = diags_.size();
  read_efg_players(players, path + ".players", s, game, file, g.players);
  if (diags_.size() != before) return;
  if (outcomes) read_efg_outcomes(*outcomes, path + ".outcomes", game, vars, g, file);
  if (threats) read_efg_threats(*threats, path + ".threats", game, g, file);
  file.game = std::make_shared<const games::ExtensiveGame>(std::move(game));
  g.efg = std::move(file);
}

std::string Loader::file_players_text(const games::ExtensiveGame& game) {
  std::string t;
  for (const auto& p : game.players()) t += (t.empty() ? "" : ", ") + ("'" + p + "'");
  return t;
}

void Loader::read_efg_players(const YAML::Node& node, const std::string& path, const Scenario& s,
                              const games::ExtensiveGame& game, GameFile& file,
                              std::vector<std::string>& out) {
  const std::size_t n = game.players().size();
  if (node.IsSequence()) {
    if (!read_player_list(node, path, s, out)) return;
    if (out.size() != n) {
      r_.error(node, path,
               "the game file has " + std::to_string(n) + " player(s) (" + file_players_text(game) +
                   "); expected " + std::to_string(n) +
                   " actor id(s) in the file's player order, got " + std::to_string(out.size()));
    }
    return;
  }
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected a list of actor ids in the file's player order, or a map from the "
             "file's player names to actor ids; got " +
                 detail::describe(node));
    return;
  }
  std::map<std::string, std::string> by_name;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string ppath = path + "." + key;
    const auto& names = game.players();
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      std::string msg = "'" + key + "' is not a player of the game file";
      auto near = closest_match(key, names);
      msg += near.empty() ? "; its players are " + file_players_text(game)
                          : "; did you mean '" + near + "'?";
      r_.error(it->first, ppath, msg);
      continue;
    }
    auto a = r_.text(it->second, ppath);
    if (!a || !check_actor_ref(it->second, ppath, *a, s)) continue;
    for (const auto& [k, v] : by_name) {
      if (v == *a) r_.error(it->second, ppath, "actor '" + *a + "' given to two players");
    }
    if (!by_name.emplace(key, *a).second) {
      r_.error(it->first, ppath, "player '" + key + "' given twice");
      continue;
    }
    file.player_names.emplace_back(key, *a);
  }
  if (std::set<std::string>(game.players().begin(), game.players().end()).size() != n) {
    r_.error(node, path,
             "the game file's players do not have distinct names (" + file_players_text(game) +
                 "); give the actor ids as a list in the file's player order");
    return;
  }
  for (const auto& p : game.players()) {
    auto it = by_name.find(p);
    if (it == by_name.end()) {
      r_.error(node, path, "no actor for the game file's player '" + p + "'");
      continue;
    }
    out.push_back(it->second);
  }
}

// The outcome a key names: its label when exactly one outcome has it, else its number.
void Loader::read_efg_outcomes(const YAML::Node& node, const std::string& path,
                               const games::ExtensiveGame& game,
                               const std::vector<std::string>& vars, const ScenarioGame& g,
                               GameFile& file) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected a map from outcome name (or number) to payoff expressions, got " +
                 detail::describe(node));
    return;
  }
  std::vector<std::string> labels;
  for (const auto& o : game.outcomes()) labels.push_back(o.label);
  std::set<int> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string opath = path + "." + key;
    int index = -1;
    const auto count = std::count(labels.begin(), labels.end(), key);
    if (count > 1) {
      r_.error(
          it->first, opath,
          "several outcomes of the game file are named '" + key + "'; refer to it by its number");
      continue;
    }
    if (count == 1) {
      index = static_cast<int>(std::find(labels.begin(), labels.end(), key) - labels.begin());
    } else if (!key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
                 return std::isdigit(static_cast<unsigned char>(c)) != 0;
               })) {
      for (std::size_t k = 0; k < game.outcomes().size(); ++k) {
        if (key.size() < 10 && game.outcomes()[k].number == std::stoi(key))
          index = static_cast<int>(k);
      }
    }
    if (index < 0) {
      std::string msg = "the game file has no outcome '" + key + "'";
      auto near = closest_match(key, labels);
      msg += near.empty() ? "; expected an outcome's name (in quotes in the file) or number"
                          : "; did you mean '" + near + "'?";
      r_.error(it->first, opath, msg);
      continue;
    }
    if (!seen.insert(index).second) {
      r_.error(it->first, opath, "outcome '" + key + "' mapped twice");
      continue;
    }
    GameOutcomeMap om;
    om.key = key;
    om.outcome = index;
    om.where = detail::location(r_.file(), it->first);
    GameAction holder;
    read_payoffs(it->second, opath, g, vars, holder, false);
    om.payoffs = std::move(holder.payoffs);
    file.outcomes.push_back(std::move(om));
  }
}

// `[{player, infoset, action, name}]`: infoset by label or by the file's number for that
// player; action by label or 1-based position.
void Loader::read_efg_threats(const YAML::Node& node, const std::string& path,
                              const games::ExtensiveGame& game, const ScenarioGame& g,
                              GameFile& file) {
  if (!r_.sequence(node, path)) return;
  std::set<std::string> names;
  auto is_number = [](const std::string& t) {
    return !t.empty() && t.size() < 10 && std::all_of(t.begin(), t.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string tpath = path + "[" + std::to_string(k) + "]";
    const YAML::Node item = node[k];
    if (!item.IsMap()) {
      r_.error(item, tpath,
               "expected a threat {player, infoset, action, name}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, tpath);
    auto player = m.required("player");
    auto infoset = m.required("infoset");
    auto action = m.required("action");
    auto name = m.optional("name");
    m.finish();
    if (!player || !infoset || !action) continue;
    GameThreatRef t;
    t.where = detail::location(r_.file(), item);
    auto p = r_.text(*player, tpath + ".player");
    auto h = r_.text(*infoset, tpath + ".infoset");
    auto a = r_.text(*action, tpath + ".action");
    if (!p || !h || !a) continue;
    const auto pit = std::find(g.players.begin(), g.players.end(), *p);
    if (pit == g.players.end()) {
      std::string msg = "'" + *p + "' is not a player of the game";
      auto near = closest_match(*p, g.players);
      msg += near.empty() ? "; expected one of its players" : "; did you mean '" + near + "'?";
      r_.error(*player, tpath + ".player", msg);
      continue;
    }
    t.player = *p;
    t.infoset = *h;
    t.action = *a;
    const int pnum = static_cast<int>(pit - g.players.begin()) + 1;
    std::vector<int> by_label;
    std::vector<std::string> candidates;
    for (int i : game.player_infosets(pnum)) {
      const games::Infoset& info = game.infoset(i);
      candidates.push_back(info.label.empty() ? std::to_string(info.number) : info.label);
      if (info.label == *h) by_label.push_back(i);
    }
    if (by_label.empty() && is_number(*h)) {
      for (int i : game.player_infosets(pnum)) {
        if (game.infoset(i).number == std::stoi(*h)) t.infoset_index = i;
      }
    }
    if (by_label.size() > 1) {
      r_.error(*infoset, tpath + ".infoset",
               "several information sets of '" + *p + "' are named '" + *h +
                   "'; refer to it by its number");
      continue;
    }
    if (by_label.size() == 1) t.infoset_index = by_label[0];
    if (t.infoset_index < 0) {
      std::string msg = "player '" + *p + "' has no information set '" + *h + "' in the file";
      auto near = closest_match(*h, candidates);
      msg += near.empty() ? "; expected an information set's name or number"
                          : "; did you mean '" + near + "'?";
      r_.error(*infoset, tpath + ".infoset", msg);
      continue;
    }
    const games::Infoset& info = game.infoset(t.infoset_index);
    const auto ait = std::find(info.actions.begin(), info.actions.end(), *a);
    if (ait != info.actions.end()) {
      t.action_index = static_cast<int>(ait - info.actions.begin());
    } else if (is_number(*a) && std::stoi(*a) >= 1 &&
               std::stoi(*a) <= static_cast<int>(info.actions.size())) {
      t.action_index = std::stoi(*a) - 1;
    } else {
      std::string msg = "information set '" + *h + "' has no action '" + *a + "'";
      auto near = closest_match(*a, info.actions);
      msg += near.empty() ? "; expected an action's name or 1-based position"
                          : "; did you mean '" + near + "'?";
      r_.error(*action, tpath + ".action", msg);
      continue;
    }
    if (name) {
      auto n = r_.id(*name, tpath + ".name");
      if (!n) continue;
      t.name = *n;
    }
    const std::string reported =
        t.name.empty() ? info.actions[static_cast<std::size_t>(t.action_index)] : t.name;
    if (reported.empty()) {
      r_.error(item, tpath, "the threat's action has no label in the file; give it a 'name'");
      continue;
    }
    if (!names.insert(reported).second) {
      r_.error(item, tpath,
               "another threat of this game is reported as '" + reported +
                   "'; give this one a distinct 'name'");
      continue;
    }
    file.threats.push_back(std::move(t));
  }
}

// Reads one decision node and, depth first, the nodes below it; returns its index or -1.
int Loader::read_game_node(const YAML::Node& node, const std::string& path, ScenarioGame& g,
                           const std::vector<std::string>& vars, std::set<std::string>& labels,
                           std::set<std::string>& threats, const std::string& history) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected a decision node {player, actions}, got " + detail::describe(node));
    return -1;
  }
  auto m = r_.map(node, path);
  auto id = m.optional("id");
  auto player = m.required("player");
  auto actions = m.required("actions");
  auto infoset = m.optional("infoset");
  m.finish();
  GameNode n;
  if (infoset) {
    auto t = r_.id(*infoset, path + ".infoset");
    if (!t) return -1;
    n.infoset = *t;
  }
  if (player) {
    auto p = r_.text(*player, path + ".player");
    if (!p) return -1;
    if (std::find(g.players.begin(), g.players.end(), *p) == g.players.end()) {
      std::string msg = "'" + *p + "' is not a player of the game";
      auto near = closest_match(*p, g.players);
      msg += near.empty() ? "; expected one of its players" : "; did you mean '" + near + "'?";
      r_.error(*player, path + ".player", msg);
      return -1;
    }
    n.player = *p;
  }
  n.label = history.empty() ? n.player : n.player + " after " + history;
  if (id) {
    auto t = r_.id(*id, path + ".id");
    if (!t) return -1;
    n.label = *t;
  }
  if (!labels.insert(n.label).second) {
    r_.error(id ? *id : node, path, "node label '" + n.label + "' used twice in the game");
    return -1;
  }
  if (!actions || !r_.sequence(*actions, path + ".actions")) return -1;
  if (actions->size() == 0) {
    r_.error(*actions, path + ".actions", "expected at least one action");
    return -1;
  }
  const int index = static_cast<int>(g.nodes.size());
  g.nodes.push_back(n);
  std::set<std::string> action_names;
  for (std::size_t k = 0; k < actions->size(); ++k) {
    const std::string apath = path + ".actions[" + std::to_string(k) + "]";
    const YAML::Node item = (*actions)[k];
    if (!item.IsMap()) {
      r_.error(item, apath,
               "expected an action {name, next | payoffs, threat, shares_risk}, got " +
                   detail::describe(item));
      continue;
    }
    auto am = r_.map(item, apath);
    auto aname = am.required("name");
    auto threat = am.optional("threat");
    auto next = am.optional("next");
    auto payoffs = am.optional("payoffs");
    auto shares_risk = am.optional("shares_risk");
    am.finish();
    GameAction a;
    a.where = detail::location(r_.file(), item);
    if (shares_risk) a.shares_risk = r_.number_in(*shares_risk, apath + ".shares_risk", 0, 1);
    if (aname) a.name = r_.id(*aname, apath + ".name").value_or("");
    if (a.name.empty()) continue;
    if (!action_names.insert(a.name).second) {
      r_.error(*aname, apath + ".name", "action '" + a.name + "' given twice at this node");
      continue;
    }
    if (threat) {
      auto t = r_.choice(*threat, apath + ".threat", {"true", "false"});
      a.threat = t && *t == "true";
      // Threats are reported by action name, so the name must identify one.
      if (a.threat && !threats.insert(a.name).second) {
        r_.error(*threat, apath + ".threat",
                 "another threat of this game is named '" + a.name +
                     "'; threat actions need unique names");
      }
    }
    if ((next && payoffs) || (!next && !payoffs)) {
      r_.error(item, apath,
               "expected exactly one of 'next' (the node the action leads to) or "
               "'payoffs' (a terminal)");
      continue;
    }
    if (payoffs) read_payoffs(*payoffs, apath + ".payoffs", g, vars, a);
    const std::string h = history.empty() ? a.name : history + "/" + a.name;
    g.nodes[static_cast<std::size_t>(index)].actions.push_back(a);
    if (next) {
      const int child = read_game_node(*next, apath + ".next", g, vars, labels, threats, h);
      g.nodes[static_cast<std::size_t>(index)].actions.back().child = child;
    }
  }
  return index;
}

// `{PLAYER: expression, ...}` with every player of the game (`every_player`), or some of
// them; each expression is parsed now so a typo is reported with its column, not at run
// time.
void Loader::read_payoffs(const YAML::Node& node, const std::string& path, const ScenarioGame& g,
                          const std::vector<std::string>& vars, GameAction& a, bool every_player) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected a map from player to payoff expression, got " + detail::describe(node));
    return;
  }
  std::set<std::string> given;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string who = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string ppath = path + "." + who;
    if (std::find(g.players.begin(), g.players.end(), who) == g.players.end()) {
      std::string msg = "'" + who + "' is not a player of the game";
      auto near = closest_match(who, g.players);
      msg += near.empty() ? "; expected one of its players" : "; did you mean '" + near + "'?";
      r_.error(it->first, ppath, msg);
      continue;
    }
    if (!given.insert(who).second) {
      r_.error(it->first, ppath, "payoff of '" + who + "' given twice");
      continue;
    }
    auto text = r_.text(it->second, ppath);
    if (!text) continue;
    try {
      (void)expr::used_variables(*text, vars);
    } catch (const expr::ExpressionError& e) {
      SourceLocation where = detail::location(r_.file(), it->second);
      // A quoted scalar starts one column before its text (yaml-cpp tags it "!").
      const int quote = it->second.Tag() == "!" ? 1 : 0;
      where.column += quote + e.position();
      diags_.error(where, ppath, e.what());
      continue;
    }
    a.payoffs.emplace_back(who, *text);
  }
  for (const auto& p : g.players) {
    if (every_player && given.count(p) == 0) {
      r_.error(node, path, "no payoff for player '" + p + "'; every terminal needs one per player");
    }
  }
}

}  // namespace entente::detail
