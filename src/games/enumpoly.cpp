// All Nash equilibria of small N-player strategic games by support enumeration (as Gambit's
// gambit-enumpoly): for each profile of supports, the equilibria using exactly those
// strategies solve the indifference system — each player's supported strategies earn the
// same against the others' mixtures, a polynomial system (multilinear across players) with
// as many equations as unknowns — with no unsupported strategy earning more.
//
// Each system is solved in the interior of the product of simplices by interval box
// subdivision: a box is dropped when an interval enclosure of one equation excludes 0 or a
// deviation surely pays (Boost.Interval, outward rounding); the Krawczyk operator
// (Krawczyk 1969; Moore, Kearfott and Cloud, "Introduction to Interval Analysis", 2009,
// ch. 8) either proves that a box holds exactly one solution (then Newton's method converges
// to it from the box's centre) or that it holds none. Solutions are recovered as exact
// rationals where they are rational (continued fractions, then checked exactly with
// Rational); otherwise they are returned in doubles, marked approximate.
//
// A system whose solutions are not isolated (a continuum, as the components of Selten's
// horse) leaves boxes that neither test decides: at a minimum width they are grouped into
// connected clusters, and each cluster is reported by one point of it — the exactly verified
// equilibrium with the smallest denominators among the simplest rationals of its boxes —
// flagged non_isolated, instead of subdividing forever.
#include <Eigen/Dense>
#include <algorithm>
#include <boost/numeric/interval.hpp>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>

#include "nplayer.hpp"
#include "solvers.hpp"
#include "tableau.hpp"

