#include "entente/sweep.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace entente {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

// JSON numbers lose nothing for doubles (nlohmann prints 17 significant digits), but not
// infinities or NaN, which an empty min/max holds.
nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; }
double number_or(const nlohmann::json& j, double fallback) {
  return j.is_null() ? fallback : j.get<double>();
}

}  // namespace

std::uint64_t sample_seed(std::uint64_t seed, std::uint64_t index) {
  return splitmix64(splitmix64(seed) ^ splitmix64(index + 0x632BE59BD9B4E019ULL));
}

Scenario draw_sample(const Scenario& base, std::uint64_t seed) {
  Scenario s = base;
  std::mt19937_64 rng(seed);
  s.for_each_quantity(
      [&](const std::string& /*path*/, Quantity& q) { q.value = q.dist->sample(rng); });
  return s;
}

std::vector<std::string> uncertain_paths(const Scenario& scenario) {
  Scenario copy = scenario;
  std::vector<std::string> out;
  copy.for_each_quantity([&](const std::string& path, Quantity& /*q*/) { out.push_back(path); });
  return out;
}

// --- OutputStats ------------------------------------------------------------------------

void OutputStats::add(double x, double lo, double hi) {
  if (!std::isfinite(x)) {
    ++missing;
    return;
  }
  if (bins.empty()) {
    bins.assign(kFineBins, 0);
    bin_min.assign(kFineBins, std::numeric_limits<double>::infinity());
    bin_max.assign(kFineBins, -std::numeric_limits<double>::infinity());
  }
  ++n;
  const double delta = x - mean;
  mean += delta / static_cast<double>(n);
  m2 += delta * (x - mean);
  min = std::min(min, x);
  max = std::max(max, x);
  double pos = hi > lo ? (x - lo) / (hi - lo) * static_cast<double>(kFineBins) : 0.0;
  pos = std::clamp(pos, 0.0, static_cast<double>(kFineBins - 1));
  const auto bin = static_cast<std::size_t>(pos);
  ++bins[bin];
  bin_min[bin] = std::min(bin_min[bin], x);
  bin_max[bin] = std::max(bin_max[bin], x);
}

void OutputStats::merge(const OutputStats& later) {
  missing += later.missing;
  if (later.n == 0) return;
  if (n == 0) {
    const std::uint64_t keep_missing = missing;
    *this = later;
    missing = keep_missing;
    return;
  }
  const auto na = static_cast<double>(n);
  const auto nb = static_cast<double>(later.n);
  const double total = na + nb;
  const double delta = later.mean - mean;
  mean += delta * nb / total;
  m2 += later.m2 + delta * delta * na * nb / total;
  n += later.n;
  min = std::min(min, later.min);
  max = std::max(max, later.max);
  for (std::size_t i = 0; i < kFineBins; ++i) {
    bins[i] += later.bins[i];
    bin_min[i] = std::min(bin_min[i], later.bin_min[i]);
    bin_max[i] = std::max(bin_max[i], later.bin_max[i]);
  }
}

double OutputStats::sd() const {
  return n < 2 ? 0.0 : std::sqrt(std::max(0.0, m2) / static_cast<double>(n - 1));
}

double OutputStats::quantile(double q) const {
  if (n == 0) return kNaN;
  // The value below which a share q of the samples lie: the bin where the cumulative count
  // reaches it, interpolated between the smallest and largest value that bin has seen.
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(n);
  double cumulative = 0.0;
  for (std::size_t i = 0; i < kFineBins; ++i) {
    const auto count = static_cast<double>(bins[i]);
    if (count > 0 && cumulative + count >= target) {
      const double within =
          count > 1 ? std::clamp((target - cumulative - 0.5) / (count - 1), 0.0, 1.0) : 0.0;
      return bin_min[i] + within * (bin_max[i] - bin_min[i]);
    }
    cumulative += count;
  }
  return max;
}

