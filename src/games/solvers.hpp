// Internal: the built-in solvers, each defined in its own file and listed by the registry
// (a static library would drop self-registering objects nobody references).
#pragma once

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

// "true"/"false" option values; throws std::invalid_argument otherwise.
bool option_flag(const SolverOptions& options, const std::string& name, bool fallback);
double option_number(const SolverOptions& options, const std::string& name, double fallback);

// Solves an extensive game by solving its reduced strategic form with `solve` and turning
// each mixed profile back into a behaviour profile.
std::vector<Equilibrium> via_reduced_form(
    const ExtensiveGame& game,
    const std::function<std::vector<Equilibrium>(const StrategicGame&)>& solve);

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
