// Nash equilibria of any N-player strategic game by Govindan and Wilson's global Newton method
// ("A global Newton method to compute Nash equilibria", Journal of Economic Theory 110, 2003),
// the method of Gambit's gambit-gnm.
//
// The game g is perturbed along a ray b (a bonus b_s for each pure strategy s): the games
// g + λb. For λ large, each player's strategy with the largest bonus is dominant, so g + λb
// has a single equilibrium. Kohlberg and Mertens' structure theorem turns the equilibria of
// the perturbed games into the zeros of a piecewise-polynomial map: with z in R^N (N
// strategies in all) and σ = r(z) the profile that, player by player, keeps max(z_s − v, 0)
// with v chosen so the probabilities sum to 1,
//
//     H(z, λ) = z − σ − V(σ) − λb,   V(σ)_s = the payoff of pure s against the others' σ,
//
// is zero exactly when σ is an equilibrium of g + λb (then z = σ + V(σ) + λb). For a generic
// ray the zeros form one path from λ = +∞ to λ = −∞; every crossing of λ = 0 is an
// equilibrium of g, and there is an odd number of them.
//
// The path is followed by predictor-corrector continuation (a tangent step, then Newton's
// method with the Moore–Penrose inverse, both from a QR factorisation of the Jacobian: Eigen),
// one cell at a time: within a cell (fixed supports) H is a polynomial; the step is cut where
// the path leaves the cell (a played strategy's probability reaches 0, or an unplayed one's
// payoff reaches the player's value), located by the Illinois method, and the path continues
// into the neighbouring cell in the direction that enters it. Each crossing of λ = 0 is
// located the same way, refined with λ fixed at 0, then refined on its support and read as an
// exact rational equilibrium when it is one (nplayer.hpp's refined_equilibrium).
//
// Payoffs are scaled to [0, 1] and the ray to unit length, so tolerances do not depend on the
// game's units. The ray is random (from `seed`) unless given; `perturbations` rays are traced
// and their equilibria merged.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <sstream>

#include "gnm.hpp"

namespace entente::games::detail {

namespace {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

// Beyond this many strategies in all, each step's dense QR factorisation dominates.
constexpr double kWarnSize = 200;
// Steps allowed on one path before it is declared stuck.
constexpr long kMaxSteps = 2'000'000;
// Cells of one path: a path that changes support this often is cycling numerically.
constexpr long kMaxCells = 200'000;
// Cell changes in a row through the same inequality before the path is declared degenerate.
constexpr int kMaxSameExits = 64;
// The smallest step before the path is declared stuck (scaled units).
constexpr double kMinStep = 1e-11;
constexpr double kMaxStep = 1.0;
// |H| and the cell's inequalities hold to these (payoffs scaled to [0, 1]).
constexpr double kResidualTol = 1e-12;
constexpr double kCellTol = 1e-11;
// An approximate equilibrium is kept when no player gains more than this fraction of the
// payoff range by a best reply.
constexpr double kKeepRegret = 1e-7;
// How far (scaled payoffs) the generic game traced instead of a degenerate one is: its
// equilibria are equilibria of the game itself up to twice this regret, below kKeepRegret,
// and they are refined on their support against the game itself.
constexpr double kWobble = 1e-8;

struct Options {
  long perturbations = 1;
  std::uint64_t seed = 0;
  std::vector<std::vector<double>> ray;  // empty: random
};

// Which strategies a cell's formula treats as played (per strategy, all players in a row).
using Cell = std::vector<char>;

// The map H of one game and ray, with its Jacobian, in the scaled game.
class Homotopy {
 public:
  // `wobble` > 0 adds to each scaled payoff an amount uniform in ±wobble drawn from
  // `wobble_seed`: a generic game next to a degenerate one.
  Homotopy(const StrategicGame& game, Vec ray, double wobble = 0, std::uint64_t wobble_seed = 0)
      : ray_(std::move(ray)) {
    Rational lo = game.payoff(0, 0);
    Rational hi = lo;
    for (std::size_t c = 0; c < game.num_cells(); ++c) {
      for (int p = 0; p < game.num_players(); ++p) {
        lo = std::min(lo, game.payoff(c, p));
        hi = std::max(hi, game.payoff(c, p));
      }
    }
    table_ = make_payoff_table<double>(game, [&](const Rational& q) {
      return hi > lo ? Rational((q - lo) / (hi - lo)).get_d() : 0.0;
    });
    if (wobble > 0) {
      std::mt19937_64 gen(wobble_seed);
      for (double& pay : table_.pay) {
        pay += wobble * (2 * static_cast<double>(gen() >> 11U) * 0x1.0p-53 - 1);
      }
    }
    for (int p = 0; p < table_.players; ++p) {
      offset_.push_back(n_);
      for (int s = 0; s < table_.counts[static_cast<std::size_t>(p)]; ++s) owner_.push_back(p);
      n_ += table_.counts[static_cast<std::size_t>(p)];
    }
    offset_.push_back(n_);
  }