namespace entente::games::detail {

namespace {

using Interval = boost::numeric::interval<double>;

// Beyond this many support profiles the enumeration is refused (each needs its own search).
constexpr double kMaxSupports = 1 << 20;
// work_warning: beyond this many support profiles a solve takes minutes.
constexpr double kWarnSupports = 20000;
// Boxes narrower than this that neither test decides are a cluster's leaves.
constexpr double kMinWidth = 1.0 / 256;
// At most this many undecided leaves per support (a continuum of dimension two already
// has tens of thousands): past it, further undecided boxes are dropped, and the clusters
// found stand for the continuum.
constexpr std::size_t kMaxLeaves = 20000;
// Supports with at most this many unknowns are pruned from the exact range at the box's
// vertices (2^dim evaluations), larger ones from interval enclosures.
constexpr int kVertexDim = 8;
// Boxes at most this wide get the Krawczyk test.
constexpr double kKrawczykWidth = 0.25;
// A cluster of undecided boxes wider than this many leaves is a continuum, not a root the
// Krawczyk test could not isolate (a singular one).
constexpr double kContinuumLeaves = 3;

Interval interval_of(const Rational& q) {
  const double d = q.get_d();  // truncated: within one unit in the last place of q
  return {std::nextafter(d, -HUGE_VAL), std::nextafter(d, HUGE_VAL)};
}

// A support profile and its unknowns: player p's supported strategies sup[p], the first of
// which is the base whose probability is 1 minus the others'; the others are the unknowns.
struct Support {
  std::vector<std::vector<int>> sup;
  std::vector<std::vector<bool>> in;  // in[p][s]
  std::vector<std::vector<int>> var;  // var[p][s]: the unknown of p's strategy s, or -1
  int dim = 0;
};

Support make_support(const std::vector<int>& counts, const std::vector<unsigned>& masks) {
  Support su;
  for (std::size_t p = 0; p < counts.size(); ++p) {
    const auto k = static_cast<std::size_t>(counts[p]);
    su.sup.emplace_back();
    su.in.emplace_back(k, false);
    su.var.emplace_back(k, -1);
    for (std::size_t s = 0; s < k; ++s) {
      if (((masks[p] >> s) & 1U) == 0) continue;
      su.in[p][s] = true;
      if (!su.sup[p].empty()) su.var[p][s] = su.dim++;
      su.sup[p].push_back(static_cast<int>(s));
    }
  }
  return su;
}

// The system at a point (T = double) or over a box (T = Interval) of the unknowns y:
// f (the indifferences), g (the gains of the unsupported strategies over the base, which
// must be <= 0) and, when asked, the Jacobian of f. `feasible` is false when the box
// misses the simplices (a base probability surely negative).
template <class T>
struct System {
  std::vector<T> f;
  std::vector<T> g;
  std::vector<std::vector<T>> jac;
  bool feasible = true;
};

template <class T>
System<T> evaluate(const PayoffTable<T>& t, const Support& su, const std::vector<T>& y,
                   bool with_jacobian) {
  const auto n = static_cast<std::size_t>(t.players);
  System<T> out;
  Mixed<T> x(n);
  for (std::size_t p = 0; p < n; ++p) {
    x[p].assign(static_cast<std::size_t>(t.counts[p]), T(0));
    T rest(1);
    for (std::size_t j = 1; j < su.sup[p].size(); ++j) {
      const auto s = static_cast<std::size_t>(su.sup[p][j]);
      x[p][s] = y[static_cast<std::size_t>(su.var[p][s])];
      rest -= x[p][s];
    }
    if constexpr (std::is_same_v<T, Interval>) {
      // On the simplex the base probability is >= 0: the box's part outside is no solution.
      if (rest.upper() < 0) {
        out.feasible = false;
        return out;
      }
      rest = Interval(std::max(rest.lower(), 0.0), rest.upper());
    }
    x[p][static_cast<std::size_t>(su.sup[p][0])] = rest;
  }
  // u[p][s]: p's payoff from s; w[p][s][m][t]: its part where player m plays t, divided by
  // m's probability of t (the derivative with respect to that probability).
  Mixed<T> u(n);
  std::vector<std::vector<std::vector<std::vector<T>>>> w(n);
  for (std::size_t p = 0; p < n; ++p) {
    u[p].assign(static_cast<std::size_t>(t.counts[p]), T(0));
    if (!with_jacobian) continue;
    w[p].resize(static_cast<std::size_t>(t.counts[p]));
    for (auto& per_s : w[p]) {
      per_s.resize(n);
      for (std::size_t m = 0; m < n; ++m) {
        per_s[m].assign(static_cast<std::size_t>(t.counts[m]), T(0));
      }
    }
  }
  for (std::size_t c = 0; c < t.pure.size(); ++c) {
    const std::vector<int>& s = t.pure[c];
    std::size_t outside = 0;  // players playing an unsupported strategy in the cell
    std::size_t who = n;
    for (std::size_t m = 0; m < n; ++m) {
      if (!su.in[m][static_cast<std::size_t>(s[m])]) {
        ++outside;
        who = m;
      }
    }
    if (outside > 1) continue;
    for (std::size_t p = 0; p < n; ++p) {
      if (outside == 1 && who != p) continue;  // another player's probability is 0
      const T& pay = t.pay[c * n + p];
      T weight(1);
      for (std::size_t m = 0; m < n; ++m) {
        if (m != p) weight *= x[m][static_cast<std::size_t>(s[m])];
      }
      const auto sp = static_cast<std::size_t>(s[p]);
      u[p][sp] += weight * pay;
      if (!with_jacobian || !su.in[p][sp]) continue;
      for (std::size_t m = 0; m < n; ++m) {
        if (m == p) continue;
        T part(1);
        for (std::size_t q = 0; q < n; ++q) {
          if (q != p && q != m) part *= x[q][static_cast<std::size_t>(s[q])];
        }
        w[p][sp][m][static_cast<std::size_t>(s[m])] += part * pay;
      }
    }
  }
  for (std::size_t p = 0; p < n; ++p) {
    const auto base = static_cast<std::size_t>(su.sup[p][0]);
    for (std::size_t s = 0; s < u[p].size(); ++s) {
      if (s == base) continue;
      if (su.in[p][s]) {
        out.f.push_back(u[p][s] - u[p][base]);
        if (!with_jacobian) continue;
        std::vector<T> row(static_cast<std::size_t>(su.dim), T(0));
        for (std::size_t m = 0; m < n; ++m) {
          if (m == p) continue;
          const auto mb = static_cast<std::size_t>(su.sup[m][0]);
          for (std::size_t j = 1; j < su.sup[m].size(); ++j) {
            const auto tm = static_cast<std::size_t>(su.sup[m][j]);
            row[static_cast<std::size_t>(su.var[m][tm])] =
                (w[p][s][m][tm] - w[p][s][m][mb]) - (w[p][base][m][tm] - w[p][base][m][mb]);
          }
        }
        out.jac.push_back(std::move(row));
      } else {
        out.g.push_back(u[p][s] - u[p][base]);
      }
    }
  }
  return out;
}

// The full profile of a point of the support's unknowns.
template <class T>
Mixed<T> profile_at(const std::vector<int>& counts, const Support& su, const std::vector<T>& y) {
  Mixed<T> x;
  for (std::size_t p = 0; p < counts.size(); ++p) {
    std::vector<T> row(static_cast<std::size_t>(counts[p]), T(0));
    T rest(1);
    for (std::size_t j = 1; j < su.sup[p].size(); ++j) {
      const auto s = static_cast<std::size_t>(su.sup[p][j]);
      row[s] = y[static_cast<std::size_t>(su.var[p][s])];
      rest -= row[s];
    }
    row[static_cast<std::size_t>(su.sup[p][0])] = rest;
    x.push_back(std::move(row));
  }
  return x;
}

// The continued-fraction convergent of v within `tol`, denominators up to 10^12.
std::optional<Rational> convergent(double v, double tol) {
  if (!std::isfinite(v)) return std::nullopt;
  mpz_class h0 = 1;
  mpz_class h1 = 0;
  mpz_class k0 = 0;
  mpz_class k1 = 1;
  double r = v;
  for (int i = 0; i < 64; ++i) {
    const double a = std::floor(r);
    const mpz_class ai(a);
    mpz_class h = ai * h0 + h1;
    mpz_class k = ai * k0 + k1;
    h1 = h0;
    h0 = h;
    k1 = k0;
    k0 = k;
    Rational q(h0, k0);
    q.canonicalize();
    if (std::abs(q.get_d() - v) <= tol) return q;
    if (k0 > mpz_class(1000000000000.0)) return std::nullopt;
    const double frac = r - a;
    if (frac <= 0) return q;
    r = 1.0 / frac;
  }
  return std::nullopt;
}

// The rational with the smallest denominator in [lo, hi] (0 <= lo <= hi), by the
// Stern–Brocot descent on continued fractions.
Rational simplest_between(Rational lo, Rational hi) {
  const mpz_class fl = lo.get_num() / lo.get_den();  // floor, lo >= 0
  if (Rational(fl) == lo) return Rational(fl);
  if (Rational(fl + 1) <= hi) return Rational(fl + 1);
  // Both in (fl, fl + 1): recurse on the reciprocals of the fractional parts.
  const Rational a = lo - fl;
  const Rational b = hi - fl;
  Rational inner = simplest_between(Rational(1 / b), Rational(1 / a));
  Rational out = fl + Rational(1 / inner);
  out.canonicalize();
  return out;
}

struct Found {
  Mixed<Rational> exact;
  Mixed<double> approx;
  bool is_exact = false;
  bool non_isolated = false;
};

class Search {
 public:
  Search(const StrategicGame& game, Work* work)
      : exact_(exact_table(game)),
        dbl_(double_table(game)),
        box_(make_payoff_table<Interval>(game, interval_of)),
        counts_(exact_.counts) {
    Rational lo = game.payoff(0, 0);
    Rational hi = lo;
    for (std::size_t c = 0; c < game.num_cells(); ++c) {
      for (int p = 0; p < game.num_players(); ++p) {
        lo = std::min(lo, game.payoff(c, p));
        hi = std::max(hi, game.payoff(c, p));
      }
    }
    range_ = std::max(Rational(hi - lo).get_d(), 1e-300);
    work_ = work;
  }

