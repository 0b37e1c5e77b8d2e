// Monte Carlo sweeps: statistics checked against hand derivations, and reproducibility
// across thread counts and interrupted runs.
#include "entente/sweep.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <mutex>
#include <random>
#include <set>

#include "support/scenario_builder.hpp"

namespace entente {
namespace {

Distribution uniform(double a, double b) {
  Distribution d;
  d.kind = Distribution::Kind::kUniform;
  d.params = {a, b};
  return d;
}

Distribution point(double x) {
  Distribution d;
  d.kind = Distribution::Kind::kDiscrete;
  d.params = {x};
  d.weights = {1.0};
  return d;
}

// Three actors, capabilities 1, 1, 2 and saliences 1: weights 1, 1, 2 (W = 4). Actor a's
// position is uncertain.
Scenario three_actors(const Distribution& a_position) {
  Scenario s = test::one_issue({{"a", 1, 0, 1}, {"b", 1, 40, 1}, {"c", 2, 80, 1}});
  s.issues[0].stances[0].position.dist = a_position;
  return s;
}

RunPlan plan_for(const Scenario& s, std::vector<std::string> models) {
  RunRequest r;
  r.models = std::move(models);
  return plan_run(s, r);
}

TEST(SweepSeeds, SampleSeedsAreDistinctAndStable) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t i = 0; i < 10000; ++i) seen.insert(sample_seed(42, i));
  EXPECT_EQ(seen.size(), 10000U);
  EXPECT_EQ(sample_seed(42, 7), sample_seed(42, 7));
  EXPECT_NE(sample_seed(42, 7), sample_seed(43, 7));
}

TEST(SweepSeeds, DrawSampleChangesOnlyUncertainNumbers) {
  const Scenario base = three_actors(uniform(0, 10));
  const Scenario drawn = draw_sample(base, 5);
  const double a = drawn.issues[0].stances[0].position.value;
  EXPECT_GE(a, 0.0);
  EXPECT_LE(a, 10.0);
  EXPECT_EQ(drawn.issues[0].stances[1].position.value, 40.0);
  EXPECT_EQ(draw_sample(base, 5).issues[0].stances[0].position.value, a);
  EXPECT_EQ(uncertain_paths(base), std::vector<std::string>{"issues.issue.positions.a.position"});
}

TEST(OutputStats, MomentsAndQuantilesByHand) {
  OutputStats s;
  for (double x : {1.0, 2.0, 3.0, 4.0}) s.add(x, 0, 100);
  s.add(std::nan(""), 0, 100);
  EXPECT_EQ(s.n, 4U);
  EXPECT_EQ(s.missing, 1U);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  // Sample variance of 1..4: ((1.5² + 0.5²) · 2) / 3 = 5/3.
  EXPECT_NEAR(s.sd(), std::sqrt(5.0 / 3.0), 1e-12);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 4.0);
  // Each value has a bin (width 0.1) to itself, so quantiles land on the data.
  EXPECT_EQ(s.quantile(0.0), 1.0);
  EXPECT_EQ(s.quantile(0.5), 2.0);
  EXPECT_EQ(s.quantile(1.0), 4.0);
}

TEST(OutputStats, APointMassHasExactQuantiles) {
  OutputStats s;
  for (int i = 0; i < 100; ++i) s.add(50.04, 0, 100);
  for (double q : {0.05, 0.5, 0.95}) EXPECT_EQ(s.quantile(q), 50.04);
  EXPECT_EQ(s.sd(), 0.0);
}

TEST(OutputStats, QuantilesOfManyUniformDrawsAreWithinOneBin) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0, 100);
  OutputStats s;
  for (int i = 0; i < 200000; ++i) s.add(u(rng), 0, 100);
  // Quantile q of U(0, 100) is 100q; sampling error ~ 100·sqrt(q(1−q)/N) ≈ 0.1 at most,
  // plus one bin (0.1).
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) EXPECT_NEAR(s.quantile(q), 100 * q, 0.5) << q;
  const auto h = s.histogram(20);
  ASSERT_EQ(h.size(), 20U);
  for (auto count : h) EXPECT_NEAR(static_cast<double>(count), 10000.0, 500.0);
}

