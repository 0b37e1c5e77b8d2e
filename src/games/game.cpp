#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>

#include "entente/games.hpp"
#include "solvers.hpp"

namespace entente::games {

namespace {
std::size_t idx(int i) { return static_cast<std::size_t>(i); }

// The StrategicGame limit on cells, and the solvers' limit on reduced strategies per player.
constexpr std::size_t kMaxReducedCells = 100'000'000;
constexpr std::size_t kMaxReducedStrategies = 100'000;

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}
}  // namespace

std::string to_string(const Rational& q) { return q.get_str(); }

// ---------------------------------------------------------------- ExtensiveGame

ExtensiveGame::ExtensiveGame(std::vector<std::string> players, std::string title)
    : title_(std::move(title)),
      players_(std::move(players)),
      nodes_(1),
      player_count_(players_.size() + 1, 0) {}

int ExtensiveGame::add_infoset(int player, std::vector<std::string> actions, std::string label) {
  require(player >= 1 && player <= num_players(), "add_infoset: player " + std::to_string(player) +
                                                      " is not 1.." +
                                                      std::to_string(num_players()));
  require(!actions.empty(), "add_infoset: an information set needs at least one action");
  Infoset h;
  h.player = player;
  h.label = std::move(label);
  h.actions = std::move(actions);
  // Numbers run 1, 2, ... per player in the order sets are added, so the next is the
  // player's count plus one: no scan of every set (loading a large tree was quadratic).
  h.number = player_count_[idx(h.player)] + 1;
  local_.push_back(player_count_[idx(h.player)]++);
  infosets_.push_back(std::move(h));
  return static_cast<int>(infosets_.size()) - 1;
}

int ExtensiveGame::add_chance_infoset(std::vector<std::string> actions, std::vector<Rational> probs,
                                      std::string label) {
  require(!actions.empty() && actions.size() == probs.size(),
          "add_chance_infoset: need one probability per action, at least one action");
  Rational sum = 0;
  for (const Rational& p : probs) {
    require(p >= 0, "add_chance_infoset: negative probability " + to_string(p));
    sum += p;
  }
  require(sum == 1, "add_chance_infoset: probabilities sum to " + to_string(sum) + ", not 1");
  Infoset h;
  h.player = 0;
  h.label = std::move(label);
  h.actions = std::move(actions);
  h.probs = std::move(probs);
  h.number = player_count_[idx(h.player)] + 1;
  local_.push_back(player_count_[idx(h.player)]++);
  infosets_.push_back(std::move(h));
  return static_cast<int>(infosets_.size()) - 1;
}

std::vector<int> ExtensiveGame::set_move(int node, int infoset) {
  require(node >= 0 && idx(node) < nodes_.size(), "set_move: no node " + std::to_string(node));
  require(infoset >= 0 && idx(infoset) < infosets_.size(),
          "set_move: no infoset " + std::to_string(infoset));
  require(nodes_[idx(node)].kind == NodeKind::kTerminal,
          "set_move: node " + std::to_string(node) + " already has a move");
  Infoset& h = infosets_[idx(infoset)];
  nodes_[idx(node)].kind = h.player == 0 ? NodeKind::kChance : NodeKind::kPlayer;
  nodes_[idx(node)].infoset = infoset;
  h.nodes.push_back(node);
  std::vector<int> children;
  for (std::size_t a = 0; a < h.actions.size(); ++a) {
    Node child;
    child.parent = node;
    child.parent_action = static_cast<int>(a);
    nodes_.push_back(child);
    children.push_back(static_cast<int>(nodes_.size()) - 1);
  }
  nodes_[idx(node)].children = children;
  return children;
}

int ExtensiveGame::add_outcome(std::vector<Rational> payoffs, std::string label) {
  require(payoffs.size() == players_.size(), "add_outcome: need one payoff per player");
  outcomes_.push_back(Outcome{std::move(label), std::move(payoffs), 0});
  return static_cast<int>(outcomes_.size()) - 1;
}