  [[nodiscard]] int size() const { return n_; }
  [[nodiscard]] int players() const { return table_.players; }
  [[nodiscard]] int begin(int p) const { return offset_[static_cast<std::size_t>(p)]; }
  [[nodiscard]] int end(int p) const { return offset_[static_cast<std::size_t>(p) + 1]; }
  [[nodiscard]] const Vec& ray() const { return ray_; }

  // The profile of the cell's formula at z (probabilities may be negative outside the cell),
  // and each player's v.
  void profile(const Vec& z, const Cell& cell, Vec& sigma, std::vector<double>& v) const {
    sigma.setZero(n_);
    v.assign(static_cast<std::size_t>(players()), 0.0);
    for (int p = 0; p < players(); ++p) {
      double sum = 0;
      int k = 0;
      for (int i = begin(p); i < end(p); ++i) {
        if (cell[static_cast<std::size_t>(i)] != 0) {
          sum += z(i);
          ++k;
        }
      }
      const double vp = (sum - 1) / k;
      v[static_cast<std::size_t>(p)] = vp;
      for (int i = begin(p); i < end(p); ++i) {
        if (cell[static_cast<std::size_t>(i)] != 0) sigma(i) = z(i) - vp;
      }
    }
  }

  // The cell's inequalities at z, each >= 0 inside: the probability of a played strategy,
  // v − z_s for an unplayed one.
  [[nodiscard]] Vec inside(const Vec& z, const Cell& cell) const {
    Vec sigma;
    std::vector<double> v;
    profile(z, cell, sigma, v);
    Vec q(n_);
    for (int i = 0; i < n_; ++i) {
      q(i) = cell[static_cast<std::size_t>(i)] != 0
                 ? sigma(i)
                 : v[static_cast<std::size_t>(owner_[static_cast<std::size_t>(i)])] - z(i);
    }
    return q;
  }

  // V(σ) and, when `dv` is given, its derivative dV_s/dσ_t (zero within a player).
  void values(const Vec& sigma, Vec& value, Mat* dv) const {
    const auto np = static_cast<std::size_t>(players());
    value.setZero(n_);
    if (dv != nullptr) dv->setZero(n_, n_);
    std::vector<int> idx(np);
    std::vector<double> w(np);
    for (std::size_t c = 0; c < table_.pure.size(); ++c) {
      const std::vector<int>& s = table_.pure[c];
      int unplayed = 0;
      for (std::size_t p = 0; p < np; ++p) {
        idx[p] = offset_[p] + s[p];
        w[p] = sigma(idx[p]);
        unplayed += w[p] == 0 ? 1 : 0;
      }
      // A cell with three strategies nobody plays weighs nothing in V or its derivative (with
      // two, only in the derivative): most cells, once supports are small.
      if (unplayed >= 3 || (unplayed == 2 && dv == nullptr)) continue;
      for (std::size_t p = 0; p < np; ++p) {
        const double pay = table_.pay[c * np + p];
        if (pay == 0) continue;
        double others = 1;
        for (std::size_t m = 0; m < np; ++m) {
          if (m != p) others *= w[m];
        }
        value(idx[p]) += others * pay;
        if (dv == nullptr) continue;
        for (std::size_t m = 0; m < np; ++m) {
          if (m == p) continue;
          double rest = pay;
          for (std::size_t k = 0; k < np; ++k) {
            if (k != p && k != m) rest *= w[k];
          }
          (*dv)(idx[p], idx[m]) += rest;
        }
      }
    }
  }

  // H at y = (z, λ) under the cell's formula.
  [[nodiscard]] Vec residual(const Vec& y, const Cell& cell) const {
    const Vec z = y.head(n_);
    Vec sigma;
    std::vector<double> v;
    profile(z, cell, sigma, v);
    Vec value;
    values(sigma, value, nullptr);
    return z - sigma - value - y(n_) * ray_;
  }

