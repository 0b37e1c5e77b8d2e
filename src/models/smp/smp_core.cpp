// The mathematics of KTAB's SMP, written afresh from a reading of KTAB's smp.cpp,
// smpbcn.cpp, kmodel.cpp and prng.cpp (KAPSARC, MIT licence). The order of floating-point
// operations follows KTAB's wherever a result feeds a discrete choice (a best target, a
// chosen bargain, a rounding to 4 decimals), so that a run reproduces KTAB's decisions and
// not merely its neighbourhood.
//
// Cost per turn is O(n³) for n actors, against KTAB's O(n⁴): KTAB evaluates every
// actor's estimate of every challenge for its SQL diagnostics (calcUtils), which no
// result depends on, and keeps n full n × n utility matrices, where one n × n distance
// matrix and an n × n table of risk estimates give every utility in O(1).
#include "models/smp/smp_core.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>

// The hottest loop of a turn is also built for AVX2, chosen at load time where the CPU has
// it: the same IEEE operations in wider vectors (no FMA: -ffp-contract=off), so the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__OPTIMIZE__)
#define ENTENTE_SMP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ENTENTE_SMP_CLONES
#endif

namespace entente::smp {

namespace {

// Positions closer than this (Euclidean, on [0, 1]) count as one (KTAB's posTol).
constexpr double kPositionTolerance = 1e-3;
// Every coalition starts with this strength so that no probability is 0/0.
constexpr double kMinCoalition = 1e-8;
// The same guard inside a challenge's little coalitions (KTAB's minCltn).
constexpr double kMinChallengeCoalition = 1e-10;
// A challenge must be worth more than this to its initiator (KTAB's minSigEDU).
constexpr double kMinSignificantGain = 1e-5;
// Keeps an interpolated bargain defined when neither side has weight.
constexpr double kMinBargainWeight = 1e-6;
// How far rounding to 4 decimals can move a bargain coordinate (half of 1e-4, plus an ulp).
constexpr double kRoundingSlack = 5e-5 + 1e-12;
// Stop when a step moves less than this fraction of the first step...
constexpr double kStopRatio = 0.02;
// ... to which this is added to avoid 0/0 when the first step moves nothing.
constexpr double kMinSignificantDelta = 1e-4;
// Markov PCEs iterate to this change (incentive and uniform variants, as in KTAB), for
// at most as many iterations as KTAB accepts.
constexpr double kMarkovIncentiveTolerance = 1e-8;
constexpr double kMarkovUniformTolerance = 1e-6;
constexpr int kMarkovMaxIterations = 1000;
// From this many options on, coalitions() advances all of an option's sums together
// (same sums, same order, so the same bits); below it, pair by pair is cheaper.
constexpr std::size_t kRowwiseCoalitionsFrom = 8;
// Problem sizes (options, bargains) from which the serial O(n³) parts of a turn use
// Parameters::threads (always row-wise sizes: coalitions_for's pair-by-pair path is
// single-threaded).
constexpr std::size_t kThreadedFrom = 64;
static_assert(kThreadedFrom >= kRowwiseCoalitionsFrom);
// Odd multiplier of KTAB's output transform (phi shifted to 64 bits, plus one).
constexpr std::uint64_t kQ64C = 0xE08C1D668B756F83ULL;

double sum(const double* x, std::size_t n) {
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s = s + x[i];
  return s;
}

// KTAB's round4: half up for the non-negative values it is meant for (truncating toward
// zero otherwise, as KTAB's cast does). Values an int cannot hold, which only KTAB's
// gain-as-probability quirk can produce, are returned unrounded for interpolate() to clamp.
double round4(double x) {
  const double s = 10000.0;
  const double v = 0.5 + (x * s);
  if (!(std::fabs(v) < 2147483647.0)) return x;
  return static_cast<double>(static_cast<int>(v)) / s;
}

// Calls f(std::integral_constant<VotingRule, rule>{}): a rule known at run time to code
// specialised for it at compile time.
template <typename F>
decltype(auto) with_rule(VotingRule rule, F&& f) {
  switch (rule) {
    case VotingRule::kBinary:
      return f(std::integral_constant<VotingRule, VotingRule::kBinary>{});
    case VotingRule::kPropBin:
      return f(std::integral_constant<VotingRule, VotingRule::kPropBin>{});
    case VotingRule::kProportional:
      break;  // below, which also ends the function for every compiler
    case VotingRule::kPropCbc:
      return f(std::integral_constant<VotingRule, VotingRule::kPropCbc>{});
    case VotingRule::kCubic:
      return f(std::integral_constant<VotingRule, VotingRule::kCubic>{});
    case VotingRule::kASymProsp:
      return f(std::integral_constant<VotingRule, VotingRule::kASymProsp>{});
  }
  return f(std::integral_constant<VotingRule, VotingRule::kProportional>{});
}

using parallel::on_threads;

// How many of `threads` to use for `count` independent pieces of O(n) or more each:
// starting a thread costs tens of microseconds, so small problems stay on one.
std::size_t workers_for(int threads, std::size_t count) {
  if (threads <= 1 || count < kThreadedFrom) return 1;
  return std::min(static_cast<std::size_t>(threads), count);
}

// coalitions_for's sums for options i = first, first + stride, ...: all of an option's
// sums c(i, j) and c(j, i), j < i, advance together along u's rows, each over k in order.
template <VotingRule kRule>
ENTENTE_SMP_CLONES void coalition_rows(const double* w, const Matrix& u, Matrix& c,
                                       std::size_t first, std::size_t stride) {
  const std::size_t num_actors = u.rows();
  const std::size_t m = u.cols();
  thread_local std::vector<double> over;   // over[j]: c(i, j) so far
  thread_local std::vector<double> under;  // under[j]: c(j, i) so far
  over.resize(m);
  under.resize(m);
  for (std::size_t i = first; i < m; i += stride) {
    double* __restrict cij = over.data();
    double* __restrict cji = under.data();
    for (std::size_t j = 0; j < i; ++j) cij[j] = cji[j] = kMinCoalition;
    for (std::size_t k = 0; k < num_actors; ++k) {
      const double* __restrict uk = u.row(k);
      const double wk = w[k];
      const double uki = uk[i];
      for (std::size_t j = 0; j < i; ++j) {
        const double v = vote(kRule, wk, uki, uk[j]);
        // Adding 0.0 to a positive sum changes nothing: KTAB's branchy sum, branch-free.
        cij[j] = cij[j] + std::max(v, 0.0);
        cji[j] = cji[j] - std::min(v, 0.0);
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      c(i, j) = cij[j];
      c(j, i) = cji[j];
    }
    c(i, i) = kMinCoalition;
  }
}

// Strength of the coalition for option i over j (c(i, j)) from the votes of actors k with
// weights w and utilities u(k, option), evaluated for i > j only, as KTAB does (so an
// asymmetric rule counts one direction). Each sum runs over k in order, as KTAB's; the
// sums of all j < i advance together, along u's rows, so that they vectorise and read
// memory in order (a PCE over every actor's position is O(n³)).
template <VotingRule kRule>
void coalitions_for(const double* w, const Matrix& u, Matrix& c, std::size_t workers) {
  const std::size_t num_actors = u.rows();
  const std::size_t m = u.cols();
  if (m < kRowwiseCoalitionsFrom) {
    // A handful of options (an actor's bargains): one pair at a time costs less.
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        double cij = kMinCoalition;
        double cji = kMinCoalition;
        for (std::size_t k = 0; k < num_actors; ++k) {
          const double v = vote(kRule, w[k], u(k, i), u(k, j));
          cij = cij + std::max(v, 0.0);
          cji = cji - std::min(v, 0.0);
        }
        c(i, j) = cij;
        c(j, i) = cji;
      }
      c(i, i) = kMinCoalition;
    }
    return;
  }
  // Option i writes c(i, j) and c(j, i) for j < i only, so options split over threads;
  // interleaved, since option i costs i sums.
  on_threads(workers, [&](std::size_t t) { coalition_rows<kRule>(w, u, c, t, workers); });
}

void coalitions(VotingRule rule, const std::vector<double>& w, const Matrix& u, Matrix& c,
                int threads = 1) {
  c.reshape(u.cols(), u.cols());
  const std::size_t workers = workers_for(threads, u.cols());
  with_rule(rule, [&](auto r) { coalitions_for<decltype(r)::value>(w.data(), u, c, workers); });
}

void victory_matrix(VictoryModel model, const Matrix& c, Matrix& p) {
  const std::size_t m = c.rows();
  p.reshape(m, m);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const auto [pij, pji] = victory_probability(model, c(i, j), c(j, i));
      p(i, j) = pij;
      p(j, i) = pji;
    }
    p(i, i) = 0.5;
  }
}