void ExtensiveGame::set_outcome_payoffs(int outcome, std::vector<Rational> payoffs) {
  require(outcome >= 0 && outcome < static_cast<int>(outcomes_.size()),
          "set_outcome_payoffs: no outcome " + std::to_string(outcome));
  require(payoffs.size() == players_.size(), "set_outcome_payoffs: need one payoff per player");
  outcomes_[idx(outcome)].payoffs = std::move(payoffs);
}

void ExtensiveGame::set_outcome_number(int outcome, int number) {
  require(outcome >= 0 && outcome < static_cast<int>(outcomes_.size()),
          "set_outcome_number: no outcome " + std::to_string(outcome));
  outcomes_[idx(outcome)].number = number;
}

void ExtensiveGame::set_outcome(int node, int outcome) {
  require(node >= 0 && idx(node) < nodes_.size(), "set_outcome: no node " + std::to_string(node));
  require(outcome >= -1 && outcome < static_cast<int>(outcomes_.size()),
          "set_outcome: no outcome " + std::to_string(outcome));
  nodes_[idx(node)].outcome = outcome;
}

void ExtensiveGame::set_node_label(int node, std::string label) {
  require(node >= 0 && idx(node) < nodes_.size(), "set_node_label: no node");
  nodes_[idx(node)].label = std::move(label);
}

void ExtensiveGame::set_infoset_number(int infoset, int number) {
  require(infoset >= 0 && idx(infoset) < infosets_.size(), "set_infoset_number: no infoset");
  require(number > 0, "set_infoset_number: numbers are positive");
  infosets_[idx(infoset)].number = number;
}

std::vector<int> ExtensiveGame::player_infosets(int player) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < infosets_.size(); ++i) {
    if (infosets_[i].player == player) out.push_back(static_cast<int>(i));
  }
  return out;
}

int ExtensiveGame::local_index(int infoset) const {
  require(infoset >= 0 && idx(infoset) < local_.size(), "local_index: no infoset");
  return local_[idx(infoset)];
}

std::vector<int> ExtensiveGame::prefix_order() const {
  std::vector<int> out;
  std::vector<int> stack{0};
  while (!stack.empty()) {
    const int n = stack.back();
    stack.pop_back();
    out.push_back(n);
    const auto& ch = nodes_[idx(n)].children;
    for (auto it = ch.rbegin(); it != ch.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

bool ExtensiveGame::perfect_information() const {
  return std::all_of(infosets_.begin(), infosets_.end(),
                     [](const Infoset& h) { return h.player == 0 || h.nodes.size() <= 1; });
}

namespace {
// The (infoset, action) pairs of `player`'s own moves on the path to `node`, root first.
std::vector<std::pair<int, int>> own_history(const ExtensiveGame& g, int node, int player) {
  std::vector<std::pair<int, int>> out;
  int n = node;
  while (g.node(n).parent >= 0) {
    const Node& parent = g.node(g.node(n).parent);
    if (g.infoset(parent.infoset).player == player) {
      out.emplace_back(parent.infoset, g.node(n).parent_action);
    }
    n = g.node(n).parent;
  }
  std::reverse(out.begin(), out.end());
  return out;
}
}  // namespace

std::vector<RecallViolation> ExtensiveGame::perfect_recall_violations() const {
  std::vector<RecallViolation> out;
  for (std::size_t i = 0; i < infosets_.size(); ++i) {
    const Infoset& h = infosets_[i];
    if (h.player == 0 || h.nodes.size() < 2) continue;
    const auto first = own_history(*this, h.nodes[0], h.player);
    for (std::size_t k = 1; k < h.nodes.size(); ++k) {
      auto moves = own_history(*this, h.nodes[k], h.player);
      if (moves == first) continue;
      out.push_back(RecallViolation{h.player, static_cast<int>(i), h.nodes[0], h.nodes[k], first,
                                    std::move(moves)});
    }
  }
  return out;
}

std::string ExtensiveGame::perfect_recall_problem() const {
  const auto violations = perfect_recall_violations();
  if (violations.empty()) return "";
  const RecallViolation& v = violations.front();
  return "player " + std::to_string(v.player) + "'s information set " +
         std::to_string(infoset(v.infoset).number) + " holds nodes reached by different own moves";
}

int ExtensiveGame::find_node(const std::string& label) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].label == label) return static_cast<int>(i);
  }
  return -1;
}