  // H and its Jacobian [dH/dz, dH/dλ] (N x (N + 1)) at y under the cell's formula.
  void linearise(const Vec& y, const Cell& cell, Vec& h, Mat& jac) const {
    const Vec z = y.head(n_);
    Vec sigma;
    std::vector<double> v;
    profile(z, cell, sigma, v);
    Vec value;
    Mat dv;
    values(sigma, value, &dv);
    h = z - sigma - value - y(n_) * ray_;
    // dσ/dz is block diagonal: δ_st − 1/k over a player's k played strategies. With
    // M = I + dV/dσ, dH/dz = I − M dσ/dz.
    Mat m = dv;
    m.diagonal().array() += 1.0;
    jac.setZero(n_, n_ + 1);
    for (int p = 0; p < players(); ++p) {
      Vec mean = Vec::Zero(n_);
      int k = 0;
      for (int i = begin(p); i < end(p); ++i) {
        if (cell[static_cast<std::size_t>(i)] != 0) {
          mean += m.col(i);
          ++k;
        }
      }
      mean /= k;
      for (int i = begin(p); i < end(p); ++i) {
        if (cell[static_cast<std::size_t>(i)] != 0) jac.col(i) = mean - m.col(i);
      }
    }
    jac.leftCols(n_).diagonal().array() += 1.0;
    jac.col(n_) = -ray_;
  }

 private:
  PayoffTable<double> table_;
  Vec ray_;
  int n_ = 0;
  std::vector<int> offset_;
  std::vector<int> owner_;
};

// The path's local linear algebra at one point: the tangent (the Jacobian's null vector)
// and the Newton step to the path (minimum norm), from one QR factorisation of J^T.
struct Linear {
  Vec step;
  Vec tangent;
  bool regular = false;
};

Linear linear_at(const Vec& h, const Mat& jac) {
  const auto n = jac.rows();
  Linear out;
  const Eigen::HouseholderQR<Mat> qr(jac.transpose());
  const Mat q = qr.householderQ();
  const auto r = qr.matrixQR().topRows(n);
  double big = 0;
  double small = std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < n; ++i) {
    big = std::max(big, std::abs(r(i, i)));
    small = std::min(small, std::abs(r(i, i)));
  }
  out.tangent = q.col(n);
  if (!(small > 1e-13 * std::max(big, 1.0))) return out;
  // J = R^T Q1^T: the minimum-norm solution of J d = −h is d = Q1 w with R^T w = −h.
  const Vec w = r.template triangularView<Eigen::Upper>().transpose().solve(-h);
  out.step = q.leftCols(n) * w;
  out.regular = true;
  return out;
}

// One path's account: where it is and what it found.
struct PathState {
  Vec y;  // (z, λ)
  Vec t;  // unit tangent, oriented along the path
  Cell cell;
};

class Tracer {
 public:
  Tracer(const Homotopy& h, Work& work, const std::function<void(const Mixed<double>&)>& on_found)
      : h_(h), work_(work), on_found_(on_found) {}

