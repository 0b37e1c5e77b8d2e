// One approximate Nash equilibrium of any N-player strategic game by simplicial subdivision,
// restarted on successively finer grids (the approach of Gambit's gambit-simpdiv). The
// method here is Merrill's restart algorithm (Merrill 1972; Todd, "The Computation of Fixed
// Points and Applications", 1976, ch. 7): a piecewise-linear homotopy on the product of the
// players' simplices times [0, 1], triangulated by Freudenthal's triangulation (K1), with
// vector labels — at t = 0 the affine map x - c, whose only zero c is the start, and at t = 1
// x - F(x) for the Nash map F(x)_p = projection onto p's simplex of x_p + u_p(x) (its fixed
// points are the equilibria). The path of zeros of the piecewise-linear map is followed by
// door-in/door-out pivots from the start simplex at t = 0 to a simplex of the t = 1 layer,
// which holds an approximate fixed point; the next, finer grid restarts from it. (Gambit uses
// van der Laan, Talman and van der Heyden's variable-dimension algorithm with integer labels,
// the same family of restart methods.)
//
// Each player's mixed strategy is written in cumulative coordinates s_k = x_1 + ... + x_k
// (strategies 1..k, strategy 0 taking the rest), so that the product of simplices is a union
// of K1 simplices of the grid. Vertices outside it are evaluated at their projection, so the
// path may pass outside without harm. At the end the profile is refined on its support
// (Newton's method on the indifference system) and read as exact rationals when it is an
// exact equilibrium; otherwise it is returned in doubles, marked approximate, with its max
// regret.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "nplayer.hpp"
#include "solvers.hpp"

namespace entente::games::detail {

namespace {

// Beyond this many strategies in all, each pivot's dense factorisation dominates and a path
// takes thousands of pivots.
constexpr double kWarnSize = 200;
// Pivots allowed on one grid before the solve is declared stuck (a path that long means a
// degenerate game or a grid far too fine for double precision).
constexpr long kMaxPivots = 2'000'000;

struct Options {
  long grid = 4;          // the first grid's denominator
  long refine = 2;        // each restart multiplies it by this
  int levels = 40;        // at most this many grids
  double precision = 0;   // stop at this max regret (game payoffs); 0: 1e-10 of the range
  Mixed<Rational> start;  // empty: the centroid
};

// Euclidean projection of v onto the probability simplex (Duchi et al. 2008, "Efficient
// projections onto the l1-ball").
std::vector<double> project(std::vector<double> v) {
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double sum = 0;
  double theta = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    sum += sorted[i];
    const double t = (sum - 1) / static_cast<double>(i + 1);
    if (sorted[i] - t > 0) theta = t;
  }
  for (double& x : v) x = std::max(x - theta, 0.0);
  return v;
}

class Path {
 public:
  Path(const StrategicGame& game, Work& work) : work_(work) {
    table_ = double_table(game);
    Rational qlo = game.payoff(0, 0);
    Rational qhi = qlo;
    for (std::size_t c = 0; c < game.num_cells(); ++c) {
      for (int p = 0; p < game.num_players(); ++p) {
        qlo = std::min(qlo, game.payoff(c, p));
        qhi = std::max(qhi, game.payoff(c, p));
      }
    }
    range_ = qhi > qlo ? Rational(qhi - qlo).get_d() : 1.0;
    // The Nash map on payoffs scaled to [0, 1] (exactly, then rounded), so its step does not
    // depend on the payoffs' units.
    scaled_ = make_payoff_table<double>(game, [&](const Rational& q) {
      return qhi > qlo ? Rational((q - qlo) / (qhi - qlo)).get_d() : 0.0;
    });
    for (int p = 0; p < table_.players; ++p) {
      offset_.push_back(n_);
      n_ += table_.counts[static_cast<std::size_t>(p)] - 1;
    }
  }

  [[nodiscard]] double range() const { return range_; }
  [[nodiscard]] const PayoffTable<double>& table() const { return table_; }