std::vector<Rational> ExtensiveGame::path_payoffs(int node) const {
  std::vector<Rational> out(players_.size(), Rational(0));
  for (int n = node; n >= 0; n = nodes_[idx(n)].parent) {
    const int o = nodes_[idx(n)].outcome;
    if (o < 0) continue;
    for (std::size_t p = 0; p < out.size(); ++p) out[p] += outcomes_[idx(o)].payoffs[p];
  }
  return out;
}

// ---------------------------------------------------------------- StrategicGame

StrategicGame::StrategicGame(std::vector<std::string> players,
                             std::vector<std::vector<std::string>> strategies, std::string title)
    : title_(std::move(title)), players_(std::move(players)), strategies_(std::move(strategies)) {
  require(players_.size() == strategies_.size(), "StrategicGame: one strategy list per player");
  std::size_t n = 1;
  for (const auto& s : strategies_) {
    require(!s.empty(), "StrategicGame: every player needs a strategy");
    require(n <= 100000000 / s.size(), "StrategicGame: too many cells");
    n *= s.size();
  }
  cells_.assign(n, -1);
}

int StrategicGame::add_outcome(std::vector<Rational> payoffs, std::string label) {
  require(payoffs.size() == players_.size(), "add_outcome: need one payoff per player");
  outcomes_.push_back(Outcome{std::move(label), std::move(payoffs), 0});
  return static_cast<int>(outcomes_.size()) - 1;
}

void StrategicGame::set_cell_outcome(std::size_t cell, int outcome) {
  require(cell < cells_.size(), "set_cell_outcome: no such cell");
  require(outcome >= -1 && outcome < static_cast<int>(outcomes_.size()),
          "set_cell_outcome: no such outcome");
  cells_[cell] = outcome;
}

void StrategicGame::set_payoffs(const std::vector<int>& profile, std::vector<Rational> payoffs) {
  const std::size_t c = cell(profile);
  cells_[c] = add_outcome(std::move(payoffs));
}

std::size_t StrategicGame::cell(const std::vector<int>& profile) const {
  require(profile.size() == strategies_.size(), "cell: one strategy per player");
  std::size_t c = 0;
  std::size_t stride = 1;
  for (std::size_t p = 0; p < profile.size(); ++p) {
    require(profile[p] >= 0 && idx(profile[p]) < strategies_[p].size(), "cell: no such strategy");
    c += stride * idx(profile[p]);
    stride *= strategies_[p].size();
  }
  return c;
}

const Rational& StrategicGame::payoff(std::size_t cell, int player) const {
  static const Rational kZero(0);
  const int o = cells_.at(cell);
  if (o < 0) return kZero;
  return outcomes_[idx(o)].payoffs.at(idx(player));
}

// ---------------------------------------------------------------- reduced form

namespace {
// Payoffs of a pure behaviour assignment (choice[infoset] = action), by tree traversal.
std::vector<Rational> pure_payoffs(const ExtensiveGame& g, const std::vector<int>& choice) {
  std::vector<Rational> total(idx(g.num_players()), Rational(0));
  std::function<void(int, const Rational&)> walk = [&](int n, const Rational& prob) {
    const Node& node = g.node(n);
    if (node.outcome >= 0) {
      for (std::size_t p = 0; p < total.size(); ++p) {
        total[p] += prob * g.outcomes()[idx(node.outcome)].payoffs[p];
      }
    }
    if (node.kind == NodeKind::kTerminal) return;
    const Infoset& h = g.infoset(node.infoset);
    if (node.kind == NodeKind::kChance) {
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        if (h.probs[a] != 0) walk(node.children[a], prob * h.probs[a]);
      }
    } else {
      const int a = choice[idx(node.infoset)];
      if (a >= 0) walk(node.children[idx(a)], prob);
    }
  };
  walk(0, Rational(1));
  return total;
}
}  // namespace