  // Follows the path from the start to λ = −∞. Returns "" when it got there, else why it
  // stopped; the crossings of λ = 0 met on the way are passed to on_found.
  std::string trace() {
    const int n = h_.size();
    PathState s = start();
    double step = 0.1;
    long steps = 0;
    long cells = 0;
    const double start_lambda = s.y(n);
    int last_exit = -1;  // the inequality the path last crossed
    int same_exit = 0;   // how many cell changes in a row crossed it
    for (;;) {
      if ((++steps & 63) == 0) {
        work_.check_time("after " + std::to_string(steps) +
                         " steps of the path (λ = " + lambda_text(s.y(n)) + ")");
      }
      if (steps > kMaxSteps) {
        return "no end after " + std::to_string(kMaxSteps) + " steps (λ = " + lambda_text(s.y(n)) +
               ")";
      }
      if (finished(s)) return "";
      if (s.y(n) > start_lambda + 1 && s.t(n) > 0) {
        return "the path turned back to where it started (numerical failure)";
      }
      Vec next = s.y + step * s.t;
      Vec tangent;
      int iterations = 0;
      bool ok = correct(next, s.cell, &tangent, &iterations) &&
                (next - (s.y + step * s.t)).norm() <= 0.5 * step;
      if (ok) {
        if (tangent.dot(s.t) < 0) tangent = -tangent;
        ok = tangent.dot(s.t) > 0.95;
      }
      if (!ok) {
        step *= 0.5;
        if (step < kMinStep) {
          return "the path could not be continued at λ = " + lambda_text(s.y(n)) +
                 " (a singular point: the game is degenerate along this ray)";
        }
        continue;
      }
      const Vec q = h_.inside(next.head(n), s.cell);
      if (q.minCoeff() < -kCellTol) {
        // The path leaves the cell within the step: continue from where it does.
        std::vector<int> leaving;
        for (int i = 0; i < n; ++i) {
          if (q(i) < -kCellTol) leaving.push_back(i);
        }
        int j = -1;
        Vec at = locate(
            s, step,
            [&](const Vec& y, int* which) {
              const Vec qy = h_.inside(y.head(n), s.cell);
              double least = std::numeric_limits<double>::infinity();
              for (int i : leaving) {
                if (qy(i) < least) {
                  least = qy(i);
                  if (which != nullptr) *which = i;
                }
              }
              return least;
            },
            &j);
        if (j < 0) return "the path's exit from a cell could not be located";
        crossings(s.y, at, s.cell);
        if (++cells > kMaxCells) {
          return "more than " + std::to_string(kMaxCells) + " changes of support (cycling)";
        }
        same_exit = j == last_exit ? same_exit + 1 : 0;
        last_exit = j;
        if (same_exit > kMaxSameExits) {
          // In through j and out through j, over and over: the path weaves along that
          // boundary, which a generic path does not.
          return "the path weaves along a cell boundary at λ = " + lambda_text(at(n)) +
                 " (a degenerate game: a strategy that pays as well as those played)";
        }
        if (revisits(s.cell, j, at)) {
          return "the path came back to where it had left a cell at λ = " + lambda_text(at(n)) +
                 " (it cycles through a set of equilibria that is not isolated)";
        }
        if (!enter(s, at, j)) {
          return "the path could not be continued into the next cell at λ = " + lambda_text(at(n)) +
                 " (a degenerate point)";
        }
        continue;
      }
      crossings(s.y, next, s.cell);
      s.y = next;
      s.t = tangent;
      if (iterations <= 2) step = std::min(2 * step, kMaxStep);
    }
  }

 private:
  static std::string lambda_text(double lambda) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", lambda);
    return text;
  }

  // The start: each player's strategy with the largest bonus, at λ one above the largest λ
  // where that profile stops being a strict equilibrium of g + λb (computed from the
  // payoffs against it; above it the path stays in that pure cell, so nothing is missed).
  PathState start() {
    const int n = h_.size();
    const Vec& b = h_.ray();
    PathState s;
    s.cell.assign(static_cast<std::size_t>(n), 0);
    Vec sigma = Vec::Zero(n);
    std::vector<int> top;
    for (int p = 0; p < h_.players(); ++p) {
      int best = h_.begin(p);
      for (int i = h_.begin(p); i < h_.end(p); ++i) {
        if (b(i) > b(best)) best = i;
      }
      top.push_back(best);
      sigma(best) = 1;
      s.cell[static_cast<std::size_t>(best)] = 1;
    }
    Vec value;
    h_.values(sigma, value, nullptr);
    double lambda = 0;
    for (int p = 0; p < h_.players(); ++p) {
      const int best = top[static_cast<std::size_t>(p)];
      for (int i = h_.begin(p); i < h_.end(p); ++i) {
        if (i != best) lambda = std::max(lambda, (value(i) - value(best)) / (b(best) - b(i)));
      }
    }
    lambda += 1;
    s.y.resize(n + 1);
    s.y.head(n) = sigma + value + lambda * b;
    s.y(n) = lambda;
    Vec h;
    Mat jac;
    h_.linearise(s.y, s.cell, h, jac);
    s.t = linear_at(h, jac).tangent;
    if (s.t(n) > 0) s.t = -s.t;
    return s;
  }

