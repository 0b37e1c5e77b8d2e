// Monte Carlo throughput: korea-2003 with every model (and each model alone), the EC
// emissions case with bdm, and thread scaling. Samples per second are reported as
// items_per_second; with UseRealTime the figure is wall-clock, so 2 threads show scaling.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "entente/embedded.hpp"
#include "entente/scenario_io.hpp"
#include "entente/sweep.hpp"

namespace {

entente::Scenario korea() {
  entente::LoadOptions options;
  options.filename = "korea-2003.yaml";
  options.cinc = &entente::default_cinc_table();
  return entente::load_scenario_yaml(entente::embedded_default_scenario(), options);
}

// The EC emissions table with every position uncertain: uniform within ±0.5 years of the
// published figure, kept on the 4–10 scale. The published table has no spreads; these
// exercise the sampler and the model the way an analyst's guessed spreads would.
entente::Scenario ec_emissions_uncertain() {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / "../../shared/data/bdm/ec-emissions-1994.csv";
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  entente::ActorTableOptions options;
  options.filename = path.string();
  entente::Scenario s = entente::load_actor_table_csv(text.str(), options);
  for (entente::Stance& st : s.issues[0].stances) {
    entente::Distribution d;
    d.kind = entente::Distribution::Kind::kUniform;
    const double lo = std::max(s.issues[0].scale.min, st.position.value - 0.5);
    const double hi = std::min(s.issues[0].scale.max, st.position.value + 0.5);
    d.params = {lo, hi};
    st.position.dist = d;
  }
  return s;
}

void sweep(benchmark::State& state, const entente::Scenario& scenario,
           const std::vector<std::string>& models, std::uint64_t samples) {
  entente::RunRequest request;
  request.models = models;
  const entente::RunPlan plan = entente::plan_run(scenario, request);
  const entente::Sweep sw(scenario, plan, 1, samples);
  entente::SweepRunOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    entente::SweepStats stats = sw.empty_stats(0);
    entente::run_sweep(sw, stats, options);
    benchmark::DoNotOptimize(stats);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * samples));
}

void BM_SweepKoreaAllModels(benchmark::State& state) { sweep(state, korea(), {}, 2048); }
BENCHMARK(BM_SweepKoreaAllModels)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_SweepKoreaOneModel(benchmark::State& state, const char* model) {
  sweep(state, korea(), {model}, 512);
}
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, compromise, "compromise")->Arg(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, median, "median")->Arg(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, nash, "nash")->Arg(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, bdm, "bdm")->Arg(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, smp, "smp")->Arg(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, alliance, "alliance")->Arg(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_SweepKoreaOneModel, crisis, "crisis")->Arg(1)->UseRealTime();

void BM_SweepEcEmissionsBdm(benchmark::State& state) {
  sweep(state, ec_emissions_uncertain(), {"bdm"}, 4096);
}
BENCHMARK(BM_SweepEcEmissionsBdm)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