RC_GTEST_PROP(OutputStats, MergeEqualsOneStream, (const std::vector<int>& raw, unsigned split)) {
  std::vector<double> xs;
  for (int v : raw) xs.push_back(static_cast<double>(v % 1000) / 10.0);
  const std::size_t k = xs.empty() ? 0 : split % (xs.size() + 1);
  OutputStats all;
  OutputStats first;
  OutputStats second;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    all.add(xs[i], -100, 100);
    (i < k ? first : second).add(xs[i], -100, 100);
  }
  first.merge(second);
  RC_ASSERT(first.n == all.n);
  RC_ASSERT(first.bins == all.bins);
  if (all.n > 0) {
    RC_ASSERT(std::abs(first.mean - all.mean) <= 1e-9 * (1 + std::abs(all.mean)));
    RC_ASSERT(std::abs(first.m2 - all.m2) <= 1e-7 * (1 + all.m2));
    RC_ASSERT(first.quantile(0.5) == all.quantile(0.5));
  }
  // Serialisation is lossless.
  RC_ASSERT(OutputStats::from_json(all.to_json()).to_json() == all.to_json());
}

TEST(Sweep, ZeroSpreadGivesTheDeterministicAnswer) {
  const Scenario s = three_actors(point(20));
  const Sweep sweep(s, plan_for(s, {"compromise", "median"}), 9, 300, 64);
  SweepStats stats = sweep.empty_stats(0);
  run_sweep(sweep, stats, {});
  // Compromise (1·20 + 1·40 + 2·80) / 4 = 55; median: half weight 2 reached at 40 → ... the
  // cumulative weights are 1 (20), 2 (40), 4 (80): exactly half at 40, a tie the median
  // model splits at the midpoint of 40 and 80 = 60.
  ASSERT_EQ(sweep.outputs().size(), 2U);
  EXPECT_EQ(sweep.outputs()[0].id, "issue/compromise");
  EXPECT_DOUBLE_EQ(stats.outputs[0].mean, 55.0);
  EXPECT_EQ(stats.outputs[0].sd(), 0.0);
  EXPECT_EQ(stats.outputs[0].quantile(0.05), 55.0);
  EXPECT_EQ(stats.outputs[0].quantile(0.95), 55.0);
  EXPECT_DOUBLE_EQ(stats.outputs[1].mean, 60.0);
  EXPECT_EQ(stats.samples, 300U);
}

TEST(Sweep, MeanAndSpreadMatchTheAnalyticDistribution) {
  // a ~ U(0, 100): the compromise forecast is (a + 40 + 160) / 4 = 50 + a/4, so its mean is
  // 62.5 and its sd is (100/√12)/4 = 7.2169; quantile q is 50 + 25q.
  const Scenario s = three_actors(uniform(0, 100));
  const Sweep sweep(s, plan_for(s, {"compromise"}), 11, 20000);
  SweepStats stats = sweep.empty_stats(0);
  run_sweep(sweep, stats, {});
  const OutputStats& o = stats.outputs[0];
  // Standard error of the mean 7.2169/√20000 = 0.051: 5 standard errors.
  EXPECT_NEAR(o.mean, 62.5, 0.26);
  EXPECT_NEAR(o.sd(), 12.5 / std::sqrt(3.0), 0.1);  // = 7.2169
  for (double q : {0.05, 0.5, 0.95}) EXPECT_NEAR(o.quantile(q), 50 + 25 * q, 0.3) << q;
}

TEST(Sweep, ThreadCountChangesNothing) {
  const Scenario s = three_actors(uniform(0, 100));
  const Sweep sweep(s, plan_for(s, {"compromise", "bdm", "median"}), 3, 1000, 37);
  SweepStats one = sweep.empty_stats(0);
  run_sweep(sweep, one, {});
  for (int threads : {2, 3, 8}) {
    SweepStats many = sweep.empty_stats(0);
    SweepRunOptions options;
    options.threads = threads;
    run_sweep(sweep, many, options);
    EXPECT_EQ(many.to_json(), one.to_json()) << threads << " threads";
  }
}

