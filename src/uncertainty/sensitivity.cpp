#include "entente/sensitivity.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace entente {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// SplitMix64 (Steele, Lea & Flood 2014): turns (seed, stream) into well-separated seeds
// so that the design and each output's bootstrap draw from independent streams, and one
// output's resamples do not depend on how many rows another output dropped.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The draws below use the engine's raw 64-bit output rather than the <random>
// distributions, whose algorithms the standard leaves to the library: a seed then gives
// the same design with libstdc++ and libc++. The modulo bias of `below` is at most
// n / 2^64, far below anything an estimate could show.
std::size_t below(std::mt19937_64& rng, std::size_t n) { return rng() % n; }

// Uniform on (0, 1), never 0 or 1: the midpoint of one of 2^53 equal cells.
double open_unit(std::mt19937_64& rng) {
  return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
}

void check_problem(const SensitivityProblem& problem, int threads) {
  if (problem.inputs.empty()) throw std::invalid_argument("sensitivity: no inputs");
  if (problem.outputs.empty()) throw std::invalid_argument("sensitivity: no outputs");
  if (!problem.model) throw std::invalid_argument("sensitivity: no model");
  for (const auto& in : problem.inputs) {
    if (!in.quantile) {
      throw std::invalid_argument("sensitivity: input '" + in.name + "' has no quantile function");
    }
  }
  if (threads < 1) throw std::invalid_argument("sensitivity: threads must be >= 1");
}

// Evaluates the model on `rows` points, point r given in u-space by fill(r, u). Returns
// the outputs row-major: rows × problem.outputs.size().
std::vector<double> evaluate(const SensitivityProblem& problem, std::size_t rows, int threads,
                             const std::function<void(std::size_t, std::vector<double>&)>& fill) {
  const std::size_t k = problem.inputs.size();
  const std::size_t m = problem.outputs.size();
  std::vector<double> y(rows * m);
  parallel::parallel_for(rows, static_cast<std::size_t>(threads), [&](std::size_t r) {
    std::vector<double> x(k);
    fill(r, x);
    for (std::size_t i = 0; i < k; ++i) x[i] = problem.inputs[i].quantile(x[i]);
    const std::vector<double> out = problem.model(x);
    if (out.size() != m) {
      throw std::invalid_argument("sensitivity: the model returned " + std::to_string(out.size()) +
                                  " outputs, expected " + std::to_string(m));
    }
    std::copy(out.begin(), out.end(), y.begin() + static_cast<std::ptrdiff_t>(r * m));
  });
  return y;
}

// Input indices by decreasing key; NaN keys last; ties keep input order.
std::vector<std::size_t> rank_by(const std::vector<double>& key) {
  std::vector<std::size_t> order(key.size());
  std::iota(order.begin(), order.end(), 0);
  auto value = [&](std::size_t i) {
    return std::isnan(key[i]) ? -std::numeric_limits<double>::infinity() : key[i];
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return value(a) > value(b); });
  return order;
}

// Type-7 (linear interpolation) sample quantile of sorted values.
double sorted_quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

