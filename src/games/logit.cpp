// Logit quantal-response equilibrium branch tracing (McKelvey and Palfrey 1995; Turocy 2005,
// "A dynamic homotopy interpretation of the logistic quantal response equilibrium
// correspondence", GEB 51): follow the principal branch from the centroid at lambda = 0 by
// predictor-corrector arc-length continuation in log-probabilities, and return the profile
// where lambda reaches lambda_max — an approximate Nash equilibrium (doubles). Extensive games
// are traced on their reduced strategic form, or in behaviour strategies (agent QRE,
// McKelvey and Palfrey 1998) on the tree itself. n players.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>

#include "logit.hpp"
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

// Payoffs are scaled to [0, 1] in exact arithmetic and only then rounded to doubles: a
// payoff such as 10^30 + 2 is 10^30 as a double (every difference lost), and 10^400 is
// infinite; (v - lo) / (hi - lo) keeps the differences that decide the equilibrium.
Problem make_problem(const StrategicGame& game, bool& trivial) {
  Problem pr;
  pr.n = game.num_players();
  Rational lo = game.payoff(0, 0);
  Rational hi = lo;
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    for (int p = 0; p < pr.n; ++p) {
      const Rational& v = game.payoff(c, p);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  trivial = !(hi > lo);
  const Rational range = trivial ? Rational(1) : Rational(hi - lo);
  for (int p = 0; p < pr.n; ++p) {
    pr.offset.push_back(pr.size);
    pr.k.push_back(game.num_strategies(p));
    pr.size += game.num_strategies(p);
  }
  std::vector<int> s(static_cast<std::size_t>(pr.n), 0);
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    pr.profile_of_cell.push_back(s);
    std::vector<double> row;
    for (int p = 0; p < pr.n; ++p) {
      row.push_back(Rational((game.payoff(c, p) - lo) / range).get_d());
    }
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

// What the tracer needs of a game: the unknowns (log-probabilities, grouped by the player or
// agent whose distribution they are), the map H with its Jacobian, and the equilibrium a
// point of the branch stands for. One tracer serves strategic games and trees (in behaviour
// strategies).
struct Branch {
  std::vector<int> k;       // unknowns per group (one group per distribution)
  std::vector<int> offset;  // first unknown of each group
  int size = 0;
  bool trivial = false;  // every payoff equal: the centroid is the answer
  std::function<void(const Eigen::VectorXd&, Eigen::VectorXd&, Eigen::MatrixXd&)> evaluate;
  std::function<Equilibrium(const Eigen::VectorXd&)> equilibrium_at;
  // The largest regret at point z (whose profile is e), in the game's payoffs.
  std::function<double(const Eigen::VectorXd&, const Equilibrium&)> max_regret;
};

// The probabilities of each group at point z (log-probabilities, renormalised).
std::vector<std::vector<double>> groups_at(const std::vector<int>& k,
                                           const std::vector<int>& offset,
                                           const Eigen::VectorXd& z) {
  std::vector<std::vector<double>> out;
  for (std::size_t i = 0; i < k.size(); ++i) {
    std::vector<double> row;
    double sum = 0;
    for (int j = 0; j < k[i]; ++j) sum += std::exp(z(offset[i] + j));
    for (int j = 0; j < k[i]; ++j) row.push_back(std::exp(z(offset[i] + j)) / sum);
    out.push_back(std::move(row));
  }
  return out;
}

// The mixed profile at point z of the branch.
Equilibrium profile_at(const StrategicGame& game, const Problem& pr, const Eigen::VectorXd& z) {
  std::vector<std::vector<std::vector<double>>> approx;
  for (auto& row : groups_at(pr.k, pr.offset, z)) approx.push_back({std::move(row)});
  Equilibrium e = make_equilibrium(game, approx_profile(std::move(approx)));
  e.lambda = z(pr.size);
  e.approximate = true;
  return e;
}

// Dense double matrices of size x size alive at once during a step (the Jacobian and its
// derivative table, J J', the LU factors, the bordered matrix for the orientation).
constexpr std::size_t kDenseMatrices = 8;

// A profile the budget cut short, far from the branch's limit: its play where the player's
// own moves do not lead is not yet a response worth reporting as part of the answer.
Equilibrium partial(Equilibrium e) {
  e.specifies_avoided = false;
  return e;
}

// Stops at lambda_max, or earlier once every player's regret is at most max_regret (in the
// game's payoffs; 0: never). The caller has charged the dense matrices to `work`.
std::vector<Equilibrium> trace(const Branch& br, double lambda_max, double max_regret, Work& work) {
  const int size = br.size;
  Eigen::VectorXd z(size + 1);
  for (std::size_t i = 0; i < br.k.size(); ++i) {
    for (int j = 0; j < br.k[i]; ++j) z(br.offset[i] + j) = -std::log(static_cast<double>(br.k[i]));
  }
  z(size) = 0;
  Eigen::VectorXd h;
  Eigen::MatrixXd jac;
  if (!br.trivial) {
    br.evaluate(z, h, jac);
    Eigen::VectorXd t = tangent(jac);
    if (t(size) < 0) t = -t;
    // The branch may fold back in lambda; the tangent's orientation is kept by the sign of
    // det [J; t'], which is constant along a regular branch (comparing with the previous
    // tangent alone can reverse at a sharp fold and retrace the branch).
    const double orientation = orientation_sign(jac, t);
    double step = 0.03;
    int steps = 0;
    double checkpoint = 0;  // lambda 500 steps ago
    while (z(size) < lambda_max) {
      if (work.time_up()) {
        char where[96];
        std::snprintf(where, sizeof where, "at lambda = %.4g of lambda_max = %.4g after %d steps",
                      z(size), lambda_max, steps);
        work.fail(std::string(where) +
                      " (the equilibrium found is the profile there: regret about 1/(e lambda) "
                      "of the payoff range)",
                  {partial(br.equilibrium_at(z))});
      }
      // Far out (lambda >= kStallLambda) a corrector that has stalled in double precision
      // crawls: when 500 steps have not moved lambda by 1e-4 of itself, stop there.
      if (++steps % 500 == 0) {
        if (z(size) >= kStallLambda && z(size) < checkpoint * (1 + 1e-4)) break;
        checkpoint = z(size);
      }
      if (steps > 100000 || step < 1e-12) {
        // Far out the branch is already an approximate equilibrium (regret at most about
        // 1/(e lambda) of the payoff range) and the corrector can stall in double precision:
        // stop there rather than fail.
        if (z(size) >= kStallLambda) break;
        char lambda[32];
        std::snprintf(lambda, sizeof lambda, "%.6g", z(size));
        throw SolverError(
            std::string("logit: branch tracing failed near lambda = ") + lambda + ": " +
            (steps > 100000 ? "100000 predictor-corrector steps did not reach lambda_max"
                            : "the corrector did not converge even with steps of 1e-12 (a "
                              "bifurcation or near-singular point of the branch)") +
            " (payoffs are scaled to [0, 1] exactly, then traced in double precision); an exact "
            "solver does not have this problem: lcp or enummixed (two players) or enumpure");
      }
      // Steps grow geometrically but stay proportional to lambda: a long step can land on
      // another branch of the correspondence.
      step = std::min(step, 0.5 * (1.0 + z(size)));
      Eigen::VectorXd trial = z + step * t;
      bool ok = false;
      double prev_norm = 0;
      for (int it = 0; it < 12; ++it) {
        br.evaluate(trial, h, jac);
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
      if (max_regret > 0 && br.max_regret(z, br.equilibrium_at(z)) <= max_regret) break;
    }
  }
  return {br.equilibrium_at(z)};
}

// Charges the tracer's dense matrices for `size` unknowns (and `extra` bytes of the game's
// own tables) before anything is built: 10^5 unknowns would need 10^10 doubles per matrix.
void charge_trace(Work& work, std::size_t size, std::size_t extra, const std::string& what) {
  const std::size_t matrices = kDenseMatrices * (size + 1) * (size + 1) * sizeof(double);
  work.check_charge(matrices + extra, "before tracing: " + std::to_string(size) + " " + what +
                                          " need " + std::to_string(kDenseMatrices) + " dense " +
                                          std::to_string(size + 1) + " x " +
                                          std::to_string(size + 1) + " matrices");
}

double largest_regret(const std::vector<double>& r) {
  return *std::max_element(r.begin(), r.end());
}

// The strategic game's branch.
std::vector<Equilibrium> trace_strategic(const StrategicGame& game, double lambda_max,
                                         double max_regret, Work& work) {
  const auto size = static_cast<std::size_t>(
      std::accumulate(game.strategies().begin(), game.strategies().end(), std::size_t{0},
                      [](std::size_t t, const auto& s) { return t + s.size(); }));
  const std::size_t per_cell =
      static_cast<std::size_t>(game.num_players()) * (sizeof(double) + sizeof(int));
  charge_trace(work, size, game.num_cells() * per_cell, "strategies in all");
  bool trivial = false;
  const auto pr = std::make_shared<const Problem>(make_problem(game, trivial));
  Branch br;
  br.k = pr->k;
  br.offset = pr->offset;
  br.size = pr->size;
  br.trivial = trivial;
  br.evaluate = [pr](const Eigen::VectorXd& z, Eigen::VectorXd& h, Eigen::MatrixXd& jac) {
    evaluate(*pr, z, h, jac);
  };
  br.equilibrium_at = [&game, pr](const Eigen::VectorXd& z) { return profile_at(game, *pr, z); };
  br.max_regret = [&game](const Eigen::VectorXd& /*z*/, const Equilibrium& e) {
    return largest_regret(regrets(game, e.profile));
  };
  return trace(br, lambda_max, max_regret, work);
}

// The tree in behaviour strategies: one distribution per information set (an agent, in
// player, then local order), as gambit-logit traces trees. Each agent's logit response is to
// its conditional payoffs (McKelvey and Palfrey 1998, agent QRE): the player's expected
// payoff when the agent plays action a, given that the set is reached, with beliefs over its
// nodes from Bayes' rule and everybody else, the player's other agents included, following
// the profile. Conditional, not the agent normal form's unconditional payoffs: those scale
// an agent's lambda by the probability of reaching it, so agents far off the path stay near
// uniform and the branch's limit need not be sequentially rational there. The payoffs and
// their derivatives are computed on the tree (a pass forward for the reach probabilities, one
// backward for the values, and per node a pass over its path and its subtree for the
// derivatives), so the work grows with the tree, not with the agent form's product of action
// counts.
class TreeAgents {
 public:
  explicit TreeAgents(const ExtensiveGame& game) : game_(game) {
    const auto nodes = game.nodes().size();
    agent_of_.assign(game.infosets().size(), -1);
    for (int p = 1; p <= game.num_players(); ++p) {
      for (int h : game.player_infosets(p)) {
        agent_of_[static_cast<std::size_t>(h)] = static_cast<int>(k_.size());
        agents_.push_back(h);
        owner_.push_back(p - 1);
        offset_.push_back(size_);
        k_.push_back(static_cast<int>(game.infoset(h).actions.size()));
        size_ += k_.back();
      }
    }
    order_ = game.prefix_order();
    end_.assign(nodes, 0);
    position_.assign(nodes, 0);
    for (std::size_t i = 0; i < order_.size(); ++i) {
      position_[static_cast<std::size_t>(order_[i])] = static_cast<int>(i);
    }
    // The subtree of the node at prefix position i is positions [i, end).
    for (std::size_t i = order_.size(); i-- > 0;) {
      const Node& node = game.node(order_[i]);
      int e = static_cast<int>(i) + 1;
      for (int ch : node.children) e = std::max(e, end_[static_cast<std::size_t>(ch)]);
      end_[static_cast<std::size_t>(order_[i])] = e;
    }
    // Payoffs at the leaves: the outcomes along the path, added exactly, then scaled to
    // [0, 1] over every leaf and player (a profile's payoffs are averages of these).
    const auto np = static_cast<std::size_t>(game.num_players());
    std::vector<std::vector<Rational>> total(nodes, std::vector<Rational>(np, Rational(0)));
    leaf_.assign(nodes * np, 0.0);
    Rational lo;
    Rational hi;
    bool first = true;
    for (int n : order_) {
      const Node& node = game.node(n);
      auto& t = total[static_cast<std::size_t>(n)];
      if (node.parent >= 0) t = total[static_cast<std::size_t>(node.parent)];
      if (node.outcome >= 0) {
        const auto& pay = game.outcomes()[static_cast<std::size_t>(node.outcome)].payoffs;
        for (std::size_t p = 0; p < np; ++p) t[p] += pay[p];
      }
      if (node.kind != NodeKind::kTerminal) continue;
      for (const Rational& q : t) {
        if (first || q < lo) lo = q;
        if (first || q > hi) hi = q;
        first = false;
      }
    }
    trivial_ = !(hi > lo);
    const Rational range = trivial_ ? Rational(1) : Rational(hi - lo);
    range_ = range.get_d();
    for (int n : order_) {
      if (game.node(n).kind != NodeKind::kTerminal) continue;
      for (std::size_t p = 0; p < np; ++p) {
        leaf_[static_cast<std::size_t>(n) * np + p] =
            Rational((total[static_cast<std::size_t>(n)][p] - lo) / range).get_d();
      }
    }
    chance_.resize(game.infosets().size());
    log_chance_.resize(game.infosets().size());
    for (std::size_t h = 0; h < game.infosets().size(); ++h) {
      for (const Rational& q : game.infosets()[h].probs) {
        chance_[h].push_back(q.get_d());
        log_chance_[h].push_back(std::log(chance_[h].back()));
      }
    }
  }

  [[nodiscard]] Branch branch() const {
    Branch br;
    br.k = k_;
    br.offset = offset_;
    br.size = size_;
    br.trivial = trivial_;
    br.evaluate = [this](const Eigen::VectorXd& z, Eigen::VectorXd& h, Eigen::MatrixXd& jac) {
      evaluate(z, h, jac);
    };
    br.equilibrium_at = [this](const Eigen::VectorXd& z) { return equilibrium_at(z); };
    // Nash regret says nothing about sets play does not reach; the profile is also meant to
    // be (nearly) sequentially rational there, so the agents' conditional regrets count too.
    br.max_regret = [this](const Eigen::VectorXd& z, const Equilibrium& e) {
      return std::max(largest_regret(regrets(game_, e.profile)), conditional_regret(z));
    };
    return br;
  }

  [[nodiscard]] int size() const { return size_; }

  // The largest regret of any agent at its set given it is reached (beliefs by Bayes' rule),
  // in the game's payoffs: what an agent would gain by its best action there.
  [[nodiscard]] double conditional_regret(const Eigen::VectorXd& z) const {
    const auto np = static_cast<std::size_t>(game_.num_players());
    Eigen::VectorXd pi(size_);
    for (int i = 0; i < size_; ++i) pi(i) = std::exp(z(i));
    std::vector<double> log_reach;
    std::vector<double> value;
    passes(z, pi, log_reach, value);
    std::vector<double> belief;
    double worst = 0;
    for (std::size_t agent = 0; agent < agents_.size(); ++agent) {
      const Infoset& info = game_.infoset(agents_[agent]);
      const auto p = static_cast<std::size_t>(owner_[agent]);
      (void)beliefs(info, log_reach, belief);
      std::vector<double> u(static_cast<std::size_t>(k_[agent]), 0.0);
      for (std::size_t i = 0; i < info.nodes.size(); ++i) {
        const Node& node = game_.node(info.nodes[i]);
        for (std::size_t a = 0; a < u.size(); ++a) {
          u[a] += belief[i] * value[static_cast<std::size_t>(node.children[a]) * np + p];
        }
      }
      double played = 0;
      double total = 0;
      for (std::size_t a = 0; a < u.size(); ++a) {
        const double q = pi(offset_[agent] + static_cast<int>(a));
        played += q * u[a];
        total += q;
      }
      worst = std::max(worst, *std::max_element(u.begin(), u.end()) - played / total);
    }
    return worst * range_;
  }

  // The behaviour profile at point z (agents in player, then local order).
  [[nodiscard]] Equilibrium equilibrium_at(const Eigen::VectorXd& z) const {
    std::vector<std::vector<std::vector<double>>> approx(
        static_cast<std::size_t>(game_.num_players()));
    const auto rows = groups_at(k_, offset_, z);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      approx[static_cast<std::size_t>(owner_[j])].push_back(rows[j]);
    }
    Equilibrium e = make_equilibrium(game_, approx_profile(std::move(approx)));
    e.lambda = z(size_);
    e.approximate = true;
    // Every agent responds to its conditional payoffs, reached or not: its play at sets the
    // player's own moves avoid is part of the answer, not a convention.
    e.specifies_avoided = true;
    return e;
  }

  // H and its Jacobian (size x size + 1), as evaluate() for strategic games: per agent,
  // sum(pi) - 1 = 0 and z_j - z_0 - lambda (U_j - U_0) = 0 for its other actions.
  void evaluate(const Eigen::VectorXd& z, Eigen::VectorXd& h, Eigen::MatrixXd& jac) const {
    const auto nodes = game_.nodes().size();
    const auto np = static_cast<std::size_t>(game_.num_players());
    const double lambda = z(size_);
    Eigen::VectorXd pi(size_);
    for (int i = 0; i < size_; ++i) pi(i) = std::exp(z(i));
    std::vector<double> log_reach;
    std::vector<double> value;
    passes(z, pi, log_reach, value);
    // du(row, col): d(U_j - U_0)/d z_col for row = offset + j of each agent, where U_j is the
    // agent's conditional payoff: sum over the set's nodes x of belief(x) V(child j of x).
    Eigen::MatrixXd du = Eigen::MatrixXd::Zero(size_, size_);
    Eigen::VectorXd diff = Eigen::VectorXd::Zero(size_);
    std::vector<double> rel(nodes, 0.0);
    std::vector<double> belief;
    std::vector<double> on_path(static_cast<std::size_t>(size_), 0.0);  // sum of beliefs
    std::vector<int> touched;
    std::vector<double> delta;  // per action j > 0: V(child j) - V(child 0), for the player
    for (std::size_t agent = 0; agent < agents_.size(); ++agent) {
      const Infoset& info = game_.infoset(agents_[agent]);
      const auto p = static_cast<std::size_t>(owner_[agent]);
      const int o = offset_[agent];
      const int k = k_[agent];
      const bool reachable = beliefs(info, log_reach, belief);
      touched.clear();
      for (std::size_t i = 0; i < info.nodes.size(); ++i) {
        const int x = info.nodes[i];
        const Node& node = game_.node(x);
        const double mu = belief[i];
        const double v0 = value[static_cast<std::size_t>(node.children[0]) * np + p];
        delta.assign(static_cast<std::size_t>(k), 0.0);
        for (int j = 1; j < k; ++j) {
          delta[static_cast<std::size_t>(j)] =
              value[static_cast<std::size_t>(node.children[static_cast<std::size_t>(j)]) * np + p] -
              v0;
          diff(o + j) += mu * delta[static_cast<std::size_t>(j)];
        }
        // belief(x) through each move above x: d log reach(x) / d z_col is 1 for the moves on
        // its path, so d belief(x) = belief(x) ([col above x] - sum_y belief(y) [col above y]).
        if (reachable && mu > 0) {
          for (int cur = x; game_.node(cur).parent >= 0;) {
            const int y = game_.node(cur).parent;
            const Node& up = game_.node(y);
            if (up.kind == NodeKind::kPlayer) {
              const int col = column(up, static_cast<std::size_t>(game_.node(cur).parent_action));
              if (on_path[static_cast<std::size_t>(col)] == 0) touched.push_back(col);
              on_path[static_cast<std::size_t>(col)] += mu;
              for (int j = 1; j < k; ++j) du(o + j, col) += mu * delta[static_cast<std::size_t>(j)];
            }
            cur = y;
          }
        }
        if (mu == 0) continue;
        // V(child) through each move below it: reach from the child times the value after it.
        // Row o (the agent's sum-to-one row, not a du row) gathers V(child 0)'s, subtracted
        // from each of the agent's rows once at the end.
        for (int a = 0; a < k; ++a) {
          const int child = node.children[static_cast<std::size_t>(a)];
          const int from = position_[static_cast<std::size_t>(child)];
          const int to = end_[static_cast<std::size_t>(child)];
          rel[static_cast<std::size_t>(child)] = 1;
          for (int i2 = from; i2 < to; ++i2) {
            const int y = order_[static_cast<std::size_t>(i2)];
            const Node& below_node = game_.node(y);
            const double ry = rel[static_cast<std::size_t>(y)];
            for (std::size_t b = 0; b < below_node.children.size(); ++b) {
              const int ch = below_node.children[b];
              rel[static_cast<std::size_t>(ch)] = ry * move(below_node, b, pi);
              if (below_node.kind != NodeKind::kPlayer || ry == 0) continue;
              const int col = column(below_node, b);
              du(o + a, col) += mu * ry * value[static_cast<std::size_t>(ch) * np + p] * pi(col);
            }
          }
        }
      }
      for (int j = 1; j < k; ++j) du.row(o + j) -= du.row(o);
      for (int col : touched) {
        for (int j = 1; j < k; ++j) {
          du(o + j, col) -= diff(o + j) * on_path[static_cast<std::size_t>(col)];
        }
        on_path[static_cast<std::size_t>(col)] = 0;
      }
    }
    h.resize(size_);
    jac = Eigen::MatrixXd::Zero(size_, size_ + 1);
    for (std::size_t agent = 0; agent < agents_.size(); ++agent) {
      const int o = offset_[agent];
      double sum = 0;
      for (int j = 0; j < k_[agent]; ++j) {
        sum += pi(o + j);
        jac(o, o + j) = pi(o + j);
      }
      h(o) = sum - 1.0;
      for (int j = 1; j < k_[agent]; ++j) {
        const int r = o + j;
        h(r) = z(o + j) - z(o) - lambda * diff(r);
        jac(r, o + j) += 1.0;
        jac(r, o) -= 1.0;
        jac.row(r).head(size_) -= lambda * du.row(r);
        jac(r, size_) = -diff(r);
      }
    }
  }

 private:
  // Log reach probabilities, forward (a log so that beliefs at information sets far off the
  // path, reached with probability exp(-lambda ...), do not underflow to 0 / 0); values per
  // player (scaled payoffs), backward.
  void passes(const Eigen::VectorXd& z, const Eigen::VectorXd& pi, std::vector<double>& log_reach,
              std::vector<double>& value) const {
    const auto np = static_cast<std::size_t>(game_.num_players());
    log_reach.assign(game_.nodes().size(), 0.0);
    value.assign(game_.nodes().size() * np, 0.0);
    for (int n : order_) {
      const Node& node = game_.node(n);
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        log_reach[static_cast<std::size_t>(node.children[a])] =
            log_reach[static_cast<std::size_t>(n)] + log_move(node, a, z);
      }
    }
    for (std::size_t i = order_.size(); i-- > 0;) {
      const int n = order_[i];
      const Node& node = game_.node(n);
      double* v = &value[static_cast<std::size_t>(n) * np];
      if (node.kind == NodeKind::kTerminal) {
        for (std::size_t p = 0; p < np; ++p) v[p] = leaf_[static_cast<std::size_t>(n) * np + p];
        continue;
      }
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        const double w = move(node, a, pi);
        const double* c = &value[static_cast<std::size_t>(node.children[a]) * np];
        for (std::size_t p = 0; p < np; ++p) v[p] += w * c[p];
      }
    }
  }

  // Beliefs over the set's nodes by Bayes' rule, into `belief`; false (and uniform beliefs,
  // which nothing moves) for a set no profile reaches (a chance move of probability 0 above
  // each of its nodes).
  static bool beliefs(const Infoset& info, const std::vector<double>& log_reach,
                      std::vector<double>& belief) {
    double top = -std::numeric_limits<double>::infinity();
    for (int x : info.nodes) top = std::max(top, log_reach[static_cast<std::size_t>(x)]);
    const bool reachable = std::isfinite(top);
    belief.assign(info.nodes.size(), 1.0);
    if (reachable) {
      for (std::size_t i = 0; i < info.nodes.size(); ++i) {
        belief[i] = std::exp(log_reach[static_cast<std::size_t>(info.nodes[i])] - top);
      }
    }
    const double total = std::accumulate(belief.begin(), belief.end(), 0.0);
    for (double& b : belief) b /= total;
    return reachable;
  }

  // The probability of the node's action a under pi (chance: the game's).
  [[nodiscard]] double move(const Node& node, std::size_t a, const Eigen::VectorXd& pi) const {
    if (node.kind == NodeKind::kChance) return chance_[static_cast<std::size_t>(node.infoset)][a];
    return pi(column(node, a));
  }
  // Its logarithm (z holds the log-probabilities of the players' actions).
  [[nodiscard]] double log_move(const Node& node, std::size_t a, const Eigen::VectorXd& z) const {
    if (node.kind == NodeKind::kChance) {
      return log_chance_[static_cast<std::size_t>(node.infoset)][a];
    }
    return z(column(node, a));
  }
  [[nodiscard]] int column(const Node& node, std::size_t a) const {
    return offset_[static_cast<std::size_t>(agent_of_[static_cast<std::size_t>(node.infoset)])] +
           static_cast<int>(a);
  }

  const ExtensiveGame& game_;
  std::vector<int> agent_of_;  // per infoset: its agent, -1 for chance
  std::vector<int> agents_;    // per agent: its infoset
  std::vector<int> owner_;     // per agent: its player (0-based)
  std::vector<int> k_;
  std::vector<int> offset_;
  int size_ = 0;
  bool trivial_ = false;
  double range_ = 1;           // of the leaves' payoffs: scaled regrets back to the game's
  std::vector<int> order_;     // prefix order
  std::vector<int> position_;  // per node: its position in order_
  std::vector<int> end_;       // per node: the end of its subtree in order_
  std::vector<double> leaf_;   // per terminal node and player: scaled payoff
  std::vector<std::vector<double>> chance_;
  std::vector<std::vector<double>> log_chance_;  // -infinity for a move of probability 0
};

