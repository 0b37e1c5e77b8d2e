// Equilibrium solvers: enummixed and Lemke–Howson (lcp, one starting label and all labels) on
// random n x n games, Lemke on the sequence form of Kuhn poker, logit on random n x n games,
// enumpoly, simpdiv and gnm on random three-player games;
// and the growth series the games issue asks for: every solver on random two-player games
// 5x5 ... 50x50 (as far as each is tractable) and on random binary trees of depth 4 ... 12.
// `Complexity` makes Google Benchmark fit the observed scaling (it prints the big-O).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "entente/game_io.hpp"
#include "entente/solver.hpp"

namespace {

using entente::games::ExtensiveGame;
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

// Solves `g` once per iteration; the counter is the equilibria found.
void run_on(benchmark::State& state, const StrategicGame& g, const std::string& name,
            const entente::games::SolverOptions& options) {
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

void run_solver(benchmark::State& state, const std::string& name,
                const entente::games::SolverOptions& options = {}) {
  run_on(state, random_game(static_cast<int>(state.range(0))), name, options);
}

// Three players with n strategies each, payoffs uniform in 0..99 (nondegenerate with high
// probability): the N-player solvers.
StrategicGame random_three_player(int n, std::uint32_t seed = 20261205) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pay(0, 99);
  std::vector<std::string> s;
  for (int k = 0; k < n; ++k) s.push_back(std::to_string(k + 1));
  StrategicGame g({"1", "2", "3"}, {s, s, s});
  for (std::size_t c = 0; c < g.num_cells(); ++c) {
    g.set_cell_outcome(c,
                       g.add_outcome({Rational(pay(rng)), Rational(pay(rng)), Rational(pay(rng))}));
  }
  return g;
}

void run_three_player(benchmark::State& state, const std::string& name) {
  run_on(state, random_three_player(static_cast<int>(state.range(0))), name,
         {{"max_seconds", "600"}});
}

// Every equilibrium: (2^n - 1)^3 supports, each a polynomial system (4x4x4 takes over 10
// minutes: supports of 8 unknowns are subdivided into millions of boxes).
void BM_EnumPolyThreePlayers(benchmark::State& state) { run_three_player(state, "enumpoly"); }
BENCHMARK(BM_EnumPolyThreePlayers)->DenseRange(2, 3, 1)->Unit(benchmark::kMillisecond);

// One equilibrium by simplicial subdivision, to a max regret of 1e-10 of the payoff range.
void BM_SimpDivThreePlayers(benchmark::State& state) { run_three_player(state, "simpdiv"); }
BENCHMARK(BM_SimpDivThreePlayers)->RangeMultiplier(2)->Range(2, 16)->Unit(benchmark::kMillisecond);

// Some equilibria: one ray's path of the global Newton method, each crossing refined (the
// 8x8x8 path crosses the game 97 times; 16x16x16 runs past 10 minutes).
void BM_GnmThreePlayers(benchmark::State& state) { run_three_player(state, "gnm"); }
BENCHMARK(BM_GnmThreePlayers)->RangeMultiplier(2)->Range(2, 8)->Unit(benchmark::kMillisecond);

void BM_EnumMixed(benchmark::State& state) { run_solver(state, "enummixed"); }
BENCHMARK(BM_EnumMixed)->DenseRange(2, 8, 2)->Unit(benchmark::kMillisecond);

void BM_LemkeHowsonOneLabel(benchmark::State& state) { run_solver(state, "lcp", {{"label", "1"}}); }
BENCHMARK(BM_LemkeHowsonOneLabel)->RangeMultiplier(2)->Range(4, 64)->Unit(benchmark::kMillisecond);

void BM_LemkeHowsonAllLabels(benchmark::State& state) { run_solver(state, "lcp"); }
BENCHMARK(BM_LemkeHowsonAllLabels)->RangeMultiplier(2)->Range(4, 16)->Unit(benchmark::kMillisecond);

void BM_Logit(benchmark::State& state) { run_solver(state, "logit"); }
BENCHMARK(BM_Logit)->RangeMultiplier(2)->Range(2, 8)->Unit(benchmark::kMillisecond);

// Kuhn poker from the repository's copy (tests/data/games/SOURCES.md), solved by `name`.
void run_kuhn(benchmark::State& state, const std::string& name,
              const entente::games::SolverOptions& options = {}) {
  const auto path = std::filesystem::path(__FILE__).parent_path() /
                    "../tests/data/games/openspiel_kuhn_poker.efg";
  std::ifstream in(path);
  if (!in) {
    state.SkipWithError(("cannot read " + path.string()).c_str());
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto game = entente::games::read_efg(text.str(), path.string());
  const auto solver = entente::games::make_solver(name, options);
  for (auto _ : state) {
    const auto eqs = solver->solve(game);
    benchmark::DoNotOptimize(eqs.size());
  }
}

void BM_SequenceFormLemkeKuhnPoker(benchmark::State& state) { run_kuhn(state, "lcp"); }
BENCHMARK(BM_SequenceFormLemkeKuhnPoker)->Unit(benchmark::kMillisecond);

// logit in behaviour strategies to lambda = 1e7: 12 information sets, 24 unknowns.
void BM_LogitBehaviourKuhnPoker(benchmark::State& state) {
  run_kuhn(state, "logit", {{"agent", "true"}});
}
BENCHMARK(BM_LogitBehaviourKuhnPoker)->Unit(benchmark::kMillisecond);

// --- growth series ------------------------------------------------------------------------

void BM_GrowEnumPure(benchmark::State& state) { run_solver(state, "enumpure"); }
BENCHMARK(BM_GrowEnumPure)
    ->DenseRange(10, 50, 10)
    ->Arg(5)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

void BM_GrowLemkeHowson(benchmark::State& state) { run_solver(state, "lcp", {{"label", "1"}}); }
BENCHMARK(BM_GrowLemkeHowson)
    ->DenseRange(10, 50, 10)
    ->Arg(5)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

void BM_GrowLogit(benchmark::State& state) { run_solver(state, "logit"); }
BENCHMARK(BM_GrowLogit)
    ->DenseRange(10, 50, 10)
    ->Arg(5)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// Exponential: beyond 9x9 one solve takes many seconds.
void BM_GrowEnumMixed(benchmark::State& state) { run_solver(state, "enummixed"); }
BENCHMARK(BM_GrowEnumMixed)->DenseRange(5, 9, 1)->Unit(benchmark::kMillisecond);

// A complete binary tree of `depth` moves, players 1 and 2 alternating, perfect information,
// payoffs uniform in 0..99 at the leaves.
ExtensiveGame random_tree(int depth, std::uint32_t seed = 20261128) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pay(0, 99);
  ExtensiveGame g({"1", "2"}, "tree");
  std::vector<int> frontier{0};
  for (int d = 0; d < depth; ++d) {
    std::vector<int> next;
    for (int node : frontier) {
      const auto children = g.set_move(node, g.add_infoset(d % 2 + 1, {"L", "R"}));
      next.insert(next.end(), children.begin(), children.end());
    }
    frontier = std::move(next);
  }
  for (int leaf : frontier)
    g.set_outcome(leaf, g.add_outcome({Rational(pay(rng)), Rational(pay(rng))}));
  return g;
}

void run_tree(benchmark::State& state, const std::string& name,
              const entente::games::SolverOptions& options = {}) {
  const ExtensiveGame g = random_tree(static_cast<int>(state.range(0)));
  const auto solver = entente::games::make_solver(name, options);
  for (auto _ : state) {
    const auto eqs = solver->solve(g);
    benchmark::DoNotOptimize(eqs.size());
  }
  state.counters["nodes"] = static_cast<double>(g.nodes().size());
  state.SetComplexityN(static_cast<std::int64_t>(g.nodes().size()));
}

void BM_TreeBackwardInduction(benchmark::State& state) { run_tree(state, "backward-induction"); }
BENCHMARK(BM_TreeBackwardInduction)
    ->DenseRange(4, 12, 2)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// Sequence-form Lemke: the LCP has one row per sequence (about the number of nodes), and the
// exact rationals grow with each pivot: depth 8 (511 nodes) already takes seconds, depth 10
// minutes, so the series stops at 8.
void BM_TreeSequenceFormLemke(benchmark::State& state) { run_tree(state, "lcp"); }
BENCHMARK(BM_TreeSequenceFormLemke)
    ->DenseRange(4, 8, 1)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// Logit and enumpure work on the reduced strategic form, whose size is doubly exponential in
// the depth of a perfect-information tree (depth 6: player 2 has 2^21 strategies).
void BM_TreeLogit(benchmark::State& state) { run_tree(state, "logit"); }
BENCHMARK(BM_TreeLogit)->DenseRange(2, 4, 1)->Unit(benchmark::kMillisecond);

// In behaviour strategies (agent QRE) logit evaluates the tree itself: one unknown per action
// at each of the 2^depth - 1 nodes, dense matrices of that size at each step.
void BM_TreeLogitBehaviour(benchmark::State& state) {
  run_tree(state, "logit", {{"agent", "true"}});
}
BENCHMARK(BM_TreeLogitBehaviour)->DenseRange(2, 7, 1)->Unit(benchmark::kMillisecond);

void BM_TreeEnumPure(benchmark::State& state) { run_tree(state, "enumpure"); }
BENCHMARK(BM_TreeEnumPure)->DenseRange(2, 4, 1)->Unit(benchmark::kMillisecond);

}  // namespace