namespace {

// Builds the reduced strategic form; with `work`, within its budget.
ReducedForm build_reduced_form(const ExtensiveGame& game, std::size_t max_strategies,
                               detail::Work* work) {
  const int n = game.num_players();
  ReducedForm form;
  std::vector<std::vector<std::string>> labels(idx(n));
  const std::vector<int> order = game.prefix_order();
  std::vector<int> first_seen(game.infosets().size(), -1);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const Node& node = game.node(order[k]);
    if (node.infoset >= 0 && first_seen[idx(node.infoset)] < 0) {
      first_seen[idx(node.infoset)] = static_cast<int>(k);
    }
  }
  form.choices.resize(idx(n));
  const bool recall = game.perfect_recall_problem().empty();
  for (int p = 1; p <= n; ++p) {
    const std::vector<int> mine = game.player_infosets(p);
    std::vector<int> dfs_order(mine.size());
    std::iota(dfs_order.begin(), dfs_order.end(), 0);
    std::sort(dfs_order.begin(), dfs_order.end(), [&](int a, int b) {
      return first_seen[idx(mine[idx(a)])] < first_seen[idx(mine[idx(b)])];
    });
    std::vector<char> decided(mine.size(), 0);
    // Own histories of every member node, with infosets as local indices.
    std::vector<std::vector<std::vector<std::pair<int, int>>>> histories(mine.size());
    for (std::size_t k = 0; k < mine.size(); ++k) {
      for (int node : game.infoset(mine[k]).nodes) {
        auto hist = own_history(game, node, p);
        for (auto& [h, a] : hist) h = game.local_index(h);
        histories[k].push_back(std::move(hist));
      }
    }
    std::vector<int> current(mine.size(), -1);
    auto& out = form.choices[idx(p - 1)];
    std::set<std::vector<int>> seen;  // imperfect recall only: normalised strategies so far
    std::size_t visits = 0;
    std::function<void(std::size_t)> dfs = [&](std::size_t pos) {
      // Each visit scans own histories (as long as the tree is deep): a deep tree spends
      // its time here before the first cell exists.
      if (work != nullptr && (++visits & 4095U) == 0) {
        work->check_time("while listing player " + std::to_string(p) + "'s reduced strategies (" +
                         std::to_string(out.size()) + " so far)");
      }
      if (pos == dfs_order.size()) {
        std::vector<int> strategy = current;
        if (!recall) {
          // Every infoset is decided now: mark the ones the strategy does not reach, and
          // keep the strategy once (optimistic choices at unreached infosets repeat it).
          for (std::size_t k = 0; k < strategy.size(); ++k) {
            bool reached = false;
            for (const auto& hist : histories[k]) {
              bool ok = true;
              for (const auto& [h, a] : hist) {
                if (current[idx(h)] != a) {
                  ok = false;
                  break;
                }
              }
              if (ok) {
                reached = true;
                break;
              }
            }
            if (!reached) strategy[k] = -1;
          }
          if (!seen.insert(strategy).second) return;
        }
        if (out.size() >= max_strategies) {
          throw std::invalid_argument("reduced strategic form: player " + std::to_string(p) +
                                      " has more than " + std::to_string(max_strategies) +
                                      " reduced strategies");
        }
        out.push_back(std::move(strategy));
        return;
      }
      // Infoset k is reachable when the strategy takes every own move on the way to one of
      // its nodes. An infoset not decided yet counts as agreeing: with perfect recall a
      // node's own history lies among the infosets decided before it (prefix order), but
      // without it a later member node may be reached through an infoset decided later, and
      // calling k unreachable early would drop strategies (and cut their payoffs short).
      const std::size_t k = idx(dfs_order[pos]);
      bool reachable_now = false;
      for (const auto& hist : histories[k]) {
        bool ok = true;
        for (const auto& [h, a] : hist) {
          if (decided[idx(h)] == 0) continue;  // not decided yet: may still agree
          if (current[idx(h)] != a) {
            ok = false;
            break;
          }
        }
        if (ok) {
          reachable_now = true;
          break;
        }
      }
      decided[k] = 1;
      if (!reachable_now) {
        current[k] = -1;
        dfs(pos + 1);
      } else {
        for (std::size_t a = 0; a < game.infoset(mine[k]).actions.size(); ++a) {
          current[k] = static_cast<int>(a);
          dfs(pos + 1);
        }
        current[k] = -1;
      }
      decided[k] = 0;
    };
    dfs(0);
    for (const auto& s : out) {
      std::string label;
      for (std::size_t k = 0; k < s.size(); ++k) {
        if (k > 0) label += ",";
        label += s[k] < 0 ? std::string("*") : game.infoset(mine[k]).actions[idx(s[k])];
      }
      labels[idx(p - 1)].push_back(label);
    }
  }
  // The table: one outcome per cell with a payoff per player. Refused before it is
  // allocated when it would not fit (the cell count, or the memory budget).
  std::size_t cells = 1;
  std::string shape;
  bool too_many = false;
  for (int p = 0; p < n; ++p) {
    const std::size_t k = form.choices[idx(p)].size();
    shape += (p > 0 ? " x " : "") + std::to_string(k);
    if (k > 0 && cells > kMaxReducedCells / k) too_many = true;
    if (!too_many) cells *= k;
  }
  if (too_many) {
    throw std::invalid_argument("the reduced strategic form (" + shape +
                                " strategies) has more than " + std::to_string(kMaxReducedCells) +
                                " cells");
  }
  if (work != nullptr) {
    // The cell's outcome index, the outcome, its payoff vector's block, a rational each.
    const std::size_t per_cell = sizeof(int) + sizeof(Outcome) + detail::kAllocOverhead +
                                 idx(n) * detail::kSmallRationalBytes;
    work->check_charge(cells * per_cell, "before building the reduced strategic form (" + shape +
                                             " strategies, " + std::to_string(cells) + " cells)");
  }
  form.game = StrategicGame(game.players(), labels, game.title());
  form.game.set_comment(game.comment());
  std::vector<int> profile(idx(n), 0);
  std::vector<int> choice(game.infosets().size(), -1);
  for (std::size_t c = 0; c < form.game.num_cells(); ++c) {
    if (work != nullptr && (c & 63U) == 0) {
      work->check_time("while building the reduced strategic form (" + shape + " strategies; " +
                       std::to_string(c) + " of " + std::to_string(cells) + " cells)");
    }
    std::size_t rest = c;
    for (int p = 0; p < n; ++p) {
      const auto count = idx(form.game.num_strategies(p));
      profile[idx(p)] = static_cast<int>(rest % count);
      rest /= count;
      const std::vector<int> mine = game.player_infosets(p + 1);
      const auto& s = form.choices[idx(p)][idx(profile[idx(p)])];
      for (std::size_t k = 0; k < mine.size(); ++k) choice[idx(mine[k])] = s[k];
    }
    form.game.set_cell_outcome(c, form.game.add_outcome(pure_payoffs(game, choice)));
  }
  return form;
}

}  // namespace