  // At the end: λ < 0 and falling, in the cell where each player plays the strategy with
  // the smallest bonus. From there the path is a straight line that never leaves the cell.
  // True when the path has left `cell` through inequality j at (nearly) this point before:
  // a generic path never does, so it is cycling (through a continuum of equilibria, where the
  // zeros of H are no longer a path). Remembers the point otherwise.
  bool revisits(const Cell& cell, int j, const Vec& at) {
    std::string key(cell.begin(), cell.end());
    key += std::to_string(j);
    auto& seen = exits_[key];
    for (const Vec& y : seen) {
      if ((y - at).lpNorm<Eigen::Infinity>() <= 1e-9 * (1 + at.lpNorm<Eigen::Infinity>())) {
        return true;
      }
    }
    work_.check_charge(sizeof(double) * static_cast<std::size_t>(at.size()) + key.size() + 96,
                       "after " + std::to_string(exits_.size()) + " cells of the path");
    seen.push_back(at);
    return false;
  }

  [[nodiscard]] bool finished(const PathState& s) const {
    const int n = h_.size();
    if (!(s.y(n) < 0 && s.t(n) < 0)) return false;
    const Vec& b = h_.ray();
    for (int p = 0; p < h_.players(); ++p) {
      int least = h_.begin(p);
      for (int i = h_.begin(p); i < h_.end(p); ++i) {
        if (b(i) < b(least)) least = i;
      }
      for (int i = h_.begin(p); i < h_.end(p); ++i) {
        if ((s.cell[static_cast<std::size_t>(i)] != 0) != (i == least)) return false;
      }
    }
    return true;
  }

  // Newton's method onto the path from y (minimum-norm steps); the tangent there and the
  // iterations taken. False when it does not converge.
  bool correct(Vec& y, const Cell& cell, Vec* tangent, int* iterations) const {
    double previous = std::numeric_limits<double>::infinity();
    Vec h;
    Mat jac;
    for (int it = 0; it < 10; ++it) {
      h_.linearise(y, cell, h, jac);
      const Linear l = linear_at(h, jac);
      if (!l.regular) return false;
      if (h.lpNorm<Eigen::Infinity>() <= kResidualTol * (1 + y.lpNorm<Eigen::Infinity>())) {
        if (tangent != nullptr) *tangent = l.tangent;
        if (iterations != nullptr) *iterations = it;
        return true;
      }
      const double size = l.step.norm();
      if (it > 0 && size > 0.5 * previous) return false;
      previous = size;
      y += l.step;
    }
    return false;
  }

  // The point of the step from s.y (length `length` along s.t) where f, >= 0 at s.y and < 0
  // at the step's end, is zero: the Illinois method on the step's length, each trial put
  // back on the path. `which` reports f's choice at the point returned.
  template <class F>
  Vec locate(const PathState& s, double length, const F& f, int* which) {
    double a = 0;
    double b = length;
    Vec pb = s.y + length * s.t;
    (void)correct(pb, s.cell, nullptr, nullptr);
    Vec pa = s.y;
    double fa = std::max(f(pa, nullptr), 0.0);
    double fb = f(pb, which);
    int side = 0;
    for (int it = 0; it < 200; ++it) {
      double x = fa > fb ? (a * fb - b * fa) / (fb - fa) : 0.5 * (a + b);
      if (!(x > a && x < b)) x = 0.5 * (a + b);
      Vec p = s.y + x * s.t;
      if (!correct(p, s.cell, nullptr, nullptr)) {
        // Off the path between two corrected points: bisect instead.
        x = 0.5 * (a + b);
        p = s.y + x * s.t;
        if (!correct(p, s.cell, nullptr, nullptr)) break;
      }
      int w = -1;
      const double fx = f(p, &w);
      if (std::abs(fx) <= kCellTol * 0.1 || b - a <= 1e-15 * length) {
        if (which != nullptr) *which = w;
        return p;
      }
      if (fx < 0) {
        b = x;
        fb = fx;
        pb = p;
        if (which != nullptr) *which = w;
        if (side == -1) fa *= 0.5;
        side = -1;
      } else {
        a = x;
        fa = fx;
        pa = p;
        if (side == 1) fb *= 0.5;
        side = 1;
      }
    }
    return pb;
  }