  // The equilibria whose supports are exactly `su`, appended to `out`.
  void solve_support(const Support& su, std::vector<Found>& out) {
    if (su.dim == 0) {
      const Mixed<Rational> x = profile_at<Rational>(counts_, su, {});
      if (is_equilibrium(exact_, x)) out.push_back(exact_found(x));
      return;
    }
    std::vector<std::vector<Interval>> stack{
        std::vector<Interval>(static_cast<std::size_t>(su.dim), Interval(0.0, 1.0))};
    std::vector<std::vector<Interval>> leaves;
    std::vector<std::vector<double>> roots;
    while (!stack.empty()) {
      if ((++boxes_ & 255U) == 0 && work_ != nullptr) work_->check_time(progress());
      std::vector<Interval> box = std::move(stack.back());
      stack.pop_back();
      // The enclosures alone first: the Jacobian's costs n times more, and the Krawczyk test
      // rarely decides a wide box.
      if (su.dim <= kVertexDim ? excluded_at_vertices(su, box)
                               : excluded(evaluate(box_, su, box, false))) {
        continue;
      }
      double wide = 0;
      for (const Interval& v : box) wide = std::max(wide, width(v));
      if (wide <= kKrawczykWidth) {
        const auto split = krawczyk(su, box, evaluate(box_, su, box, true), roots);
        if (!split) continue;  // no solution in the box, or its one solution recorded
        box = *split;
      }
      std::size_t widest = 0;
      for (std::size_t i = 1; i < box.size(); ++i) {
        if (width(box[i]) > width(box[widest])) widest = i;
      }
      if (width(box[widest]) < kMinWidth) {
        if (leaves.size() < kMaxLeaves) leaves.push_back(std::move(box));
        continue;
      }
      const double mid = median(box[widest]);
      std::vector<Interval> other = box;
      box[widest] = Interval(box[widest].lower(), mid);
      other[widest] = Interval(mid, other[widest].upper());
      stack.push_back(std::move(box));
      stack.push_back(std::move(other));
    }
    // A root on the face two boxes share is proved in both.
    std::vector<std::vector<double>> distinct;
    for (const std::vector<double>& y : roots) {
      const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const auto& z) {
        for (std::size_t i = 0; i < y.size(); ++i) {
          if (std::abs(y[i] - z[i]) > 1e-9) return false;
        }
        return true;
      });
      if (seen) continue;
      distinct.push_back(y);
      if (auto f = recover(su, y)) out.push_back(std::move(*f));
    }
    clusters(su, leaves, out);
  }

