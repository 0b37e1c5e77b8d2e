// All extreme Nash equilibria of a two-player strategic game (Avis, Rosenberg, Savani and
// von Stengel 2010, "Enumeration of Nash equilibria for two-player games"): enumerate the
// vertices of the best-response polytopes P = {x >= 0 : B'x <= 1} and Q = {y >= 0 : Ay <= 1}
// by walking the graph of their (lexicographically perturbed) feasible bases, then keep the
// completely labelled pairs. Exact rational arithmetic.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <set>

#include "solvers.hpp"
#include "tableau.hpp"

namespace entente::games::detail {

namespace {

// Bytes of a std::set node beyond its key (three pointers, colour, allocator rounding).
constexpr std::size_t kSetNodeBytes = 48;

struct Vertex {
  std::vector<Rational> point;  // values of the m + n variables; label k = variable k is zero
  std::vector<bool> labels;
};

// Vertices of {v : M v + slack = 1, v, slack >= 0} given as a tableau whose variables are the
// labels 0..m+n-1, the zero vertex first. Every queued basis is a whole tableau copy, and
// their number grows exponentially with the game: `work` is charged for each copy while it
// waits (and for the bases and points seen), so the search stops at its memory budget
// rather than exhausting the machine. `name` says which polytope, for messages. Vertices
// go to `out` as they are found, so a caller catching BudgetExceeded has those found so far.
void vertices(const Tableau& start, std::size_t vars, Work& work, const std::string& name,
              std::vector<Vertex>& out) {
  std::set<std::vector<Rational>> seen_points;
  std::set<std::vector<int>> seen_bases;
  std::deque<Tableau> queue;
  auto key = [](const Tableau& t) {
    std::vector<int> b = t.basis();
    std::sort(b.begin(), b.end());
    return b;
  };
  const auto progress = [&] {
    return "after " + std::to_string(seen_bases.size()) + " bases and " +
           std::to_string(out.size()) + " vertices of " + name + " (" +
           std::to_string(queue.size()) + " bases waiting, " + memory_text(work.used()) +
           " held); vertex enumeration grows exponentially with the game";
  };
  const std::size_t key_bytes =
      kSetNodeBytes + sizeof(std::vector<int>) + start.rows() * sizeof(int);
  seen_bases.insert(key(start));
  work.check_charge(start.bytes() + key_bytes, progress());
  queue.push_back(start);
  while (!queue.empty()) {
    Tableau t = std::move(queue.front());
    queue.pop_front();
    work.release(t.bytes());
    if (work.time_up()) work.fail(progress());
    Vertex v;
    v.point.assign(vars, Rational(0));
    for (std::size_t r = 0; r < t.rows(); ++r)
      v.point[static_cast<std::size_t>(t.basic(r))] = t.rhs(r);
    if (seen_points.find(v.point) == seen_points.end()) {
      std::size_t bytes = kSetNodeBytes + 2 * sizeof(std::vector<Rational>) + vars / 8 + 8;
      for (const Rational& q : v.point) bytes += 2 * rational_bytes(q);
      if (!work.charge(bytes)) work.fail(progress());
      seen_points.insert(v.point);
      for (const Rational& q : v.point) v.labels.push_back(q == 0);
      out.push_back(std::move(v));
    }
    for (std::size_t e = 0; e < vars; ++e) {
      if (t.row_of(static_cast<int>(e)) >= 0) continue;
      // The lexicographic rule walks the bases of the perturbed (nondegenerate) polytope,
      // whose graph is connected and maps onto every vertex of the real one; trying every
      // tied row instead explodes on degenerate games such as reduced strategic forms.
      const int r = t.ratio_test(static_cast<int>(e));
      if (r < 0) continue;
      Tableau next = t;
      next.pivot(static_cast<std::size_t>(r), static_cast<int>(e));
      if (seen_bases.find(key(next)) == seen_bases.end()) {
        if (!work.charge(next.bytes() + key_bytes)) work.fail(progress());
        seen_bases.insert(key(next));
        queue.push_back(std::move(next));
      }
    }
  }
}

}  // namespace

// The best-response polytope tableaux of a positive bimatrix, variables numbered by label:
// P: x_i (label i), s_j (label m+j); Q: r_i (label i), y_j (label m+j).
Tableau polytope_p(const Bimatrix& bm) {
  const std::size_t m = bm.m;
  const std::size_t n = bm.n;
  std::vector<Rational> a(n * (m + n), Rational(0));
  std::vector<int> basis(n);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < m; ++i) a[j * (m + n) + i] = bm.b[i * n + j];
    a[j * (m + n) + m + j] = 1;
    basis[j] = static_cast<int>(m + j);
  }
  return Tableau(n, m + n, std::move(a), std::vector<Rational>(n, Rational(1)), basis);
}

Tableau polytope_q(const Bimatrix& bm) {
  const std::size_t m = bm.m;
  const std::size_t n = bm.n;
  std::vector<Rational> a(m * (m + n), Rational(0));
  std::vector<int> basis(m);
  for (std::size_t i = 0; i < m; ++i) {
    a[i * (m + n) + i] = 1;
    for (std::size_t j = 0; j < n; ++j) a[i * (m + n) + m + j] = bm.a[i * n + j];
    basis[i] = static_cast<int>(i);
  }
  return Tableau(m, m + n, std::move(a), std::vector<Rational>(m, Rational(1)), basis);
}

