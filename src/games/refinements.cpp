#include "entente/refinements.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace entente::games {

namespace {

std::size_t idx(int i) { return static_cast<std::size_t>(i); }

// Node visits (summed over subgames and players) the subgame-perfection check takes on: a
// few seconds of exact arithmetic.
constexpr double kMaxSubgameWork = 2e7;

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

void check_profile(const ExtensiveGame& g, const Profile& prof) {
  require(prof.approx.size() == idx(g.num_players()), "profile: one entry per player");
  for (int p = 1; p <= g.num_players(); ++p) {
    const auto mine = g.player_infosets(p);
    require(prof.approx[idx(p - 1)].size() == mine.size(), "profile: one row per infoset");
    for (std::size_t k = 0; k < mine.size(); ++k) {
      require(prof.approx[idx(p - 1)][k].size() == g.infoset(mine[k]).actions.size(),
              "profile: one probability per action");
      if (prof.exact) {
        require(prof.probs[idx(p - 1)][k].size() == g.infoset(mine[k]).actions.size(),
                "profile: one probability per action");
      }
    }
  }
}

// Whether the move at `node` along `action` has probability zero (exact when it can be).
bool zero_move(const ExtensiveGame& g, const Profile& prof, int node, int action) {
  const Infoset& h = g.infoset(g.node(node).infoset);
  if (h.player == 0) return h.probs[idx(action)] == 0;
  const int k = g.local_index(g.node(node).infoset);
  if (prof.exact) return prof.probs[idx(h.player - 1)][idx(k)][idx(action)] == 0;
  return prof.approx[idx(h.player - 1)][idx(k)][idx(action)] == 0.0;
}

template <class T>
T from_rational(const Rational& q);
template <>
Rational from_rational<Rational>(const Rational& q) {
  return q;
}
template <>
double from_rational<double>(const Rational& q) {
  return q.get_d();
}

template <class T>
T move_prob(const ExtensiveGame& g, const Profile& prof, int node, std::size_t action);
template <>
Rational move_prob<Rational>(const ExtensiveGame& g, const Profile& prof, int node,
                             std::size_t action) {
  const Infoset& h = g.infoset(g.node(node).infoset);
  if (h.player == 0) return h.probs[action];
  return prof.probs[idx(h.player - 1)][idx(g.local_index(g.node(node).infoset))][action];
}
template <>
double move_prob<double>(const ExtensiveGame& g, const Profile& prof, int node,
                         std::size_t action) {
  const Infoset& h = g.infoset(g.node(node).infoset);
  if (h.player == 0) return h.probs[action].get_d();
  return prof.approx[idx(h.player - 1)][idx(g.local_index(g.node(node).infoset))][action];
}

// The tree in prefix order with each node's position and the end of its subtree there, so a
// subgame is a contiguous range of `order`.
struct Layout {
  std::vector<int> order;
  std::vector<std::size_t> pos;
  std::vector<std::size_t> end;  // one past the subtree's last position
};

Layout layout_of(const ExtensiveGame& g) {
  Layout l;
  l.order = g.prefix_order();
  l.pos.assign(g.nodes().size(), 0);
  l.end.assign(g.nodes().size(), 0);
  for (std::size_t k = 0; k < l.order.size(); ++k) l.pos[idx(l.order[k])] = k;
  for (std::size_t k = l.order.size(); k-- > 0;) {
    const Node& n = g.node(l.order[k]);
    l.end[idx(l.order[k])] = n.children.empty() ? k + 1 : l.end[idx(n.children.back())];
  }
  return l;
}

// Best-response gain of `player` in the subgame at `root` against the others' behaviour:
// best-response payoff minus the profile's payoff, both conditional on reaching `root`.
// With perfect recall, the player's moves form a tree of sequences: each payoff belongs to
// the player's last move above it, and each of her infosets hangs below one such move, so
// the best response is a maximum per infoset taken from the deepest infosets up.
template <class T>
T subgame_gain(const ExtensiveGame& g, const Profile& prof, const Layout& l, int root, int player,
               std::vector<int>& seq, std::vector<T>& others, std::vector<T>& all) {
  const std::size_t first = l.pos[idx(root)];
  const std::size_t last = l.end[idx(root)];
  // Sequence keys: 0 = the empty sequence; infoset h's action a is key base[h] + a.
  std::vector<int> base(g.infosets().size(), -1);
  std::vector<int> mine;  // the player's infosets in the subgame, by first member
  int keys = 1;
  T value(0);
  std::vector<T> bucket(1, T(0));
  std::vector<int> parent_key;
  others[idx(root)] = T(1);
  all[idx(root)] = T(1);
  seq[idx(root)] = 0;
  for (std::size_t k = first; k < last; ++k) {
    const int n = l.order[k];
    const Node& node = g.node(n);
    if (node.outcome >= 0) {
      const T u = from_rational<T>(g.outcomes()[idx(node.outcome)].payoffs[idx(player - 1)]);
      value += all[idx(n)] * u;
      bucket[idx(seq[idx(n)])] += others[idx(n)] * u;
    }
    if (node.kind == NodeKind::kTerminal) continue;
    const Infoset& h = g.infoset(node.infoset);
    const bool own = h.player == player;
    if (own && base[idx(node.infoset)] < 0) {
      base[idx(node.infoset)] = keys;
      keys += static_cast<int>(h.actions.size());
      bucket.resize(idx(keys), T(0));
      mine.push_back(node.infoset);
      parent_key.push_back(seq[idx(n)]);
    }
    for (std::size_t a = 0; a < node.children.size(); ++a) {
      const int c = node.children[a];
      const T q = move_prob<T>(g, prof, n, a);
      all[idx(c)] = all[idx(n)] * q;
      if (own) {
        others[idx(c)] = others[idx(n)];
      } else {
        others[idx(c)] = others[idx(n)] * q;
      }
      seq[idx(c)] = own ? base[idx(node.infoset)] + static_cast<int>(a) : seq[idx(n)];
    }
  }
  // An infoset's first member comes after its parent sequence's infoset's first member, so
  // reverse discovery order visits children before parents.
  std::vector<T> below(idx(keys), T(0));
  for (std::size_t j = mine.size(); j-- > 0;) {
    const int h = mine[j];
    const int b = base[idx(h)];
    T best = bucket[idx(b)] + below[idx(b)];
    for (std::size_t a = 1; a < g.infoset(h).actions.size(); ++a) {
      const T v = bucket[idx(b) + a] + below[idx(b) + a];
      if (v > best) best = v;
    }
    below[idx(parent_key[j])] += best;
  }
  const T best_response = bucket[0] + below[0];
  return best_response - value;
}

double to_double(const Rational& q) { return q.get_d(); }
double to_double(double x) { return x; }

template <class T>
SubgamePerfection check(const ExtensiveGame& g, const Profile& prof, const T& tolerance) {
  const Layout l = layout_of(g);
  const std::vector<int> roots = subgame_roots(g);
  // Each subgame is walked once per player: refuse work no small game needs rather than
  // run for minutes (a deep chain of subgames costs its depth times its size).
  double work = 0;
  for (int r : roots) work += static_cast<double>(l.end[idx(r)] - l.pos[idx(r)]);
  work *= g.num_players();
  require(work <= kMaxSubgameWork,
          "subgame perfection: the subgames hold " + std::to_string(static_cast<long long>(work)) +
              " node visits over all players, more than the " +
              std::to_string(static_cast<long long>(kMaxSubgameWork)) +
              " this check takes; on a game of perfect information backward-induction finds "
              "the subgame-perfect equilibrium directly");
  std::vector<int> seq(g.nodes().size(), 0);
  std::vector<T> others(g.nodes().size(), T(0));
  std::vector<T> all(g.nodes().size(), T(0));
  SubgamePerfection out;
  out.perfect = true;
  std::vector<bool> avoided;
  for (int r : roots) {
    for (int i = 1; i <= g.num_players(); ++i) {
      const T gain = subgame_gain<T>(g, prof, l, r, i, seq, others, all);
      if (!(gain > tolerance)) continue;
      if (avoided.empty()) avoided = avoided_by_own_play(g, prof);
      bool open = false;
      for (std::size_t k = l.pos[idx(r)]; k < l.end[idx(r)] && !open; ++k) {
        const Node& node = g.node(l.order[k]);
        open = node.kind == NodeKind::kPlayer && avoided[idx(node.infoset)];
      }
      // A failure in a subgame without open choices settles it; else keep looking for one.
      if (out.perfect || (out.rests_on_open_choices && !open)) {
        out.perfect = false;
        out.root = r;
        out.player = i;
        out.gain = to_double(gain);
        out.rests_on_open_choices = open;
      }
      if (!open) return out;
      break;
    }
  }
  return out;
}

}  // namespace