MorrisResult morris(const SensitivityProblem& problem, const MorrisOptions& options) {
  check_problem(problem, options.threads);
  if (options.trajectories < 2) throw std::invalid_argument("morris: trajectories must be >= 2");
  if (options.levels < 2 || options.levels % 2 != 0) {
    throw std::invalid_argument("morris: levels must be even and >= 2");
  }
  const std::size_t k = problem.inputs.size();
  const std::size_t m = problem.outputs.size();
  const auto r = static_cast<std::size_t>(options.trajectories);
  const auto p = static_cast<std::size_t>(options.levels);
  const std::size_t jump = p / 2;  // Morris's Δ = p / (2 (p - 1)) on his grid is p/2 levels
  const double delta = static_cast<double>(jump) / static_cast<double>(p);

  // The design, drawn serially: trajectory t has k + 1 points; step j moves input
  // order[t][j - 1] by ±jump levels. Level l is the u-space midpoint (l + 1/2) / p.
  std::vector<std::size_t> level(r * (k + 1) * k);
  std::vector<std::size_t> moved(r * k);
  std::vector<double> step(r * k);  // the signed u-space change of the moved input
  std::mt19937_64 rng(stream_seed(options.seed, 0));
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<std::size_t> start(k);
    std::vector<int> up(k);
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t low = below(rng, p - jump);
      up[i] = (rng() & 1U) != 0 ? 1 : 0;
      start[i] = up[i] != 0 ? low : low + jump;
    }
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t j = k; j > 1; --j) std::swap(order[j - 1], order[below(rng, j)]);
    std::vector<std::size_t> current = start;
    for (std::size_t j = 0; j <= k; ++j) {
      if (j > 0) {
        const std::size_t i = order[j - 1];
        current[i] = up[i] != 0 ? current[i] + jump : current[i] - jump;
        moved[t * k + j - 1] = i;
        step[t * k + j - 1] = up[i] != 0 ? delta : -delta;
      }
      std::copy(current.begin(), current.end(),
                level.begin() + static_cast<std::ptrdiff_t>((t * (k + 1) + j) * k));
    }
  }

  const std::size_t rows = r * (k + 1);
  const std::vector<double> y =
      evaluate(problem, rows, options.threads, [&](std::size_t row, std::vector<double>& u) {
        for (std::size_t i = 0; i < k; ++i) {
          u[i] = (static_cast<double>(level[row * k + i]) + 0.5) / static_cast<double>(p);
        }
      });

  MorrisResult result;
  result.options = options;
  result.delta = delta;
  result.evaluations = rows;
  for (std::size_t o = 0; o < m; ++o) {
    MorrisOutput out;
    out.name = problem.outputs[o];
    std::vector<std::vector<double>> effects(k);
    for (std::size_t t = 0; t < r; ++t) {
      for (std::size_t j = 1; j <= k; ++j) {
        const double before = y[(t * (k + 1) + j - 1) * m + o];
        const double after = y[(t * (k + 1) + j) * m + o];
        if (!std::isfinite(before) || !std::isfinite(after)) continue;
        effects[moved[t * k + j - 1]].push_back((after - before) / step[t * k + j - 1]);
      }
    }
    std::vector<double> mu_star(k);
    for (std::size_t i = 0; i < k; ++i) {
      MorrisEffect e;
      const auto& ee = effects[i];
      e.effects_used = static_cast<int>(ee.size());
      if (ee.empty()) {
        e.mu = e.mu_star = e.sigma = kNaN;
      } else {
        const double n = static_cast<double>(ee.size());
        double sum = 0;
        double sum_abs = 0;
        for (double v : ee) {
          sum += v;
          sum_abs += std::abs(v);
        }
        e.mu = sum / n;
        e.mu_star = sum_abs / n;
        double ss = 0;
        for (double v : ee) ss += (v - e.mu) * (v - e.mu);
        e.sigma = ee.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
      }
      mu_star[i] = e.mu_star;
      out.effects.push_back(e);
    }
    out.ranking = rank_by(mu_star);
    for (std::size_t pos = 0; pos < k; ++pos) {
      out.effects[out.ranking[pos]].rank = static_cast<int>(pos + 1);
    }
    result.outputs.push_back(std::move(out));
  }
  return result;
}

namespace {

// The estimates on one set of base rows (the rows used, or a bootstrap resample of them).
// fa, fb: f(A), f(B) per row; fab[i]: f(A_B^(i)) per row; rows: which rows, with repeats.
struct SobolEstimate {
  double mean = 0;
  double variance = 0;
  std::vector<double> first;
  std::vector<double> total;
};

SobolEstimate estimate(const std::vector<double>& fa, const std::vector<double>& fb,
                       const std::vector<std::vector<double>>& fab,
                       const std::vector<std::size_t>& rows) {
  const std::size_t k = fab.size();
  const double n = static_cast<double>(rows.size());
  SobolEstimate e;
  e.first.assign(k, 0.0);
  e.total.assign(k, 0.0);
  double sum = 0;
  for (std::size_t r : rows) sum += fa[r] + fb[r];
  e.mean = sum / (2 * n);
  double ss = 0;
  for (std::size_t r : rows) {
    ss += (fa[r] - e.mean) * (fa[r] - e.mean) + (fb[r] - e.mean) * (fb[r] - e.mean);
  }
  e.variance = ss / (2 * n);
  if (!(e.variance > 0)) return e;  // a constant output: nothing drives it
  for (std::size_t i = 0; i < k; ++i) {
    double s_first = 0;
    double s_total = 0;
    for (std::size_t r : rows) {
      const double d = fab[i][r] - fa[r];
      // Centring f(B) leaves the expectation unchanged (E[f(A_B^i) - f(A)] = 0) and stops
      // the output's offset (a position near 50 on a 0–100 scale) inflating the variance.
      s_first += (fb[r] - e.mean) * d;
      s_total += d * d;
    }
    e.first[i] = s_first / n / e.variance;
    e.total[i] = s_total / n / (2 * e.variance);
  }
  return e;
}

}  // namespace

