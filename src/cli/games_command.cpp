#include "cli/games_command.hpp"

#include <fmt/format.h>
#include <gmp.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <type_traits>

#include "app/games_document.hpp"
#include "app/input.hpp"
#include "entente/diagnostics.hpp"
#include "entente/game_io.hpp"
#include "entente/refinements.hpp"
#include "entente/scenario_io.hpp"
#include "entente/solver.hpp"

extern "C" void mi_register_error(void (*fun)(int err, void* arg), void* arg) __attribute__((weak));

namespace entente::cli {

namespace {

using games::ExtensiveGame;
using games::StrategicGame;

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;

// GMP cannot report a failed allocation to its caller (its manual: the allocation functions
// must not return and may not throw), and by default it aborts; mimalloc's operator new
// aborts too when no new-handler is set (it cannot throw from C). The solvers' memory
// budgets stop them before that when the budget fits the machine; when it does not (a
// budget larger than the memory there is, a ulimit), this ends the process with a message
// and exit code 1 instead of SIGABRT.
[[noreturn]] void out_of_memory() {
  std::fputs(
      "error: out of memory while solving; lower --max-memory so the "
      "solver stops at its budget, or use a solver that suits the game (see docs/games.md)\n",
      stderr);
  std::_Exit(kExitInput);
}
void* gmp_allocate(std::size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr) out_of_memory();
  return p;
}
void* gmp_reallocate(void* old, std::size_t /*old_size*/, std::size_t size) {
  void* p = std::realloc(old, size);
  if (p == nullptr) out_of_memory();
  return p;
}
void gmp_free(void* p, std::size_t /*size*/) { std::free(p); }
// mimalloc reports a failed operator new to its error callback (then aborts): registered
// when the binary links mimalloc (the sanitizer builds do not; a weak reference is null).
void mimalloc_error(int err, void* /*arg*/) {
  if (err == ENOMEM) out_of_memory();
}

int report(const InputError& e) {
  std::cerr << e.diagnostics().str();
  std::cerr << fmt::format("{} error{} found\n", e.diagnostics().size(),
                           e.diagnostics().size() == 1 ? "" : "s");
  return kExitInput;
}

std::string number_text(const games::Profile& prof, std::size_t p, std::size_t h, std::size_t a) {
  if (prof.exact) return games::to_string(prof.probs[p][h][a]);
  return fmt::format("{:.6g}", prof.approx[p][h][a]);
}

// How a game read from standard input is named in messages.
std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

enum class OutputFormat { kText, kJson, kCsv };

// One infoset's row of the text output: its actions' probabilities.
std::string infoset_row(const app::GameLabels& l, const games::Profile& prof, std::size_t p,
                        std::size_t h) {
  std::string row;
  for (std::size_t a = 0; a < l.actions[p][h].size(); ++a) {
    row += fmt::format("{}{} {}", a ? ", " : "", l.actions[p][h][a], number_text(prof, p, h, a));
  }
  return row;
}

// Prints the equilibria; `stopped` is "" for a finished solve, else the reason the solver
// stopped early (its budget ran out): the equilibria are then those found so far. `extra`
// adds fields to the JSON document (the refinement applied); `perfection` holds one
// trembling-hand verdict per equilibrium when they were asked for.
template <class Game>
int print_equilibria(const Game& game, const std::string& solver,
                     const std::vector<games::Equilibrium>& eqs, OutputFormat format,
                     const std::string& stopped = "",
                     const nlohmann::ordered_json& extra = nlohmann::ordered_json::object(),
                     const std::vector<games::PerfectionVerdict>& perfection = {}) {
  const app::GameLabels l = app::labels_of(game);
  if (format == OutputFormat::kJson) {
    auto doc = app::equilibria_document(game, solver, eqs, stopped);
    for (const auto& [key, value] : extra.items()) doc[key] = value;
    for (std::size_t k = 0; k < perfection.size(); ++k) {
      auto& item = doc["equilibria"][k];
      switch (perfection[k].verdict) {
        case games::Perfection::kPerfect:
          item["trembling_hand_perfect"] = true;
          break;
        case games::Perfection::kNotPerfect:
          item["trembling_hand_perfect"] = false;
          break;
        case games::Perfection::kUndetermined:
          item["trembling_hand_perfect"] = nullptr;
          break;
      }
      item["perfection"] = perfection[k].why;
    }
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  if (format == OutputFormat::kCsv) {
    for (const auto& e : eqs) std::cout << app::gambit_csv_line(game, e.profile) << "\n";
    return 0;
  }
  std::cout << fmt::format("{} \"{}\": {} equilibri{} by {}{}\n",
                           l.extensive ? "extensive game" : "strategic game", game.title(),
                           eqs.size(), eqs.size() == 1 ? "um" : "a", solver,
                           stopped.empty() ? "" : " before its budget ran out (incomplete)");
  for (std::size_t k = 0; k < eqs.size(); ++k) {
    const auto& e = eqs[k];
    std::cout << fmt::format("\nequilibrium {}\n", k + 1);
    std::vector<bool> reached;
    std::vector<bool> open;
    if constexpr (std::is_same_v<Game, ExtensiveGame>) {
      reached = games::reached_infosets(game, e.profile);
      open = app::open_infosets(game, e);
    }
    for (std::size_t p = 0; p < l.players.size(); ++p) {
      std::cout << fmt::format("  {}", l.players[p]);
      std::vector<int> mine;
      if constexpr (std::is_same_v<Game, ExtensiveGame>) {
        mine = game.player_infosets(static_cast<int>(p) + 1);
      }
      for (std::size_t h = 0; h < l.infosets[p].size(); ++h) {
        const std::string row = infoset_row(l, e.profile, p, h);
        if constexpr (std::is_same_v<Game, ExtensiveGame>) {
          const auto g = static_cast<std::size_t>(mine[h]);
          if (open[g]) {
            std::cout << fmt::format("\n    {}: unreached, left open by {}'s own strategy",
                                     l.infosets[p][h], l.players[p]);
          } else {
            std::cout << fmt::format("\n    {}: {}{}", l.infosets[p][h], row,
                                     reached[g] ? "" : " (unreached)");
          }
        } else {
          std::cout << ": " << row;
        }
      }
      std::cout << "\n";
    }
    std::string pay;
    for (std::size_t p = 0; p < e.payoffs_approx.size(); ++p) {
      pay += (p ? ", " : "") + (e.profile.exact ? games::to_string(e.payoffs[p])
                                                : fmt::format("{:.6g}", e.payoffs_approx[p]));
    }
    std::cout << "  payoffs: " << pay << "\n";
    if (e.lambda >= 0 || e.approximate) {
      const std::vector<double> r = games::regrets(game, e.profile);
      const double worst = *std::max_element(r.begin(), r.end());
      if (e.lambda >= 0) {
        std::cout << fmt::format("  lambda: {:.6g}, max regret: {:.3g}\n", e.lambda, worst);
      } else {
        std::cout << fmt::format("  approximate, max regret: {:.3g}\n", worst);
      }
    }
    if (e.non_isolated) {
      std::cout << "  one point of a continuum of equilibria (not isolated)\n";
    }
    if (k < perfection.size()) {
      const auto& v = perfection[k];
      std::cout << fmt::format("  trembling-hand perfect: {} ({})\n",
                               v.verdict == games::Perfection::kPerfect      ? "yes"
                               : v.verdict == games::Perfection::kNotPerfect ? "no"
                                                                             : "undetermined",
                               v.why);
    }
  }
  return 0;
}

struct SolveArgs {
  std::string file;
  std::string solver;
  std::vector<std::string> options;
  std::string max_seconds;  // "" = the solver's default budget
  std::string max_memory;
  bool json = false;
  std::string format;  // "" (text, or json with --json), text, json, csv
  bool subgame_perfect = false;
  bool perfect = false;
  [[nodiscard]] OutputFormat output() const {
    if (format == "csv") return OutputFormat::kCsv;
    if (format == "json" || (format.empty() && json)) return OutputFormat::kJson;
    return OutputFormat::kText;
  }
};

// Keeps the subgame-perfect equilibria of an extensive game. An equilibrium that fails only
// because of choices the solver left open (uniform by convention) is completed with pure
// choices there when one completion is subgame perfect (it is the same equilibrium); the
// rest are counted, and stderr says that another completion might pass. `extra` gets the
// counts.
std::vector<games::Equilibrium> keep_subgame_perfect(const ExtensiveGame& game,
                                                     std::vector<games::Equilibrium> eqs,
                                                     const SolveArgs& args,
                                                     nlohmann::ordered_json& extra) {
  std::vector<games::Equilibrium> kept;
  std::size_t open = 0;
  std::size_t completed = 0;
  for (auto& e : eqs) {
    const games::SubgamePerfection verdict = games::subgame_perfection(game, e.profile);
    if (verdict.perfect) {
      kept.push_back(std::move(e));
      continue;
    }
    if (!verdict.rests_on_open_choices || e.specifies_avoided) continue;
    const std::vector<bool> choices = app::open_infosets(game, e);
    std::optional<games::Profile> done;
    if (e.profile.exact) done = games::subgame_perfect_completion(game, e.profile, choices);
    if (done) {
      games::Equilibrium c = games::make_equilibrium(game, std::move(*done));
      c.specifies_avoided = true;  // its choices there are now part of it
      kept.push_back(std::move(c));
      ++completed;
    } else {
      ++open;
    }
  }
  const std::size_t left_out = eqs.size() - kept.size();
  extra["refinement"] = "subgame-perfect";
  extra["left_out"] = left_out;
  extra["left_out_open"] = open;
  extra["completed"] = completed;
  if (open > 0) {
    std::cerr << fmt::format(
        "warning: {}: {} of the {} equilibri{} left out as not subgame perfect fail{} only in "
        "subgames holding choices {} left open (a player's own strategy avoids them and the "
        "profile plays them uniformly), and no pure choice there passes: a mixed one might\n",
        display_name(args.file), open, left_out, left_out == 1 ? "um" : "a", open == 1 ? "s" : "",
        args.solver);
  }
  return kept;
}

// Solves, warning first when the solver's work will explode on this game; a budget that
// runs out prints what was found (stdout) and why it stopped (stderr), exit code 1.
template <class Game>
int solve_and_print(const Game& game, const games::Solver& solver, const SolveArgs& args) {
  if (const std::string warning = solver.work_warning(game); !warning.empty()) {
    std::cerr << fmt::format("warning: {}: {}\n", display_name(args.file), warning);
  }
  std::vector<games::Equilibrium> eqs;
  std::string stopped;
  try {
    eqs = solver.solve(game);
  } catch (const games::BudgetExceeded& e) {
    eqs = e.found();
    stopped = e.what();
  }
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  if (args.subgame_perfect) {
    if constexpr (std::is_same_v<Game, ExtensiveGame>) {
      eqs = keep_subgame_perfect(game, std::move(eqs), args, extra);
    } else {
      // A strategic game's only subgame is itself: every equilibrium is subgame perfect.
      extra["refinement"] = "subgame-perfect";
      extra["left_out"] = 0;
      extra["left_out_open"] = 0;
      extra["completed"] = 0;
    }
  }
  std::vector<games::PerfectionVerdict> perfection;
  if (args.perfect) {
    for (const auto& e : eqs) {
      if constexpr (std::is_same_v<Game, ExtensiveGame>) {
        perfection.push_back(
            games::trembling_hand_perfection(game, e.profile, app::open_infosets(game, e)));
      } else {
        perfection.push_back(games::trembling_hand_perfection(game, e.profile));
      }
    }
  }
  print_equilibria(game, args.solver, eqs, args.output(), stopped, extra, perfection);
  if (!stopped.empty()) {
    std::cerr << fmt::format("error: {}: {}\n", display_name(args.file), stopped);
    return kExitInput;
  }
  return 0;
}

// A game file's text; "-" reads standard input, with the same byte cap as files.
std::string read_game_text(const std::string& path) {
  if (path != "-") return app::read_input_file(path);
  std::string out;
  constexpr std::size_t kChunk = 64 * 1024;
  std::string chunk(kChunk, '\0');
  while (std::cin) {
    std::cin.read(chunk.data(), static_cast<std::streamsize>(kChunk));
    const auto got = static_cast<std::size_t>(std::cin.gcount());
    if (out.size() + got > kMaxScenarioBytes) {
      Diagnostics d;
      d.error({"<stdin>", 0, 0}, "",
              fmt::format("standard input is larger than {} MiB (reading stopped there); "
                          "expected a game of at most {} MiB",
                          kMaxScenarioBytes >> 20U, kMaxScenarioBytes >> 20U));
      throw InputError(std::move(d));
    }
    out.append(chunk.data(), got);
  }
  return out;
}

int cmd_solve(const SolveArgs& args) {
  // malloc-based like GMP's defaults, so numbers allocated before stay compatible.
  mp_set_memory_functions(gmp_allocate, gmp_reallocate, gmp_free);
  std::set_new_handler(out_of_memory);
  if (mi_register_error != nullptr) mi_register_error(mimalloc_error, nullptr);
  games::SolverOptions options;
  for (const auto& o : args.options) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << fmt::format("error: --option '{}': expected NAME=VALUE\n", o);
      return kExitUsage;
    }
    options[o.substr(0, eq)] = o.substr(eq + 1);
  }
  if (!args.max_seconds.empty()) options["max_seconds"] = args.max_seconds;
  if (!args.max_memory.empty()) options["max_memory"] = args.max_memory;
  std::unique_ptr<games::Solver> solver;
  try {
    solver = games::make_solver(args.solver, options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  games::ParsedGame parsed;
  try {
    parsed = games::read_game(read_game_text(args.file), display_name(args.file));
  } catch (const InputError& e) {
    return report(e);
  }
  try {
    if (const auto* efg = std::get_if<ExtensiveGame>(&parsed.game)) {
      return solve_and_print(*efg, *solver, args);
    }
    return solve_and_print(std::get<StrategicGame>(parsed.game), *solver, args);
  } catch (const std::bad_alloc&) {
    // The solvers charge their large structures to the memory budget, but not every
    // allocation; the machine running out is still a message, not an abort.
    std::cerr << fmt::format(
        "error: {}: out of memory while solving with {}; lower --max-memory so the solver "
        "stops at its budget, or use a solver that suits the game (see docs/games.md)\n",
        display_name(args.file), args.solver);
    return kExitInput;
  } catch (const games::SolverError& e) {
    std::cerr << fmt::format("error: {}: {}\n", display_name(args.file), e.what());
    return kExitInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << fmt::format("error: {}: {}\n", display_name(args.file), e.what());
    return kExitInput;
  }
}

struct ConvertArgs {
  std::string in;
  std::string out;
  std::string format;  // efg, nfg, nfg-payoff, nfg-outcome; "" from the extension
};

int cmd_convert(const ConvertArgs& args) {
  games::ParsedGame parsed;
  try {
    parsed = games::read_game(read_game_text(args.in), display_name(args.in));
  } catch (const InputError& e) {
    return report(e);
  }
  std::string format = args.format;
  if (format.empty()) {
    const std::string ext = std::filesystem::path(args.out).extension().string();
    if (ext == ".efg") {
      format = "efg";
    } else if (ext == ".nfg") {
      format = "nfg";
    } else {
      std::cerr << fmt::format(
          "error: cannot tell the output format from '{}'; name it .efg or .nfg or give "
          "--format\n",
          args.out);
      return kExitUsage;
    }
  }
  std::string text;
  try {
    if (const auto* efg = std::get_if<ExtensiveGame>(&parsed.game)) {
      if (format == "efg") {
        text = games::write_efg(*efg);
      } else {
        const games::ReducedForm form = games::reduced_strategic_form(*efg);
        text = games::write_nfg(form.game, format == "nfg-payoff" ? games::GameFormat::kNfgPayoff
                                                                  : games::GameFormat::kNfgOutcome);
      }
    } else {
      const auto& nfg = std::get<StrategicGame>(parsed.game);
      if (format == "efg") {
        std::cerr << fmt::format(
            "error: {}: a strategic game cannot be written as .efg; expected an .nfg output\n",
            display_name(args.in));
        return kExitInput;
      }
      games::GameFormat target = format == "nfg-payoff"    ? games::GameFormat::kNfgPayoff
                                 : format == "nfg-outcome" ? games::GameFormat::kNfgOutcome
                                 : parsed.format == games::GameFormat::kNfgPayoff
                                     ? games::GameFormat::kNfgOutcome
                                     : games::GameFormat::kNfgPayoff;
      text = games::write_nfg(nfg, target);
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << fmt::format("error: {}: {}\n", display_name(args.in), e.what());
    return kExitInput;
  }
  if (args.out == "-") {
    std::cout << text;
    return 0;
  }
  std::ofstream out(args.out, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << fmt::format("error: cannot write {}\n", args.out);
    return kExitInput;
  }
  return 0;
}

int cmd_solvers() {
  for (const auto& info : games::registered_solvers()) {
    std::string kinds = info.extensive && info.strategic ? "efg, nfg"
                        : info.extensive                 ? "efg"
                                                         : "nfg";
    std::cout << fmt::format("{:<20} {} [{}; {}]\n", info.name, info.description, kinds,
                             info.exact ? "exact" : "floating point");
    for (const auto& o : info.options) {
      std::cout << fmt::format("    --option {:<18} {}\n", o.name + "=" + o.default_value,
                               o.description);
    }
  }
  std::cout << "every solver:\n";
  for (const auto& o : games::budget_options()) {
    std::cout << fmt::format("    --option {:<18} {}\n", o.name + "=" + o.default_value,
                             o.description);
  }
  return 0;
}

}  // namespace

void add_games_command(CLI::App& app, int& code) {
  auto* games_cmd = app.add_subcommand("games", "Solve and convert games (Gambit .efg / .nfg)");
  games_cmd->require_subcommand(1);

  auto solve = std::make_shared<SolveArgs>();
  auto* solve_cmd = games_cmd->add_subcommand("solve", "Print the equilibria a solver finds");
  solve_cmd->add_option("file", solve->file, "Game file (.efg or .nfg; - reads standard input)")
      ->required();
  solve_cmd->add_option("-s,--solver", solve->solver, "Solver (see `entente games solvers`)")
      ->required();
  solve_cmd->add_option("-o,--option", solve->options, "Solver option NAME=VALUE (repeatable)");
  solve_cmd->add_option("--max-seconds", solve->max_seconds,
                        "Stop after this many seconds and report what was found (default 60)");
  solve_cmd->add_option("--max-memory", solve->max_memory,
                        "Stop before the solver's structures pass this size, e.g. 512M (default "
                        "2G)");
  solve_cmd->add_flag("--json", solve->json, "Print one JSON document (as --format json)");
  solve_cmd
      ->add_option("--format", solve->format,
                   "text (default), json, or csv: Gambit's form, one NE,... line per "
                   "equilibrium")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  solve_cmd->add_flag("--subgame-perfect", solve->subgame_perfect,
                      "Keep only the equilibria that are subgame perfect (extensive games)");
  solve_cmd->add_flag("--perfect", solve->perfect,
                      "Mark which pure equilibria are trembling-hand perfect (small games)");
  solve_cmd->callback([solve, &code] { code = cmd_solve(*solve); });

  auto convert = std::make_shared<ConvertArgs>();
  auto* convert_cmd = games_cmd->add_subcommand(
      "convert", "Convert between .efg and .nfg (reduced strategic form; payoff/outcome .nfg)");
  convert_cmd->add_option("input", convert->in, "Game file (.efg or .nfg; - reads standard input)")
      ->required();
  convert_cmd->add_option("-o,--output", convert->out, "Output file (- for stdout)")->required();
  convert_cmd
      ->add_option("--format", convert->format,
                   "efg, nfg-outcome or nfg-payoff; default from the output's extension (an "
                   ".nfg input converts to the other .nfg variant)")
      ->check(CLI::IsMember({"efg", "nfg", "nfg-payoff", "nfg-outcome"}));
  convert_cmd->callback([convert, &code] { code = cmd_convert(*convert); });

  games_cmd->add_subcommand("solvers", "List the solvers and their options")->callback([&code] {
    code = cmd_solvers();
  });
}

}  // namespace entente::cli