std::vector<bool> reached_infosets(const ExtensiveGame& game, const Profile& profile) {
  check_profile(game, profile);
  std::vector<bool> reached_node(game.nodes().size(), false);
  std::vector<bool> out(game.infosets().size(), false);
  reached_node[0] = true;
  for (int n : game.prefix_order()) {
    const Node& node = game.node(n);
    if (node.kind == NodeKind::kTerminal || !reached_node[idx(n)]) continue;
    out[idx(node.infoset)] = true;
    for (std::size_t a = 0; a < node.children.size(); ++a) {
      reached_node[idx(node.children[a])] = !zero_move(game, profile, n, static_cast<int>(a));
    }
  }
  return out;
}

std::vector<bool> avoided_by_own_play(const ExtensiveGame& game, const Profile& profile) {
  check_profile(game, profile);
  const std::vector<int> order = game.prefix_order();
  std::vector<bool> out(game.infosets().size(), false);
  // Per player: whether the player's own moves above each node all have positive
  // probability; an infoset is avoided when none of its members has that.
  std::vector<bool> own_open(game.nodes().size(), false);
  std::vector<bool> some_open(game.infosets().size(), false);
  for (int p = 1; p <= game.num_players(); ++p) {
    own_open[0] = true;
    for (int n : order) {
      const Node& node = game.node(n);
      if (node.kind == NodeKind::kTerminal) continue;
      const bool mine = game.infoset(node.infoset).player == p;
      if (mine && own_open[idx(n)]) some_open[idx(node.infoset)] = true;
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        own_open[idx(node.children[a])] =
            own_open[idx(n)] && !(mine && zero_move(game, profile, n, static_cast<int>(a)));
      }
    }
  }
  for (std::size_t h = 0; h < out.size(); ++h) {
    out[h] = game.infosets()[h].player != 0 && !some_open[h];
  }
  return out;
}

