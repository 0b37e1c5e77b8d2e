#include "entente/refinements.hpp"

#include "solvers.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
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
      const T u =
          detail::from_rational<T>(g.outcomes()[idx(node.outcome)].payoffs[idx(player - 1)]);
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

std::optional<Profile> subgame_perfect_completion(const ExtensiveGame& game, const Profile& profile,
                                                  const std::vector<bool>& open) {
  check_profile(game, profile);
  require(open.size() == game.infosets().size(), "open: one entry per infoset");
  require(profile.exact, "subgame_perfect_completion: the profile is not exact");
  const Layout l = layout_of(game);
  double work = 0;
  for (int r : subgame_roots(game)) work += static_cast<double>(l.end[idx(r)] - l.pos[idx(r)]);
  work *= game.num_players();
  constexpr double kMaxCompletions = 4096;
  const double allowed = std::min(kMaxCompletions, std::max(1.0, kMaxSubgameWork / work));
  std::vector<int> slots;  // the open infosets
  double count = 1;
  for (std::size_t h = 0; h < open.size(); ++h) {
    if (!open[h] || game.infosets()[h].player == 0) continue;
    slots.push_back(static_cast<int>(h));
    count *= static_cast<double>(game.infosets()[h].actions.size());
  }
  if (slots.empty() || count > allowed) return std::nullopt;
  std::vector<std::size_t> choice(slots.size(), 0);
  Profile p = profile;
  while (true) {
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const Infoset& h = game.infoset(slots[k]);
      auto& row = p.probs[idx(h.player - 1)][idx(game.local_index(slots[k]))];
      for (std::size_t a = 0; a < row.size(); ++a) row[a] = a == choice[k] ? 1 : 0;
    }
    p.sync_approx();
    if (subgame_perfection(game, p).perfect) return p;
    std::size_t k = 0;
    for (; k < slots.size(); ++k) {
      if (++choice[k] < game.infoset(slots[k]).actions.size()) break;
      choice[k] = 0;
    }
    if (k == slots.size()) return std::nullopt;
  }
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

namespace entente::games {

namespace {

// A game in which each agent (a player of a strategic game, an information set of an
// extensive one) picks one of its strategies and receives its player's payoff.
struct AgentForm {
  std::vector<int> sizes;
  std::vector<std::string> names;                // "Player 3", "Player 3 at #1"
  std::vector<std::vector<std::string>> labels;  // strategy labels per agent
  std::vector<std::size_t> stride;               // agent 0 varies fastest
  std::size_t cells = 1;
  std::vector<Rational> pay;  // cells x agents
  [[nodiscard]] std::size_t agents() const { return sizes.size(); }
  [[nodiscard]] const Rational& payoff(std::size_t cell, std::size_t agent) const {
    return pay[cell * agents() + agent];
  }
};

constexpr std::size_t kMaxAgentCells = 65536;

void set_strides(AgentForm& f) {
  f.stride.assign(f.sizes.size(), 1);
  f.cells = 1;
  for (std::size_t j = 0; j < f.sizes.size(); ++j) {
    f.stride[j] = f.cells;
    f.cells *= static_cast<std::size_t>(f.sizes[j]);
  }
}

using Poly = std::vector<Rational>;  // coefficients of eta^0, eta^1, ...

Poly multiply(const Poly& a, const Poly& b) {
  Poly out(a.size() + b.size() - 1, Rational(0));
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == 0) continue;
    for (std::size_t j = 0; j < b.size(); ++j) out[i + j] += a[i] * b[j];
  }
  return out;
}

// The sign of a polynomial for all small eta > 0: that of its lowest nonzero coefficient.
int sign_near_zero(const Poly& p) {
  for (const Rational& c : p) {
    if (c != 0) return sgn(c);
  }
  return 0;
}