  // The equilibrium with support `su` nearest y, by Newton's method, recovered as in the
  // search (exact where rational).
  std::optional<Found> polish(const Support& su, const std::vector<double>& y) const {
    if (su.dim == 0) {
      const Mixed<Rational> x = profile_at<Rational>(counts_, su, {});
      if (is_equilibrium(exact_, x)) return exact_found(x);
      return std::nullopt;
    }
    return recover(su, newton(su, y));
  }

  std::string progress() const {
    return "after " + std::to_string(supports_done) + " of " + std::to_string(supports_total) +
           " support profiles (" + std::to_string(boxes_) + " boxes)";
  }

  std::size_t supports_done = 0;
  std::size_t supports_total = 0;

 private:
  // As excluded(), from the system's exact range over the box: each function is linear in
  // each player's probabilities (multilinear across players), so its extremes over a box lie
  // at the box's vertices — 2^dim double evaluations, without the overestimation of interval
  // products (the base probability 1 - sum is the same variable in every product). A margin
  // of 1e-12 of the payoff range covers the rounding of the evaluations.
  bool excluded_at_vertices(const Support& su, const std::vector<Interval>& box) const {
    for (std::size_t p = 0; p < su.sup.size(); ++p) {
      double low = 0;
      for (std::size_t j = 1; j < su.sup[p].size(); ++j) {
        low += box[static_cast<std::size_t>(su.var[p][static_cast<std::size_t>(su.sup[p][j])])]
                   .lower();
      }
      if (low > 1) return true;  // the base probability would be negative
    }
    const auto d = static_cast<std::size_t>(su.dim);
    const double margin = 1e-12 * range_;
    std::vector<double> lo_f;
    std::vector<double> hi_f;
    std::vector<double> lo_g;
    std::vector<double> y(d);
    for (std::size_t v = 0; v < (std::size_t{1} << d); ++v) {
      for (std::size_t i = 0; i < d; ++i) {
        y[i] = ((v >> i) & 1U) != 0 ? box[i].upper() : box[i].lower();
      }
      const System<double> at = evaluate(dbl_, su, y, false);
      if (v == 0) {
        lo_f = hi_f = at.f;
        lo_g = at.g;
        continue;
      }
      for (std::size_t i = 0; i < at.f.size(); ++i) {
        lo_f[i] = std::min(lo_f[i], at.f[i]);
        hi_f[i] = std::max(hi_f[i], at.f[i]);
      }
      for (std::size_t i = 0; i < at.g.size(); ++i) lo_g[i] = std::min(lo_g[i], at.g[i]);
    }
    for (std::size_t i = 0; i < lo_f.size(); ++i) {
      if (lo_f[i] > margin || hi_f[i] < -margin) return true;
    }
    for (double v : lo_g) {
      if (v > margin) return true;
    }
    return false;
  }

  // True when the box surely holds no equilibrium with this support.
  static bool excluded(const System<Interval>& sys) {
    for (const Interval& v : sys.f) {
      if (!zero_in(v)) return true;
    }
    for (const Interval& v : sys.g) {
      if (v.lower() > 0) return true;
    }
    return false;
  }