  // Moves s across the boundary at `at`, where inequality j of s.cell reached 0: j's
  // strategy joins or leaves the support, and the path continues into the new cell.
  bool enter(PathState& s, const Vec& at, int j) {
    Cell cell = s.cell;
    auto& flag = cell[static_cast<std::size_t>(j)];
    flag = flag != 0 ? 0 : 1;
    // A player keeps at least one strategy; leaving the last one is not a boundary.
    int p = 0;
    while (h_.end(p) <= j) ++p;
    int k = 0;
    for (int i = h_.begin(p); i < h_.end(p); ++i) k += cell[static_cast<std::size_t>(i)];
    if (k == 0) return false;
    Vec y = at;
    Vec tangent;
    if (!correct(y, cell, &tangent, nullptr)) return false;
    // Orient the tangent into the new cell: along it, j's new inequality grows.
    double mean = 0;
    for (int i = h_.begin(p); i < h_.end(p); ++i) {
      if (cell[static_cast<std::size_t>(i)] != 0) mean += tangent(i);
    }
    mean /= k;
    double grow = cell[static_cast<std::size_t>(j)] != 0 ? tangent(j) - mean : mean - tangent(j);
    if (std::abs(grow) <= 1e-12) grow = tangent.dot(s.t);
    if (grow < 0) tangent = -tangent;
    s.y = y;
    s.t = tangent;
    s.cell = std::move(cell);
    return true;
  }

  // The crossings of λ = 0 between two points of the path in one cell.
  void crossings(const Vec& from, const Vec& to, const Cell& cell) {
    const int n = h_.size();
    const double l0 = from(n);
    const double l1 = to(n);
    if (!((l0 > 0 && l1 <= 0) || (l0 < 0 && l1 >= 0))) return;
    PathState s{from, (to - from).normalized(), cell};
    const double sign = l0 > 0 ? 1.0 : -1.0;
    Vec at = locate(
        s, (to - from).norm(), [&](const Vec& y, int* /*which*/) { return sign * y(n); }, nullptr);
    // Refine with λ held at 0: Newton's method on the square system H(z, 0) = 0.
    at(n) = 0;
    Vec h;
    Mat jac;
    for (int it = 0; it < 5; ++it) {
      h_.linearise(at, cell, h, jac);
      const Eigen::FullPivLU<Mat> lu(jac.leftCols(n));
      if (!lu.isInvertible()) break;
      const Vec d = lu.solve(-h);
      at.head(n) += d;
      if (d.norm() <= 1e-15 * (1 + at.norm())) break;
    }
    Vec sigma;
    std::vector<double> v;
    h_.profile(at.head(n), cell, sigma, v);
    Mixed<double> x;
    for (int p = 0; p < h_.players(); ++p) {
      std::vector<double> row;
      double total = 0;
      // Probabilities within rounding of 0 are 0 (the support is then the cell's).
      for (int i = h_.begin(p); i < h_.end(p); ++i) {
        row.push_back(sigma(i) > 1e-12 ? sigma(i) : 0.0);
        total += row.back();
      }
      for (double& w : row) w /= total;
      x.push_back(std::move(row));
    }
    on_found_(x);
  }

  const Homotopy& h_;
  Work& work_;
  const std::function<void(const Mixed<double>&)>& on_found_;
  std::map<std::string, std::vector<Vec>> exits_;
};

// Ray k of the solve: uniform on [0, 1) per strategy from (seed, k), scaled to unit length
// (the generator's bits are turned into doubles here, so the ray is the same with every
// standard library).
Vec random_ray(int size, std::uint64_t seed, long k) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32U),
                    static_cast<std::uint32_t>(k)};
  std::mt19937_64 gen(seq);
  Vec b(size);
  for (int i = 0; i < size; ++i) b(i) = static_cast<double>(gen() >> 11U) * 0x1.0p-53;
  return b / b.norm();
}

