// Logit quantal-response equilibrium branch tracing (McKelvey and Palfrey 1995; Turocy 2005,
// "A dynamic homotopy interpretation of the logistic quantal response equilibrium
// correspondence", GEB 51): follow the principal branch from the centroid at lambda = 0 by
// predictor-corrector arc-length continuation in log-probabilities, and return the profile
// where lambda reaches lambda_max — an approximate Nash equilibrium (doubles). Extensive games
// are traced on their reduced strategic form. n players.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

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

// The mixed profile at point z of the branch (log-probabilities, renormalised).
Equilibrium profile_at(const StrategicGame& game, const Problem& pr, const Eigen::VectorXd& z) {
  std::vector<std::vector<std::vector<double>>> approx;
  for (std::size_t i = 0; i < pr.k.size(); ++i) {
    std::vector<double> row;
    double sum = 0;
    for (int j = 0; j < pr.k[i]; ++j) sum += std::exp(z(pr.offset[i] + j));
    for (int j = 0; j < pr.k[i]; ++j) row.push_back(std::exp(z(pr.offset[i] + j)) / sum);
    approx.push_back({row});
  }
  Equilibrium e = make_equilibrium(game, approx_profile(std::move(approx)));
  e.lambda = z(pr.size);
  e.approximate = true;
  return e;
}

// Dense double matrices of size x size alive at once during a step (the Jacobian and its
// derivative table, J J', the LU factors, the bordered matrix for the orientation).
constexpr std::size_t kDenseMatrices = 8;

// Stops at lambda_max, or earlier once every player's regret is at most max_regret (in the
// game's payoffs; 0: never).
std::vector<Equilibrium> trace(const StrategicGame& game, double lambda_max, double max_regret,
                               Work& work) {
  {
    // Charged before anything is built: a reduced form with 10^5 strategies needs 10^10
    // doubles per matrix.
    const auto size = static_cast<std::size_t>(
        std::accumulate(game.strategies().begin(), game.strategies().end(), std::size_t{0},
                        [](std::size_t t, const auto& s) { return t + s.size(); }));
    const std::size_t per_cell =
        static_cast<std::size_t>(game.num_players()) * (sizeof(double) + sizeof(int));
    const std::size_t matrices = kDenseMatrices * (size + 1) * (size + 1) * sizeof(double);
    work.check_charge(matrices + game.num_cells() * per_cell,
                      "before tracing: " + std::to_string(size) + " strategies in all need " +
                          std::to_string(kDenseMatrices) + " dense " + std::to_string(size + 1) +
                          " x " + std::to_string(size + 1) + " matrices");
  }
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
      if (work.time_up()) {
        char where[96];
        std::snprintf(where, sizeof where, "at lambda = %.4g of lambda_max = %.4g after %d steps",
                      z(size), lambda_max, steps);
        work.fail(std::string(where) +
                      " (the equilibrium found is the profile there: regret about 1/(e lambda) "
                      "of the payoff range)",
                  {profile_at(game, pr, z)});
      }
      if (++steps > 100000 || step < 1e-12) {
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
      if (max_regret > 0) {
        const std::vector<double> r = regrets(game, profile_at(game, pr, z).profile);
        if (*std::max_element(r.begin(), r.end()) <= max_regret) break;
      }
    }
  }
  return {profile_at(game, pr, z)};
}

// Agent-form profiles logit's behaviour tracing takes on: the payoff table is walked at every
// step, so past this the trace runs for minutes.
constexpr double kMaxAgentCells = 1 << 16;

