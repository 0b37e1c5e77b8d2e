// entente.games: read Gambit .efg/.nfg games, list the solvers, solve. The equilibria come
// as the document `entente games solve --json` prints (cli/games_document.hpp).
#include <pybind11/stl.h>

#include <memory>

#include "app/games_document.hpp"
#include "bindings.hpp"
#include "entente/game_io.hpp"
#include "entente/solver.hpp"
#include "interrupt.hpp"

namespace entente::python {

namespace {

struct PyGame {
  std::shared_ptr<const games::ParsedGame> parsed;
  std::string name;
};

PyGame read(const std::string& text, const std::string& name) {
  return PyGame{std::make_shared<const games::ParsedGame>(games::read_game(text, name)), name};
}

const char* format_name(games::GameFormat f) {
  switch (f) {
    case games::GameFormat::kEfg:
      return "efg";
    case games::GameFormat::kNfgPayoff:
      return "nfg-payoff";
    case games::GameFormat::kNfgOutcome:
      return "nfg-outcome";
  }
  return "efg";
}

py::object solve(const PyGame& g, const std::string& solver_name, const py::object& options,
                 const std::optional<double>& max_seconds,
                 const std::optional<std::string>& max_memory) {
  games::SolverOptions values;
  for (const std::string& o : option_strings(options)) {
    const auto eq = o.find('=');
    values[o.substr(0, eq)] = o.substr(eq + 1);
  }
  if (max_seconds) values["max_seconds"] = py::repr(py::float_(*max_seconds)).cast<std::string>();
  if (max_memory) values["max_memory"] = *max_memory;
  const std::unique_ptr<games::Solver> solver = games::make_solver(solver_name, values);
  nlohmann::ordered_json document;
  std::string warning;
  CallState state;
  // Ctrl-C sets state.stop; the solver sees it wherever it checks its clock, and stops.
  games::Budget budget = solver->budget();
  budget.stop = &state.stop;
  solver->set_budget(budget);
  run_interruptible(state, [&] {
    std::visit(
        [&](const auto& game) {
          warning = solver->work_warning(game);
          try {
            document = app::equilibria_document(game, solver_name, solver->solve(game));
          } catch (const games::BudgetExceeded& e) {
            document = app::equilibria_document(game, solver_name, e.found(), e.what());
          }
        },
        g.parsed->game);
  });
  if (!warning.empty()) document["warning"] = warning;
  // Through Python's json module: its dicts keep the document's order (players, infosets
  // and actions as in the game), which to_python's nlohmann::json would sort.
  return py::module_::import("json").attr("loads")(document.dump());
}

}  // namespace

void bind_games(py::module_& m) {
  py::class_<PyGame>(m, "Game", "A game read from Gambit's .efg or .nfg format.")
      .def_property_readonly("title",
                             [](const PyGame& g) {
                               return std::visit([](const auto& game) { return game.title(); },
                                                 g.parsed->game);
                             })
      .def_property_readonly("players",
                             [](const PyGame& g) {
                               return std::visit([](const auto& game) { return game.players(); },
                                                 g.parsed->game);
                             })
      .def_property_readonly("kind",
                             [](const PyGame& g) {
                               return std::holds_alternative<games::ExtensiveGame>(g.parsed->game)
                                          ? "extensive"
                                          : "strategic";
                             })
      .def_property_readonly("format",
                             [](const PyGame& g) { return format_name(g.parsed->format); })
      .def_property_readonly("name", [](const PyGame& g) { return g.name; })
      .def("to_text", [](const PyGame& g) {
        if (const auto* e = std::get_if<games::ExtensiveGame>(&g.parsed->game)) {
          return games::write_efg(*e);
        }
        return games::write_nfg(std::get<games::StrategicGame>(g.parsed->game), g.parsed->format);
      });
  m.def(
      "read_game_file",
      [](const std::string& path) { return read(app::read_input_file(path), path); },
      py::arg("path"));
  m.def("read_game_text", &read, py::arg("text"), py::arg("name") = "<string>");
  m.def("solve_game", &solve, py::arg("game"), py::arg("solver"), py::arg("options"),
        py::arg("max_seconds"), py::arg("max_memory"));
  m.def("solvers", [] {
    py::list out;
    for (const games::SolverInfo& info : games::registered_solvers()) {
      py::list options;
      for (const games::SolverOption& o : info.options) {
        options.append(py::dict(py::arg("name") = o.name, py::arg("default") = o.default_value,
                                py::arg("description") = o.description));
      }
      for (const games::SolverOption& o : games::budget_options()) {
        options.append(py::dict(py::arg("name") = o.name, py::arg("default") = o.default_value,
                                py::arg("description") = o.description));
      }
      out.append(py::dict(py::arg("name") = info.name, py::arg("description") = info.description,
                          py::arg("extensive") = info.extensive,
                          py::arg("strategic") = info.strategic, py::arg("exact") = info.exact,
                          py::arg("options") = options));
    }
    return out;
  });
}

}  // namespace entente::python
