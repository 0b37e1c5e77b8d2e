// Scaling of the bargaining models with the number of actors: bdm (full run and a single
// round, expected O(n^2) per round) and smp, on random scenarios built in memory, plus
// bdm on the EC emissions case as runs per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include "entente/model.hpp"
#include "entente/scenario.hpp"
#include "entente/scenario_io.hpp"

namespace {

// `actors` actors, each with a stance on every one of `issues` issues on a 0–100 scale.
// Saliences are drawn in [0, 1 / issues] so that an actor's total attention stays ≤ 1.
entente::Scenario random_scenario(int actors, int issues, std::uint64_t seed = 20240501) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> capability(1.0, 100.0);
  std::uniform_real_distribution<double> position(0.0, 100.0);
  std::uniform_real_distribution<double> salience(0.0, 1.0 / issues);

  entente::Scenario s;
  s.id = "random";
  for (int a = 0; a < actors; ++a) {
    entente::Actor actor;
    actor.id = "A" + std::to_string(a);
    actor.name = actor.id;
    actor.capability = capability(rng);
    s.actors.push_back(actor);
  }
  for (int k = 0; k < issues; ++k) {
    entente::Issue issue;
    issue.id = "issue" + std::to_string(k);
    issue.name = issue.id;
    issue.scale.min = 0.0;
    issue.scale.max = 100.0;
    for (const entente::Actor& actor : s.actors) {
      issue.stances.push_back(entente::Stance{actor.id, position(rng), salience(rng)});
    }
    s.issues.push_back(issue);
  }
  return s;
}

void run_model(benchmark::State& state, const entente::Scenario& scenario,
               const entente::Model& model) {
  for (auto _ : state) {
    auto r = model.run(scenario, {});
    benchmark::DoNotOptimize(r);
  }
}

void BM_BdmFull(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scenario = random_scenario(n, 1);
  const auto model = entente::make_model("bdm", {{"detail", "none"}});
  run_model(state, scenario, *model);
  state.SetComplexityN(n);
}
BENCHMARK(BM_BdmFull)
    ->Arg(10)
    ->Arg(50)
    ->Arg(200)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();

void BM_BdmOneRound(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scenario = random_scenario(n, 1);
  const auto model = entente::make_model("bdm", {{"detail", "none"}, {"stop", "rounds:1"}});
  run_model(state, scenario, *model);
  state.SetComplexityN(n);
}
BENCHMARK(BM_BdmOneRound)
    ->Arg(10)
    ->Arg(50)
    ->Arg(200)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();

void BM_BdmEcEmissions(benchmark::State& state) {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / "../../shared/data/bdm/ec-emissions-1994.csv";
  std::ifstream in(path);
  if (!in) {
    state.SkipWithError(("cannot read " + path.string()).c_str());
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  entente::ActorTableOptions options;
  options.filename = path.string();
  const auto scenario = entente::load_actor_table_csv(text.str(), options);
  const auto model = entente::make_model("bdm", {{"detail", "none"}});
  run_model(state, scenario, *model);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_BdmEcEmissions)->Unit(benchmark::kMicrosecond);

void BM_SmpFull(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scenario = random_scenario(n, 1);
  const auto model = entente::make_model("smp");
  run_model(state, scenario, *model);
  state.SetComplexityN(n);
}
BENCHMARK(BM_SmpFull)
    ->Arg(10)
    ->Arg(50)
    ->Arg(100)
    ->Arg(200)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// The same run with the turn's challenge estimates split over 2 threads.
void BM_SmpFullTwoThreads(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scenario = random_scenario(n, 1);
  const auto model = entente::make_model("smp", {{"threads", "2"}});
  run_model(state, scenario, *model);
}
BENCHMARK(BM_SmpFullTwoThreads)->Arg(100)->Arg(200)->Unit(benchmark::kMillisecond)->UseRealTime();

// One turn (plus the analysis of the state it ends in) on 2 threads, where a full run at
// 1,000 actors takes 40–100 turns: the per-turn cost behind issue 3's 1,000-actor target.
void BM_SmpOneTurnTwoThreads(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scenario = random_scenario(n, 1);
  const auto model =
      entente::make_model("smp", {{"threads", "2"}, {"min_turns", "1"}, {"max_turns", "1"}});
  run_model(state, scenario, *model);
}
BENCHMARK(BM_SmpOneTurnTwoThreads)
    ->Arg(200)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_SmpThreeIssues(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scenario = random_scenario(n, 3);
  const auto model = entente::make_model("smp");
  run_model(state, scenario, *model);
}
BENCHMARK(BM_SmpThreeIssues)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