void conditional_pce(const Matrix& pv, std::vector<double>& p) {
  const std::size_t m = pv.rows();
  p.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    double pi = 1.0;
    for (std::size_t j = 0; j < m; ++j) pi = pi * pv(i, j);
    p[i] = pi;
  }
  const double total = sum(p.data(), m);
  for (double& x : p) x = x / total;
}

// The limit of the lazy iteration p <- (p + L p)/2 from `p`, for the linear map L that
// `step` applies, by squaring A = (I + L)/2 until it stops changing: A^(2^k) p. Used when
// KTAB's iteration has not converged in kMarkovMaxIterations steps (KTAB then aborts):
// a nearly absorbing chain (e.g. the Binary victory model) can need millions of steps,
// while 60 squarings reach 2^60 of them. L maps distributions to distributions, so the
// lazy chain's powers converge.
template <typename Step>
std::vector<double> lazy_limit(const Step& step, std::vector<double> p) {
  const std::size_t m = p.size();
  Matrix a(m, m);
  std::vector<double> e(m, 0.0);
  for (std::size_t j = 0; j < m; ++j) {
    e[j] = 1.0;
    const std::vector<double> column = step(e);
    e[j] = 0.0;
    for (std::size_t i = 0; i < m; ++i) a(i, j) = (column[i] + (i == j ? 1.0 : 0.0)) / 2.0;
  }
  for (int k = 0; k < 64; ++k) {
    Matrix sq(m, m);
    double change = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t l = 0; l < m; ++l) {
        const double ail = a(i, l);
        if (ail == 0.0) continue;
        for (std::size_t j = 0; j < m; ++j) sq(i, j) += ail * a(l, j);
      }
    }
    // A is column-stochastic; renormalizing keeps rounding from compounding over 2^k steps.
    for (std::size_t j = 0; j < m; ++j) {
      double total = 0.0;
      for (std::size_t i = 0; i < m; ++i) total += sq(i, j);
      for (std::size_t i = 0; i < m; ++i) {
        sq(i, j) /= total;
        change = std::max(change, std::fabs(sq(i, j) - a(i, j)));
      }
    }
    a = std::move(sq);
    if (change < 1e-15) break;
  }
  std::vector<double> out(m, 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < m; ++j) out[i] += a(i, j) * p[j];
    total += out[i];
  }
  for (double& x : out) x /= total;
  return out;
}

// KTAB's damped iteration p <- (p + step(p))/2 from the uniform distribution until no
// probability changes by more than `tolerance`, falling back to lazy_limit.
template <typename Step>
std::vector<double> markov_iterate(std::size_t m, const Step& step, double tolerance) {
  std::vector<double> p(m, 1.0 / static_cast<double>(m));
  double change = 1.0;
  int iter = 0;
  while (tolerance < change) {
    if (iter >= kMarkovMaxIterations) return lazy_limit(step, p);
    const std::vector<double> q = step(p);
    change = 0.0;
    for (std::size_t i = 0; i < m; ++i) change = std::max(change, std::fabs(q[i] - p[i]));
    for (std::size_t i = 0; i < m; ++i) p[i] = (p[i] + q[i]) / 2.0;
    ++iter;
  }
  return p;
}

std::vector<double> markov_incentive_pce(const Matrix& c, const Matrix& pv) {
  const std::size_t m = c.rows();
  Matrix incentive(m, m);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      incentive(i, j) = c(i, j) * pv(i, j) + (i == j ? 1e-10 : 0.0);
    }
  }
  // challenge(i, j): probability that i challenges j when j is the favourite.
  Matrix challenge(m, m);
  for (std::size_t j = 0; j < m; ++j) {
    double total = 0.0;
    for (std::size_t k = 0; k < m; ++k) total = total + incentive(k, j);
    for (std::size_t i = 0; i < m; ++i) challenge(i, j) = incentive(i, j) / total;
  }
  Matrix ct(m, m);
  auto step = [&](const std::vector<double>& p) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < m; ++j) ct(i, j) = p[i] * challenge(j, i);
    }
    std::vector<double> q(m);
    for (std::size_t i = 0; i < m; ++i) {
      double qi = 0.0;
      for (std::size_t j = 0; j < m; ++j) qi = qi + pv(i, j) * (ct(i, j) + ct(j, i));
      q[i] = qi;
    }
    return q;
  };
  return markov_iterate(m, step, kMarkovIncentiveTolerance);
}

std::vector<double> markov_uniform_pce(const Matrix& pv) {
  const std::size_t m = pv.rows();
  auto step = [&](const std::vector<double>& p) {
    std::vector<double> q(m);
    for (std::size_t i = 0; i < m; ++i) {
      double pi = 0.0;
      for (std::size_t j = 0; j < m; ++j) pi = pi + pv(i, j) * (p[i] + p[j]);
      q[i] = pi / static_cast<double>(m);
    }
    return q;
  };
  return markov_iterate(m, step, kMarkovUniformTolerance);
}

// Into `out` (its storage reused), as PCEs are computed many times a turn.
void pce_from_coalitions(PceModel pce, VictoryModel victory, const Matrix& c,
                         std::vector<double>& out) {
  thread_local Matrix pv;  // scratch
  victory_matrix(victory, c, pv);
  switch (pce) {
    case PceModel::kConditional:
      conditional_pce(pv, out);
      return;
    case PceModel::kMarkovIncentive:
      out = markov_incentive_pce(c, pv);
      return;
    case PceModel::kMarkovUniform:
      out = markov_uniform_pce(pv);
      return;
  }
  conditional_pce(pv, out);
}

// risk_from_probability() into `r`, its storage reused.
void risk_from_probability_into(const std::vector<double>& p, RiskRange range,
                                std::vector<double>& r);

// scalar_pce() into `out`, its storage reused.
void scalar_pce_into(const std::vector<double>& w, const Matrix& u, VotingRule rule,
                     VictoryModel victory, PceModel pce, int threads, std::vector<double>& out);

double estimate_risk(double rh, double ri, RiskAdjust adjust) {
  switch (adjust) {
    case RiskAdjust::kFull:
      return ri;
    case RiskAdjust::kTwoThirds:
      return (rh + (2.0 * ri)) / 3.0;
    case RiskAdjust::kHalf:
      return (rh + ri) / 2;
    case RiskAdjust::kOneThird:
      return ((2.0 * rh) + ri) / 3.0;
    case RiskAdjust::kNone:
      return rh;
  }
  return rh;
}

// The little-conflict vote of third party k between i and j (KTAB's thirdPartyVoteSU).
inline double third_party_vote(double wk, VotingRule rule, ThirdParty commit, double pik,
                               double pjk, double uki, double ukj, double ukk) {
  double u_ik_def_j = 0;
  double u_j_def_ik = 0;
  double u_i_def_jk = 0;
  double u_jk_def_i = 0;
  // Sums of the three positions' utilities that change; the unchanged ones cancel.
  switch (commit) {
    case ThirdParty::kFullCommit:
      u_ik_def_j = uki + uki + uki;
      u_j_def_ik = ukj + ukj + ukj;
      u_i_def_jk = uki + uki + uki;
      u_jk_def_i = ukj + ukj + ukj;
      break;
    case ThirdParty::kSemiCommit:
      u_ik_def_j = uki + uki + ukk;
      u_j_def_ik = ukj + ukj + ukj;
      u_i_def_jk = uki + uki + uki;
      u_jk_def_i = ukj + ukj + ukk;
      break;
    case ThirdParty::kNoCommit:
      u_ik_def_j = uki + uki + ukk;
      u_j_def_ik = ukj + ukj + ukk;
      u_i_def_jk = uki + uki + ukk;
      u_jk_def_i = ukj + ukj + ukk;
      break;
  }
  const double u_ik_j = (pik * u_ik_def_j) + (pjk * u_j_def_ik);
  const double u_i_jk = (pik * u_i_def_jk) + (pjk * u_jk_def_i);
  return vote(rule, wk, u_ik_j, u_i_jk);
}