std::vector<std::uint64_t> OutputStats::histogram(std::size_t count) const {
  std::vector<std::uint64_t> out(count, 0);
  if (bins.empty() || count == 0) return out;
  const std::size_t per = kFineBins / count;
  for (std::size_t i = 0; i < kFineBins; ++i) out[std::min(i / per, count - 1)] += bins[i];
  return out;
}

nlohmann::json OutputStats::to_json() const {
  // Bins sparsely: a block of a few hundred samples fills few of a thousand bins.
  nlohmann::json sparse = nlohmann::json::array();
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (bins[i] != 0) sparse.push_back({i, bins[i], bin_min[i], bin_max[i]});
  }
  return {{"n", n},        {"missing", missing}, {"mean", mean},
          {"m2", m2},      {"min", number(min)}, {"max", number(max)},
          {"bins", sparse}};
}

OutputStats OutputStats::from_json(const nlohmann::json& j) {
  OutputStats s;
  s.n = j.at("n").get<std::uint64_t>();
  s.missing = j.at("missing").get<std::uint64_t>();
  s.mean = j.at("mean").get<double>();
  s.m2 = j.at("m2").get<double>();
  s.min = number_or(j.at("min"), std::numeric_limits<double>::infinity());
  s.max = number_or(j.at("max"), -std::numeric_limits<double>::infinity());
  if (s.n > 0) {
    s.bins.assign(kFineBins, 0);
    s.bin_min.assign(kFineBins, std::numeric_limits<double>::infinity());
    s.bin_max.assign(kFineBins, -std::numeric_limits<double>::infinity());
    for (const auto& entry : j.at("bins")) {
      const auto i = entry.at(0).get<std::size_t>();
      if (i >= kFineBins) throw std::invalid_argument("sweep statistics: bin index out of range");
      s.bins[i] = entry.at(1).get<std::uint64_t>();
      s.bin_min[i] = entry.at(2).get<double>();
      s.bin_max[i] = entry.at(3).get<double>();
    }
  }
  return s;
}

// --- SweepStats -------------------------------------------------------------------------

void SweepStats::append(const SweepStats& next) {
  if (next.first_block != first_block + blocks || next.outputs.size() != outputs.size()) {
    throw std::logic_error("sweep statistics merged out of order");
  }
  blocks += next.blocks;
  samples += next.samples;
  if (failures == 0 && next.failures > 0) first_failure = next.first_failure;
  failures += next.failures;
  for (std::size_t i = 0; i < outputs.size(); ++i) outputs[i].merge(next.outputs[i]);
}

nlohmann::json SweepStats::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const OutputStats& o : outputs) out.push_back(o.to_json());
  return {{"first_block", first_block},
          {"blocks", blocks},
          {"samples", samples},
          {"failures", failures},
          {"first_failure", first_failure},
          {"outputs", out}};
}

SweepStats SweepStats::from_json(const nlohmann::json& j) {
  SweepStats s;
  s.first_block = j.at("first_block").get<std::uint64_t>();
  s.blocks = j.at("blocks").get<std::uint64_t>();
  s.samples = j.at("samples").get<std::uint64_t>();
  s.failures = j.at("failures").get<std::uint64_t>();
  s.first_failure = j.at("first_failure").get<std::string>();
  for (const auto& o : j.at("outputs")) s.outputs.push_back(OutputStats::from_json(o));
  return s;
}

// --- Sweep ------------------------------------------------------------------------------