  // The Krawczyk test on `box`: nullopt when it holds no solution or exactly one (then
  // recorded in `roots`, refined by Newton's method); else the box to subdivide (the box cut
  // down by the operator where that helps).
  std::optional<std::vector<Interval>> krawczyk(const Support& su, std::vector<Interval> box,
                                                const System<Interval>& sys,
                                                std::vector<std::vector<double>>& roots) const {
    const auto d = static_cast<std::size_t>(su.dim);
    std::vector<double> c(d);
    std::vector<Interval> ci(d);
    for (std::size_t i = 0; i < d; ++i) {
      c[i] = median(box[i]);
      ci[i] = Interval(c[i]);
    }
    const System<double> at = evaluate(dbl_, su, c, true);
    Eigen::MatrixXd jc(d, d);
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = 0; j < d; ++j) jc(Eigen::Index(i), Eigen::Index(j)) = at.jac[i][j];
    }
    const Eigen::FullPivLU<Eigen::MatrixXd> lu(jc);
    if (!lu.isInvertible()) return box;
    const Eigen::MatrixXd y = lu.inverse();
    const System<Interval> fc = evaluate(box_, su, ci, false);
    if (!fc.feasible) return box;
    std::vector<Interval> k(d);
    bool inside = true;
    for (std::size_t i = 0; i < d; ++i) {
      Interval v(c[i]);
      for (std::size_t j = 0; j < d; ++j) v -= y(Eigen::Index(i), Eigen::Index(j)) * fc.f[j];
      for (std::size_t j = 0; j < d; ++j) {
        Interval m(i == j ? 1.0 : 0.0);
        for (std::size_t l = 0; l < d; ++l) {
          m -= y(Eigen::Index(i), Eigen::Index(l)) * sys.jac[l][j];
        }
        v += m * (box[j] - c[j]);
      }
      k[i] = v;
      if (!(k[i].lower() > box[i].lower() && k[i].upper() < box[i].upper())) inside = false;
      if (k[i].upper() < box[i].lower() || k[i].lower() > box[i].upper()) return std::nullopt;
    }
    if (inside) {
      roots.push_back(newton(su, c));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < d; ++i) {
      box[i] =
          Interval(std::max(box[i].lower(), k[i].lower()), std::min(box[i].upper(), k[i].upper()));
    }
    return box;
  }

  std::vector<double> newton(const Support& su, std::vector<double> y) const {
    const auto d = static_cast<std::size_t>(su.dim);
    for (int it = 0; it < 50; ++it) {
      const System<double> s = evaluate(dbl_, su, y, true);
      Eigen::MatrixXd j(d, d);
      Eigen::VectorXd f(d);
      for (std::size_t a = 0; a < d; ++a) {
        f(Eigen::Index(a)) = s.f[a];
        for (std::size_t b = 0; b < d; ++b) j(Eigen::Index(a), Eigen::Index(b)) = s.jac[a][b];
      }
      const Eigen::VectorXd step = j.fullPivLu().solve(f);
      double size = 0;
      for (std::size_t a = 0; a < d; ++a) {
        y[a] -= step(Eigen::Index(a));
        size = std::max(size, std::abs(step(Eigen::Index(a))));
      }
      if (!(size > 1e-16)) break;
    }
    return y;
  }

  Found exact_found(const Mixed<Rational>& x) const {
    Found f;
    f.exact = x;
    for (const auto& row : x) {
      std::vector<double> d;
      for (const auto& q : row) d.push_back(q.get_d());
      f.approx.push_back(std::move(d));
    }
    f.is_exact = true;
    return f;
  }

  // An exact profile with this support that is an equilibrium: every supported strategy
  // played with positive probability.
  bool exact_with_support(const Support& su, const Mixed<Rational>& x) const {
    for (std::size_t p = 0; p < x.size(); ++p) {
      for (int s : su.sup[p]) {
        if (!(x[p][static_cast<std::size_t>(s)] > 0)) return false;
      }
    }
    return is_equilibrium(exact_, x);
  }

  // A solution point as an equilibrium: exact when its rational reading checks exactly,
  // else in doubles when every supported probability is positive and no deviation gains
  // more than rounding; nullopt when it is no equilibrium with this support.
  std::optional<Found> recover(const Support& su, const std::vector<double>& y) const {
    if (exact_.players == 2) {
      // Two players: each player's indifferences are affine in the other's probabilities, so
      // the root is the exact solution of a linear system (denominators can exceed what a
      // double's continued fraction recovers).
      if (auto q = affine_root(su)) {
        const Mixed<Rational> x = profile_at<Rational>(counts_, su, *q);
        if (exact_with_support(su, x)) return exact_found(x);
      }
    }
    // The continued-fraction readings of the point at successively finer tolerances.
    for (const double tol : {1e-9, 1e-11, 1e-13}) {
      std::vector<Rational> q;
      for (double v : y) {
        const auto r = convergent(v, tol);
        if (!r) break;
        q.push_back(*r);
      }
      if (q.size() != y.size()) continue;
      const Mixed<Rational> x = profile_at<Rational>(counts_, su, q);
      if (exact_with_support(su, x)) return exact_found(x);
    }
    const Mixed<double> x = profile_at<double>(counts_, su, y);
    for (std::size_t p = 0; p < x.size(); ++p) {
      for (int s : su.sup[p]) {
        if (!(x[p][static_cast<std::size_t>(s)] > 1e-12)) return std::nullopt;
      }
    }
    if (max_regret(dbl_, x) > 1e-9 * range_) return std::nullopt;
    Found f;
    f.approx = x;
    return f;
  }

  // The exact root of the support's system when it is affine (two players): Gauss–Jordan
  // elimination on an exact tableau. nullopt when the system is singular.
  std::optional<std::vector<Rational>> affine_root(const Support& su) const {
    const auto d = static_cast<std::size_t>(su.dim);
    const System<Rational> at = evaluate(exact_, su, std::vector<Rational>(d, Rational(0)), true);
    std::vector<Rational> a(d * 2 * d, Rational(0));
    std::vector<Rational> rhs(d);
    std::vector<int> basis(d);
    for (std::size_t r = 0; r < d; ++r) {
      for (std::size_t c = 0; c < d; ++c) a[r * 2 * d + c] = at.jac[r][c];
      a[r * 2 * d + d + r] = 1;
      rhs[r] = -at.f[r];
      basis[r] = static_cast<int>(d + r);
    }
    Tableau t(d, 2 * d, std::move(a), std::move(rhs), std::move(basis));
    for (std::size_t c = 0; c < d; ++c) {
      bool placed = false;
      for (std::size_t r = 0; r < d && !placed; ++r) {
        if (t.basic(r) >= static_cast<int>(d) && t.at(r, c) != 0) {
          (void)t.pivot(r, static_cast<int>(c));
          placed = true;
        }
      }
      if (!placed) return std::nullopt;
    }
    std::vector<Rational> y;
    for (std::size_t c = 0; c < d; ++c) y.push_back(t.value(static_cast<int>(c)));
    return y;
  }

  // Groups the undecided leaves into connected clusters (boxes that touch) and reports each
  // by one point.
  void clusters(const Support& su, const std::vector<std::vector<Interval>>& leaves,
                std::vector<Found>& out) const {
    std::vector<std::size_t> parent(leaves.size());
    std::iota(parent.begin(), parent.end(), 0);
    const std::function<std::size_t(std::size_t)> root = [&](std::size_t i) {
      while (parent[i] != i) i = parent[i] = parent[parent[i]];
      return i;
    };
    // Swept along the first coordinate: only boxes whose first intervals overlap can touch.
    std::vector<std::size_t> order(leaves.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return leaves[a][0].lower() < leaves[b][0].lower();
    });
    for (std::size_t ia = 0; ia < order.size(); ++ia) {
      const std::size_t a = order[ia];
      for (std::size_t ib = ia + 1; ib < order.size(); ++ib) {
        const std::size_t b = order[ib];
        if (leaves[b][0].lower() > leaves[a][0].upper()) break;
        bool touch = true;
        for (std::size_t i = 0; i < leaves[a].size() && touch; ++i) {
          touch = leaves[a][i].lower() <= leaves[b][i].upper() &&
                  leaves[b][i].lower() <= leaves[a][i].upper();
        }
        if (touch) parent[root(a)] = root(b);
      }
    }
    std::vector<std::vector<std::size_t>> groups(leaves.size());
    for (std::size_t a = 0; a < leaves.size(); ++a) groups[root(a)].push_back(a);
    for (const auto& group : groups) {
      if (group.empty()) continue;
      double extent = 0;
      for (std::size_t i = 0; i < static_cast<std::size_t>(su.dim); ++i) {
        double lo = 1;
        double hi = 0;
        for (std::size_t a : group) {
          lo = std::min(lo, leaves[a][i].lower());
          hi = std::max(hi, leaves[a][i].upper());
        }
        extent = std::max(extent, hi - lo);
      }
      const bool continuum = extent > kContinuumLeaves * kMinWidth;
      std::optional<Found> best;
      mpz_class best_den;
      for (std::size_t a : group) {
        std::vector<Rational> q;
        mpz_class den = 1;
        for (const Interval& v : leaves[a]) {
          q.push_back(simplest_between(Rational(std::max(v.lower(), 0.0)), Rational(v.upper())));
          den = std::max(den, mpz_class(q.back().get_den()));
        }
        if (best && !(den < best_den)) continue;
        const Mixed<Rational> x = profile_at<Rational>(counts_, su, q);
        if (exact_with_support(su, x)) {
          best = exact_found(x);
          best_den = den;
        }
      }
      if (!best) {
        // No simple rational point: the centre of the middle box, refined by Newton's method
        // where its Jacobian allows (a singular root).
        const auto& box = leaves[group[group.size() / 2]];
        std::vector<double> y;
        for (const Interval& v : box) y.push_back(median(v));
        if (!continuum) y = newton(su, y);
        best = recover(su, y);
      }
      if (best) {
        best->non_isolated = continuum;
        out.push_back(std::move(*best));
      }
    }
  }

  Work* work_ = nullptr;
  PayoffTable<Rational> exact_;
  PayoffTable<double> dbl_;
  PayoffTable<Interval> box_;
  std::vector<int> counts_;
  double range_ = 1;
  std::size_t boxes_ = 0;
};