// Whether every agent's strategy in `s` is a best reply against the profile where agent j
// plays t != s_j with probability eta^order[j][t], for all small eta.
bool best_reply_against(const AgentForm& f, const std::vector<int>& s,
                        const std::vector<std::vector<int>>& order) {
  const std::size_t n = f.agents();
  std::vector<std::vector<Poly>> sigma(n);
  for (std::size_t j = 0; j < n; ++j) {
    Poly stay{Rational(1)};
    for (int t = 0; t < f.sizes[j]; ++t) {
      if (t == s[j]) continue;
      Poly p(static_cast<std::size_t>(order[j][idx(t)]) + 1, Rational(0));
      p.back() = 1;
      if (stay.size() < p.size()) stay.resize(p.size(), Rational(0));
      stay[p.size() - 1] -= 1;
      sigma[j].resize(idx(f.sizes[j]));
      sigma[j][idx(t)] = std::move(p);
    }
    sigma[j].resize(idx(f.sizes[j]));
    sigma[j][idx(s[j])] = std::move(stay);
  }
  std::vector<int> c(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<Poly> diff(idx(f.sizes[i]), Poly{Rational(0)});
    std::fill(c.begin(), c.end(), 0);
    for (std::size_t cell = 0; cell < f.cells; ++cell) {
      if (c[i] == s[i]) {
        Poly w{Rational(1)};
        for (std::size_t j = 0; j < n; ++j) {
          if (j != i) w = multiply(w, sigma[j][idx(c[j])]);
        }
        for (int t = 0; t < f.sizes[i]; ++t) {
          if (t == s[i]) continue;
          const std::size_t other =
              cell - static_cast<std::size_t>(s[i]) * f.stride[i] + idx(t) * f.stride[i];
          const Rational d = f.payoff(cell, i) - f.payoff(other, i);
          if (d == 0) continue;
          Poly& acc = diff[idx(t)];
          if (acc.size() < w.size()) acc.resize(w.size(), Rational(0));
          for (std::size_t k = 0; k < w.size(); ++k) acc[k] += d * w[k];
        }
      }
      for (std::size_t j = 0; j < n; ++j) {
        if (++c[j] < f.sizes[j]) break;
        c[j] = 0;
      }
    }
    for (int t = 0; t < f.sizes[i]; ++t) {
      if (t != s[i] && sign_near_zero(diff[idx(t)]) < 0) return false;
    }
  }
  return true;
}

// Whether agent i's strategy t does strictly better than s_i against every completely
// mixed profile near s (see the header for the argument); false when the test cannot tell.
bool beaten_near(const AgentForm& f, const std::vector<int>& s, std::size_t i, int t) {
  std::vector<std::size_t> others;
  for (std::size_t j = 0; j < f.agents(); ++j) {
    if (j != i && f.sizes[j] > 1) others.push_back(j);  // one strategy: nothing to tremble to
  }
  constexpr std::size_t kMaxOthers = 14;
  if (others.size() > kMaxOthers) return false;
  double combos = 1;
  for (std::size_t j : others) combos *= f.sizes[j] - 1;
  const std::size_t subsets = std::size_t{1} << others.size();
  // Each combination costs a pass over the subsets per other agent.
  constexpr double kMaxWork = 2e7;
  if (combos * static_cast<double>(subsets) * static_cast<double>(others.size() + 1) > kMaxWork) {
    return false;
  }
  std::size_t base = 0;
  for (std::size_t j = 0; j < f.agents(); ++j) base += idx(s[j]) * f.stride[j];
  // v[k]: the strategy other k trembles to (never s); odometer over the combinations.
  std::vector<int> v(others.size(), 0);
  for (std::size_t k = 0; k < others.size(); ++k) v[k] = s[others[k]] == 0 ? 1 : 0;
  std::vector<Rational> coef(subsets);
  std::vector<char> below(subsets);
  while (true) {
    for (std::size_t mask = 0; mask < subsets; ++mask) {
      std::size_t cell = base;
      for (std::size_t k = 0; k < others.size(); ++k) {
        if ((mask >> k & 1U) != 0) {
          const std::size_t j = others[k];
          cell = cell - idx(s[j]) * f.stride[j] + idx(v[k]) * f.stride[j];
        }
      }
      const std::size_t alt = cell - idx(s[i]) * f.stride[i] + idx(t) * f.stride[i];
      coef[mask] = f.payoff(cell, i) - f.payoff(alt, i);
    }
    // Moebius inversion: coefficient of prod_{k in S} e_k in the expansion.
    for (std::size_t k = 0; k < others.size(); ++k) {
      for (std::size_t mask = 0; mask < subsets; ++mask) {
        if ((mask >> k & 1U) != 0) coef[mask] -= coef[mask ^ (std::size_t{1} << k)];
      }
    }
    // below[S]: some proper subset has a nonzero coefficient.
    bool any = false;
    for (std::size_t mask = 0; mask < subsets; ++mask) {
      char b = 0;
      for (std::size_t k = 0; k < others.size() && b == 0; ++k) {
        const std::size_t bit = std::size_t{1} << k;
        if ((mask & bit) != 0) {
          const std::size_t sub = mask ^ bit;
          b = static_cast<char>(below[sub] != 0 || coef[sub] != 0);
        }
      }
      below[mask] = b;
      if (coef[mask] != 0 && b == 0) {
        if (coef[mask] > 0) return false;  // a minimal monomial where s_i does better
        any = true;
      }
    }
    if (!any) return false;  // indifferent near s: s_i stays a best reply
    std::size_t k = 0;
    for (; k < others.size(); ++k) {
      const std::size_t j = others[k];
      do {
        ++v[k];
      } while (v[k] < f.sizes[j] && v[k] == s[j]);
      if (v[k] < f.sizes[j]) break;
      v[k] = s[j] == 0 ? 1 : 0;
    }
    if (k == others.size()) return true;
  }
}

