// Equilibrium solvers behind one interface, registered by short name (the same pattern as
// the model registry): make_solver("lcp")->solve(game).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "entente/games.hpp"
#include "entente/options.hpp"

namespace entente::games {

struct Equilibrium {
  Profile profile;  // behaviour profile (strategic games: one mixed strategy per player)
  std::vector<Rational> payoffs;       // exact when profile.exact
  std::vector<double> payoffs_approx;  // always filled
  // Extensive games: true when the profile's numbers at infosets a player's own strategy
  // avoids (refinements.hpp's avoided_by_own_play) are part of the solution (backward
  // induction's plan); false when they are a convention (uniform play), because the solver
  // works with strategies or realization plans that leave those choices open.
  bool specifies_avoided = false;
  // logit: the lambda where tracing stopped (payoffs scaled to [0, 1]); -1 for the others.
  double lambda = -1;
  // The profile is a floating-point approximation of an equilibrium (logit, simpdiv,
  // enumpoly's irrational solutions): outputs report its max regret.
  bool approximate = false;
  // enumpoly: the profile is one point of a set of equilibria the method could not isolate
  // (a continuum, such as a component of Selten's horse), not an isolated equilibrium.
  bool non_isolated = false;
};

// A solver's options are declared as a model's are (entente/options.hpp): typed, with
// choices, either spelling of '-' and '_'.
using SolverOption = OptionSpec;

struct SolverInfo {
  std::string name;  // short, lower-case, e.g. "lcp"
  std::string description;
  bool extensive = false;  // accepts extensive games
  bool strategic = false;  // accepts strategic games
  bool exact = true;       // rational arithmetic (false: doubles)
  std::vector<SolverOption> options;
};

// The game does not suit the solver (e.g. three players for lcp), or the solver failed.
class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How much a solve may take. Every solver accepts the options max_seconds and max_memory
// (make_solver parses them into this), so no game makes a solver run for hours or abort the
// process: the solver stops with BudgetExceeded instead. Memory is the solver's own estimate
// of its large structures (tableaux, reduced strategic forms, matrices), not the process's
// size, so the same game and budget stop at the same point on every machine; time is wall
// clock.
struct Budget {
  static constexpr double kDefaultSeconds = 60.0;
  static constexpr std::size_t kDefaultMemory = std::size_t{2} << 30U;  // 2 GiB
  double max_seconds = kDefaultSeconds;
  std::size_t max_memory = kDefaultMemory;  // bytes
  // When set, the solve stops at its next check of the clock once `*stop` is true (Ctrl-C
  // in Python, a shutdown), with BudgetExceeded saying it was stopped and what was found.
  const std::atomic<bool>* stop = nullptr;
};

// The solver ran out of its time or memory budget. what() says which, how far the solver
// got and which solver suits the game; found() holds what it had found by then: genuine
// equilibria (enumeration solvers: some, not all) or, for logit, the approximate equilibrium
// at the lambda reached. Empty when nothing was found.
class BudgetExceeded : public SolverError {
 public:
  BudgetExceeded(const std::string& what, std::vector<Equilibrium> found)
      : SolverError(what), found_(std::move(found)) {}
  [[nodiscard]] const std::vector<Equilibrium>& found() const { return found_; }

 private:
  std::vector<Equilibrium> found_;
};

class Solver {
 public:
  Solver() = default;
  virtual ~Solver() = default;
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;
  Solver(Solver&&) = delete;
  Solver& operator=(Solver&&) = delete;

  [[nodiscard]] virtual const SolverInfo& info() const = 0;
  // Equilibria of the game; profiles of extensive games are behaviour profiles. Throw
  // SolverError when the game does not suit the solver (solvers that rely on perfect recall
  // refuse games without it rather than return a profile that is no equilibrium), and
  // BudgetExceeded when budget() runs out. Deterministic apart from where a time budget
  // stops it; no I/O.
  [[nodiscard]] virtual std::vector<Equilibrium> solve(const ExtensiveGame& game) const;
  [[nodiscard]] virtual std::vector<Equilibrium> solve(const StrategicGame& game) const;
  // Before solving: "" when the solver's work on this game is modest, else one sentence on
  // why it will explode and which solver suits the game (the CLI prints it as a warning). A
  // cheap estimate from the game's size; never builds the reduced strategic form.
  [[nodiscard]] virtual std::string work_warning(const ExtensiveGame& game) const;
  [[nodiscard]] virtual std::string work_warning(const StrategicGame& game) const;

  [[nodiscard]] const Budget& budget() const { return budget_; }
  void set_budget(const Budget& budget) { budget_ = budget; }

 private:
  Budget budget_;
};

using SolverOptions = std::map<std::string, std::string>;
using SolverFactory = std::function<std::unique_ptr<Solver>(const SolverOptions&)>;

// Registers a solver; the built-in ones are registered when the registry is first used.
void register_solver(SolverInfo info, SolverFactory factory);
// Every registered solver's info, sorted by name.
std::vector<SolverInfo> registered_solvers();
// Builds a solver. Besides the solver's own options, every solver takes max_seconds (a
// positive number) and max_memory (bytes, with an optional K, M or G suffix: "512M"), which
// set its Budget. Throws std::invalid_argument for an unknown name (with a "did you mean"),
// an option the solver does not declare or a bad value.
std::unique_ptr<Solver> make_solver(const std::string& name, const SolverOptions& options = {});

// The options every solver takes (max_seconds, max_memory), with their defaults.
std::vector<SolverOption> budget_options();

// Parses a memory size: bytes, or a number with a K, M or G suffix (powers of 1024).
// Throws std::invalid_argument naming `what` otherwise.
std::size_t parse_memory_size(const std::string& text, const std::string& what);
// "2 GiB", "512 MiB", "1000 bytes": for messages.
std::string memory_text(std::size_t bytes);

// Completes an equilibrium's payoffs from its profile.
Equilibrium make_equilibrium(const StrategicGame& game, Profile profile);
Equilibrium make_equilibrium(const ExtensiveGame& game, Profile profile);

}  // namespace entente::games
