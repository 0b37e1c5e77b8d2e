#include "entente/solver.hpp"

#include <charconv>
#include <cmath>
#include <mutex>

#include "entente/diagnostics.hpp"
#include "solvers.hpp"

namespace entente::games {

std::vector<Equilibrium> Solver::solve(const ExtensiveGame& /*game*/) const {
  throw SolverError("solver '" + info().name + "' takes strategic games (.nfg) only");
}

std::vector<Equilibrium> Solver::solve(const StrategicGame& /*game*/) const {
  throw SolverError("solver '" + info().name + "' takes extensive games (.efg) only");
}

std::string Solver::work_warning(const ExtensiveGame& /*game*/) const { return ""; }
std::string Solver::work_warning(const StrategicGame& /*game*/) const { return ""; }

namespace {
using detail::SolverEntry;

// Function-local static: built on first use, with the built-in solvers in it. The same
// registry as the models' (entente/options.hpp).
Registry<SolverEntry>& registry() {
  static Registry<SolverEntry> r("solver");
  static const bool built_in = [] {
    for (SolverEntry e : {detail::backward_induction_entry(), detail::enumpure_entry(),
                          detail::enummixed_entry(), detail::lcp_entry(), detail::logit_entry(),
                          detail::enumpoly_entry(), detail::simpdiv_entry(), detail::gnm_entry()}) {
      const std::string name = e.info.name;
      r.add(name, std::move(e));
    }
    return true;
  }();
  (void)built_in;
  return r;
}
}  // namespace

void register_solver(SolverInfo info, SolverFactory factory) {
  const std::string name = info.name;
  registry().add(name, SolverEntry{std::move(info), std::move(factory)});
}

std::vector<SolverInfo> registered_solvers() {
  std::vector<SolverInfo> out;
  for (const SolverEntry* e : registry().entries()) out.push_back(e->info);
  return out;
}

std::unique_ptr<Solver> make_solver(const std::string& name, const SolverOptions& options) {
  const SolverEntry& entry = registry().get(name);
  // Checked as a model's options are: declared names (either spelling), types, choices.
  std::vector<OptionSpec> declared = entry.info.options;
  for (const OptionSpec& o : budget_options()) declared.push_back(o);
  const OptionValues checked("solver", name, declared, options);
  // The budget options are every solver's; the solver's factory sees only its own, as given.
  Budget budget;
  SolverOptions own;
  for (const auto& [key, value] : checked.given()) {
    if (key == "max_seconds") {
      budget.max_seconds = detail::option_number(checked.given(), key, budget.max_seconds);
    } else if (key == "max_memory") {
      budget.max_memory = parse_memory_size(value, "option max_memory");
    } else {
      own.emplace(key, value);
    }
  }
  std::unique_ptr<Solver> solver = entry.factory(own);
  solver->set_budget(budget);
  return solver;
}

Equilibrium make_equilibrium(const StrategicGame& game, Profile profile) {
  Equilibrium e;
  if (profile.exact) {
    profile.sync_approx();
    e.payoffs = expected_payoffs(game, profile);
  }
  e.payoffs_approx = expected_payoffs_approx(game, profile);
  e.profile = std::move(profile);
  return e;
}

Equilibrium make_equilibrium(const ExtensiveGame& game, Profile profile) {
  Equilibrium e;
  if (profile.exact) {
    profile.sync_approx();
    e.payoffs = expected_payoffs(game, profile);
  }
  e.payoffs_approx = expected_payoffs_approx(game, profile);
  e.profile = std::move(profile);
  return e;
}

namespace detail {

bool option_flag(const SolverOptions& options, const std::string& name, bool fallback) {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  if (it->second == "true" || it->second == "1" || it->second == "yes") return true;
  if (it->second == "false" || it->second == "0" || it->second == "no") return false;
  throw std::invalid_argument("option " + name + "='" + it->second +
                              "' is invalid: expected true or false");
}

double option_number(const SolverOptions& options, const std::string& name, double fallback) {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  double v = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || v <= 0) {
    throw std::invalid_argument("option " + name + "='" + s +
                                "' is invalid: expected a positive number");
  }
  return v;
}

long integer_option(const SolverOptions& options, const std::string& name, long fallback,
                    long minimum) {
  const auto it = options.find(name);
  if (it == options.end()) return fallback;
  long v = 0;
  try {
    std::size_t used = 0;
    v = std::stol(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument(name);
  } catch (const std::exception&) {
    v = minimum - 1;
  }
  if (v < minimum || v > (1L << 30)) {
    throw std::invalid_argument("option " + name + "='" + it->second +
                                "' is invalid: expected a whole number from " +
                                std::to_string(minimum) + " to " + std::to_string(1L << 30));
  }
  return v;
}

std::vector<Equilibrium> via_reduced_form(
    const ExtensiveGame& game, Work& work,
    const std::function<std::vector<Equilibrium>(const StrategicGame&, Work&)>& solve) {
  ReducedForm form;
  try {
    form = reduced_form_within(game, work);
  } catch (const BudgetExceeded&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw SolverError(work.solver() + ": " + e.what());
  }
  const auto to_tree = [&](const std::vector<Equilibrium>& eqs) {
    std::vector<Equilibrium> out;
    for (const Equilibrium& eq : eqs) {
      out.push_back(make_equilibrium(game, behaviour_from_mixed(game, form, eq.profile)));
      out.back().lambda = eq.lambda;
      out.back().approximate = eq.approximate;
      out.back().non_isolated = eq.non_isolated;
    }
    return out;
  };
  try {
    return to_tree(solve(form.game, work));
  } catch (const BudgetExceeded& e) {
    throw BudgetExceeded(e.what(), to_tree(e.found()));
  }
}

Bimatrix positive_bimatrix(const StrategicGame& game) {
  if (game.num_players() != 2) {
    throw SolverError("this solver needs a two-player game; this one has " +
                      std::to_string(game.num_players()) + " players");
  }
  Bimatrix bm;
  bm.m = static_cast<std::size_t>(game.num_strategies(0));
  bm.n = static_cast<std::size_t>(game.num_strategies(1));
  bm.a.resize(bm.m * bm.n);
  bm.b.resize(bm.m * bm.n);
  Rational min_a = game.payoff(0, 0);
  Rational min_b = game.payoff(0, 1);
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    if (game.payoff(c, 0) < min_a) min_a = game.payoff(c, 0);
    if (game.payoff(c, 1) < min_b) min_b = game.payoff(c, 1);
  }
  for (std::size_t i = 0; i < bm.m; ++i) {
    for (std::size_t j = 0; j < bm.n; ++j) {
      const std::size_t c = i + bm.m * j;  // player 1 varies fastest
      bm.a[i * bm.n + j] = game.payoff(c, 0) - min_a + 1;
      bm.b[i * bm.n + j] = game.payoff(c, 1) - min_b + 1;
    }
  }
  return bm;
}

}  // namespace detail

}  // namespace entente::games