std::vector<Equilibrium> solve_strategic(const StrategicGame& game, const Options& options,
                                         Work& work) {
  const PayoffTable<double> table = double_table(game);
  Rational lo = game.payoff(0, 0);
  Rational hi = lo;
  int size = 0;
  for (int p = 0; p < game.num_players(); ++p) size += game.num_strategies(p);
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    for (int p = 0; p < game.num_players(); ++p) {
      lo = std::min(lo, game.payoff(c, p));
      hi = std::max(hi, game.payoff(c, p));
    }
  }
  std::vector<Equilibrium> out;
  if (hi == lo) {
    // Every profile is an equilibrium; the path would meet all of them at λ = 0 at once.
    Mixed<Rational> x;
    for (int p = 0; p < game.num_players(); ++p) {
      std::vector<Rational> row(static_cast<std::size_t>(game.num_strategies(p)), Rational(0));
      row[0] = 1;
      x.push_back(std::move(row));
    }
    out.push_back(make_equilibrium(game, mixed_profile(x)));
    return out;
  }
  const double range = Rational(hi - lo).get_d();
  // Dense matrices of N x (N + 1) doubles: a few per step.
  const auto bytes = static_cast<std::size_t>(6) * sizeof(double) *
                     static_cast<std::size_t>(size + 1) * static_cast<std::size_t>(size + 1);
  work.check_charge(bytes, "before the first step (" + std::to_string(size) + " strategies)");
  std::vector<Mixed<double>> found;
  const std::function<void(const Mixed<double>&)> keep = [&](const Mixed<double>& x) {
    for (const auto& f : found) {
      double gap = 0;
      for (std::size_t p = 0; p < x.size(); ++p) {
        for (std::size_t s = 0; s < x[p].size(); ++s)
          gap = std::max(gap, std::abs(x[p][s] - f[p][s]));
      }
      if (gap <= 1e-7) return;
    }
    found.push_back(x);
    Equilibrium e = refined_equilibrium(game, table, x);
    if (e.approximate && max_regret(table, double_mixed(e.profile)) > kKeepRegret * range) return;
    out.push_back(std::move(e));
  };
  std::string failure;
  for (long k = 0; k < options.perturbations; ++k) {
    Vec ray;
    if (options.ray.empty()) {
      ray = random_ray(size, options.seed, k);
    } else {
      ray.resize(size);
      int i = 0;
      for (const auto& row : options.ray) {
        for (double w : row) ray(i++) = w;
      }
      ray /= ray.norm();
    }
    try {
      const Homotopy h(game, ray);
      Tracer tracer(h, work, keep);
      const std::string why = tracer.trace();
      if (!why.empty()) {
        // A degenerate game (a continuum of equilibria, or one the path meets at a
        // singular point): the same ray on a generic game within kWobble of it, whose
        // crossings are kept when they are equilibria of the game itself.
        const Homotopy wobbled(game, ray, kWobble, options.seed + static_cast<std::uint64_t>(k));
        Tracer again(wobbled, work, keep);
        const std::string still = again.trace();
        if (!still.empty()) failure = why + "; on a generic game next to it, " + still;
      }
    } catch (const BudgetExceeded& e) {
      throw BudgetExceeded(e.what(), out);
    }
  }
  if (out.empty()) {
    throw SolverError("gnm: " + (failure.empty() ? std::string("no equilibrium found") : failure) +
                      "; try another ray (--option seed=N), or simpdiv or enumpoly");
  }
  return out;
}