  // One restart: the approximate fixed point on grid m from start v.
  Mixed<double> run(const Mixed<double>& v, long m, long& pivots) {
    const auto n = static_cast<std::size_t>(n_);
    if (n == 0) return v;         // every player has one strategy
    const std::size_t d = n + 1;  // the t coordinate is the last
    m_ = m;
    cache_.clear();
    // The start simplex: the K1 simplex of the t = 0 layer around v, its t step last.
    const std::vector<double> sv = cumulative(v);
    base_.assign(d, 0);
    for (std::size_t i = 0; i < n; ++i) {
      base_[i] = static_cast<long>(std::floor(sv[i] * static_cast<double>(m)));
    }
    perm_.resize(d);
    for (std::size_t i = 0; i < d; ++i) perm_[i] = i;
    vertices();
    // The t = 0 labels' zero: the centre of the start facet (every weight 1/(n+1), so the
    // start is not degenerate).
    centre_.assign(n, 0.0);
    for (std::size_t k = 0; k < d; ++k) {
      for (std::size_t i = 0; i < n; ++i) {
        centre_[i] += static_cast<double>(verts_[k][i]) / static_cast<double>(m * (n + 1));
      }
    }
    std::vector<Eigen::VectorXd> labels;
    for (std::size_t k = 0; k <= d; ++k) labels.push_back(label(verts_[k]));
    std::size_t enter = d;  // the t = 1 vertex enters first
    for (;;) {
      if ((++pivots & 255) == 0) {
        work_.check_time("after " + std::to_string(pivots) + " pivots (grid 1/" +
                         std::to_string(m) + ")");
      }
      if (pivots > kMaxPivots) {
        throw SolverError("simpdiv: no approximate fixed point after " +
                          std::to_string(kMaxPivots) + " pivots on the grid 1/" +
                          std::to_string(m) +
                          " (a degenerate game, or a grid too fine for double precision); "
                          "expected the path to end: try --option precision with a larger "
                          "value, or logit");
      }
      Eigen::MatrixXd basis(d, d);
      std::vector<std::size_t> cols;
      for (std::size_t k = 0; k <= d; ++k) {
        if (k == enter) continue;
        basis(0, Eigen::Index(cols.size())) = 1.0;
        basis.block(1, Eigen::Index(cols.size()), Eigen::Index(n), 1) = labels[k];
        cols.push_back(k);
      }
      Eigen::VectorXd e1 = Eigen::VectorXd::Zero(Eigen::Index(d));
      e1(0) = 1;
      Eigen::VectorXd a(d);
      a(0) = 1;
      a.tail(Eigen::Index(n)) = labels[enter];
      const Eigen::PartialPivLU<Eigen::MatrixXd> lu(basis);
      const Eigen::VectorXd beta = lu.solve(e1);
      const Eigen::VectorXd delta = lu.solve(a);
      // Ratio test: the first facet weight to reach 0 as the entering vertex's grows.
      double best = HUGE_VAL;
      std::size_t leave = d + 1;
      const double scale = delta.cwiseAbs().maxCoeff();
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const double dc = delta(Eigen::Index(c));
        if (dc <= 1e-12 * scale) continue;
        const double ratio = std::max(beta(Eigen::Index(c)), 0.0) / dc;
        if (ratio < best) {
          best = ratio;
          leave = c;
        }
      }
      if (leave > d) {
        throw SolverError("simpdiv: the path left every simplex on the grid 1/" +
                          std::to_string(m) + " (numerical failure); try logit");
      }
      const std::size_t out = cols[leave];
      // Done when the other vertices all lie in the t = 1 layer.
      bool top = true;
      bool bottom = true;
      for (std::size_t k = 0; k <= d; ++k) {
        if (k == out) continue;
        top = top && verts_[k][n] == 1;
        bottom = bottom && verts_[k][n] == 0;
      }
      if (bottom) {
        throw SolverError("simpdiv: the path returned to the start layer on the grid 1/" +
                          std::to_string(m) + " (numerical failure); try logit");
      }
      if (top) {
        std::vector<double> s(n, 0.0);
        double total = 0;
        for (std::size_t c = 0; c < cols.size(); ++c) {
          if (c == leave) continue;
          const double w = std::max(beta(Eigen::Index(c)) - best * delta(Eigen::Index(c)), 0.0);
          total += w;
          for (std::size_t i = 0; i < n; ++i) {
            s[i] += w * static_cast<double>(verts_[cols[c]][i]) / static_cast<double>(m);
          }
        }
        for (std::size_t i = 0; i < n; ++i) {
          s[i] += best * static_cast<double>(verts_[enter][i]) / static_cast<double>(m);
        }
        total += best;
        for (double& v2 : s) v2 /= total;
        return profile_of(s);
      }
      enter = pivot(out, labels);
    }
  }

