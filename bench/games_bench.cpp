// Equilibrium solvers: enummixed and Lemke–Howson (lcp, one starting label and all labels) on
// random n x n games, Lemke on the sequence form of Kuhn poker, logit on random n x n games.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "entente/game_io.hpp"
#include "entente/solver.hpp"

namespace {

using entente::games::Rational;
using entente::games::StrategicGame;

// Payoffs uniform in 0..99: random games are nondegenerate with high probability.
StrategicGame random_game(int n, std::uint32_t seed = 20261128) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pay(0, 99);
  std::vector<std::string> s;
  for (int k = 0; k < n; ++k) s.push_back(std::to_string(k + 1));
  StrategicGame g({"1", "2"}, {s, s});
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) g.set_payoffs({i, j}, {Rational(pay(rng)), Rational(pay(rng))});
  }
  return g;
}

void run_solver(benchmark::State& state, const std::string& name,
                const entente::games::SolverOptions& options = {}) {
  const StrategicGame g = random_game(static_cast<int>(state.range(0)));
  const auto solver = entente::games::make_solver(name, options);
  std::size_t found = 0;
  for (auto _ : state) {
    const auto eqs = solver->solve(g);
    found = eqs.size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["equilibria"] = static_cast<double>(found);
  state.SetComplexityN(state.range(0));
}

void BM_EnumMixed(benchmark::State& state) { run_solver(state, "enummixed"); }
BENCHMARK(BM_EnumMixed)->DenseRange(2, 8, 2)->Unit(benchmark::kMillisecond);

void BM_LemkeHowsonOneLabel(benchmark::State& state) { run_solver(state, "lcp", {{"label", "1"}}); }
BENCHMARK(BM_LemkeHowsonOneLabel)->RangeMultiplier(2)->Range(4, 64)->Unit(benchmark::kMillisecond);

void BM_LemkeHowsonAllLabels(benchmark::State& state) { run_solver(state, "lcp"); }
BENCHMARK(BM_LemkeHowsonAllLabels)->RangeMultiplier(2)->Range(4, 16)->Unit(benchmark::kMillisecond);

void BM_Logit(benchmark::State& state) { run_solver(state, "logit"); }
BENCHMARK(BM_Logit)->RangeMultiplier(2)->Range(2, 8)->Unit(benchmark::kMillisecond);

void BM_SequenceFormLemkeKuhnPoker(benchmark::State& state) {
  const auto path = std::filesystem::path(__FILE__).parent_path() /
                    "../../shared/data/games/openspiel_kuhn_poker.efg";
  std::ifstream in(path);
  if (!in) {
    state.SkipWithError(("cannot read " + path.string()).c_str());
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto game = entente::games::read_efg(text.str(), path.string());
  const auto solver = entente::games::make_solver("lcp");
  for (auto _ : state) {
    const auto eqs = solver->solve(game);
    benchmark::DoNotOptimize(eqs.size());
  }
}
BENCHMARK(BM_SequenceFormLemkeKuhnPoker)->Unit(benchmark::kMillisecond);

}  // namespace