// The agent normal form of a tree: one player per information set (in player, then local
// order) with its owner's payoffs. Its logit equilibria are the tree's logit equilibria in
// behaviour strategies (McKelvey and Palfrey 1998, agent QRE), which gambit-logit traces.
StrategicGame agent_form(const ExtensiveGame& game, Work& work) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> actions;
  std::vector<int> owner;
  std::vector<int> agent_of(game.infosets().size(), -1);
  double cells = 1;
  for (int p = 1; p <= game.num_players(); ++p) {
    for (int h : game.player_infosets(p)) {
      agent_of[static_cast<std::size_t>(h)] = static_cast<int>(names.size());
      names.push_back(game.players()[static_cast<std::size_t>(p - 1)] + " at " +
                      std::to_string(game.infoset(h).number));
      actions.push_back(game.infoset(h).actions);
      owner.push_back(p - 1);
      cells *= static_cast<double>(game.infoset(h).actions.size());
    }
  }
  if (cells > kMaxAgentCells) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", cells);
    throw SolverError(std::string("logit: the agent form of this tree has ") + text +
                      " profiles, more than the 65536 its behaviour tracing takes; "
                      "--option agent=false traces the reduced strategic form instead");
  }
  StrategicGame out(names, actions, game.title());
  const std::vector<int> order = game.prefix_order();
  std::vector<Rational> reach(game.nodes().size());
  std::vector<int> c(names.size(), 0);
  work.check_charge(out.num_cells() * names.size() * kSmallRationalBytes,
                    "building the agent form");
  for (std::size_t cell = 0; cell < out.num_cells(); ++cell) {
    if ((cell & 255U) == 0) work.check_time("building the agent form");
    std::vector<Rational> total(static_cast<std::size_t>(game.num_players()), Rational(0));
    reach[0] = 1;
    for (int n : order) {
      const Node& node = game.node(n);
      const auto ni = static_cast<std::size_t>(n);
      if (reach[ni] == 0) {
        for (int ch : node.children) reach[static_cast<std::size_t>(ch)] = 0;
        continue;
      }
      if (node.outcome >= 0) {
        const auto& pay = game.outcomes()[static_cast<std::size_t>(node.outcome)].payoffs;
        for (std::size_t p = 0; p < total.size(); ++p) total[p] += reach[ni] * pay[p];
      }
      if (node.kind == NodeKind::kTerminal) continue;
      const Infoset& h = game.infoset(node.infoset);
      for (std::size_t a = 0; a < node.children.size(); ++a) {
        const auto ch = static_cast<std::size_t>(node.children[a]);
        if (h.player == 0) {
          reach[ch] = reach[ni] * h.probs[a];
        } else {
          const int agent = agent_of[static_cast<std::size_t>(node.infoset)];
          reach[ch] =
              c[static_cast<std::size_t>(agent)] == static_cast<int>(a) ? reach[ni] : Rational(0);
        }
      }
    }
    std::vector<Rational> payoffs;
    for (int o : owner) payoffs.push_back(total[static_cast<std::size_t>(o)]);
    out.set_cell_outcome(cell, out.add_outcome(std::move(payoffs)));
    for (std::size_t j = 0; j < c.size(); ++j) {
      if (++c[j] < out.num_strategies(static_cast<int>(j))) break;
      c[j] = 0;
    }
  }
  return out;
}

// The agent form's mixed profile as the tree's behaviour profile (agents in player, then
// local order).
Equilibrium to_behaviour(const ExtensiveGame& game, const Equilibrium& agent) {
  std::vector<std::vector<std::vector<double>>> approx(
      static_cast<std::size_t>(game.num_players()));
  std::size_t j = 0;
  for (int p = 1; p <= game.num_players(); ++p) {
    for (std::size_t k = 0; k < game.player_infosets(p).size(); ++k) {
      approx[static_cast<std::size_t>(p - 1)].push_back(agent.profile.approx[j++][0]);
    }
  }
  Equilibrium e = make_equilibrium(game, approx_profile(std::move(approx)));
  e.lambda = agent.lambda;
  e.approximate = true;
  return e;
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
    return trace(game, lambda_max_, max_regret_, work);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    // The branch is traced on the reduced strategic form; its mixed profile becomes a
    // behaviour profile by Kuhn's theorem, which needs perfect recall.
    require_perfect_recall(game, "logit");
    Work work(budget(), "logit", [&game] { return advice(game, "logit"); });
    if (agent_) {
      const StrategicGame form = agent_form(game, work);
      try {
        return {to_behaviour(game, trace(form, lambda_max_, max_regret_, work).at(0))};
      } catch (const BudgetExceeded& e) {
        std::vector<Equilibrium> found;
        for (const auto& f : e.found()) found.push_back(to_behaviour(game, f));
        throw BudgetExceeded(e.what(), std::move(found));
      }
    }
    return via_reduced_form(game, work, [this](const StrategicGame& g, Work& w) {
      return trace(g, lambda_max_, max_regret_, w);
    });
  }
  // Each step factors dense matrices of the total strategy count: cubic in it.
  [[nodiscard]] std::string work_warning(const StrategicGame& game) const override {
    std::size_t size = 0;
    for (const auto& s : game.strategies()) size += s.size();
    return size_warning(static_cast<double>(size), advice(game, "logit"));
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (!game.perfect_recall_problem().empty() || agent_) return "";
    double size = 0;
    for (double k : reduced_strategy_counts(game)) size += k;
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
        "extensive games: trace in behaviour strategies (the agent form, as gambit-logit; up "
        "to 65536 agent profiles) instead of the reduced strategic form",
        {"true", "false", "1", "0", "yes", "no"}}}};

 private:
  double lambda_max_;
  double max_regret_;
  bool agent_;
};

}  // namespace

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
