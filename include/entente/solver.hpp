// Equilibrium solvers behind one interface, registered by short name (the same pattern as
// the model registry): make_solver("lcp")->solve(game).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "entente/games.hpp"

namespace entente::games {

struct Equilibrium {
  Profile profile;  // behaviour profile (strategic games: one mixed strategy per player)
  std::vector<Rational> payoffs;       // exact when profile.exact
  std::vector<double> payoffs_approx;  // always filled
};

struct SolverOption {
  std::string name;
  std::string default_value;
  std::string description;
};

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
  // SolverError when the game does not suit the solver. Deterministic; no I/O.
  [[nodiscard]] virtual std::vector<Equilibrium> solve(const ExtensiveGame& game) const;
  [[nodiscard]] virtual std::vector<Equilibrium> solve(const StrategicGame& game) const;
};

using SolverOptions = std::map<std::string, std::string>;
using SolverFactory = std::function<std::unique_ptr<Solver>(const SolverOptions&)>;

// Registers a solver; the built-in ones are registered when the registry is first used.
void register_solver(SolverInfo info, SolverFactory factory);
// Every registered solver's info, sorted by name.
std::vector<SolverInfo> registered_solvers();
// Builds a solver. Throws std::invalid_argument for an unknown name (with a "did you mean")
// or an option the solver does not declare.
std::unique_ptr<Solver> make_solver(const std::string& name, const SolverOptions& options = {});

// Completes an equilibrium's payoffs from its profile.
Equilibrium make_equilibrium(const StrategicGame& game, Profile profile);
Equilibrium make_equilibrium(const ExtensiveGame& game, Profile profile);

}  // namespace entente::games