// A progress callback that throws (how a front end stops a sweep) stops it on any thread
// count with that exception, rather than leaving workers waiting for a merge that never
// comes (a hang) or joinable threads destroyed (std::terminate).
TEST(Sweep, AThrowingProgressCallbackStopsTheSweep) {
  const Scenario s = three_actors(uniform(0, 100));
  const Sweep sweep(s, plan_for(s, {"compromise"}), 1, 4000, 16);  // 250 blocks
  for (int threads : {1, 2, 4}) {
    SweepStats stats = sweep.empty_stats(0);
    SweepRunOptions options;
    options.threads = threads;
    options.on_progress = [](const SweepStats& merged) {
      if (merged.blocks >= 3) throw std::runtime_error("stop");
    };
    EXPECT_THROW(run_sweep(sweep, stats, options), std::runtime_error) << threads;
    EXPECT_GE(stats.blocks, 3U) << threads;
    EXPECT_LT(stats.blocks, sweep.blocks()) << threads;
  }
}

TEST(Sweep, ResumingFromACheckpointGivesTheUninterruptedResult) {
  const Scenario s = three_actors(uniform(0, 100));
  const RunPlan plan = plan_for(s, {"compromise", "median"});
  const Sweep full(s, plan, 4, 1000, 100);
  SweepStats whole = full.empty_stats(0);
  run_sweep(full, whole, {});
  // Interrupted after 4 blocks: the checkpoint goes through JSON, as through the store.
  const Sweep first_part(s, plan, 4, 400, 100);
  SweepStats part = first_part.empty_stats(0);
  run_sweep(first_part, part, {});
  SweepStats resumed = SweepStats::from_json(part.to_json());
  SweepRunOptions options;
  options.first_block = resumed.blocks;
  options.threads = 2;
  run_sweep(full, resumed, options);
  EXPECT_EQ(resumed.to_json(), whole.to_json());
}

TEST(Sweep, KeptSamplesAreTheSamplesSummarised) {
  const Scenario s = three_actors(uniform(0, 100));
  const Sweep sweep(s, plan_for(s, {"compromise"}), 8, 250, 64);
  std::vector<double> kept(250, std::nan(""));
  SweepRunOptions options;
  options.threads = 2;
  std::mutex m;
  options.sink = [&](std::uint64_t first, const std::vector<std::vector<double>>& values) {
    const std::lock_guard lock(m);
    for (std::size_t i = 0; i < values.size(); ++i) kept[first + i] = values[i][0];
  };
  SweepStats stats = sweep.empty_stats(0);
  run_sweep(sweep, stats, options);
  OutputStats again;
  for (double v : kept) again.add(v, 0, 100);
  EXPECT_EQ(again.n, 250U);
  EXPECT_NEAR(again.mean, stats.outputs[0].mean, 1e-9);
  // Sample 17 is what evaluating its draw gives.
  const std::uint64_t seed = sample_seed(8, 17);
  EXPECT_EQ(sweep.evaluate(draw_sample(s, seed), seed)[0], kept[17]);
}

TEST(Sweep, ModelsThatGiveNoAnswerCountAsMissing) {
  // Every salience 0: the compromise model has no weights and gives no forecast.
  Scenario s = test::one_issue({{"a", 1, 0, 0}, {"b", 1, 40, 0}, {"c", 2, 80, 0}});
  s.issues[0].stances[0].position.dist = uniform(0, 100);
  const Sweep sweep(s, plan_for(s, {"compromise"}), 1, 50);
  SweepStats stats = sweep.empty_stats(0);
  run_sweep(sweep, stats, {});
  EXPECT_EQ(stats.outputs[0].n, 0U);
  EXPECT_EQ(stats.outputs[0].missing, 50U);
  const auto report = sweep_report(sweep, stats);
  EXPECT_TRUE(report["outputs"][0]["mean"].is_null());
}

TEST(Sweep, RefusesZeroSamples) {
  const Scenario s = three_actors(uniform(0, 100));
  EXPECT_THROW(Sweep(s, plan_for(s, {"compromise"}), 1, 0), std::invalid_argument);
}

}  // namespace
}  // namespace entente