// "1,0,2;0.5,-1": one list of bonuses per player.
std::vector<std::vector<double>> parse_ray(const std::string& text) {
  std::vector<std::vector<double>> out;
  if (text.empty()) return out;
  std::stringstream players(text);
  std::string player;
  while (std::getline(players, player, ';')) {
    std::vector<double> row;
    std::stringstream items(player);
    std::string item;
    while (std::getline(items, item, ',')) {
      double w = 0;
      try {
        Rational q(item);
        q.canonicalize();
        w = q.get_d();
      } catch (const std::invalid_argument&) {
        std::size_t used = 0;
        try {
          w = std::stod(item, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != item.size() || !std::isfinite(w)) {
          throw std::invalid_argument("option ray='" + text + "' is invalid: '" + item +
                                      "' is not a number; expected one bonus per strategy, "
                                      "such as 1,0;0,1 (players separated by ';')");
        }
      }
      row.push_back(w);
    }
    out.push_back(std::move(row));
  }
  return out;
}

// The given ray must fit the game and be generic enough to start and end the path: each
// player with a choice has one strategy with the largest bonus and one with the smallest.
void check_ray(const StrategicGame& game, const std::vector<std::vector<double>>& ray) {
  if (ray.empty()) return;
  if (ray.size() != static_cast<std::size_t>(game.num_players())) {
    throw SolverError("gnm: option ray has " + std::to_string(ray.size()) + " players; expected " +
                      std::to_string(game.num_players()));
  }
  for (std::size_t p = 0; p < ray.size(); ++p) {
    const auto k = static_cast<std::size_t>(game.num_strategies(static_cast<int>(p)));
    if (ray[p].size() != k) {
      throw SolverError("gnm: option ray gives player " + std::to_string(p + 1) + " " +
                        std::to_string(ray[p].size()) + " bonuses; expected " + std::to_string(k) +
                        " (one per strategy)");
    }
    if (k < 2) continue;
    const double top = *std::max_element(ray[p].begin(), ray[p].end());
    const double bottom = *std::min_element(ray[p].begin(), ray[p].end());
    if (std::count(ray[p].begin(), ray[p].end(), top) > 1 ||
        std::count(ray[p].begin(), ray[p].end(), bottom) > 1) {
      throw SolverError("gnm: option ray gives player " + std::to_string(p + 1) +
                        " a tie for the largest or the smallest bonus; expected one strategy "
                        "with each (the path starts and ends where they are dominant)");
    }
  }
}

class Gnm final : public Solver {
 public:
  explicit Gnm(Options options) : options_(std::move(options)) {}
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    check_ray(game, options_.ray);
    Work work(budget(), "gnm", [&game] { return advice(game, "gnm"); });
    return solve_strategic(game, options_, work);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    // A mixed profile of the reduced form becomes a behaviour profile by Kuhn's theorem.
    require_perfect_recall(game, "gnm");
    if (!options_.ray.empty()) {
      throw SolverError(
          "gnm: option ray gives bonuses to a strategic game's strategies; expected no ray for "
          "an extensive game (convert it to .nfg to choose one over its reduced strategies)");
    }
    Work work(budget(), "gnm", [&game] { return advice(game, "gnm"); });
    return via_reduced_form(game, work, [this](const StrategicGame& g, Work& w) {
      return solve_strategic(g, options_, w);
    });
  }
  [[nodiscard]] std::string work_warning(const StrategicGame& game) const override {
    double size = 0;
    for (const auto& s : game.strategies()) size += static_cast<double>(s.size());
    return warning(size, advice(game, "gnm"));
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (!game.perfect_recall_problem().empty()) return "";
    double size = 0;
    for (double k : reduced_strategy_counts(game)) size += k;
    return warning(size, advice(game, "gnm"));
  }

  inline static const SolverInfo kInfo{
      "gnm",
      "some equilibria of any N-player game by Govindan and Wilson's global Newton method: the "
      "path of equilibria of the game perturbed along a ray, followed from a dominant "
      "profile; each crossing of the game itself is an equilibrium (exact where it reads as "
      "rational)",
      true,
      true,
      false,
      {{"perturbations",
        "1",
        "trace this many random rays (from seed, seed's next rays...) and merge their "
        "equilibria",
        {},
        OptionSpec::Type::kInteger},
       {"seed",
        "0",
        "the random rays' seed (the same seed gives the same rays)",
        {},
        OptionSpec::Type::kInteger},
       {"ray",
        "",
        "strategic games: the perturbation ray, one bonus per strategy, players separated by "
        "';', e.g. 1,0;0,2,1 (default: random from seed)",
        {}}}};

 private:
  static std::string warning(double size, const std::string& advice) {
    if (size <= kWarnSize) return "";
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", size);
    return std::string("gnm factors a dense matrix of the total strategy count (") + text +
           " here) at each step of its path: expect it to run out of its budget; " + advice;
  }

  Options options_;
};

}  // namespace

GnmPath gnm_path(const StrategicGame& game, const std::vector<double>& ray, Work& work) {
  Vec b(static_cast<Eigen::Index>(ray.size()));
  for (std::size_t i = 0; i < ray.size(); ++i) b(static_cast<Eigen::Index>(i)) = ray[i];
  GnmPath out;
  const std::function<void(const Mixed<double>&)> keep = [&out](const Mixed<double>& x) {
    out.crossings.push_back(x);
  };
  const Homotopy h(game, b / b.norm());
  Tracer tracer(h, work, keep);
  out.stopped = tracer.trace();
  return out;
}

SolverEntry gnm_entry() {
  return {Gnm::kInfo, [](const SolverOptions& options) {
            Options o;
            o.perturbations = integer_option(options, "perturbations", o.perturbations, 1);
            o.seed = static_cast<std::uint64_t>(integer_option(options, "seed", 0, 0));
            const auto ray = options.find("ray");
            if (ray != options.end()) {
              o.ray = parse_ray(ray->second);
              if (!o.ray.empty() && o.perturbations > 1) {
                throw std::invalid_argument(
                    "option perturbations='" + options.at("perturbations") +
                    "' is invalid with a given ray: expected 1 (a given ray is traced once)");
              }
            }
            return std::make_unique<Gnm>(std::move(o));
          }};
}

}  // namespace entente::games::detail