PerfectionVerdict judge(const AgentForm& f, const std::vector<int>& s) {
  const std::size_t n = f.agents();
  // Refutation first: it also catches profiles that are no equilibrium.
  for (std::size_t i = 0; i < n; ++i) {
    for (int t = 0; t < f.sizes[i]; ++t) {
      if (t != s[i] && beaten_near(f, s, i, t)) {
        return {Perfection::kNotPerfect,
                f.names[i] + "'s " + f.labels[i][idx(t)] + " does strictly better than " +
                    f.labels[i][idx(s[i])] + " against every completely mixed profile near it"};
      }
    }
  }
  std::vector<std::pair<std::size_t, int>> trembles;
  for (std::size_t j = 0; j < n; ++j) {
    for (int t = 0; t < f.sizes[j]; ++t) {
      if (t != s[j]) trembles.emplace_back(j, t);
    }
  }
  const double per_try = static_cast<double>(f.cells) * static_cast<double>(n * n);
  constexpr double kMaxWork = 2e7;
  int top = 0;
  for (int m = 3; m >= 1 && top == 0; --m) {
    if (std::pow(m, static_cast<double>(trembles.size())) * per_try <= kMaxWork) top = m;
  }
  if (top == 0) return {Perfection::kUndetermined, "too many trembles to search"};
  std::vector<int> k(trembles.size(), 1);
  std::vector<std::vector<int>> order(n);
  for (std::size_t j = 0; j < n; ++j) order[j].assign(idx(f.sizes[j]), 0);
  while (true) {
    for (std::size_t q = 0; q < trembles.size(); ++q) {
      order[trembles[q].first][idx(trembles[q].second)] = k[q];
    }
    if (best_reply_against(f, s, order)) {
      std::string why = "a best reply against trembles";
      for (std::size_t q = 0; q < trembles.size(); ++q) {
        why += std::string(q == 0 ? ": " : ", ") + f.names[trembles[q].first] + " plays " +
               f.labels[trembles[q].first][idx(trembles[q].second)] + " with eta" +
               (k[q] == 1 ? "" : "^" + std::to_string(k[q]));
      }
      return {Perfection::kPerfect, why + ", for every small eta > 0"};
    }
    std::size_t q = 0;
    for (; q < k.size(); ++q) {
      if (++k[q] <= top) break;
      k[q] = 1;
    }
    if (q == k.size()) break;
  }
  return {Perfection::kUndetermined,
          "no trembles of orders eta..eta^" + std::to_string(top) +
              " make it a best reply, and no strategy beats it near the profile"};
}

// The pure choice in each row of a profile, or empty when some row is mixed.
std::vector<int> pure_choices(const Profile& p) {
  std::vector<int> out;
  for (const auto& player : p.probs) {
    for (const auto& row : player) {
      int choice = -1;
      for (std::size_t a = 0; a < row.size(); ++a) {
        if (row[a] == 1) choice = static_cast<int>(a);
        if (row[a] != 0 && row[a] != 1) return {};
      }
      if (choice < 0) return {};
      out.push_back(choice);
    }
  }
  return out;
}

std::string label_or(const std::string& label, const std::string& fallback) {
  return label.empty() ? fallback : label;
}

}  // namespace

PerfectionVerdict trembling_hand_perfection(const StrategicGame& game, const Profile& profile) {
  require(profile.probs.size() == idx(game.num_players()),
          "trembling_hand_perfection: one entry per player");
  if (!profile.exact) return {Perfection::kUndetermined, "not an exact profile"};
  const std::vector<int> s = pure_choices(profile);
  if (s.size() != idx(game.num_players())) return {Perfection::kUndetermined, "not pure"};
  AgentForm f;
  for (int p = 0; p < game.num_players(); ++p) {
    f.sizes.push_back(game.num_strategies(p));
    f.names.push_back(label_or(game.players()[idx(p)], "player " + std::to_string(p + 1)));
    f.labels.push_back(game.strategies()[idx(p)]);
  }
  set_strides(f);
  if (f.cells > kMaxAgentCells) {
    return {Perfection::kUndetermined, "more than 65,536 pure profiles"};
  }
  f.pay.reserve(f.cells * f.agents());
  for (std::size_t c = 0; c < f.cells; ++c) {
    for (int p = 0; p < game.num_players(); ++p) f.pay.push_back(game.payoff(c, p));
  }
  return judge(f, s);
}

