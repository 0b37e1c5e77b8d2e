// Internal: the built-in solvers, each defined in its own file and listed by the registry
// (a static library would drop self-registering objects nobody references).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "entente/solver.hpp"

namespace entente::games::detail {

struct SolverEntry {
  SolverInfo info;
  SolverFactory factory;
};

SolverEntry backward_induction_entry();
SolverEntry enumpure_entry();
SolverEntry enummixed_entry();
SolverEntry lcp_entry();
SolverEntry logit_entry();
SolverEntry enumpoly_entry();
SolverEntry simpdiv_entry();
SolverEntry gnm_entry();

// An exact number in the arithmetic T a computation runs in (Rational or double), so one
// template serves both the exact and the floating-point evaluation of a profile.
template <class T>
T from_rational(const Rational& q);
template <>
inline Rational from_rational<Rational>(const Rational& q) {
  return q;
}
template <>
inline double from_rational<double>(const Rational& q) {
  return q.get_d();
}

// Keeps one solve within its Budget: wall-clock time since construction, and an account of
// the bytes the solver holds in its large structures (each solver charges what it
// allocates in bulk and releases what it frees), so a budget stops a solve at the same point
// on every machine. Failures carry the solver's name and advice on the solver that suits the
// game.
class Work {
 public:
  // `advice` is called only when the budget runs out (it may scan the game).
  Work(const Budget& budget, std::string solver, std::function<std::string()> advice);

  // True once the time budget is spent (reads the clock: call it per unit of real work).
  [[nodiscard]] bool time_up();
  // Adds `bytes` to the account; false (and nothing added) when that would exceed the memory
  // budget.
  [[nodiscard]] bool charge(std::size_t bytes);
  void release(std::size_t bytes);
  [[nodiscard]] std::size_t used() const { return used_; }
  [[nodiscard]] const std::string& solver() const { return solver_; }
  // Throws BudgetExceeded: "SOLVER: BUDGET ran out PROGRESS; ADVICE", where BUDGET is the one
  // that tripped last (time_up or charge) and `progress` says how far the solver got.
  [[noreturn]] void fail(const std::string& progress, std::vector<Equilibrium> found = {}) const;
  // As time_up/charge, failing with `progress` when the budget is spent.
  void check_time(const std::string& progress);
  void check_charge(std::size_t bytes, const std::string& progress);

 private:
  Budget budget_;
  std::string solver_;
  std::function<std::string()> advice_;
  std::chrono::steady_clock::time_point deadline_;
  bool timed_ = true;  // false when max_seconds is too large for the clock
  std::size_t used_ = 0;
  bool memory_tripped_ = false;
  bool stopped_ = false;  // Budget::stop was set, not a budget spent
};

// Which other solver suits the game, as a clause for messages ("lcp suits this game: ...");
// `solver` is the one that ran out and is never the one advised.
std::string advice(const ExtensiveGame& game, const std::string& solver);
std::string advice(const StrategicGame& game, const std::string& solver);

// Bytes the allocator spends on one small block beyond what was asked (glibc: a 16-byte
// header, 32-byte minimum chunks); GMP allocates numerator and denominator separately.
inline constexpr std::size_t kAllocOverhead = 16;
// Heap and inline bytes of a rational (GMP limbs and the allocator's overhead included).
std::size_t rational_bytes(const Rational& q);
// A per-number size for structures not built yet: a small rational (one limb each).
inline constexpr std::size_t kSmallRationalBytes =
    sizeof(Rational) + 2 * (sizeof(mp_limb_t) + kAllocOverhead);

// Throws SolverError when the game lacks perfect recall: `solver` relies on it (Kuhn's
// theorem turns mixed strategies into behaviour ones only with perfect recall, and the
// sequence form needs it), so the profile it printed would be no equilibrium. One message
// for every such solver, saying which solver handles the game instead.
void require_perfect_recall(const ExtensiveGame& game, const std::string& solver);

// The reduced strategic form, built within `work` (time per cell; memory for its cells,
// estimated before they are allocated).
ReducedForm reduced_form_within(const ExtensiveGame& game, Work& work);

// "true"/"false" option values; throws std::invalid_argument otherwise.
bool option_flag(const SolverOptions& options, const std::string& name, bool fallback);
double option_number(const SolverOptions& options, const std::string& name, double fallback);
// A whole-number option from `minimum` to 2^30; throws std::invalid_argument otherwise.
long integer_option(const SolverOptions& options, const std::string& name, long fallback,
                    long minimum);

// Solves an extensive game by solving its reduced strategic form with `solve` and turning
// each mixed profile back into a behaviour profile (BudgetExceeded's partial equilibria
// too). The caller checks perfect recall when the conversion needs it (mixed profiles);
// pure profiles convert exactly without it.
std::vector<Equilibrium> via_reduced_form(
    const ExtensiveGame& game, Work& work,
    const std::function<std::vector<Equilibrium>(const StrategicGame&, Work&)>& solve);

// Two-player payoff matrices shifted so every entry is >= 1 (equilibria do not change).
struct Bimatrix {
  std::size_t m = 0;
  std::size_t n = 0;
  std::vector<Rational> a;  // m x n, player 1
  std::vector<Rational> b;  // m x n, player 2
};
Bimatrix positive_bimatrix(const StrategicGame& game);

}  // namespace entente::games::detail

namespace entente::games::detail {
class Tableau;
// Best-response polytope tableaux (see enummixed.cpp), shared with Lemke–Howson.
Tableau polytope_p(const Bimatrix& bm);
Tableau polytope_q(const Bimatrix& bm);
// (x / sum x, y / sum y) as an exact strategic profile.
Profile normalised_pair(const std::vector<Rational>& x, const std::vector<Rational>& y);
}  // namespace entente::games::detail