Sweep::Sweep(const Scenario& base, RunPlan plan, std::uint64_t seed, std::uint64_t samples,
             std::uint64_t block_size)
    : plan_(std::move(plan)), seed_(seed), samples_(samples), block_size_(block_size) {
  if (samples_ == 0) throw std::invalid_argument("a sweep needs at least 1 sample");
  if (block_size_ == 0) throw std::invalid_argument("sweep block size must be positive");
  for (const std::string& name : plan_.models) {
    const auto it = plan_.options.find(name);
    models_.push_back(make_model(
        name, it == plan_.options.end() ? std::map<std::string, std::string>{} : it->second));
  }
  applied_ = base.at(plan_.at);
  inputs_ = uncertain_paths(applied_);
  // The outputs are those the nominal scenario gives: every issue of every issue model
  // (even if the nominal run has no forecast for it, a draw may), and every Output a
  // scenario model reports.
  const Scenario& nominal = applied_;
  const RunContext context{seed_, false};
  for (std::size_t m = 0; m < models_.size(); ++m) {
    const ModelInfo& info = models_[m]->info();
    if (info.scope == ModelInfo::Scope::kIssue) {
      for (const Issue& issue : nominal.issues) {
        outputs_.push_back(SweepOutput{issue.id + "/" + info.name, info.name, issue.id, "forecast",
                                       issue.scale.min, issue.scale.max});
      }
    } else {
      const Result r = models_[m]->run(nominal, context);
      for (const Output& o : r.outputs) {
        outputs_.push_back(
            SweepOutput{info.name + "/" + o.name, info.name, "", o.name, o.lo, o.hi});
      }
    }
  }
}

std::vector<double> Sweep::evaluate(const Scenario& applied, std::uint64_t seed) const {
  std::vector<double> values(outputs_.size(), kNaN);
  RunContext context{seed, false};
  context.sample_parameters = true;
  std::size_t k = 0;
  for (const auto& model : models_) {
    const ModelInfo& info = model->info();
    const Result r = model->run(applied, context);
    if (info.scope == ModelInfo::Scope::kIssue) {
      // Outputs were laid out as this model's issues in scenario order.
      for (const Issue& issue : applied.issues) {
        for (const IssueResult& ir : r.issues) {
          if (ir.issue == issue.id && ir.forecast) values[k] = *ir.forecast;
        }
        ++k;
      }
    } else {
      for (; k < outputs_.size() && outputs_[k].model == info.name; ++k) {
        for (const Output& o : r.outputs) {
          if (o.name == outputs_[k].metric) values[k] = o.value;
        }
      }
    }
  }
  return values;
}

SweepStats Sweep::empty_stats(std::uint64_t first_block) const {
  SweepStats s;
  s.first_block = first_block;
  s.outputs.resize(outputs_.size());
  return s;
}

SweepStats Sweep::run_block(std::uint64_t b, const SampleSink& sink) const {
  SweepStats stats = empty_stats(b);
  stats.blocks = 1;
  const std::uint64_t first = b * block_size_;
  const std::uint64_t last = std::min(samples_, first + block_size_);
  std::vector<std::vector<double>> kept;
  // One working copy per block, its uncertain numbers redrawn in place for each sample:
  // copying a scenario costs more than most models' runs.
  Scenario work = applied_;
  std::vector<Quantity*> uncertain;
  work.for_each_quantity(
      [&](const std::string& /*path*/, Quantity& q) { uncertain.push_back(&q); });
  for (std::uint64_t i = first; i < last; ++i) {
    const std::uint64_t seed = sample_seed(seed_, i);
    std::vector<double> values;
    try {
      std::mt19937_64 rng(seed);  // as draw_sample does
      for (Quantity* q : uncertain) q->value = q->dist->sample(rng);
      values = evaluate(work, seed);
    } catch (const std::exception& e) {
      // A draw the models cannot use (say, a sampled input they refuse) is counted and
      // reported, not allowed to stop the sweep.
      if (stats.failures == 0)
        stats.first_failure = "sample " + std::to_string(i) + ": " + e.what();
      ++stats.failures;
      values.assign(outputs_.size(), kNaN);
    }
    ++stats.samples;
    for (std::size_t k = 0; k < values.size(); ++k) {
      stats.outputs[k].add(values[k], outputs_[k].lo, outputs_[k].hi);
    }
    if (sink) kept.push_back(std::move(values));
  }
  if (sink) sink(first, kept);
  return stats;
}

// --- running ----------------------------------------------------------------------------