 private:
  // Player p's cumulative coordinates of a profile.
  std::vector<double> cumulative(const Mixed<double>& x) const {
    std::vector<double> s;
    for (const auto& row : x) {
      double sum = 0;
      for (std::size_t k = 1; k < row.size(); ++k) {
        sum += row[k];
        s.push_back(sum);
      }
    }
    return s;
  }

  // The profile at cumulative coordinates s (projected onto the simplices when outside).
  Mixed<double> profile_of(const std::vector<double>& s) const {
    Mixed<double> x;
    for (std::size_t p = 0; p < table_.counts.size(); ++p) {
      const auto k = static_cast<std::size_t>(table_.counts[p]);
      const auto o = static_cast<std::size_t>(offset_[p]);
      std::vector<double> row(k, 0.0);
      double prev = 0;
      for (std::size_t j = 1; j < k; ++j) {
        row[j] = s[o + j - 1] - prev;
        prev = s[o + j - 1];
      }
      row[0] = 1 - prev;
      x.push_back(project(std::move(row)));
    }
    return x;
  }

  void vertices() {
    const std::size_t d = base_.size();
    verts_.assign(d + 1, base_);
    for (std::size_t k = 1; k <= d; ++k) {
      verts_[k] = verts_[k - 1];
      ++verts_[k][perm_[k - 1]];
    }
  }

  // Removes vertex `out` from the simplex (Freudenthal's pivot rules) and returns the new
  // vertex's position; `labels` follow their vertices.
  std::size_t pivot(std::size_t out, std::vector<Eigen::VectorXd>& labels) {
    const std::size_t d = base_.size();
    std::size_t fresh = out;
    if (out == 0) {
      ++base_[perm_[0]];
      std::rotate(perm_.begin(), perm_.begin() + 1, perm_.end());
      std::rotate(labels.begin(), labels.begin() + 1, labels.end());
      fresh = d;
    } else if (out == d) {
      --base_[perm_[d - 1]];
      std::rotate(perm_.begin(), perm_.end() - 1, perm_.end());
      std::rotate(labels.begin(), labels.end() - 1, labels.end());
      fresh = 0;
    } else {
      std::swap(perm_[out - 1], perm_[out]);
    }
    vertices();
    labels[fresh] = label(verts_[fresh]);
    return fresh;
  }

