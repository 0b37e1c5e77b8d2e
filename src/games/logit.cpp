// Logit quantal-response equilibrium branch tracing (McKelvey and Palfrey 1995; Turocy 2005,
// "A dynamic homotopy interpretation of the logistic quantal response equilibrium
// correspondence", GEB 51): follow the principal branch from the centroid at lambda = 0 by
// predictor-corrector arc-length continuation in log-probabilities, and return the profile
// where lambda reaches lambda_max — an approximate Nash equilibrium (doubles). Extensive games
// are traced on their reduced strategic form. n players.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "solvers.hpp"

namespace entente::games::detail {

namespace {

constexpr double kStallLambda = 1000.0;

struct Problem {
  int n = 0;
  std::vector<int> k;       // strategies per player
  std::vector<int> offset;  // first unknown of each player
  int size = 0;             // total strategies
  std::vector<std::vector<int>> profile_of_cell;
  std::vector<std::vector<double>> pay;  // pay[cell][player], scaled to [0, 1]
};

Problem make_problem(const StrategicGame& game, bool& trivial) {
  Problem pr;
  pr.n = game.num_players();
  double lo = 0;
  double hi = 0;
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    for (int p = 0; p < pr.n; ++p) {
      const double v = game.payoff(c, p).get_d();
      if (c == 0 && p == 0) lo = hi = v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  trivial = !(hi > lo);
  const double range = trivial ? 1.0 : hi - lo;
  for (int p = 0; p < pr.n; ++p) {
    pr.offset.push_back(pr.size);
    pr.k.push_back(game.num_strategies(p));
    pr.size += game.num_strategies(p);
  }
  std::vector<int> s(static_cast<std::size_t>(pr.n), 0);
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    pr.profile_of_cell.push_back(s);
    std::vector<double> row;
    for (int p = 0; p < pr.n; ++p) row.push_back((game.payoff(c, p).get_d() - lo) / range);
    pr.pay.push_back(std::move(row));
    for (int p = 0; p < pr.n; ++p) {
      if (++s[static_cast<std::size_t>(p)] < game.num_strategies(p)) break;
      s[static_cast<std::size_t>(p)] = 0;
    }
  }
  return pr;
}

// H(beta, lambda) and its Jacobian (size x size+1).
void evaluate(const Problem& pr, const Eigen::VectorXd& z, Eigen::VectorXd& h,
              Eigen::MatrixXd& jac) {
  const int size = pr.size;
  const double lambda = z(size);
  Eigen::VectorXd pi(size);
  for (int i = 0; i < size; ++i) pi(i) = std::exp(z(i));
  // u(i_row) = payoff of the player owning strategy i_row when playing it; du(i_row, l_col):
  // derivative of that with respect to another player's probability of l_col.
  Eigen::VectorXd u = Eigen::VectorXd::Zero(size);
  Eigen::MatrixXd du = Eigen::MatrixXd::Zero(size, size);
  const auto n = static_cast<std::size_t>(pr.n);
  for (std::size_t c = 0; c < pr.pay.size(); ++c) {
    const auto& s = pr.profile_of_cell[c];
    for (std::size_t i = 0; i < n; ++i) {
      const int row = pr.offset[i] + s[i];
      double w = 1.0;
      for (std::size_t m = 0; m < n; ++m) {
        if (m != i) w *= pi(pr.offset[m] + s[m]);
      }
      u(row) += w * pr.pay[c][i];
      for (std::size_t k = 0; k < n; ++k) {
        if (k == i) continue;
        double wk = 1.0;
        for (std::size_t m = 0; m < n; ++m) {
          if (m != i && m != k) wk *= pi(pr.offset[m] + s[m]);
        }
        du(row, pr.offset[k] + s[k]) += wk * pr.pay[c][i];
      }
    }
  }
  h.resize(size);
  jac = Eigen::MatrixXd::Zero(size, size + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const int o = pr.offset[i];
    double sum = 0;
    for (int j = 0; j < pr.k[i]; ++j) {
      sum += pi(o + j);
      jac(o, o + j) = pi(o + j);
    }
    h(o) = sum - 1.0;
    for (int j = 1; j < pr.k[i]; ++j) {
      const int r = o + j;
      h(r) = z(o + j) - z(o) - lambda * (u(o + j) - u(o));
      jac(r, o + j) += 1.0;
      jac(r, o) -= 1.0;
      for (int col = 0; col < size; ++col) {
        const double d = du(o + j, col) - du(o, col);
        if (d != 0) jac(r, col) -= lambda * d * pi(col);
      }
      jac(r, size) = -(u(o + j) - u(o));
    }
  }
}

Eigen::VectorXd tangent(const Eigen::MatrixXd& jac) {
  Eigen::FullPivLU<Eigen::MatrixXd> lu(jac);
  Eigen::MatrixXd kernel = lu.kernel();
  Eigen::VectorXd t = kernel.col(0);
  return t / t.norm();
}

double orientation_sign(const Eigen::MatrixXd& jac, const Eigen::VectorXd& t) {
  Eigen::MatrixXd aug(jac.rows() + 1, jac.cols());
  aug.topRows(jac.rows()) = jac;
  aug.bottomRows(1) = t.transpose();
  return aug.partialPivLu().determinant() < 0 ? -1.0 : 1.0;
}

std::vector<Equilibrium> trace(const StrategicGame& game, double lambda_max) {
  bool trivial = false;
  const Problem pr = make_problem(game, trivial);
  const int size = pr.size;
  Eigen::VectorXd z(size + 1);
  for (std::size_t i = 0; i < pr.k.size(); ++i) {
    for (int j = 0; j < pr.k[i]; ++j) z(pr.offset[i] + j) = -std::log(static_cast<double>(pr.k[i]));
  }
  z(size) = 0;
  Eigen::VectorXd h;
  Eigen::MatrixXd jac;
  if (!trivial) {
    evaluate(pr, z, h, jac);
    Eigen::VectorXd t = tangent(jac);
    if (t(size) < 0) t = -t;
    // The branch may fold back in lambda; the tangent's orientation is kept by the sign of
    // det [J; t'], which is constant along a regular branch (comparing with the previous
    // tangent alone can reverse at a sharp fold and retrace the branch).
    const double orientation = orientation_sign(jac, t);
    double step = 0.03;
    int steps = 0;
    while (z(size) < lambda_max) {
      if (++steps > 100000 || step < 1e-12) {
        // Far out the branch is already an approximate equilibrium (regret at most about
        // 1/(e lambda) of the payoff range) and the corrector can stall in double precision:
        // stop there rather than fail.
        if (z(size) >= kStallLambda) break;
        throw SolverError("logit: branch tracing failed near lambda = " + std::to_string(z(size)));
      }
      // Steps grow geometrically but stay proportional to lambda: a long step can land on
      // another branch of the correspondence.
      step = std::min(step, 0.5 * (1.0 + z(size)));
      Eigen::VectorXd trial = z + step * t;
      bool ok = false;
      double prev_norm = 0;
      for (int it = 0; it < 12; ++it) {
        evaluate(pr, trial, h, jac);
        const double norm = h.norm();
        if (!std::isfinite(norm) || (it > 1 && norm > prev_norm)) break;
        if (norm < 1e-11 * (1.0 + std::abs(trial(size)))) {
          ok = true;
          break;
        }
        prev_norm = norm;
        const Eigen::MatrixXd jjt = jac * jac.transpose();
        const Eigen::VectorXd delta = jac.transpose() * jjt.ldlt().solve(h);
        if (!delta.allFinite()) break;
        trial -= delta;
      }
      // The principal branch never returns to lambda = 0 (the centroid is the only
      // equilibrium there): a step below it has jumped branches.
      if (!ok || trial(size) < 0) {
        step /= 2;
        continue;
      }
      Eigen::VectorXd nt = tangent(jac);
      if (orientation_sign(jac, nt) != orientation) nt = -nt;
      // A sharp turn means the step jumped across the branch: retry shorter.
      if (nt.dot(t) < 0.9 && step > 1e-6) {
        step /= 2;
        continue;
      }
      z = trial;
      t = nt;
      step *= 1.5;
    }
  }
  std::vector<std::vector<std::vector<double>>> approx;
  for (std::size_t i = 0; i < pr.k.size(); ++i) {
    std::vector<double> row;
    double sum = 0;
    for (int j = 0; j < pr.k[i]; ++j) sum += std::exp(z(pr.offset[i] + j));
    for (int j = 0; j < pr.k[i]; ++j) row.push_back(std::exp(z(pr.offset[i] + j)) / sum);
    approx.push_back({row});
  }
  return {make_equilibrium(game, approx_profile(std::move(approx)))};
}

class Logit final : public Solver {
 public:
  explicit Logit(double lambda_max) : lambda_max_(lambda_max) {}
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    return trace(game, lambda_max_);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    return via_reduced_form(game, [this](const StrategicGame& g) { return trace(g, lambda_max_); });
  }

  inline static const SolverInfo kInfo{
      "logit",
      "limit of the principal logit quantal-response branch (n players, floating point)",
      true,
      true,
      false,
      {{"lambda_max", "1e7",
        "stop tracing at this precision (payoffs scaled to [0, 1]); regret is about "
        "1/(e lambda_max) of the payoff range"}}};

 private:
  double lambda_max_;
};

}  // namespace

SolverEntry logit_entry() {
  return {Logit::kInfo, [](const SolverOptions& options) {
            return std::make_unique<Logit>(option_number(options, "lambda_max", 1e7));
          }};
}

}  // namespace entente::games::detail
