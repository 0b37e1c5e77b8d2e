// All extreme Nash equilibria of a two-player strategic game (Avis, Rosenberg, Savani and
// von Stengel 2010, "Enumeration of Nash equilibria for two-player games"): enumerate the
// vertices of the best-response polytopes P = {x >= 0 : B'x <= 1} and Q = {y >= 0 : Ay <= 1}
// by walking the graph of their (lexicographically perturbed) feasible bases, then keep the
// completely labelled pairs. Exact rational arithmetic.
#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "solvers.hpp"
#include "tableau.hpp"

namespace entente::games::detail {

namespace {

constexpr std::size_t kMaxBases = 200'000;

struct Vertex {
  std::vector<Rational> point;  // values of the m + n variables; label k = variable k is zero
  std::vector<bool> labels;
};

// Vertices of {v : M v + slack = 1, v, slack >= 0} given as a tableau whose variables are the
// labels 0..m+n-1, the zero vertex first.
std::vector<Vertex> vertices(const Tableau& start, std::size_t vars) {
  std::vector<Vertex> out;
  std::set<std::vector<Rational>> seen_points;
  std::set<std::vector<int>> seen_bases;
  std::deque<Tableau> queue{start};
  auto key = [](const Tableau& t) {
    std::vector<int> b = t.basis();
    std::sort(b.begin(), b.end());
    return b;
  };
  seen_bases.insert(key(start));
  while (!queue.empty()) {
    Tableau t = std::move(queue.front());
    queue.pop_front();
    Vertex v;
    v.point.assign(vars, Rational(0));
    for (std::size_t r = 0; r < t.rows(); ++r)
      v.point[static_cast<std::size_t>(t.basic(r))] = t.rhs(r);
    if (seen_points.insert(v.point).second) {
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
      if (seen_bases.insert(key(next)).second) {
        if (seen_bases.size() > kMaxBases) {
          throw SolverError("enummixed: more than " + std::to_string(kMaxBases) +
                            " bases; the game is too large");
        }
        queue.push_back(std::move(next));
      }
    }
  }
  return out;
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

std::vector<Equilibrium> enum_mixed(const StrategicGame& game) {
  const Bimatrix bm = positive_bimatrix(game);
  const std::size_t m = bm.m;
  const std::size_t n = bm.n;
  const std::vector<Vertex> pv = vertices(polytope_p(bm), m + n);
  const std::vector<Vertex> qv = vertices(polytope_q(bm), m + n);
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

class EnumMixed final : public Solver {
 public:
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    return enum_mixed(game);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    if (game.num_players() != 2) {
      throw SolverError("enummixed needs a two-player game; this one has " +
                        std::to_string(game.num_players()) + " players");
    }
    return via_reduced_form(game, enum_mixed);
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