// Third party n's vote in the little conflict of i's challenge of j, as the estimator sees
// it: w its weight, uni its utility for i's position, d the distance from its ideal to j's
// position, r its risk attitude, unn its utility for its own position; principal_i and
// principal_j are the principals' coalitions. The utility of j's position uses a select,
// not a branch, so that loops over it vectorise: the same operations as KTAB's scalar
// loop, so the same bits.
template <VotingRule kRule, ThirdParty kCommit>
inline double little_conflict_vote(double w, double uni, double d, double r, double unn,
                                   double principal_i, double principal_j) {
  // distance_utility(d, r): for d > 1, min(d, 1) * r is exactly r.
  const double unj = (1 - d) * (1 + std::min(d, 1.0) * r);
  const double own = vote(kRule, w, uni, unj);
  // principal + own when own > 0, else principal (+ 0.0 changes no positive value).
  const double cni = principal_i + std::max(own, 0.0);
  const double cnj = principal_j - std::min(own, 0.0);
  const double pin = cni / (cni + cnj);
  const double pjn = 1.0 - pin;
  return third_party_vote(w, kRule, kCommit, pin, pjn, uni, unj, unn);
}

// The third parties' votes in i's challenge of j, as i estimates them: out[n] for every n
// (including i and j, which the caller discards), vectorised over n. The votes are summed
// afterwards, in order, as KTAB sums them.
template <VotingRule kRule, ThirdParty kCommit>
void third_party_votes(std::size_t count, const double* __restrict w, const double* __restrict uni,
                       const double* __restrict dj, const double* __restrict r,
                       const double* __restrict unn, double principal_i, double principal_j,
                       double* __restrict out) {
  for (std::size_t n = 0; n < count; ++n) {
    out[n] = little_conflict_vote<kRule, kCommit>(w[n], uni[n], dj[n], r[n], unn[n], principal_i,
                                                  principal_j);
  }
}

// All the third parties' votes in i's challenges of every target j, as i estimates them,
// added into the coalitions chij[j] and chji[j], which start as the principals' (also the
// principal_i and principal_j the votes are conditioned on). Each target's sums run over
// n in actor order, as KTAB's; n = i and n = j, the principals, are skipped. Rows over n,
// vectorised over the targets j: distance(n, j) is the distance from n's ideal to j's
// position, r, uni and unn are i's estimates of n's risk attitude and n's utilities for
// i's and n's own positions.
template <VotingRule kRule, ThirdParty kCommit>
ENTENTE_SMP_CLONES void challenge_coalitions(std::size_t count, std::size_t i, const double* w,
                                             const double* uni, const double* unn, const double* r,
                                             const Matrix& distance, const Matrix& off_diagonal,
                                             const double* __restrict principal_i,
                                             const double* __restrict principal_j,
                                             double* __restrict chij, double* __restrict chji) {
  for (std::size_t n = 0; n < count; ++n) {
    if (n == i) continue;
    const double* __restrict dn = distance.row(n);
    const double* __restrict off_n = off_diagonal.row(n);
    const double wn = w[n];
    const double u_ni = uni[n];
    const double u_nn = unn[n];
    const double rn = r[n];
    for (std::size_t j = 0; j < count; ++j) {
      // n is no third party in its own challenge: off_n[n] is 0, else 1 (a product, not a
      // branch, so the loop vectorises; a vote times 0 is ±0, which the sums ignore).
      const double v = little_conflict_vote<kRule, kCommit>(wn, u_ni, dn[j], rn, u_nn,
                                                            principal_i[j], principal_j[j]) *
                       off_n[j];
      // Adding 0.0 to a positive sum changes nothing: KTAB's branchy sum, branch-free.
      chij[j] = chij[j] + std::max(v, 0.0);
      chji[j] = chji[j] - std::min(v, 0.0);
    }
  }
}

using ThirdPartyKernel = void (*)(std::size_t, const double*, const double*, const double*,
                                  const double*, const double*, double, double, double*);
using CoalitionKernel = void (*)(std::size_t, std::size_t, const double*, const double*,
                                 const double*, const double*, const Matrix&, const Matrix&,
                                 const double*, const double*, double*, double*);

// The kernels for one voting rule and third-party commitment.
struct Kernels {
  ThirdPartyKernel votes = nullptr;
  CoalitionKernel coalitions = nullptr;
};

template <VotingRule kRule, ThirdParty kCommit>
Kernels kernels_of() {
  return {&third_party_votes<kRule, kCommit>, &challenge_coalitions<kRule, kCommit>};
}

template <VotingRule kRule>
Kernels kernels_for(ThirdParty commit) {
  switch (commit) {
    case ThirdParty::kNoCommit:
      return kernels_of<kRule, ThirdParty::kNoCommit>();
    case ThirdParty::kSemiCommit:
      return kernels_of<kRule, ThirdParty::kSemiCommit>();
    case ThirdParty::kFullCommit:
      return kernels_of<kRule, ThirdParty::kFullCommit>();
  }
  return kernels_of<kRule, ThirdParty::kSemiCommit>();
}

Kernels kernels_for(VotingRule rule, ThirdParty commit) {
  return with_rule(rule, [commit](auto r) { return kernels_for<decltype(r)::value>(commit); });
}

int interpolation_power(Interpolation how);

// What stays fixed through a run, computed once instead of every turn.
struct Constants {
  Constants(const Problem& problem, const Parameters& params) {
    const std::size_t n = problem.capability.size();
    const std::size_t d = problem.position.cols();
    total_salience.resize(n);
    salience_sq.resize(n);
    weight.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      total_salience[i] = sum(problem.salience.row(i), d);
      double ss = 0.0;
      for (std::size_t k = 0; k < d; ++k) {
        const double s = problem.salience(i, k);
        ss = ss + (s * s);
      }
      salience_sq[i] = ss;
      weight[i] = total_salience[i] * problem.capability[i];
    }
    const int power = interpolation_power(params.interpolation);
    if (power > 0) {
      salience_pow = Matrix(n, d);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < d; ++k)
          salience_pow(i, k) = std::pow(problem.salience(i, k), power);
      }
    }
    salience_t = Matrix(d, n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < d; ++k) salience_t(k, i) = problem.salience(i, k);
    }
    off_diagonal = Matrix(n, n, 1.0);
    for (std::size_t i = 0; i < n; ++i) off_diagonal(i, i) = 0.0;
    kernels = kernels_for(params.voting, params.third_party);
  }
  std::vector<double> total_salience;
  std::vector<double> salience_sq;  // sum of squared saliences, the distances' normaliser
  std::vector<double> weight;       // total salience × capability: an actor's voting weight
  Matrix salience_pow;              // s^n of an S1P1 or S2P2 interpolation
  Matrix salience_t;                // d × n, for loops over actors
  Matrix off_diagonal;              // n × n: 0 on the diagonal, else 1
  Kernels kernels;
};

