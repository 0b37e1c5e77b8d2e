// Monte Carlo sweeps: run a plan's models on many draws of a scenario's uncertain numbers and
// summarise every output (mean, spread, quantiles, histogram) without keeping the draws.
//
// Reproducibility: sample i is drawn from its own generator, seeded with
// sample_seed(seed, i), so any sample can be drawn alone, by any thread or MPI rank, and
// give the same numbers. Samples are grouped in fixed blocks; a block's statistics are
// accumulated in sample order and blocks are merged in block order, so a summary is the
// same to the bit whatever the number of threads or ranks.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/model.hpp"
#include "entente/runner.hpp"
#include "entente/scenario.hpp"

namespace entente {

// The seed of sample `index` of a sweep seeded with `seed` (SplitMix64 over both; distinct
// indices give unrelated streams).
std::uint64_t sample_seed(std::uint64_t seed, std::uint64_t index);

// A copy of `base` with every uncertain number replaced by one draw, in the order
// Scenario::for_each_quantity visits them, from an mt19937_64 seeded with `seed`. Numbers
// without a distribution keep their value.
Scenario draw_sample(const Scenario& base, std::uint64_t seed);

// The field paths of every uncertain number of `scenario`, in draw order. A sweep draws
// sample i as draw_sample(base.at(at), sample_seed(seed, i)): events are applied first, so
// an event that sets a number replaces its distribution.
std::vector<std::string> uncertain_paths(const Scenario& scenario);

// One summarised output of a sweep.
struct SweepOutput {
  std::string id;      // "<issue>/<model>" for forecasts, "<model>/<name>" otherwise
  std::string model;   // model name
  std::string issue;   // issue id for forecasts, "" for scenario outputs
  std::string metric;  // "forecast" or the model's output name
  double lo = 0.0;     // range of the histogram (the issue scale, or the output's range)
  double hi = 1.0;
};

// Streaming statistics of one output: moments by Welford's method (merged with Chan et
// al.'s formula) and a fine histogram over [lo, hi] from which quantiles are read.
struct OutputStats {
  // Quantiles are read off this many equal bins, interpolating linearly between the
  // smallest and largest value seen in a bin: their error is at most (hi − lo) / kFineBins
  // (0.1 on a 0–100 scale), and a value many samples share (a point mass, common when a
  // model's answer does not move) comes out exactly.
  static constexpr std::size_t kFineBins = 1000;

  std::uint64_t n = 0;        // samples with a value
  std::uint64_t missing = 0;  // samples where the model gave none
  double mean = 0.0;
  double m2 = 0.0;  // sum of squared deviations from the mean
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::vector<std::uint64_t> bins;  // kFineBins counts, or empty while n == 0
  std::vector<double> bin_min;      // smallest value seen in each bin
  std::vector<double> bin_max;      // largest value seen in each bin

  // Adds one value; values outside [lo, hi] count in the end bins.
  void add(double x, double lo, double hi);
  // Merges statistics of later samples (order matters only in the last bits of mean/m2).
  void merge(const OutputStats& later);
  [[nodiscard]] double sd() const;  // sample standard deviation (n − 1); 0 when n < 2
  // The q-quantile (0 ≤ q ≤ 1) from the histogram; NaN when n == 0.
  [[nodiscard]] double quantile(double q) const;
  // `count` equal bins over [lo, hi], summed from the fine bins (count divides kFineBins).
  [[nodiscard]] std::vector<std::uint64_t> histogram(std::size_t count) const;

  [[nodiscard]] nlohmann::json to_json() const;  // exact (lossless) serialisation
  static OutputStats from_json(const nlohmann::json& j);
};

// Statistics of a contiguous run of blocks, for every output, plus failed samples.
struct SweepStats {
  std::uint64_t first_block = 0;
  std::uint64_t blocks = 0;    // number of blocks merged
  std::uint64_t samples = 0;   // samples run
  std::uint64_t failures = 0;  // samples where a model threw
  std::string first_failure;   // its message, for the report
  std::vector<OutputStats> outputs;

  // Appends the next block (must start at first_block + blocks). Throws std::logic_error
  // otherwise.
  void append(const SweepStats& next);
  [[nodiscard]] nlohmann::json to_json() const;
  static SweepStats from_json(const nlohmann::json& j);
};

// Receives the values of kept samples: sample index and one value per output (NaN when
// missing). Called from worker threads, one block at a time, in any block order.
using SampleSink =
    std::function<void(std::uint64_t first_sample, const std::vector<std::vector<double>>& values)>;

// A configured sweep: the base scenario, the models and the sample layout. Immutable after
// construction; run_block may be called concurrently.
class Sweep {
 public:
  static constexpr std::uint64_t kDefaultBlockSize = 256;

  // Runs the plan once on the nominal scenario to learn the outputs. Throws
  // std::invalid_argument when `samples` is 0 or the block size is 0; model failures on the
  // nominal scenario propagate.
  Sweep(const Scenario& base, RunPlan plan, std::uint64_t seed, std::uint64_t samples,
        std::uint64_t block_size = kDefaultBlockSize);

  [[nodiscard]] const std::vector<SweepOutput>& outputs() const { return outputs_; }
  [[nodiscard]] const std::vector<std::string>& inputs() const { return inputs_; }
  [[nodiscard]] std::uint64_t samples() const { return samples_; }
  [[nodiscard]] std::uint64_t block_size() const { return block_size_; }
  [[nodiscard]] std::uint64_t blocks() const { return (samples_ + block_size_ - 1) / block_size_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] const RunPlan& plan() const { return plan_; }
  // The scenario samples are drawn from: the base with events applied through plan().at.
  [[nodiscard]] const Scenario& applied() const { return applied_; }

  // Runs the samples of block `b` in order. `sink`, when set, receives their values.
  [[nodiscard]] SweepStats run_block(std::uint64_t b, const SampleSink& sink = {}) const;

  // The outputs of one already-drawn, event-applied scenario (NaN where missing), in
  // outputs() order; throws what a model throws. For sensitivity analysis and tests.
  [[nodiscard]] std::vector<double> evaluate(const Scenario& applied, std::uint64_t seed) const;

  // An empty SweepStats starting at `first_block` with one entry per output.
  [[nodiscard]] SweepStats empty_stats(std::uint64_t first_block) const;

 private:
  Scenario applied_;  // the base scenario with events applied through plan_.at
  RunPlan plan_;
  std::vector<std::unique_ptr<Model>> models_;
  std::uint64_t seed_;
  std::uint64_t samples_;
  std::uint64_t block_size_;
  std::vector<SweepOutput> outputs_;
  std::vector<std::string> inputs_;
};

struct SweepRunOptions {
  int threads = 1;
  std::uint64_t first_block = 0;  // resume: blocks before this are already summarised
  SampleSink sink;                // when set, every sample's values
  // Called on the calling thread whenever the summarised prefix grows (for progress and
  // checkpoints), with the stats of all blocks merged so far.
  std::function<void(const SweepStats& merged)> on_progress;
};

// Runs blocks [first_block, blocks()) on `threads` threads and merges them, in block order,
// into `merged` (which must cover exactly blocks [0, first_block), or be empty_stats(0)).
// Memory stays flat: a finished block waits only until the blocks before it are merged.
void run_sweep(const Sweep& sweep, SweepStats& merged, const SweepRunOptions& options);

// The report of a sweep: per output n, missing, mean, sd, min, max, quantiles 5/25/50/75/95,
// a 20-bin histogram; credible shares for 0/1 outputs come out as the mean.
nlohmann::json sweep_report(const Sweep& sweep, const SweepStats& stats);

}  // namespace entente