ReducedForm reduced_strategic_form(const ExtensiveGame& game, std::size_t max_strategies) {
  return build_reduced_form(game, max_strategies, nullptr);
}

namespace detail {
ReducedForm reduced_form_within(const ExtensiveGame& game, Work& work) {
  return build_reduced_form(game, kMaxReducedStrategies, &work);
}
}  // namespace detail

// ---------------------------------------------------------------- profiles

void Profile::sync_approx() {
  approx.assign(probs.size(), {});
  for (std::size_t p = 0; p < probs.size(); ++p) {
    for (const auto& h : probs[p]) {
      std::vector<double> row;
      row.reserve(h.size());
      for (const Rational& q : h) row.push_back(q.get_d());
      approx[p].push_back(std::move(row));
    }
  }
}

Profile mixed_profile(std::vector<std::vector<Rational>> mixed) {
  Profile out;
  out.exact = true;
  for (auto& m : mixed) out.probs.push_back({std::move(m)});
  out.sync_approx();
  return out;
}

Profile approx_profile(std::vector<std::vector<std::vector<double>>> approx) {
  Profile out;
  out.exact = false;
  out.approx = std::move(approx);
  return out;
}

Profile behaviour_from_mixed(const ExtensiveGame& game, const ReducedForm& form,
                             const Profile& mixed) {
  Profile out;
  out.exact = mixed.exact;
  const int n = game.num_players();
  for (int p = 0; p < n; ++p) {
    const std::vector<int> mine = game.player_infosets(p + 1);
    const auto& strategies = form.choices[idx(p)];
    // Only strategies played with positive probability contribute: a pure profile of a
    // reduced form with a thousand strategies and infosets costs a thousand steps, not a
    // million.
    std::vector<std::size_t> support;
    for (std::size_t s = 0; s < strategies.size(); ++s) {
      if ((mixed.exact && mixed.probs[idx(p)][0][s] != 0) || mixed.approx[idx(p)][0][s] != 0) {
        support.push_back(s);
      }
    }
    std::vector<std::vector<Rational>> exact_rows;
    std::vector<std::vector<double>> approx_rows;
    for (std::size_t k = 0; k < mine.size(); ++k) {
      const std::size_t na = game.infoset(mine[k]).actions.size();
      std::vector<Rational> num(na, Rational(0));
      std::vector<double> num_d(na, 0.0);
      Rational den = 0;
      double den_d = 0;
      for (const std::size_t s : support) {
        const int a = strategies[s][k];
        if (a < 0) continue;
        if (mixed.exact) {
          num[idx(a)] += mixed.probs[idx(p)][0][s];
          den += mixed.probs[idx(p)][0][s];
        }
        num_d[idx(a)] += mixed.approx[idx(p)][0][s];
        den_d += mixed.approx[idx(p)][0][s];
      }
      const Rational uniform(1, static_cast<unsigned long>(na));
      for (std::size_t a = 0; a < na; ++a) {
        if (mixed.exact) num[a] = den == 0 ? uniform : Rational(num[a] / den);
        num_d[a] = den_d <= 0 ? 1.0 / static_cast<double>(na) : num_d[a] / den_d;
      }
      exact_rows.push_back(std::move(num));
      approx_rows.push_back(std::move(num_d));
    }
    if (mixed.exact) out.probs.push_back(std::move(exact_rows));
    out.approx.push_back(std::move(approx_rows));
  }
  if (mixed.exact) out.sync_approx();
  return out;
}