// Everything one state's analysis needs, computed once per turn.
class Analysis {
 public:
  Analysis(const Problem& problem, const Parameters& params, const Constants& constants,
           const Matrix& position, const Matrix& ideal)
      : problem_(problem),
        params_(params),
        ideal_(ideal),
        total_salience_(constants.total_salience),
        salience_sq_(constants.salience_sq),
        weight_(constants.weight),
        salience_t_(constants.salience_t),
        off_diagonal_(constants.off_diagonal),
        kernels_(constants.kernels) {
    n_ = problem.capability.size();
    d_ = position.cols();
    ideal_t_.reshape(d_, n_);
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t k = 0; k < d_; ++k) ideal_t_(k, i) = ideal(i, k);
    }
    // distance_(i, j) = distance_to(i, position.row(j)), the same operations laid out over
    // positions j so that they vectorise.
    thread_local Matrix position_t;  // scratch: an analysis is made every turn
    position_t.reshape(d_, n_);
    for (std::size_t j = 0; j < n_; ++j) {
      for (std::size_t k = 0; k < d_; ++k) position_t(k, j) = position(j, k);
    }
    distance_.reshape(n_, n_);  // every entry is written below
    distance_t_.reshape(n_, n_);
    for (std::size_t i = 0; i < n_; ++i) {
      double* row = distance_.row(i);
      for (std::size_t j = 0; j < n_; ++j) row[j] = 0.0;
      for (std::size_t k = 0; k < d_; ++k) {
        const double ideal_k = ideal_(i, k);
        const double salience_k = problem.salience(i, k);
        const double* x = position_t.row(k);
        for (std::size_t j = 0; j < n_; ++j) {
          const double ds = (ideal_k - x[j]) * salience_k;
          row[j] = row[j] + (ds * ds);
        }
      }
      for (std::size_t j = 0; j < n_; ++j) {
        row[j] = std::sqrt(row[j] / salience_sq_[i]);
        distance_t_(j, i) = row[j];
      }
    }
    infer_risk();
  }

  // Salience-weighted distance from i's ideal to point x (KTAB's bvDiff).
  [[nodiscard]] double distance_to(std::size_t i, const double* x) const {
    double ds_sq = 0.0;
    for (std::size_t k = 0; k < d_; ++k) {
      const double dk = ideal_(i, k) - x[k];
      const double ds = dk * problem_.salience(i, k);
      ds_sq = ds_sq + (ds * ds);
    }
    return std::sqrt(ds_sq / salience_sq_[i]);
  }

  // h's estimate of the utility to i of j's position (KTAB's aUtil[h](i, j)).
  [[nodiscard]] double util(std::size_t h, std::size_t i, std::size_t j) const {
    return distance_utility(distance_(i, j), risk_estimate_(h, i));
  }

  // i's own utility of point x (KTAB's posUtil: i's risk attitude, i's ideal).
  [[nodiscard]] double own_util(std::size_t i, const double* x) const {
    return distance_utility(distance_to(i, x), risk_[i]);
  }

  // own_util(a, x) for every actor a into out[a]: the same operations, laid out over
  // actors so that they vectorise.
  void own_utils(const double* x, double* out) const {
    for (std::size_t a = 0; a < n_; ++a) out[a] = 0.0;
    for (std::size_t k = 0; k < d_; ++k) {
      const double xk = x[k];
      const double* ideal = ideal_t_.row(k);
      const double* salience = salience_t_.row(k);
      for (std::size_t a = 0; a < n_; ++a) {
        const double dk = ideal[a] - xk;
        const double ds = dk * salience[a];
        out[a] = out[a] + (ds * ds);
      }
    }
    for (std::size_t a = 0; a < n_; ++a) {
      const double dist = std::sqrt(out[a] / salience_sq_[a]);
      // distance_utility: for dist > 1, min(dist, 1) * r is exactly r.
      out[a] = (1 - dist) * (1 + std::min(dist, 1.0) * risk_[a]);
    }
  }

  // util(a, a, m) for every actor a into out[a], laid out over actors as own_utils.
  void own_views(std::size_t m, double* out) const {
    const double* dm = distance_t_.row(m);
    for (std::size_t a = 0; a < n_; ++a) {
      out[a] = (1 - dm[a]) * (1 + std::min(dm[a], 1.0) * own_risk_estimate_[a]);
    }
  }

  [[nodiscard]] const std::vector<double>& risk() const { return risk_; }
  [[nodiscard]] double total_salience(std::size_t i) const { return total_salience_[i]; }

  // h's estimate of the probability that i defeats j and of the change in k's utility
  // when i challenges j (KTAB's probEduChlg).
  [[nodiscard]] ChallengeEstimate challenge(std::size_t h, std::size_t k, std::size_t i,
                                            std::size_t j) const {
    return gain(j, victory(view_of(h), i, j), util(h, k, i), util(h, k, j));
  }

  // challenge(h, k1, i, j) and challenge(h, k2, i, j): one victory estimate for both.
  [[nodiscard]] std::pair<ChallengeEstimate, ChallengeEstimate> challenge_pair(
      std::size_t h, std::size_t k1, std::size_t k2, std::size_t i, std::size_t j) const {
    const auto p = victory(view_of(h), i, j);
    return {gain(j, p, util(h, k1, i), util(h, k1, j)), gain(j, p, util(h, k2, i), util(h, k2, j))};
  }

  // Expected change in k's utility from i challenging j, compared with the status quo:
  // j gives in with probability 1 - s_j, else they contest and i wins with phij.
  [[nodiscard]] ChallengeEstimate gain(std::size_t j, std::pair<double, double> p, double uki,
                                       double ukj) const {
    const auto [phij, phji] = p;
    const double eu_sq = uki + ukj;
    const double u_k_ij = uki + uki;  // j adopts i's position
    const double u_k_ji = ukj + ukj;  // i adopts j's position
    const double sj = total_salience_[j];
    const double eu_contest = phij * u_k_ij + phji * u_k_ji;
    const double eu_challenge = (1 - sj) * u_k_ij + sj * eu_contest;
    return ChallengeEstimate{phij, eu_challenge - eu_sq};
  }

  // What i expects from challenging j: the probabilities that i and j prevail, and
  // i's own gain.
  struct OwnEstimate {
    std::pair<double, double> victory;
    ChallengeEstimate estimate;  // challenge(i, i, i, j)
  };

  // i's estimate of challenging each other actor j into out[j] (out[i] untouched). The
  // victory probabilities are those of challenge(i, k, i, j) for every k, so the caller
  // reuses them for i's estimate of the effect on j.
  void own_challenges(std::size_t i, OwnEstimate* out) const {
    View& v = view_of(i);
    fill_u_ni(v, i);
    thread_local std::vector<double> principal_i;
    thread_local std::vector<double> principal_j;
    thread_local std::vector<double> chij;
    thread_local std::vector<double> chji;
    principal_i.resize(n_);
    principal_j.resize(n_);
    chij.resize(n_);
    chji.resize(n_);
    const VotingRule vr = params_.voting;
    for (std::size_t j = 0; j < n_; ++j) {
      // Column i is computed along with the others and ignored.
      double ci = 1.0;
      double cj = 1.0;
      if (j != i) {
        std::tie(ci, cj) = principals(vr, i, j, v.u_ni[i], util(i, i, j), v.u_ni[j], v.u_nn[j]);
      }
      principal_i[j] = chij[j] = ci;
      principal_j[j] = chji[j] = cj;
    }
    kernels_.coalitions(n_, i, weight_.data(), v.u_ni.data(), v.u_nn.data(), v.r.data(), distance_,
                        off_diagonal_, principal_i.data(), principal_j.data(), chij.data(),
                        chji.data());
    for (std::size_t j = 0; j < n_; ++j) {
      if (j == i) continue;
      // KTAB divides twice rather than taking 1 - p, which can differ in the last bit.
      out[j].victory = {chij[j] / (chij[j] + chji[j]), chji[j] / (chij[j] + chji[j])};
      out[j].estimate = gain(j, out[j].victory, v.u_ni[i], util(i, i, j));
    }
  }

  // Probability of each distinct position, each actor judging by its own estimates
  // (KTAB's pDist(-1)).
  [[nodiscard]] std::vector<double> unique_probability(const std::vector<int>& unique) const {
    Matrix u(n_, unique.size());
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = 0; j < unique.size(); ++j) {
        u(i, j) = util(i, i, static_cast<std::size_t>(unique[j]));
      }
    }
    return scalar_pce(problem_.capability, u, params_.voting, params_.victory, params_.pce,
                      params_.threads);
  }

 private:
  // One estimator's view of every actor n, in per-thread scratch (initiators may be
  // analysed on several threads), so that the third parties' votes vectorise.
  struct View {
    std::size_t h = 0;
    std::size_t i = 0;          // the challenger that u_ni holds
    bool has_i = false;         // whether u_ni is filled
    std::vector<double> r;      // r[n]: h's estimate of n's risk attitude
    std::vector<double> u_ni;   // u_ni[n] = util(h, n, i)
    std::vector<double> u_nn;   // u_nn[n] = util(h, n, n)
    std::vector<double> votes;  // the third parties' votes of the last victory()
  };

  [[nodiscard]] View& view_of(std::size_t h) const {
    thread_local View v;
    v.h = h;
    v.has_i = false;
    v.r.resize(n_);
    v.u_ni.resize(n_);
    v.u_nn.resize(n_);
    v.votes.resize(n_);
    for (std::size_t n = 0; n < n_; ++n) {
      v.r[n] = risk_estimate_(h, n);
      v.u_nn[n] = util(h, n, n);
    }
    return v;
  }

  void fill_u_ni(View& v, std::size_t i) const {
    if (v.has_i && v.i == i) return;
    for (std::size_t n = 0; n < n_; ++n) v.u_ni[n] = util(v.h, n, i);
    v.i = i;
    v.has_i = true;
  }

  // The principals' coalitions when i challenges j: i's and j's votes, from utilities
  // uii, uij (i's for its own and j's position) and uji, ujj (j's).
  [[nodiscard]] std::pair<double, double> principals(VotingRule vr, std::size_t i, std::size_t j,
                                                     double uii, double uij, double uji,
                                                     double ujj) const {
    const double contrib_i = vote(vr, weight_[i], uii, uij);
    const double contrib_j = vote(vr, weight_[j], uji, ujj);
    double chij = kMinChallengeCoalition;
    double chji = kMinChallengeCoalition;
    if (contrib_i > 0.0) chij = chij + contrib_i;
    if (contrib_i < 0.0) chji = chji - contrib_i;
    if (contrib_j > 0.0) chij = chij + contrib_j;
    if (contrib_j < 0.0) chji = chji - contrib_j;
    return {chij, chji};
  }

  // Probabilities that i and j prevail when i challenges j, as v.h estimates them: the
  // principals' votes, then each third party n weighing in on the little conflict of the
  // principals and itself (KTAB's probEduChlg with thirdPartyVoteSU). The coalitions are
  // summed in actor order, as KTAB sums them, so results agree with KTAB's to the bit.
  [[nodiscard]] std::pair<double, double> victory(View& v, std::size_t i, std::size_t j) const {
    fill_u_ni(v, i);
    auto [chij, chji] =
        principals(params_.voting, i, j, v.u_ni[i], util(v.h, i, j), v.u_ni[j], v.u_nn[j]);
    // dj[n] is the distance from n's ideal to j's position.
    kernels_.votes(n_, weight_.data(), v.u_ni.data(), distance_t_.row(j), v.r.data(), v.u_nn.data(),
                   chij, chji, v.votes.data());
    v.votes[i] = 0.0;  // the principals are not third parties
    v.votes[j] = 0.0;
    // Branch-free, since the signs are unpredictable; adding 0.0 leaves the (positive)
    // sums unchanged, so these are KTAB's sums to the bit.
    for (std::size_t n = 0; n < n_; ++n) {
      chij = chij + std::max(v.votes[n], 0.0);
      chji = chji - std::min(v.votes[n], 0.0);
    }
    // KTAB divides twice rather than taking 1 - p, which can differ in the last bit.
    return {chij / (chij + chji), chji / (chij + chji)};
  }

  // Risk attitudes from the risk-neutral PCE over all actors' positions (duplicates
  // included, as in KTAB), then every actor's estimate of every other's.
  void infer_risk() {
    thread_local Matrix neutral;  // scratch: risk is inferred every turn
    neutral.reshape(n_, n_);
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = 0; j < n_; ++j) neutral(i, j) = distance_utility(distance_(i, j), 0.0);
    }
    thread_local Matrix c;
    coalitions(params_.voting, problem_.capability, neutral, c, params_.threads);
    thread_local std::vector<double> p;  // scratch
    pce_from_coalitions(params_.pce, params_.victory, c, p);
    risk_from_probability_into(p, params_.risk_range, risk_);
    risk_estimate_.reshape(n_, n_);
    for (std::size_t h = 0; h < n_; ++h) {
      for (std::size_t i = 0; i < n_; ++i) {
        risk_estimate_(h, i) = estimate_risk(risk_[h], risk_[i], params_.risk_adjust);
      }
    }
    own_risk_estimate_.resize(n_);
    for (std::size_t a = 0; a < n_; ++a) own_risk_estimate_[a] = risk_estimate_(a, a);
  }

  // Where an analysis keeps its tables: reused from turn to turn on a thread (one analysis
  // at a time; a second would overwrite the first's, so it is refused), since a Monte
  // Carlo sample makes thousands of analyses and allocating them was a tenth of its time.
  struct Storage {
    bool in_use = false;
    Matrix ideal_t;
    std::vector<double> own_risk_estimate;
    Matrix distance;
    Matrix distance_t;
    std::vector<double> risk;
    Matrix risk_estimate;
  };
  static Storage& thread_storage() {
    thread_local Storage storage;
    return storage;
  }
  // Holds the thread's storage for the analysis's lifetime, released even when the
  // constructor throws (a member's destructor runs then, the class's does not).
  class Claim {
   public:
    explicit Claim(Storage& s) : storage_(s) {
      if (s.in_use) throw std::logic_error("smp: two analyses at once on one thread");
      s.in_use = true;
    }
    ~Claim() { storage_.in_use = false; }
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    Claim(Claim&&) = delete;
    Claim& operator=(Claim&&) = delete;
    [[nodiscard]] Storage& storage() const { return storage_; }

   private:
    Storage& storage_;
  };

  const Problem& problem_;
  const Parameters& params_;
  const Matrix& ideal_;
  std::size_t n_ = 0;
  std::size_t d_ = 0;
  const std::vector<double>& total_salience_;
  const std::vector<double>& salience_sq_;
  const std::vector<double>& weight_;
  const Matrix& salience_t_;  // d × n
  Claim claim_{thread_storage()};
  Storage& storage_ = claim_.storage();
  Matrix& ideal_t_ = storage_.ideal_t;                                   // d × n
  std::vector<double>& own_risk_estimate_ = storage_.own_risk_estimate;  // risk_estimate_(a, a)
  Matrix& distance_ = storage_.distance;      // distance_(i, j): from i's ideal to j's position
  Matrix& distance_t_ = storage_.distance_t;  // its transpose, for contiguous access by position
  std::vector<double>& risk_ = storage_.risk;
  Matrix& risk_estimate_ = storage_.risk_estimate;  // (h, i): h's estimate of i's risk attitude
  const Matrix& off_diagonal_;
  Kernels kernels_;
};

