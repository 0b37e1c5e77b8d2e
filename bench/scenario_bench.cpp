// Loading the default scenario and running the baseline models on it: the per-sample
// cost floor of every Monte Carlo sweep.
#include <benchmark/benchmark.h>

#include "entente/embedded.hpp"
#include "entente/model.hpp"
#include "entente/scenario_io.hpp"

namespace {

void BM_LoadDefaultScenario(benchmark::State& state) {
  entente::LoadOptions options;
  options.cinc = &entente::default_cinc_table();
  for (auto _ : state) {
    auto s = entente::load_scenario_yaml(entente::embedded_default_scenario(), options);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_LoadDefaultScenario);

void BM_ApplyEvents(benchmark::State& state) {
  entente::LoadOptions options;
  options.cinc = &entente::default_cinc_table();
  const auto s = entente::load_scenario_yaml(entente::embedded_default_scenario(), options);
  for (auto _ : state) {
    auto applied = s.current();
    benchmark::DoNotOptimize(applied);
  }
}
BENCHMARK(BM_ApplyEvents);

void BM_Model(benchmark::State& state, const char* name) {
  entente::LoadOptions options;
  options.cinc = &entente::default_cinc_table();
  const auto s =
      entente::load_scenario_yaml(entente::embedded_default_scenario(), options).current();
  const auto model = entente::make_model(name);
  for (auto _ : state) {
    auto r = model->run(s, {});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_Model, compromise, "compromise");
BENCHMARK_CAPTURE(BM_Model, median, "median");
BENCHMARK_CAPTURE(BM_Model, nash, "nash");

}  // namespace