namespace {
void check_shape(const StrategicGame& g, const Profile& prof) {
  require(prof.approx.size() == idx(g.num_players()), "profile: one entry per player");
  for (int p = 0; p < g.num_players(); ++p) {
    require(prof.approx[idx(p)].size() == 1 &&
                prof.approx[idx(p)][0].size() == idx(g.num_strategies(p)),
            "profile: does not match the strategic game");
  }
}

void check_shape(const ExtensiveGame& g, const Profile& prof) {
  require(prof.approx.size() == idx(g.num_players()), "profile: one entry per player");
  for (int p = 1; p <= g.num_players(); ++p) {
    const auto mine = g.player_infosets(p);
    require(prof.approx[idx(p - 1)].size() == mine.size(), "profile: one row per infoset");
    for (std::size_t k = 0; k < mine.size(); ++k) {
      require(prof.approx[idx(p - 1)][k].size() == g.infoset(mine[k]).actions.size(),
              "profile: one probability per action");
    }
  }
}

template <class T>
T prob_of(const Profile& prof, int player0, int local, int action);
template <>
Rational prob_of<Rational>(const Profile& prof, int player0, int local, int action) {
  return prof.probs[idx(player0)][idx(local)][idx(action)];
}
template <>
double prob_of<double>(const Profile& prof, int player0, int local, int action) {
  return prof.approx[idx(player0)][idx(local)][idx(action)];
}

template <class T>
std::vector<T> strategic_payoffs(const StrategicGame& g, const Profile& prof) {
  check_shape(g, prof);
  const int n = g.num_players();
  std::vector<T> out(idx(n), T(0));
  std::vector<int> s(idx(n), 0);
  for (std::size_t c = 0; c < g.num_cells(); ++c) {
    T w(1);
    for (int p = 0; p < n && w != 0; ++p) w *= prob_of<T>(prof, p, 0, s[idx(p)]);
    if (w != 0) {
      for (int p = 0; p < n; ++p) out[idx(p)] += w * detail::from_rational<T>(g.payoff(c, p));
    }
    for (int p = 0; p < n; ++p) {
      if (++s[idx(p)] < g.num_strategies(p)) break;
      s[idx(p)] = 0;
    }
  }
  return out;
}

template <class T>
std::vector<T> tree_payoffs(const ExtensiveGame& g, const Profile& prof) {
  check_shape(g, prof);
  std::vector<int> local(g.infosets().size());
  for (std::size_t h = 0; h < local.size(); ++h) local[h] = g.local_index(static_cast<int>(h));
  std::vector<T> out(idx(g.num_players()), T(0));
  std::function<void(int, const T&)> walk = [&](int n, const T& prob) {
    const Node& node = g.node(n);
    if (node.outcome >= 0) {
      for (std::size_t p = 0; p < out.size(); ++p) {
        out[p] += prob * detail::from_rational<T>(g.outcomes()[idx(node.outcome)].payoffs[p]);
      }
    }
    if (node.kind == NodeKind::kTerminal) return;
    const Infoset& h = g.infoset(node.infoset);
    for (std::size_t a = 0; a < node.children.size(); ++a) {
      T q = node.kind == NodeKind::kChance
                ? detail::from_rational<T>(h.probs[a])
                : prob_of<T>(prof, h.player - 1, local[idx(node.infoset)], static_cast<int>(a));
      if (q != 0) walk(node.children[a], T(prob * q));
    }
  };
  walk(0, T(1));
  return out;
}
}  // namespace