// KTAB's interpBrgnSnPm: per dimension, the positions weighted by s^n p^m, rounded to
// 4 decimals. Given the factors s^n (fixed through a run) and p^m (fixed per bargain).
void interpolate_snpm(double tik, double sn_ik, double pm_i, double tjk, double sn_jk, double pm_j,
                      double& bik, double& bjk) {
  const double wik = sn_ik * pm_i;
  const double wjk = sn_jk * pm_j;
  bik = round4(((wik + kMinBargainWeight) * tik + wjk * tjk) / (wik + kMinBargainWeight + wjk));
  bjk = round4((wik * tik + (kMinBargainWeight + wjk) * tjk) / (wik + kMinBargainWeight + wjk));
}

// KTAB's interpBrgnS2PMax: the less likely side moves toward the other.
void interpolate_s2pmax(double tik, double sik, double prob_i, double tjk, double sjk,
                        double prob_j, double& bik, double& bjk) {
  const double di = (prob_j > prob_i) ? (prob_j - prob_i) : 0;
  const double dj = (prob_i > prob_j) ? (prob_i - prob_j) : 0;
  const double sik2 = sik * sik;
  const double sjk2 = sjk * sjk;
  const double dik = (di * sjk2) / ((di * sjk2) + kMinBargainWeight + ((1 - di) * sik2));
  const double djk = (dj * sik2) / ((dj * sik2) + kMinBargainWeight + ((1 - dj) * sjk2));
  bik = tik + dik * (tjk - tik);
  bjk = tjk + djk * (tik - tjk);
}

// The exponents n and m of an interpolation s^n p^m (0 for S2PMax, which has none).
int interpolation_power(Interpolation how) {
  switch (how) {
    case Interpolation::kS1P1:
      return 1;
    case Interpolation::kS2P2:
      return 2;
    case Interpolation::kS2PMax:
      return 0;
  }
  return 0;
}