Profile normalised_pair(const std::vector<Rational>& x, const std::vector<Rational>& y) {
  Rational sx = 0;
  Rational sy = 0;
  for (const auto& v : x) sx += v;
  for (const auto& v : y) sy += v;
  std::vector<Rational> px;
  std::vector<Rational> py;
  for (const auto& v : x) px.emplace_back(v / sx);
  for (const auto& v : y) py.emplace_back(v / sy);
  return mixed_profile({px, py});
}

namespace {

// The completely labelled pairs of vertices, in the order of P's vertices then Q's.
std::vector<Equilibrium> equilibria(const StrategicGame& game, const Bimatrix& bm,
                                    const std::vector<Vertex>& pv, const std::vector<Vertex>& qv) {
  const std::size_t m = bm.m;
  const std::size_t n = bm.n;
  std::vector<Equilibrium> out;
  for (const Vertex& x : pv) {
    if (std::all_of(x.point.begin(), x.point.begin() + static_cast<long>(m),
                    [](const Rational& q) { return q == 0; })) {
      continue;
    }
    for (const Vertex& y : qv) {
      if (std::all_of(y.point.begin() + static_cast<long>(m), y.point.end(),
                      [](const Rational& q) { return q == 0; })) {
        continue;
      }
      bool complete = true;
      for (std::size_t k = 0; k < m + n && complete; ++k) complete = x.labels[k] || y.labels[k];
      if (!complete) continue;
      out.push_back(make_equilibrium(
          game, normalised_pair(
                    std::vector<Rational>(x.point.begin(), x.point.begin() + static_cast<long>(m)),
                    std::vector<Rational>(y.point.begin() + static_cast<long>(m), y.point.end()))));
    }
  }
  return out;
}

std::vector<Equilibrium> enum_mixed(const StrategicGame& game, Work& work) {
  const Bimatrix bm = positive_bimatrix(game);
  const std::size_t m = bm.m;
  const std::size_t n = bm.n;
  const std::string shape = std::to_string(m) + " x " + std::to_string(n) + " game";
  // The polytope of lower dimension first (P lives in R^m, Q in R^n; with m + n facets each,
  // the lower-dimensional one has far fewer vertices): when the budget runs out on the
  // other, the pairs among the vertices found so far are still genuine equilibria.
  const bool p_first = m <= n;
  const Tableau first = p_first ? polytope_p(bm) : polytope_q(bm);
  const Tableau second = p_first ? polytope_q(bm) : polytope_p(bm);
  const std::string first_name = std::string(p_first ? "player 1's" : "player 2's") +
                                 " best-response polytope (" + shape + ")";
  const std::string second_name = std::string(p_first ? "player 2's" : "player 1's") +
                                  " best-response polytope (" + shape + ")";
  std::vector<Vertex> one;
  vertices(first, m + n, work, first_name, one);
  std::vector<Vertex> two;
  const auto pairs = [&] {
    return p_first ? equilibria(game, bm, one, two) : equilibria(game, bm, two, one);
  };
  try {
    vertices(second, m + n, work, second_name, two);
  } catch (const BudgetExceeded& e) {
    // Every vertex of the first polytope against the second's found so far: some of the
    // extreme equilibria, each genuine.
    throw BudgetExceeded(e.what(), pairs());
  }
  return pairs();
}

// Vertex counts grow exponentially with the smaller strategy count (random 9 x 9 games take
// 0.4 s, each extra strategy multiplies by 2-4): past this, expect minutes to hours.
constexpr double kWarnStrategies = 12;

std::string size_warning(double m, double n, const std::string& advice) {
  if (std::min(m, n) <= kWarnStrategies) return "";
  char shape[64];
  std::snprintf(shape, sizeof shape, "%.6g x %.6g", m, n);
  return std::string(
             "enummixed enumerates the vertices of both best-response polytopes, whose "
             "number grows exponentially with the strategy counts (") +
         shape + " here): expect it to run out of its budget; " + advice;
}

class EnumMixed final : public Solver {
 public:
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    Work work(budget(), "enummixed", [&game] { return advice(game, "enummixed"); });
    return enum_mixed(game, work);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    if (game.num_players() != 2) {
      throw SolverError("enummixed needs a two-player game; this one has " +
                        std::to_string(game.num_players()) + " players");
    }
    // Its mixed equilibria are right for the strategic form, but turning them into
    // behaviour strategies (Kuhn's theorem) needs perfect recall.
    require_perfect_recall(game, "enummixed");
    Work work(budget(), "enummixed", [&game] { return advice(game, "enummixed"); });
    return via_reduced_form(game, work, enum_mixed);
  }
  [[nodiscard]] std::string work_warning(const StrategicGame& game) const override {
    if (game.num_players() != 2) return "";
    return size_warning(game.num_strategies(0), game.num_strategies(1), advice(game, "enummixed"));
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (game.num_players() != 2 || !game.perfect_recall_problem().empty()) return "";
    const std::vector<double> k = reduced_strategy_counts(game);
    return size_warning(k[0], k[1], advice(game, "enummixed"));
  }

  inline static const SolverInfo kInfo{
      "enummixed",
      "every extreme mixed equilibrium of a two-player game (vertex enumeration, exact)",
      true,
      true,
      true,
      {}};
};

}  // namespace

SolverEntry enummixed_entry() {
  return {EnumMixed::kInfo, [](const SolverOptions&) { return std::make_unique<EnumMixed>(); }};
}

}  // namespace entente::games::detail