std::vector<int> subgame_roots(const ExtensiveGame& game) {
  const Layout l = layout_of(game);
  const std::size_t nh = game.infosets().size();
  std::vector<std::size_t> lo(nh, l.order.size());
  std::vector<std::size_t> hi(nh, 0);
  for (std::size_t h = 0; h < nh; ++h) {
    for (int n : game.infosets()[h].nodes) {
      lo[h] = std::min(lo[h], l.pos[idx(n)]);
      hi[h] = std::max(hi[h], l.pos[idx(n)]);
    }
  }
  // The span of positions the infosets in each subtree reach, children before parents.
  std::vector<std::size_t> span_lo(game.nodes().size(), l.order.size());
  std::vector<std::size_t> span_hi(game.nodes().size(), 0);
  std::vector<bool> is_root(game.nodes().size(), false);
  for (std::size_t k = l.order.size(); k-- > 0;) {
    const int n = l.order[k];
    const Node& node = game.node(n);
    if (node.kind == NodeKind::kTerminal) continue;
    std::size_t a = lo[idx(node.infoset)];
    std::size_t b = hi[idx(node.infoset)];
    for (int c : node.children) {
      if (game.node(c).kind == NodeKind::kTerminal) continue;
      a = std::min(a, span_lo[idx(c)]);
      b = std::max(b, span_hi[idx(c)]);
    }
    span_lo[idx(n)] = a;
    span_hi[idx(n)] = b;
    is_root[idx(n)] = game.infoset(node.infoset).nodes.size() == 1 && a >= k && b < l.end[idx(n)];
  }
  std::vector<int> out;
  for (int n : l.order) {
    if (is_root[idx(n)]) out.push_back(n);
  }
  return out;
}

SubgamePerfection subgame_perfection(const ExtensiveGame& game, const Profile& profile,
                                     double tolerance) {
  check_profile(game, profile);
  const std::string recall = game.perfect_recall_problem();
  require(recall.empty(),
          "subgame perfection needs perfect recall, and the game lacks it: " + recall);
  if (profile.exact) return check<Rational>(game, profile, Rational(0));
  Rational lo(0);
  Rational hi(0);
  bool any = false;
  for (const auto& o : game.outcomes()) {
    for (const auto& u : o.payoffs) {
      if (!any || u < lo) lo = u;
      if (!any || u > hi) hi = u;
      any = true;
    }
  }
  const double range = std::max(1.0, to_double(hi - lo));
  return check<double>(game, profile, tolerance * range);
}

}  // namespace entente::games