// Fills `b` (its storage reused); salience_pow holds s^n for the interpolation's n (see
// Constants).
void interpolate(const Problem& problem, const Matrix& salience_pow, Interpolation how, int i,
                 int j, const double* pos_i, const double* pos_j, double prob_i, double prob_j,
                 BargainKind kind, Bargain& b) {
  const std::size_t d = problem.position.cols();
  const auto ui = static_cast<std::size_t>(i);
  const auto uj = static_cast<std::size_t>(j);
  b.initiator = i;
  b.receiver = j;
  b.kind = kind;
  b.initiator_position.resize(d);
  b.receiver_position.resize(d);
  // std::pow as KTAB calls it (not p * p, which can round differently).
  const int power = interpolation_power(how);
  const double pm_i = power > 0 ? std::pow(prob_i, power) : 0.0;
  const double pm_j = power > 0 ? std::pow(prob_j, power) : 0.0;
  for (std::size_t k = 0; k < d; ++k) {
    double& bik = b.initiator_position[k];
    double& bjk = b.receiver_position[k];
    if (how == Interpolation::kS2PMax) {
      interpolate_s2pmax(pos_i[k], problem.salience(ui, k), prob_i, pos_j[k],
                         problem.salience(uj, k), prob_j, bik, bjk);
    } else {
      interpolate_snpm(pos_i[k], salience_pow(ui, k), pm_i, pos_j[k], salience_pow(uj, k), pm_j,
                       bik, bjk);
    }
    // A bargain lies between the two positions. KTAB's receiver-side bargain can leave that
    // segment, even the scale: it passes an expected gain where a probability belongs (see
    // step()), and a negative "probability" weight with S1P1 or S2PMax extrapolates. Only
    // then, beyond what rounding to 4 decimals explains, is the coordinate clamped; every
    // bargain KTAB forms sensibly is kept to the bit.
    const double lo = std::min(pos_i[k], pos_j[k]);
    const double hi = std::max(pos_i[k], pos_j[k]);
    auto keep_between = [&](double& x, double own) {
      if (!std::isfinite(x)) {
        x = own;  // a zero denominator: no bargain on this dimension
      } else if (x < lo - kRoundingSlack || x > hi + kRoundingSlack) {
        x = std::clamp(x, lo, hi);
      }
    };
    keep_between(bik, pos_i[k]);
    keep_between(bjk, pos_j[k]);
  }
}

double state_distance(const Matrix& a, const Matrix& b) {
  double total = 0.0;
  for (std::size_t i = 0; i < a.rows(); ++i) {
    double s = 0.0;
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const double x = a(i, k) - b(i, k);
      s = s + (x * x);
    }
    total = total + std::sqrt(s);
  }
  return total;
}

bool equivalent(const Matrix& position, std::size_t i, std::size_t j) {
  double s = 0.0;
  for (std::size_t k = 0; k < position.cols(); ++k) {
    const double x = position(i, k) - position(j, k);
    s = s + (x * x);
  }
  return std::sqrt(s) < kPositionTolerance;
}

void set_unique(State& st) {
  const std::size_t n = st.position.rows();
  st.unique.clear();
  st.unique_of.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    bool found = false;
    for (std::size_t u = 0; u < st.unique.size() && !found; ++u) {
      if (equivalent(st.position, i, static_cast<std::size_t>(st.unique[u]))) {
        found = true;
        st.unique_of[i] = static_cast<int>(u);
      }
    }
    if (!found) {
      st.unique.push_back(static_cast<int>(i));
      st.unique_of[i] = static_cast<int>(st.unique.size() - 1);
    }
  }
}

// The probability of each actor's position; like KTAB's posProb, an actor within the
// tolerance of several distinct positions takes the last one's.
void set_actor_probability(State& st) {
  const std::size_t n = st.position.rows();
  st.actor_probability.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t u = 0; u < st.unique.size(); ++u) {
      if (equivalent(st.position, i, static_cast<std::size_t>(st.unique[u]))) {
        st.actor_probability[i] = st.unique_probability[u];
      }
    }
  }
}

// Ideals move toward positions through the accommodation matrix; the identity (empty
// matrix) makes ideals equal positions.
Matrix new_ideals(const Problem& problem, const Matrix& old_ideal, const Matrix& position) {
  if (problem.accommodation.rows() == 0) return position;
  const std::size_t n = position.rows();
  const std::size_t d = position.cols();
  Matrix ideal(n, d);
  std::vector<double> x(d);
  for (std::size_t i = 0; i < n; ++i) {
    double si = 0.0;
    std::fill(x.begin(), x.end(), 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      const double aij = problem.accommodation(i, j);
      si = si + aij;
      for (std::size_t k = 0; k < d; ++k) x[k] = x[k] + (aij * position(j, k));
    }
    si = std::min(si, 1.0);
    const double lag = 1.0 - si;
    for (std::size_t k = 0; k < d; ++k) ideal(i, k) = x[k] + (lag * old_ideal(i, k));
  }
  return ideal;
}

std::size_t index_of_max(const std::vector<double>& p) {
  double best = -1.0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (best < std::fabs(p[i])) {
      best = std::fabs(p[i]);
      at = i;
    }
  }
  return at;
}

bool same_bits(const Matrix& a, const Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  const std::size_t size = a.rows() * a.cols() * sizeof(double);
  return size == 0 || std::memcmp(a.row(0), b.row(0), size) == 0;
}

// FNV-1a over the 64-bit words of the positions and ideals: a cheap filter before same_bits.
std::uint64_t state_fingerprint(const State& st) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const Matrix* m : {&st.position, &st.ideal}) {
    const std::size_t size = m->rows() * m->cols();
    if (size == 0) continue;
    const double* x = m->row(0);
    for (std::size_t k = 0; k < size; ++k) {
      std::uint64_t word = 0;
      std::memcpy(&word, &x[k], sizeof word);
      h ^= word;
      h *= 0x100000001b3ULL;
    }
  }
  return h;
}

// u[a] += own_view(m, a) for every actor a and every m but the two principals, m in
// order (KTAB's order): the O(n²) inner part of one bargain's utilities.
ENTENTE_SMP_CLONES void add_other_views(const Matrix& own_view, int initiator, int receiver,
                                        double* __restrict u) {
  const std::size_t n = own_view.cols();
  for (std::size_t m = 0; m < own_view.rows(); ++m) {
    if (static_cast<int>(m) == initiator || static_cast<int>(m) == receiver) continue;
    const double* __restrict v = own_view.row(m);
    for (std::size_t a = 0; a < n; ++a) u[a] = u[a] + v[a];
  }
}