std::vector<Rational> expected_payoffs(const StrategicGame& game, const Profile& profile) {
  require(profile.exact, "expected_payoffs: the profile is not exact");
  return strategic_payoffs<Rational>(game, profile);
}
std::vector<Rational> expected_payoffs(const ExtensiveGame& game, const Profile& profile) {
  require(profile.exact, "expected_payoffs: the profile is not exact");
  return tree_payoffs<Rational>(game, profile);
}
std::vector<double> expected_payoffs_approx(const StrategicGame& game, const Profile& profile) {
  return strategic_payoffs<double>(game, profile);
}
std::vector<double> expected_payoffs_approx(const ExtensiveGame& game, const Profile& profile) {
  return tree_payoffs<double>(game, profile);
}

std::vector<double> regrets(const StrategicGame& game, const Profile& profile) {
  check_shape(game, profile);
  const int n = game.num_players();
  const std::vector<double> current = expected_payoffs_approx(game, profile);
  std::vector<double> out(idx(n), 0.0);
  for (int i = 0; i < n; ++i) {
    std::vector<double> value(idx(game.num_strategies(i)), 0.0);
    std::vector<int> s(idx(n), 0);
    for (std::size_t c = 0; c < game.num_cells(); ++c) {
      double w = 1.0;
      for (int p = 0; p < n; ++p) {
        if (p != i) w *= profile.approx[idx(p)][0][idx(s[idx(p)])];
      }
      value[idx(s[idx(i)])] += w * game.payoff(c, i).get_d();
      for (int p = 0; p < n; ++p) {
        if (++s[idx(p)] < game.num_strategies(p)) break;
        s[idx(p)] = 0;
      }
    }
    const double best = *std::max_element(value.begin(), value.end());
    out[idx(i)] = std::max(0.0, best - current[idx(i)]);
  }
  return out;
}

