// What the binding's source files share: the scenario object Python holds, JSON to Python,
// and the registration of each part of the module.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/input.hpp"

namespace entente::python {

namespace py = pybind11;

// A loaded scenario as Python holds it: immutable, shared by every copy and run. A scenario
// changed by with_changes' quick path writes its text (what a stored run keeps) only when
// asked for it: a what-if loop that stores nothing never pays for the YAML.
class PyScenario {
 public:
  explicit PyScenario(app::LoadedInput input, bool text_pending = false)
      : state_(std::make_shared<State>(State{std::move(input), text_pending})) {}
  [[nodiscard]] const Scenario& scenario() const { return state_->input.scenario; }
  // The input, its text possibly not written yet: for everything but storing and showing it.
  [[nodiscard]] const app::LoadedInput& raw() const { return state_->input; }
  // The input with its text.
  [[nodiscard]] const app::LoadedInput& input() const;

 private:
  struct State {
    app::LoadedInput input;
    bool text_pending = false;
  };
  std::shared_ptr<State> state_;
};

// A JSON value as the Python value json.loads would give (dicts, lists, str, int, float,
// bool, None).
py::object to_python(const nlohmann::json& j);

// "name=value" strings from a Python dict {name: value} or a list of such strings, as the
// CLI's repeated --option flags; values are written as Python's str() writes them.
std::vector<std::string> option_strings(const py::object& options);

void bind_scenario(py::module_& m);
void bind_runs(py::module_& m);
void bind_games(py::module_& m);

}  // namespace entente::python