PerfectionVerdict trembling_hand_perfection(const ExtensiveGame& game, const Profile& profile) {
  check_profile(game, profile);
  if (!profile.exact) return {Perfection::kUndetermined, "not an exact profile"};
  const std::vector<int> s = pure_choices(profile);
  if (s.empty()) return {Perfection::kUndetermined, "not pure (mixed or left-open choices)"};
  AgentForm f;
  std::vector<int> agent_of(game.infosets().size(), -1);
  std::vector<int> owner;
  double cells = 1;
  for (int p = 1; p <= game.num_players(); ++p) {
    const std::string player = label_or(game.players()[idx(p - 1)], "player " + std::to_string(p));
    for (int h : game.player_infosets(p)) {
      const Infoset& info = game.infoset(h);
      agent_of[idx(h)] = static_cast<int>(f.sizes.size());
      owner.push_back(p - 1);
      f.sizes.push_back(static_cast<int>(info.actions.size()));
      f.names.push_back(player + " at " + label_or(info.label, "#" + std::to_string(info.number)));
      f.labels.push_back(info.actions);
      cells *= static_cast<double>(info.actions.size());
    }
  }
  constexpr double kMaxTreeWork = 2e7;
  if (cells > static_cast<double>(kMaxAgentCells) ||
      cells * static_cast<double>(game.nodes().size()) > kMaxTreeWork) {
    return {Perfection::kUndetermined, "the agent form has too many profiles"};
  }
  set_strides(f);
  const std::vector<int> order = game.prefix_order();
  std::vector<Rational> reach(game.nodes().size());
  std::vector<int> c(f.agents(), 0);
  f.pay.reserve(f.cells * f.agents());
  for (std::size_t cell = 0; cell < f.cells; ++cell) {
    std::vector<Rational> total(idx(game.num_players()), Rational(0));
    reach[0] = 1;
    for (int n : order) {
      const Node& node = game.node(n);
      if (reach[idx(n)] == 0) {
        for (int ch : node.children) reach[idx(ch)] = 0;
        continue;
      }
      if (node.outcome >= 0) {
        const auto& pay = game.outcomes()[idx(node.outcome)].payoffs;
        for (std::size_t p = 0; p < total.size(); ++p) total[p] += reach[idx(n)] * pay[p];
      }
      if (node.kind == NodeKind::kTerminal) continue;
      const Infoset& h = game.infoset(node.infoset);
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        if (h.player == 0) {
          reach[idx(node.children[a])] = reach[idx(n)] * h.probs[a];
        } else {
          const int agent = agent_of[idx(node.infoset)];
          reach[idx(node.children[a])] =
              c[idx(agent)] == static_cast<int>(a) ? reach[idx(n)] : Rational(0);
        }
      }
    }
    for (std::size_t j = 0; j < f.agents(); ++j) f.pay.push_back(total[idx(owner[j])]);
    for (std::size_t j = 0; j < f.agents(); ++j) {
      if (++c[j] < f.sizes[j]) break;
      c[j] = 0;
    }
  }
  return judge(f, s);
}

PerfectionVerdict trembling_hand_perfection(const ExtensiveGame& game, const Profile& profile,
                                            const std::vector<bool>& open) {
  check_profile(game, profile);
  require(open.size() == game.infosets().size(), "open: one entry per infoset");
  if (!profile.exact) return {Perfection::kUndetermined, "not an exact profile"};
  std::vector<int> slots;
  double count = 1;
  for (std::size_t h = 0; h < open.size(); ++h) {
    if (!open[h] || game.infosets()[h].player == 0) continue;
    slots.push_back(static_cast<int>(h));
    count *= static_cast<double>(game.infosets()[h].actions.size());
  }
  if (slots.empty()) return trembling_hand_perfection(game, profile);
  constexpr double kMaxCompletions = 4096;
  if (count > kMaxCompletions) {
    return {Perfection::kUndetermined, "more than 4,096 completions of the open choices"};
  }
  std::vector<std::size_t> choice(slots.size(), 0);
  Profile p = profile;
  while (true) {
    std::string filled;
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const Infoset& h = game.infoset(slots[k]);
      auto& row = p.probs[idx(h.player - 1)][idx(game.local_index(slots[k]))];
      for (std::size_t a = 0; a < row.size(); ++a) row[a] = a == choice[k] ? 1 : 0;
      filled += std::string(k == 0 ? "" : ", ") + h.actions[choice[k]] + " at " +
                label_or(h.label, "#" + std::to_string(h.number));
    }
    p.sync_approx();
    const PerfectionVerdict v = trembling_hand_perfection(game, p);
    if (v.verdict == Perfection::kPerfect) {
      return {Perfection::kPerfect, "with the open choices made as " + filled + ", " + v.why};
    }
    std::size_t k = 0;
    for (; k < slots.size(); ++k) {
      if (++choice[k] < game.infoset(slots[k]).actions.size()) break;
      choice[k] = 0;
    }
    if (k == slots.size()) break;
  }
  return {Perfection::kUndetermined,
          "no pure choice at the open infosets makes it perfect; a mixed one might"};
}

}  // namespace entente::games