  // The vector label of a grid vertex: s - centre at t = 0, s - F(x(s)) at t = 1.
  Eigen::VectorXd label(const std::vector<long>& z) {
    const std::size_t n = z.size() - 1;
    Eigen::VectorXd out(static_cast<Eigen::Index>(n));
    std::vector<double> s(n);
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<double>(z[i]) / static_cast<double>(m_);
    if (z[n] <= 0) {
      for (std::size_t i = 0; i < n; ++i) out(Eigen::Index(i)) = s[i] - centre_[i];
      return out;
    }
    const std::vector<long> key(z.begin(), z.end() - 1);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      const Mixed<double> x = profile_of(s);
      const Mixed<double> u = strategy_payoffs(scaled_, x);
      Mixed<double> f;
      for (std::size_t p = 0; p < x.size(); ++p) {
        std::vector<double> step(x[p].size());
        for (std::size_t k = 0; k < step.size(); ++k) step[k] = x[p][k] + u[p][k];
        f.push_back(project(std::move(step)));
      }
      it = cache_.emplace(key, cumulative(f)).first;
      if (!work_.charge(sizeof(long) * key.size() + sizeof(double) * n + 64)) {
        work_.fail("on the grid 1/" + std::to_string(m_) + " (" + std::to_string(cache_.size()) +
                   " grid points evaluated)");
      }
    }
    for (std::size_t i = 0; i < n; ++i) out(Eigen::Index(i)) = s[i] - it->second[i];
    return out;
  }

  Work& work_;
  PayoffTable<double> table_;
  PayoffTable<double> scaled_;
  double range_ = 1;
  int n_ = 0;
  std::vector<int> offset_;
  long m_ = 1;
  std::vector<long> base_;
  std::vector<std::size_t> perm_;
  std::vector<std::vector<long>> verts_;
  std::vector<double> centre_;
  std::map<std::vector<long>, std::vector<double>> cache_;
};

Equilibrium solve_strategic(const StrategicGame& game, const Options& options, Work& work) {
  Path path(game, work);
  Mixed<double> x;
  if (options.start.empty()) {
    for (int p = 0; p < game.num_players(); ++p) {
      const auto k = static_cast<std::size_t>(game.num_strategies(p));
      x.emplace_back(k, 1.0 / static_cast<double>(k));
    }
  } else {
    if (options.start.size() != static_cast<std::size_t>(game.num_players())) {
      throw SolverError("simpdiv: the start profile has " + std::to_string(options.start.size()) +
                        " players; expected " + std::to_string(game.num_players()));
    }
    for (std::size_t p = 0; p < options.start.size(); ++p) {
      if (options.start[p].size() !=
          static_cast<std::size_t>(game.num_strategies(static_cast<int>(p)))) {
        throw SolverError("simpdiv: the start profile gives player " + std::to_string(p + 1) + " " +
                          std::to_string(options.start[p].size()) + " probabilities; expected " +
                          std::to_string(game.num_strategies(static_cast<int>(p))) +
                          " (one per strategy)");
      }
      std::vector<double> row;
      for (const Rational& q : options.start[p]) row.push_back(q.get_d());
      x.push_back(std::move(row));
    }
  }
  const double precision = options.precision > 0 ? options.precision : 1e-10 * path.range();
  long m = options.grid;
  long pivots = 0;
  double regret = max_regret(path.table(), x);
  const auto result = [&](const Mixed<double>& profile) {
    return refined_equilibrium(game, path.table(), profile);
  };
  for (int level = 0; level < options.levels && regret > precision; ++level) {
    try {
      x = path.run(x, m, pivots);
    } catch (const BudgetExceeded& e) {
      throw BudgetExceeded(e.what(), {result(x)});
    }
    regret = max_regret(path.table(), x);
    if (m > (1L << 52) / options.refine) break;  // beyond what doubles resolve
    m *= options.refine;
  }
  return result(x);
}

// "1/2,1/2;1,0": one probability list per player.
Mixed<Rational> parse_start(const std::string& text) {
  Mixed<Rational> out;
  if (text.empty()) return out;
  std::stringstream players(text);
  std::string player;
  while (std::getline(players, player, ';')) {
    std::vector<Rational> row;
    std::stringstream items(player);
    std::string item;
    Rational sum(0);
    while (std::getline(items, item, ',')) {
      Rational q;
      try {
        q = Rational(item);
        q.canonicalize();
      } catch (const std::invalid_argument&) {
        throw std::invalid_argument("option start='" + text + "' is invalid: '" + item +
                                    "' is not a number; expected probabilities such as "
                                    "1/2,1/2;1,0 (players separated by ';')");
      }
      if (q < 0) {
        throw std::invalid_argument("option start='" + text +
                                    "' is invalid: a negative probability; expected "
                                    "probabilities >= 0 summing to 1 per player");
      }
      sum += q;
      row.push_back(q);
    }
    if (sum != 1) {
      throw std::invalid_argument("option start='" + text + "' is invalid: player " +
                                  std::to_string(out.size() + 1) + "'s probabilities sum to " +
                                  to_string(sum) + "; expected 1");
    }
    out.push_back(std::move(row));
  }
  return out;
}