// True when some supported strategy is strictly dominated by another strategy against every
// profile of the other players' supports: no equilibrium has this support (Gambit's enumpoly
// prunes the same way). Doubles are enough: rounding is monotone, so a strict inequality
// between the rounded payoffs holds between the exact ones.
bool conditionally_dominated(const PayoffTable<double>& t, const Support& su) {
  const auto n = static_cast<std::size_t>(t.players);
  std::vector<std::size_t> stride(n, 1);
  for (std::size_t p = 1; p < n; ++p) {
    stride[p] = stride[p - 1] * static_cast<std::size_t>(t.counts[p - 1]);
  }
  std::vector<std::size_t> at(n, 0);  // position in each other player's support
  for (std::size_t p = 0; p < n; ++p) {
    for (int s : su.sup[p]) {
      for (int other = 0; other < t.counts[p]; ++other) {
        if (other == s) continue;
        bool dominated = true;
        std::fill(at.begin(), at.end(), 0);
        while (dominated) {
          std::size_t base = 0;
          for (std::size_t m = 0; m < n; ++m) {
            if (m != p) base += static_cast<std::size_t>(su.sup[m][at[m]]) * stride[m];
          }
          const std::size_t cs = base + static_cast<std::size_t>(s) * stride[p];
          const std::size_t co = base + static_cast<std::size_t>(other) * stride[p];
          dominated = t.pay[co * n + p] > t.pay[cs * n + p];
          std::size_t m = 0;
          for (; m < n; ++m) {
            if (m == p) continue;
            if (++at[m] < su.sup[m].size()) break;
            at[m] = 0;
          }
          if (m == n) break;  // every profile of the others checked
        }
        if (dominated) return true;
      }
    }
  }
  return false;
}

