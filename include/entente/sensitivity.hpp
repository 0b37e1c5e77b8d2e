// Global sensitivity analysis: which inputs of a model drive each of its outputs.
//
// Pure computation: the caller supplies the inputs (each as an inverse CDF), the output
// names and the model as a function; nothing here knows about scenarios or does I/O.
// Methods, estimators and their sources are in docs/sensitivity.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace entente {

// One uncertain input. `quantile` maps u in (0, 1) to the input's value (its inverse
// CDF); the methods below never pass 0 or 1, so unbounded distributions are safe.
struct SensitivityInput {
  std::string name;
  std::function<double(double u)> quantile;
};

// The model: input values in the order of SensitivityProblem::inputs → one value per
// output, in the order of SensitivityProblem::outputs. An output may be NaN (or ±inf)
// when the model gives no answer for that sample; the analyses then drop that sample for
// that output only and report how many they used. With threads > 1 the function is called
// concurrently and must be safe to call so (a pure function is).
using SensitivityModel = std::function<std::vector<double>(const std::vector<double>& x)>;

struct SensitivityProblem {
  std::vector<SensitivityInput> inputs;
  std::vector<std::string> outputs;
  SensitivityModel model;
};

// --- Morris elementary effects -------------------------------------------------------

struct MorrisOptions {
  int trajectories = 20;  // r
  int levels = 4;         // p: even, >= 2
  std::uint64_t seed = 0;
  int threads = 1;  // model evaluations in parallel; results do not depend on it
};

struct MorrisEffect {
  // Elementary effects are measured on the unit hypercube (change of output per change
  // of the input's CDF value), so they compare across inputs of different units.
  double mu = 0;         // mean elementary effect
  double mu_star = 0;    // mean absolute elementary effect (Campolongo et al. 2007)
  double sigma = 0;      // standard deviation of the elementary effects (divisor n - 1)
  int effects_used = 0;  // trajectories whose two evaluations both gave this output
  int rank = 0;          // 1 = largest mu_star for this output
};

struct MorrisOutput {
  std::string name;
  std::vector<MorrisEffect> effects;  // one per input, in input order
  std::vector<std::size_t> ranking;   // input indices by decreasing mu_star
};

struct MorrisResult {
  MorrisOptions options;
  double delta = 0;                   // the step on the unit hypercube (0.5, see the docs)
  std::size_t evaluations = 0;        // r (k + 1)
  std::vector<MorrisOutput> outputs;  // in problem output order
};

// Morris screening: `trajectories` one-at-a-time trajectories on a `levels`-level grid
// whose levels are the midpoints of `levels` equiprobable cells of each input's
// distribution (u = (l + 1/2) / p, so never 0 or 1), each step moving one input by p/2
// levels (Δ = 1/2 in u). Costs r (k + 1) model evaluations. Deterministic for a seed and
// independent of options.threads. Throws std::invalid_argument on an empty problem,
// r < 2, an odd or < 2 p, threads < 1, or a model returning the wrong number of outputs;
// rethrows the model's own exception (from the lowest failing row seen).
[[nodiscard]] MorrisResult morris(const SensitivityProblem& problem,
                                  const MorrisOptions& options = {});

// --- Sobol indices with Saltelli sampling ---------------------------------------------

enum class SobolSampling {
  // A and B are the two halves of a 2k-dimensional Sobol sequence (Joe–Kuo direction
  // numbers, from Boost.Random) with a random digital shift drawn from the seed; k <= 1833.
  kQuasiRandom,
  // A and B are independent uniform draws from std::mt19937_64.
  kPseudoRandom,
};

struct SobolOptions {
  std::size_t samples = 1024;  // N, the base sample size; a power of two suits kQuasiRandom
  std::uint64_t seed = 0;
  SobolSampling sampling = SobolSampling::kQuasiRandom;
  int bootstrap = 500;       // resamples for the confidence intervals; 0: NaN intervals
  double confidence = 0.95;  // level of the percentile bootstrap intervals
  int threads = 1;           // model evaluations and bootstrap; results do not depend on it
};

struct Interval {
  double lo = 0;
  double hi = 0;
};

struct SobolIndex {
  double first = 0;  // S_i, Saltelli et al. 2010 (Sobol 2007 form)
  double total = 0;  // ST_i, Jansen 1999
  Interval first_ci;
  Interval total_ci;
  int rank = 0;  // 1 = largest total index for this output
};

struct SobolOutput {
  std::string name;
  std::size_t rows_used = 0;         // base rows whose k + 2 evaluations all gave this output
  double mean = 0;                   // of the output over A and B
  double variance = 0;               // V, over A and B (divisor 2 N); indices are 0 when V = 0
  std::vector<SobolIndex> indices;   // one per input, in input order
  std::vector<std::size_t> ranking;  // input indices by decreasing total index
};

struct SobolResult {
  SobolOptions options;
  std::size_t evaluations = 0;  // N (k + 2)
  std::vector<SobolOutput> outputs;
};

// First-order and total Sobol indices of every input for every output, estimated from
// N (k + 2) model evaluations on Saltelli's A, B and A_B^(i) matrices (Saltelli et al.
// 2010), with percentile bootstrap intervals over the N base rows. An output with no
// usable row has NaN indices and intervals. Deterministic for a seed and independent of
// options.threads. Throws std::invalid_argument on an empty problem, N < 2, bootstrap < 0,
// confidence outside (0, 1), threads < 1, too many inputs for kQuasiRandom, or a model
// returning the wrong number of outputs; rethrows the model's own exception.
[[nodiscard]] SobolResult sobol(const SensitivityProblem& problem,
                                const SobolOptions& options = {});

}  // namespace entente