class SimpDiv final : public Solver {
 public:
  explicit SimpDiv(Options options) : options_(std::move(options)) {}
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    Work work(budget(), "simpdiv", [&game] { return advice(game, "simpdiv"); });
    return {solve_strategic(game, options_, work)};
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    // A mixed profile of the reduced form becomes a behaviour profile by Kuhn's theorem.
    require_perfect_recall(game, "simpdiv");
    if (!options_.start.empty()) {
      throw SolverError(
          "simpdiv: option start gives a profile of a strategic game; expected no start for an "
          "extensive game (convert it to .nfg to choose one over its reduced strategies)");
    }
    Work work(budget(), "simpdiv", [&game] { return advice(game, "simpdiv"); });
    return via_reduced_form(game, work, [this](const StrategicGame& g, Work& w) {
      return std::vector<Equilibrium>{solve_strategic(g, options_, w)};
    });
  }
  [[nodiscard]] std::string work_warning(const StrategicGame& game) const override {
    double size = 0;
    for (const auto& s : game.strategies()) size += static_cast<double>(s.size());
    return warning(size, advice(game, "simpdiv"));
  }
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (!game.perfect_recall_problem().empty()) return "";
    double size = 0;
    for (double k : reduced_strategy_counts(game)) size += k;
    return warning(size, advice(game, "simpdiv"));
  }

  inline static const SolverInfo kInfo{
      "simpdiv",
      "one approximate equilibrium of any N-player game by simplicial subdivision, restarted "
      "on finer grids, refined on its support (exact where it reads as rational)",
      true,
      true,
      false,
      {{"grid",
        "4",
        "the first grid's denominator (the mesh is 1/grid)",
        {},
        OptionSpec::Type::kInteger},
       {"refine",
        "2",
        "each restart multiplies the grid's denominator by this (>= 2)",
        {},
        OptionSpec::Type::kInteger},
       {"levels", "40", "at most this many grids", {}, OptionSpec::Type::kInteger},
       {"precision",
        "0",
        "stop refining once no player gains more than this (game payoffs) by a best reply; "
        "0: 1e-10 of the payoff range",
        {},
        OptionSpec::Type::kNumber},
       {"start",
        "",
        "strategic games: the start profile, one probability list per player, e.g. "
        "1/2,1/2;1,0 (default: the centroid)",
        {}}}};

 private:
  static std::string warning(double size, const std::string& advice) {
    if (size <= kWarnSize) return "";
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", size);
    return std::string("simpdiv factors a dense matrix of the total strategy count (") + text +
           " here) at each pivot, on paths of thousands of pivots: expect it to run out of its "
           "budget; " +
           advice;
  }

  Options options_;
};

}  // namespace

SolverEntry simpdiv_entry() {
  return {SimpDiv::kInfo, [](const SolverOptions& options) {
            Options o;
            o.grid = integer_option(options, "grid", o.grid, 1);
            o.refine = integer_option(options, "refine", o.refine, 2);
            o.levels = static_cast<int>(integer_option(options, "levels", o.levels, 1));
            const auto it = options.find("precision");
            if (it != options.end() && it->second != "0") {
              o.precision = option_number(options, "precision", 0);
            }
            const auto start = options.find("start");
            if (start != options.end()) o.start = parse_start(start->second);
            return std::make_unique<SimpDiv>(std::move(o));
          }};
}

}  // namespace entente::games::detail