double support_count(const std::vector<int>& counts) {
  double total = 1;
  for (int k : counts) total *= std::ldexp(1.0, k) - 1;
  return total;
}

std::vector<Equilibrium> enumerate(const StrategicGame& game, Work& work) {
  std::vector<int> counts;
  for (int p = 0; p < game.num_players(); ++p) counts.push_back(game.num_strategies(p));
  const double total = support_count(counts);
  if (total > kMaxSupports) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", total);
    throw SolverError(std::string("enumpoly: this game has ") + text +
                      " support profiles, more than the 1048576 it enumerates; expected a small "
                      "game. simpdiv (one approximate equilibrium) or logit suit larger games");
  }
  // Every profile of nonempty supports, smallest first (pure equilibria come first).
  std::vector<std::vector<unsigned>> supports{{}};
  for (int k : counts) {
    std::vector<std::vector<unsigned>> next;
    for (const auto& prefix : supports) {
      for (unsigned m = 1; m < (1U << static_cast<unsigned>(k)); ++m) {
        next.push_back(prefix);
        next.back().push_back(m);
      }
    }
    supports = std::move(next);
  }
  const auto size_of = [](const std::vector<unsigned>& masks) {
    int s = 0;
    for (unsigned m : masks) s += __builtin_popcount(m);
    return s;
  };
  std::stable_sort(supports.begin(), supports.end(),
                   [&](const auto& a, const auto& b) { return size_of(a) < size_of(b); });
  const PayoffTable<double> dominance = double_table(game);
  Search search(game, &work);
  search.supports_total = supports.size();
  std::vector<Found> found;
  std::vector<Equilibrium> out;
  const auto finish = [&](const Found& f) {
    Equilibrium e;
    if (f.is_exact) {
      e = make_equilibrium(game, mixed_profile(f.exact));
    } else {
      std::vector<std::vector<std::vector<double>>> approx;
      for (const auto& row : f.approx) approx.push_back({row});
      e = make_equilibrium(game, approx_profile(std::move(approx)));
      e.approximate = true;
    }
    e.non_isolated = f.non_isolated;
    return e;
  };
  try {
    for (const auto& masks : supports) {
      const Support su = make_support(counts, masks);
      std::vector<Found> here;
      if (!conditionally_dominated(dominance, su)) search.solve_support(su, here);
      for (const Found& f : here) out.push_back(finish(f));
      ++search.supports_done;
    }
  } catch (const BudgetExceeded& e) {
    throw BudgetExceeded(e.what(), std::move(out));
  }
  return out;
}

}  // namespace

