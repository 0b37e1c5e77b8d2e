// Sobol indices on the Ishigami function at N = 2^12 (20 480 evaluations, 500 bootstrap
// resamples): the cost of the analysis itself, since the model here is three sines. Arg 1
// is the thread count; with a cheap model the bootstrap dominates.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "entente/sensitivity.hpp"

namespace {

entente::SensitivityProblem ishigami() {
  entente::SensitivityProblem p;
  for (const char* name : {"x1", "x2", "x3"}) {
    p.inputs.push_back({name, [](double u) { return -M_PI + 2 * M_PI * u; }});
  }
  p.outputs = {"f"};
  p.model = [](const std::vector<double>& x) {
    return std::vector<double>{std::sin(x[0]) + 7 * std::sin(x[1]) * std::sin(x[1]) +
                               0.1 * std::pow(x[2], 4) * std::sin(x[0])};
  };
  return p;
}

void BM_SobolIshigami(benchmark::State& state) {
  const auto problem = ishigami();
  entente::SobolOptions options;
  options.samples = std::size_t{1} << 12;
  options.threads = static_cast<int>(state.range(0));
  options.bootstrap = static_cast<int>(state.range(1));
  for (auto _ : state) {
    const auto result = entente::sobol(problem, options);
    benchmark::DoNotOptimize(result.outputs[0].indices[0].total);
  }
  state.counters["evaluations"] = static_cast<double>(options.samples * 5);
}
BENCHMARK(BM_SobolIshigami)
    ->Args({1, 500})
    ->Args({2, 500})
    ->Args({1, 0})
    ->ArgNames({"threads", "bootstrap"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