SobolResult sobol(const SensitivityProblem& problem, const SobolOptions& options) {
  check_problem(problem, options.threads);
  if (options.samples < 2) throw std::invalid_argument("sobol: samples must be >= 2");
  if (options.bootstrap < 0) throw std::invalid_argument("sobol: bootstrap must be >= 0");
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw std::invalid_argument("sobol: confidence must lie in (0, 1)");
  }
  const std::size_t k = problem.inputs.size();
  const std::size_t m = problem.outputs.size();
  const std::size_t n = options.samples;

  // Base matrices A and B (n × k each, u-space), drawn serially.
  std::vector<double> a(n * k);
  std::vector<double> b(n * k);
  std::mt19937_64 rng(stream_seed(options.seed, 0));
  if (options.sampling == SobolSampling::kQuasiRandom) {
    if (2 * k > BOOST_RANDOM_SOBOL_MAX_DIMENSION) {
      throw std::invalid_argument("sobol: quasi-random sampling supports at most " +
                                  std::to_string(BOOST_RANDOM_SOBOL_MAX_DIMENSION / 2) +
                                  " inputs; use pseudo-random sampling");
    }
    // A random digital shift (XOR of each coordinate's bits with a seeded word) keeps the
    // sequence's net structure, so the design stays low-discrepancy, while making the
    // estimate depend on the seed like a Monte Carlo one and moving the all-zero first
    // point away from u = 0. The +1/2 takes the midpoint of the point's 2^-32 cell.
    boost::random::sobol_engine<std::uint32_t, 32> qrng(2 * k);
    std::vector<std::uint32_t> shift(2 * k);
    for (auto& s : shift) s = static_cast<std::uint32_t>(rng() >> 32);
    for (std::size_t row = 0; row < n; ++row) {
      for (std::size_t d = 0; d < 2 * k; ++d) {
        const double u = (static_cast<double>(qrng() ^ shift[d]) + 0.5) * 0x1.0p-32;
        (d < k ? a[row * k + d] : b[row * k + d - k]) = u;
      }
    }
  } else {
    for (std::size_t row = 0; row < n; ++row) {
      for (std::size_t i = 0; i < k; ++i) a[row * k + i] = open_unit(rng);
      for (std::size_t i = 0; i < k; ++i) b[row * k + i] = open_unit(rng);
    }
  }

  // Row base * (k + 2) + 0 is A, + 1 is B, + 2 + i is A with column i from B.
  const std::size_t per = k + 2;
  const std::vector<double> y =
      evaluate(problem, n * per, options.threads, [&](std::size_t row, std::vector<double>& u) {
        const std::size_t base = row / per;
        const std::size_t which = row % per;
        const double* src = which == 1 ? &b[base * k] : &a[base * k];
        std::copy(src, src + k, u.begin());
        if (which >= 2) u[which - 2] = b[base * k + which - 2];
      });

  SobolResult result;
  result.options = options;
  result.evaluations = n * per;
  result.outputs.resize(m);

  // Per output: the rows where all k + 2 evaluations answered, and the point estimates.
  struct Rows {
    std::vector<double> fa;
    std::vector<double> fb;
    std::vector<std::vector<double>> fab;
    std::vector<std::size_t> used;
  };
  std::vector<Rows> rows(m);
  parallel::parallel_for(m, static_cast<std::size_t>(options.threads), [&](std::size_t o) {
    Rows& d = rows[o];
    d.fa.resize(n);
    d.fb.resize(n);
    d.fab.assign(k, std::vector<double>(n));
    for (std::size_t base = 0; base < n; ++base) {
      bool ok = true;
      for (std::size_t w = 0; w < per; ++w) ok = ok && std::isfinite(y[(base * per + w) * m + o]);
      if (!ok) continue;
      d.used.push_back(base);
      d.fa[base] = y[(base * per) * m + o];
      d.fb[base] = y[(base * per + 1) * m + o];
      for (std::size_t i = 0; i < k; ++i) d.fab[i][base] = y[(base * per + 2 + i) * m + o];
    }
    SobolOutput& out = result.outputs[o];
    out.name = problem.outputs[o];
    out.rows_used = d.used.size();
    out.indices.assign(k, SobolIndex{});
    if (d.used.empty()) {
      out.mean = out.variance = kNaN;
      for (auto& idx : out.indices) idx.first = idx.total = kNaN;
      return;
    }
    const SobolEstimate est = estimate(d.fa, d.fb, d.fab, d.used);
    out.mean = est.mean;
    out.variance = est.variance;
    for (std::size_t i = 0; i < k; ++i) {
      out.indices[i].first = est.first[i];
      out.indices[i].total = est.total[i];
    }
  });

  // The bootstrap: every (output, resample) pair draws from its own stream, so the
  // resamples can run on any thread and a single output still uses all of them.
  const auto reps = static_cast<std::size_t>(options.bootstrap);
  std::vector<double> boot_first(m * reps * k);
  std::vector<double> boot_total(m * reps * k);
  parallel::parallel_for(
      m * reps, static_cast<std::size_t>(options.threads), [&](std::size_t task) {
        const std::size_t o = task / reps;
        const std::size_t rep = task % reps;
        const Rows& d = rows[o];
        if (d.used.empty()) return;
        std::mt19937_64 rng_rep(stream_seed(stream_seed(options.seed, 1 + o), rep));
        std::vector<std::size_t> resample(d.used.size());
        for (auto& r : resample) r = d.used[below(rng_rep, d.used.size())];
        const SobolEstimate e = estimate(d.fa, d.fb, d.fab, resample);
        std::copy(e.first.begin(), e.first.end(),
                  boot_first.begin() + static_cast<std::ptrdiff_t>(task * k));
        std::copy(e.total.begin(), e.total.end(),
                  boot_total.begin() + static_cast<std::ptrdiff_t>(task * k));
      });

  const double alpha = 1 - options.confidence;
  parallel::parallel_for(m, static_cast<std::size_t>(options.threads), [&](std::size_t o) {
    SobolOutput& out = result.outputs[o];
    for (std::size_t i = 0; i < k; ++i) {
      auto& idx = out.indices[i];
      if (reps == 0 || rows[o].used.empty()) {
        idx.first_ci = idx.total_ci = Interval{kNaN, kNaN};
        continue;
      }
      std::vector<double> first(reps);
      std::vector<double> total(reps);
      for (std::size_t rep = 0; rep < reps; ++rep) {
        first[rep] = boot_first[(o * reps + rep) * k + i];
        total[rep] = boot_total[(o * reps + rep) * k + i];
      }
      std::sort(first.begin(), first.end());
      std::sort(total.begin(), total.end());
      idx.first_ci = {sorted_quantile(first, alpha / 2), sorted_quantile(first, 1 - alpha / 2)};
      idx.total_ci = {sorted_quantile(total, alpha / 2), sorted_quantile(total, 1 - alpha / 2)};
    }
    std::vector<double> totals(k);
    for (std::size_t i = 0; i < k; ++i) totals[i] = out.indices[i].total;
    out.ranking = rank_by(totals);
    for (std::size_t pos = 0; pos < k; ++pos) {
      out.indices[out.ranking[pos]].rank = static_cast<int>(pos + 1);
    }
  });
  return result;
}

}  // namespace entente