std::optional<Polished> polish_on_support(const StrategicGame& game, const Mixed<double>& x,
                                          double threshold) {
  std::vector<int> counts;
  std::vector<unsigned> masks;
  for (std::size_t p = 0; p < x.size(); ++p) {
    counts.push_back(game.num_strategies(static_cast<int>(p)));
    if (counts.back() > 31) return std::nullopt;
    unsigned m = 0;
    for (std::size_t s = 0; s < x[p].size(); ++s) {
      if (x[p][s] > threshold) m |= 1U << s;
    }
    if (m == 0) return std::nullopt;
    masks.push_back(m);
  }
  const Support su = make_support(counts, masks);
  std::vector<double> y(static_cast<std::size_t>(su.dim));
  for (std::size_t p = 0; p < x.size(); ++p) {
    double total = 0;
    for (int s : su.sup[p]) total += x[p][static_cast<std::size_t>(s)];
    for (std::size_t j = 1; j < su.sup[p].size(); ++j) {
      const auto s = static_cast<std::size_t>(su.sup[p][j]);
      y[static_cast<std::size_t>(su.var[p][s])] = x[p][s] / total;
    }
  }
  const Search search(game, nullptr);
  const std::optional<Found> f = search.polish(su, y);
  if (!f) return std::nullopt;
  Polished out;
  out.exact = f->is_exact;
  out.exact_profile = f->exact;
  out.profile = f->approx;
  return out;
}

namespace {

class EnumPoly final : public Solver {
 public:
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    Work work(budget(), "enumpoly", [&game] { return advice(game, "enumpoly"); });
    return enumerate(game, work);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    // Mixed profiles of the reduced form become behaviour profiles by Kuhn's theorem.
    require_perfect_recall(game, "enumpoly");
    Work work(budget(), "enumpoly", [&game] { return advice(game, "enumpoly"); });
    return via_reduced_form(game, work, enumerate);
  }
  [[nodiscard]] std::string work_warning(const StrategicGame& game) const override {
    std::vector<int> counts;
    for (int p = 0; p < game.num_players(); ++p) counts.push_back(game.num_strategies(p));
    return warning(support_count(counts), advice(game, "enumpoly"));
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (!game.perfect_recall_problem().empty()) return "";
    std::vector<int> counts;
    for (double k : reduced_strategy_counts(game)) {
      counts.push_back(static_cast<int>(std::min(k, 64.0)));
    }
    return warning(support_count(counts), advice(game, "enumpoly"));
  }

  inline static const SolverInfo kInfo{
      "enumpoly",
      "every Nash equilibrium of small games (n players): support enumeration and the "
      "indifference polynomials solved by interval subdivision; exact where rational",
      true,
      true,
      true,
      {}};

 private:
  static std::string warning(double supports, const std::string& advice) {
    if (supports <= kWarnSupports) return "";
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", supports);
    return std::string("enumpoly solves a polynomial system for each of the ") + text +
           " support profiles (2^k - 1 per player with k strategies, multiplied): expect it to "
           "run out of its budget; " +
           advice;
  }
};

}  // namespace

SolverEntry enumpoly_entry() {
  return {EnumPoly::kInfo,
          [](const SolverOptions& /*options*/) { return std::make_unique<EnumPoly>(); }};
}

}  // namespace entente::games::detail