std::vector<double> regrets(const ExtensiveGame& game, const Profile& profile) {
  check_shape(game, profile);
  const std::string recall = game.perfect_recall_problem();
  require(recall.empty(), "regrets: the game lacks perfect recall: " + recall);
  const std::vector<double> current = expected_payoffs_approx(game, profile);
  const std::size_t nn = game.nodes().size();
  std::vector<int> local(game.infosets().size());
  for (std::size_t h = 0; h < local.size(); ++h) local[h] = game.local_index(static_cast<int>(h));
  std::vector<double> out(idx(game.num_players()), 0.0);
  for (int i = 1; i <= game.num_players(); ++i) {
    // rho: probability that chance and the other players lead to each node.
    std::vector<double> rho(nn, 0.0);
    std::vector<int> order = game.prefix_order();
    rho[0] = 1.0;
    for (int n : order) {
      const Node& node = game.node(n);
      if (node.kind == NodeKind::kTerminal) continue;
      const Infoset& h = game.infoset(node.infoset);
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        double q = 1.0;
        if (h.player == 0) {
          q = h.probs[a].get_d();
        } else if (h.player != i) {
          q = profile.approx[idx(h.player - 1)][idx(local[idx(node.infoset)])][a];
        }
        rho[idx(node.children[a])] = rho[idx(n)] * q;
      }
    }
    std::vector<double> value(nn, 0.0);
    std::vector<char> value_done(nn, 0);
    std::vector<int> best(game.infosets().size(), -1);
    std::function<double(int)> v;
    std::function<int(int)> best_action = [&](int infoset) {
      if (best[idx(infoset)] >= 0) return best[idx(infoset)];
      const Infoset& h = game.infoset(infoset);
      int arg = 0;
      double top = 0;
      for (std::size_t a = 0; a < h.actions.size(); ++a) {
        double total = 0;
        for (int m : h.nodes) total += rho[idx(m)] * v(game.node(m).children[a]);
        if (a == 0 || total > top) {
          top = total;
          arg = static_cast<int>(a);
        }
      }
      best[idx(infoset)] = arg;
      return arg;
    };
    v = [&](int n) -> double {
      if (value_done[idx(n)] != 0) return value[idx(n)];
      const Node& node = game.node(n);
      double total =
          node.outcome >= 0 ? game.outcomes()[idx(node.outcome)].payoffs[idx(i - 1)].get_d() : 0.0;
      if (node.kind != NodeKind::kTerminal) {
        const Infoset& h = game.infoset(node.infoset);
        if (h.player == i) {
          total += v(node.children[idx(best_action(node.infoset))]);
        } else {
          for (std::size_t a = 0; a < node.children.size(); ++a) {
            const double q =
                h.player == 0 ? h.probs[a].get_d()
                              : profile.approx[idx(h.player - 1)][idx(local[idx(node.infoset)])][a];
            if (q != 0) total += q * v(node.children[a]);
          }
        }
      }
      value[idx(n)] = total;
      value_done[idx(n)] = 1;
      return total;
    };
    out[idx(i - 1)] = std::max(0.0, v(0) - current[idx(i - 1)]);
  }
  return out;
}

double action_probability(const ExtensiveGame& game, const Profile& profile, int node, int action) {
  const Node& nd = game.node(node);
  require(nd.kind != NodeKind::kTerminal, "action_probability: node is terminal");
  const Infoset& h = game.infoset(nd.infoset);
  require(action >= 0 && idx(action) < h.actions.size(), "action_probability: no such action");
  if (h.player == 0) return h.probs[idx(action)].get_d();
  return profile.approx.at(idx(h.player - 1)).at(idx(game.local_index(nd.infoset))).at(idx(action));
}

double reach_probability(const ExtensiveGame& game, const Profile& profile, int node) {
  double p = 1.0;
  for (int n = node; game.node(n).parent >= 0; n = game.node(n).parent) {
    p *= action_probability(game, profile, game.node(n).parent, game.node(n).parent_action);
  }
  return p;
}

}  // namespace entente::games