void run_sweep(const Sweep& sweep, SweepStats& merged, const SweepRunOptions& options) {
  const std::uint64_t total = sweep.blocks();
  if (merged.first_block != 0 || merged.blocks != options.first_block ||
      merged.outputs.size() != sweep.outputs().size()) {
    throw std::logic_error("run_sweep: merged statistics do not match the first block");
  }
  std::atomic<std::uint64_t> next{options.first_block};
  std::mutex mutex;
  std::condition_variable ready;
  std::map<std::uint64_t, SweepStats> pending;  // finished blocks waiting for earlier ones
  std::exception_ptr error;
  const int threads = std::max(1, options.threads);
  // A worker may run ahead of the merged prefix by at most this many blocks, so memory
  // stays bounded however uneven the blocks are.
  const std::uint64_t window = static_cast<std::uint64_t>(threads) * 4;

  auto worker = [&] {
    for (;;) {
      const std::uint64_t b = next.fetch_add(1);
      if (b >= total) return;
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return error || b < merged.blocks + window; });
        if (error) return;
      }
      try {
        SweepStats s = sweep.run_block(b, options.sink);
        const std::lock_guard lock(mutex);
        pending.emplace(b, std::move(s));
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
      }
      ready.notify_all();
    }
  };

  auto run_here = [&] {
    for (std::uint64_t b = options.first_block; b < total; ++b) {
      merged.append(sweep.run_block(b, options.sink));
      if (options.on_progress) options.on_progress(merged);
    }
  };
  if (threads == 1) {
    run_here();
    return;
  }
  // Workers never run on this thread: it merges, and a worker may wait for the merge.
  // When the system gives no thread at all, the sweep runs here, in order, as with one.
  parallel::ThreadGroup pool;
  if (pool.start(static_cast<std::size_t>(threads), 0, [&](std::size_t) { worker(); }) == 0) {
    run_here();
    return;
  }
  // The calling thread merges in block order while the pool runs blocks.
  auto merge_ready = [&] {
    std::unique_lock lock(mutex);
    bool grew = false;
    for (auto it = pending.find(merged.blocks); it != pending.end();
         it = pending.find(merged.blocks)) {
      merged.append(it->second);
      pending.erase(it);
      grew = true;
    }
    lock.unlock();
    if (grew) {
      ready.notify_all();
      if (options.on_progress) options.on_progress(merged);
    }
  };
  for (;;) {
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] {
        return error || merged.blocks >= total || pending.count(merged.blocks) > 0;
      });
      if (error || merged.blocks >= total) break;
    }
    try {
      merge_ready();
    } catch (...) {
      // A progress callback that throws (a stop request) stops the workers too: they may
      // be waiting for this thread's merge, and would never be joined otherwise.
      const std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      break;
    }
  }
  ready.notify_all();
  pool.join();
  if (error) std::rethrow_exception(error);
}

nlohmann::json sweep_report(const Sweep& sweep, const SweepStats& stats) {
  constexpr std::size_t kHistogramBins = 20;
  nlohmann::json outputs = nlohmann::json::array();
  for (std::size_t k = 0; k < sweep.outputs().size(); ++k) {
    const SweepOutput& o = sweep.outputs()[k];
    const OutputStats& s = stats.outputs[k];
    nlohmann::json q = nlohmann::json::object();
    for (const auto& [name, p] : std::vector<std::pair<const char*, double>>{
             {"p5", 0.05}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p95", 0.95}}) {
      q[name] = number(s.quantile(p));
    }
    outputs.push_back({{"id", o.id},
                       {"model", o.model},
                       {"issue", o.issue},
                       {"metric", o.metric},
                       {"range", {o.lo, o.hi}},
                       {"n", s.n},
                       {"missing", s.missing},
                       {"mean", s.n > 0 ? number(s.mean) : nullptr},
                       {"sd", s.n > 0 ? number(s.sd()) : nullptr},
                       {"min", number(s.min)},
                       {"max", number(s.max)},
                       {"quantiles", q},
                       {"histogram", s.histogram(kHistogramBins)}});
  }
  return {{"samples", stats.samples},
          {"seed", std::to_string(sweep.seed())},
          {"block_size", sweep.block_size()},
          {"inputs", sweep.inputs()},
          {"failures", stats.failures},
          {"first_failure", stats.first_failure},
          {"outputs", outputs}};
}

}  // namespace entente