// One turn from `position`: challenges, bargains, and the choice among each actor's
// bargains, recorded in `st`'s step fields (whose storage is reused: a Monte Carlo sample
// runs thousands of turns, and allocation was a tenth of their time).
void step(const Problem& problem, const Parameters& params, const Constants& constants,
          const Hooks& hooks, int turn, const Analysis& an, const Matrix& position, State& st,
          KtabPrng& rng, Matrix& next_position) {
  const std::size_t n = problem.capability.size();
  const std::size_t d = problem.position.cols();
  st.challenges.clear();
  // Bargains are counted in place, their vectors kept, and the surplus dropped at the end.
  std::size_t bargain_count = 0;
  auto new_bargain = [&]() -> Bargain& {
    if (bargain_count == st.bargains.size()) st.bargains.emplace_back();
    return st.bargains[bargain_count++];
  };
  // Per-thread scratch is bound to local references: a lambda run on a worker thread that
  // named a thread_local would see the worker's own, empty instance.
  thread_local std::vector<std::vector<int>> options_storage;
  std::vector<std::vector<int>>& options = options_storage;
  if (options.size() < n) options.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    options[i].clear();
    options[i].push_back(-1);  // the status quo
  }
  auto add_option = [&](const Bargain& b) {
    const int index = static_cast<int>(&b - st.bargains.data());
    options[static_cast<std::size_t>(b.initiator)].push_back(index);
    options[static_cast<std::size_t>(b.receiver)].push_back(index);
  };
  // Each initiator's estimates of its gain from challenging every other actor: the O(n³)
  // part of a turn, independent across initiators, so split over threads by initiator.
  thread_local std::vector<Analysis::OwnEstimate> estimates_storage;
  std::vector<Analysis::OwnEstimate>& estimates = estimates_storage;
  estimates.assign(n * n, Analysis::OwnEstimate{});
  const auto workers =
      static_cast<std::size_t>(std::max(1, std::min(params.threads, static_cast<int>(n))));
  // Interleaved, since later initiators cost the same as earlier ones.
  on_threads(workers, [&](std::size_t w) {
    for (std::size_t i = w; i < n; i += workers) an.own_challenges(i, &estimates[i * n]);
  });
  for (std::size_t i = 0; i < n; ++i) {
    // The target with the largest expected gain, if any is significant; ties keep the
    // first, as KTAB scans targets in index order.
    int best = -1;
    double best_prob = 0.0;
    double best_gain = -1.0;
    const Analysis::OwnEstimate* own = &estimates[i * n];
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const ChallengeEstimate& e = own[j].estimate;
      if (kMinSignificantGain < e.gain && best_gain < e.gain) {
        best = static_cast<int>(j);
        best_prob = e.prob;
        best_gain = e.gain;
      }
    }
    if (!(0 < best_gain) || best < 0) continue;
    const auto j = static_cast<std::size_t>(best);
    Challenge ch;
    ch.initiator = static_cast<int>(i);
    ch.target = best;
    ch.by_initiator = ChallengeEstimate{best_prob, best_gain};
    // challenge(i, j, i, j), with the victory estimate own_challenges made.
    ch.by_initiator_on_target = an.gain(j, own[j].victory, an.util(i, j, i), an.util(i, j, j));
    std::tie(ch.by_target_on_initiator, ch.by_target) = an.challenge_pair(j, i, j, i, j);
    const double* pi = position.row(i);
    const double* pj = position.row(j);
    // KTAB forms the receiver's bargain from j's estimate of i's expected *gain*, where
    // the comment says "probability" (smpbcn.cpp, pjiJ); kept so results match. Only the
    // initiator's bargain is used by the default InitOnlyInterp, so the other is skipped.
    const double pjij = ch.by_target_on_initiator.gain;
    st.challenges.push_back(ch);
    switch (params.bargain_model) {
      case BargainModel::kInitOnlyInterp: {
        Bargain& from_i = new_bargain();
        interpolate(problem, constants.salience_pow, params.interpolation, ch.initiator, best, pi,
                    pj, best_prob, 1 - best_prob, BargainKind::kInitiator, from_i);
        add_option(from_i);
        break;
      }
      case BargainModel::kInitRcvrInterp: {
        const int a = static_cast<int>(bargain_count);
        interpolate(problem, constants.salience_pow, params.interpolation, ch.initiator, best, pi,
                    pj, best_prob, 1 - best_prob, BargainKind::kInitiator, new_bargain());
        interpolate(problem, constants.salience_pow, params.interpolation, ch.initiator, best, pi,
                    pj, pjij, 1 - pjij, BargainKind::kReceiver, new_bargain());
        options[i].push_back(a);
        options[i].push_back(a + 1);
        options[j].push_back(a);
        options[j].push_back(a + 1);
        break;
      }
      case BargainModel::kPwCompInterp: {
        // Weights capability × total salience; KTAB takes the receiver's capability from
        // the initiator (brgnJIJ->actInit->sCap), kept so results match.
        const double wi = problem.capability[i] * an.total_salience(i);
        const double wj = problem.capability[i] * an.total_salience(j);
        thread_local Bargain from_i;
        thread_local Bargain from_j;
        interpolate(problem, constants.salience_pow, params.interpolation, ch.initiator, best, pi,
                    pj, best_prob, 1 - best_prob, BargainKind::kInitiator, from_i);
        interpolate(problem, constants.salience_pow, params.interpolation, ch.initiator, best, pi,
                    pj, pjij, 1 - pjij, BargainKind::kReceiver, from_j);
        Bargain& b = new_bargain();
        b.initiator = ch.initiator;
        b.receiver = best;
        b.kind = BargainKind::kCompromise;
        b.initiator_position.resize(d);
        b.receiver_position.resize(d);
        for (std::size_t k = 0; k < d; ++k) {
          b.initiator_position[k] =
              (wi * from_i.initiator_position[k] + wj * from_j.initiator_position[k]) / (wi + wj);
          b.receiver_position[k] =
              (wi * from_i.receiver_position[k] + wj * from_j.receiver_position[k]) / (wi + wj);
        }
        add_option(b);
        break;
      }
    }
  }
  st.bargains.resize(bargain_count);

  // Utility to each actor of the state each bargain would bring about: the mean over
  // actors' positions with the two principals' replaced (KTAB's brgnUtil). It does not
  // depend on whose list the bargain is in, so it is computed once.
  // Laid out by bargain, and summed over actors in parallel, each actor's sum in KTAB's
  // order (so to the bit): brgn_util(b, a) is actor a's utility for bargain b.
  const std::size_t nb = st.bargains.size();
  thread_local Matrix brgn_util_storage;
  thread_local Matrix own_view_storage;
  Matrix& brgn_util = brgn_util_storage;  // (nb + 1) × n; row nb: the status quo
  Matrix& own_view = own_view_storage;    // n × n: own_view(m, a) = util(a, a, m)
  brgn_util.reshape(nb + 1, n);
  own_view.reshape(n, n);
  for (std::size_t m = 0; m < n; ++m) an.own_views(m, own_view.row(m));
  const double count = static_cast<double>(n);
  {
    double* sq = brgn_util.row(nb);
    for (std::size_t a = 0; a < n; ++a) sq[a] = 0.0;
    for (std::size_t m = 0; m < n; ++m) {
      const double* v = own_view.row(m);
      for (std::size_t a = 0; a < n; ++a) sq[a] = sq[a] + v[a];
    }
    for (std::size_t a = 0; a < n; ++a) sq[a] = sq[a] / count;
  }
  // O(n³) with n bargains: split over threads by bargain (rows) when large.
  const std::size_t bargain_workers = workers_for(params.threads, nb);
  on_threads(bargain_workers, [&](std::size_t t) {
    thread_local std::vector<double> at_receiver;
    at_receiver.resize(n);
    for (std::size_t b = t; b < nb; b += bargain_workers) {
      const Bargain& bg = st.bargains[b];
      double* u = brgn_util.row(b);
      an.own_utils(bg.initiator_position.data(), u);
      an.own_utils(bg.receiver_position.data(), at_receiver.data());
      for (std::size_t a = 0; a < n; ++a) u[a] = (0.0 + u[a]) + at_receiver[a];
      add_other_views(own_view, bg.initiator, bg.receiver, u);
      for (std::size_t a = 0; a < n; ++a) u[a] = u[a] / count;
    }
  });

  thread_local std::vector<int> order_storage;
  std::vector<int>& order = order_storage;
  order.resize(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<int>(k);
  if (hooks.resolve_order) order = hooks.resolve_order(turn);
  // Resized, not reassigned, so that a reused record keeps its vectors; an actor a replay
  // hook leaves out keeps empty ones, as before.
  st.options.resize(n);
  st.option_probability.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    st.options[k].clear();
    st.option_probability[k].clear();
  }
  st.chosen.assign(n, 0);
  next_position = position;
  for (int kk : order) {
    const auto k = static_cast<std::size_t>(kk);
    std::vector<int>& list = st.options[k];
    list = options[k];  // copied: a replay hook need not list each actor once
    if (hooks.option_order) list = hooks.option_order(turn, kk, st.bargains, list);
    thread_local Matrix u;  // scratch
    u.reshape(n, list.size());
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t m = 0; m < list.size(); ++m) {
        u(a, m) = brgn_util(list[m] < 0 ? nb : static_cast<std::size_t>(list[m]), a);
      }
    }
    std::vector<double>& p = st.option_probability[k];
    scalar_pce_into(problem.capability, u, params.voting, params.victory, params.pce, 1, p);
    const std::size_t chosen =
        params.transition == Transition::kDeterministic ? index_of_max(p) : rng.select(p);
    const int b = list[chosen];
    st.chosen[k] = static_cast<int>(chosen);
    if (b < 0) continue;  // the status quo: k keeps its position
    const Bargain& bg = st.bargains[static_cast<std::size_t>(b)];
    const std::vector<double>& x =
        bg.initiator == kk ? bg.initiator_position : bg.receiver_position;
    for (std::size_t dim = 0; dim < d; ++dim) next_position(k, dim) = x[dim];
  }
}

}  // namespace

std::uint64_t KtabPrng::next() {
  const std::uint64_t x = engine_();
  return (x + kQ64C) * ((2 * x) + 3);
}

double KtabPrng::uniform() {
  return static_cast<double>(next()) / static_cast<double>(0xFFFFFFFFFFFFFFFFULL);
}

std::size_t KtabPrng::select(const std::vector<double>& probabilities) {
  const double p = uniform();
  double total = 0.0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    total = total + probabilities[i];
    if (p <= total) return i;
  }
  return probabilities.empty() ? 0 : probabilities.size() - 1;  // round-off
}