std::vector<Equilibrium> trace_tree(const ExtensiveGame& game, double lambda_max, double max_regret,
                                    Work& work) {
  const TreeAgents agents(game);
  // Per node: log reach, value and leaf payoff per player, the subtree pass's reach, and
  // three indices.
  const std::size_t per_node =
      (3 + 2 * static_cast<std::size_t>(game.num_players())) * sizeof(double) + 3 * sizeof(int);
  charge_trace(work, static_cast<std::size_t>(agents.size()), game.nodes().size() * per_node,
               "actions at the information sets");
  return trace(agents.branch(), lambda_max, max_regret, work);
}

// Past this many strategies in all, each predictor-corrector step (dense LU of the
// Jacobian) takes about a second, and a trace takes thousands of steps.
constexpr double kWarnSize = 400;

std::string size_warning(double size, const std::string& advice) {
  if (size <= kWarnSize) return "";
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", size);
  return std::string("logit factors dense matrices of the total strategy count (") + text +
         " here) at each of thousands of steps: expect it to run out of its budget; " + advice;
}

class Logit final : public Solver {
 public:
  Logit(double lambda_max, double max_regret, bool agent)
      : lambda_max_(lambda_max), max_regret_(max_regret), agent_(agent) {}
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    Work work(budget(), "logit", [&game] { return advice(game, "logit"); });
    return trace_strategic(game, lambda_max_, max_regret_, work);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    // On the reduced strategic form the mixed profile becomes a behaviour profile by Kuhn's
    // theorem, which needs perfect recall; in behaviour strategies, without it a profile
    // where no agent gains by deviating alone need not be an equilibrium (a player who
    // forgets may gain by changing two of her sets together).
    require_perfect_recall(game, "logit");
    Work work(budget(), "logit", [&game] { return advice(game, "logit"); });
    if (agent_) return trace_tree(game, lambda_max_, max_regret_, work);
    return via_reduced_form(game, work, [this](const StrategicGame& g, Work& w) {
      return trace_strategic(g, lambda_max_, max_regret_, w);
    });
  }
  // Each step factors dense matrices of the total strategy count: cubic in it.
  [[nodiscard]] std::string work_warning(const StrategicGame& game) const override {
    std::size_t size = 0;
    for (const auto& s : game.strategies()) size += s.size();
    return size_warning(static_cast<double>(size), advice(game, "logit"));
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (!game.perfect_recall_problem().empty()) return "";
    double size = 0;
    if (agent_) {
      for (const auto& info : game.infosets()) {
        if (info.player > 0) size += static_cast<double>(info.actions.size());
      }
    } else {
      for (double k : reduced_strategy_counts(game)) size += k;
    }
    return size_warning(size, advice(game, "logit"));
  }

  inline static const SolverInfo kInfo{
      "logit",
      "limit of the principal logit quantal-response branch (n players, floating point)",
      true,
      true,
      false,
      {{"lambda_max",
        "1e7",
        "stop tracing at this precision (payoffs scaled to [0, 1]); regret is about "
        "1/(e lambda_max) of the payoff range",
        {},
        OptionSpec::Type::kNumber},
       {"max_regret",
        "0",
        "stop earlier, once no player gains more than this (game payoffs) by a best reply; "
        "0: trace to lambda_max",
        {},
        OptionSpec::Type::kNumber},
       {"agent",
        "false",
        "extensive games: trace in behaviour strategies (agent QRE: each information set "
        "responds to its payoffs given it is reached, as gambit-logit; evaluated on the tree) "
        "instead of the reduced strategic form",
        {"true", "false", "1", "0", "yes", "no"}}}};

 private:
  double lambda_max_;
  double max_regret_;
  bool agent_;
};

}  // namespace

int logit_tree_unknowns(const ExtensiveGame& game) { return TreeAgents(game).size(); }

void logit_tree_system(const ExtensiveGame& game, const Eigen::VectorXd& z, Eigen::VectorXd& h,
                       Eigen::MatrixXd& jac) {
  TreeAgents(game).evaluate(z, h, jac);
}

SolverEntry logit_entry() {
  return {Logit::kInfo, [](const SolverOptions& options) {
            // 0 (the default) turns the test off; any other value must be positive.
            const auto it = options.find("max_regret");
            const double max_regret = it == options.end() || it->second == "0"
                                          ? 0.0
                                          : option_number(options, "max_regret", 0);
            return std::make_unique<Logit>(option_number(options, "lambda_max", 1e7), max_regret,
                                           option_flag(options, "agent", false));
          }};
}

}  // namespace entente::games::detail