std::pair<double, double> victory_probability(VictoryModel model, double s1, double s2) {
  double x1 = 0;
  double x2 = 0;
  switch (model) {
    case VictoryModel::kLinear:
      x1 = s1;
      x2 = s2;
      break;
    case VictoryModel::kSquare:
      x1 = s1 * s1;
      x2 = s2 * s2;
      break;
    case VictoryModel::kQuartic:
      x1 = s1 * s1 * s1 * s1;
      x2 = s2 * s2 * s2 * s2;
      break;
    case VictoryModel::kOctic: {
      const double q1 = s1 * s1 * s1 * s1;
      const double q2 = s2 * s2 * s2 * s2;
      x1 = q1 * q1;
      x2 = q2 * q2;
      break;
    }
    case VictoryModel::kBinary: {
      // A 10% advantage wins outright; linear in between, to avoid round-off effects.
      const double thresh = 1.10;
      const double min_x = 1e-6;
      if (s1 >= thresh * s2) {
        x1 = 1.0;
        x2 = min_x;
      } else if (s2 >= thresh * s1) {
        x1 = min_x;
        x2 = 1.0;
      } else {
        const double r12 = s1 / (s1 + s2);
        const double p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0);
        x1 = p12;
        x2 = 1 - p12;
      }
      break;
    }
  }
  return {x1 / (x1 + x2), x2 / (x1 + x2)};
}

namespace {

void scalar_pce_into(const std::vector<double>& w, const Matrix& u, VotingRule rule,
                     VictoryModel victory, PceModel pce, int threads, std::vector<double>& out) {
  thread_local Matrix c;  // scratch, as PCEs are computed many times a turn
  coalitions(rule, w, u, c, threads);
  pce_from_coalitions(pce, victory, c, out);
}

}  // namespace

std::vector<double> scalar_pce(const std::vector<double>& w, const Matrix& u, VotingRule rule,
                               VictoryModel victory, PceModel pce, int threads) {
  std::vector<double> out;
  scalar_pce_into(w, u, rule, victory, pce, threads, out);
  return out;
}

double distance_utility(double d, double r) {
  if (d <= 1) return (1 - d) * (1 + d * r);
  return (1 - d) * (1 + r);  // round-off can push a distance just past 1
}

std::vector<double> risk_from_probability(const std::vector<double>& p, RiskRange range) {
  std::vector<double> r;
  risk_from_probability_into(p, range, r);
  return r;
}

namespace {

void risk_from_probability_into(const std::vector<double>& p, RiskRange range,
                                std::vector<double>& r) {
  double p_min = 1.0;
  double p_max = 0.0;
  for (double x : p) {
    p_min = (x < p_min) ? x : p_min;
    p_max = (x > p_max) ? x : p_max;
  }
  r.assign(p.size(), 0.0);
  // All positions equally likely (e.g. all actors at one point): nothing to infer, so
  // everyone is risk-neutral; KTAB would divide by zero here.
  if (!(p_max > p_min)) return;
  for (std::size_t i = 0; i < p.size(); ++i) {
    switch (range) {
      case RiskRange::kMin:
        r[i] = (p[i] - p_min) / (p_max - p_min);
        break;
      case RiskRange::kMid:
        r[i] = (3 * p[i] - (p_max + 2 * p_min)) / (2 * (p_max - p_min));
        break;
      case RiskRange::kMax:
        r[i] = (2 * p[i] - (p_max + p_min)) / (p_max - p_min);
        break;
    }
  }
}

}  // namespace

std::string check_problem(const Problem& problem) {
  const std::size_t n = problem.capability.size();
  if (n < 2) return "needs at least 2 actors, got " + std::to_string(n);
  if (problem.position.rows() != n || problem.salience.rows() != n) {
    return "position and salience need one row per actor";
  }
  const std::size_t d = problem.position.cols();
  if (d == 0 || problem.salience.cols() != d) return "needs at least one dimension";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string who = "actor " + std::to_string(i);
    if (!(problem.capability[i] > 0) || !std::isfinite(problem.capability[i])) {
      return who + " has capability " + std::to_string(problem.capability[i]) +
             "; expected a finite number > 0";
    }
    double total = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      const double x = problem.position(i, k);
      const double s = problem.salience(i, k);
      if (!(x >= 0 && x <= 1)) return who + " has a position outside [0, 1]";
      if (!(s >= 0 && s <= 1)) return who + " has a salience outside [0, 1]";
      total += s;
    }
    if (!(total > 0)) return who + " has no salience on any dimension";
    if (total > 1 + 1e-9) return who + " has saliences summing to more than 1";
  }
  const Matrix& a = problem.accommodation;
  if (a.rows() != 0) {
    if (a.rows() != n || a.cols() != n) return "accommodation must be n × n";
    for (std::size_t i = 0; i < n; ++i) {
      double total = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        if (!(a(i, j) >= 0 && a(i, j) <= 1)) return "accommodation entries must be in [0, 1]";
        total += a(i, j);
      }
      if (total > 1 + 1e-10) return "accommodation rows must sum to at most 1";
    }
  }
  return "";
}

Trajectory run(const Problem& problem, const Parameters& params, const Hooks& hooks) {
  if (const std::string why = check_problem(problem); !why.empty()) {
    throw std::invalid_argument("smp: " + why);
  }
  if (params.min_turns < 1 || params.max_turns < params.min_turns) {
    throw std::invalid_argument("smp: turns must satisfy 1 <= min_turns <= max_turns");
  }
  KtabPrng rng(params.seed);
  const Constants constants(problem, params);
  Trajectory out;
  State s0;
  s0.position = problem.position;
  s0.ideal = problem.position;
  out.states.push_back(std::move(s0));
  // With deterministic choices and no replay hooks, a turn is a function of the positions
  // and ideals alone. Runs that never settle (about one sample in ten of a korea-2003
  // sweep runs all 100 turns) return to an earlier state exactly, since bargains are
  // rounded to 4 decimals; a repeated state's analysis and step are then copied instead
  // of recomputed, which changes no number (bitwise comparison, so even -0.0 is kept).
  const bool memoryless = params.transition == Transition::kDeterministic && !hooks.option_order &&
                          !hooks.resolve_order;
  std::vector<std::uint64_t> fingerprint;
  auto seen_before = [&](std::size_t now) -> std::optional<std::size_t> {
    if (!memoryless) return std::nullopt;
    const State& st = out.states[now];
    const std::uint64_t h = state_fingerprint(st);
    fingerprint.resize(now + 1);
    fingerprint[now] = h;
    for (std::size_t p = 0; p < now; ++p) {
      if (fingerprint[p] == h && same_bits(out.states[p].position, st.position) &&
          same_bits(out.states[p].ideal, st.ideal)) {
        return p;
      }
    }
    return std::nullopt;
  };
  double first_change = 0.0;
  for (int turn = 0;; ++turn) {
    if (hooks.before_turn) hooks.before_turn(turn);
    const std::size_t now = out.states.size() - 1;
    State& st = out.states.back();
    Matrix next_position;
    if (const auto p = seen_before(now)) {
      st = out.states[*p];
      next_position = out.states[*p + 1].position;
    } else {
      const Analysis an(problem, params, constants, st.position, st.ideal);
      st.risk = an.risk();
      if (params.record_probabilities) {
        set_unique(st);
        st.unique_probability = an.unique_probability(st.unique);
        set_actor_probability(st);
      }
      // Reused by the turns of every run on this thread that keeps no step records.
      thread_local State scratch;
      step(problem, params, constants, hooks, turn, an, st.position,
           params.keep_steps ? st : scratch, rng, next_position);
    }
    State next;
    next.ideal = new_ideals(problem, st.ideal, next_position);
    next.position = std::move(next_position);
    const double change = state_distance(next.position, out.states.back().position);
    out.states.push_back(std::move(next));
    const int iter = turn + 1;
    if (iter == 1) first_change = change + kMinSignificantDelta;
    const double ratio = change / first_change;
    out.change_ratio.push_back(ratio);
    if (params.max_turns <= iter) {
      out.stop_reason = "reached the maximum of " + std::to_string(params.max_turns) + " turns";
      break;
    }
    if (params.min_turns <= iter && ratio < kStopRatio) {
      out.stop_reason = "the last step moved positions by less than 2% of the first step";
      break;
    }
  }
  // The last state is analysed too, for its probabilities (its step stays empty).
  State& last = out.states.back();
  set_unique(last);
  const Analysis an(problem, params, constants, last.position, last.ideal);
  last.risk = an.risk();
  last.unique_probability = an.unique_probability(last.unique);
  set_actor_probability(last);
  return out;
}

}  // namespace entente::smp
