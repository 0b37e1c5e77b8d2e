// The _entente extension module: registration, JSON to Python, and the translation of the
// library's errors into the package's exception classes (docs/python.md#errors).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "entente/diagnostics.hpp"
#include "entente/model.hpp"
#include "entente/solver.hpp"
#include "entente/store.hpp"
#include "entente/version.hpp"

namespace entente::python {

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const auto& item : j) out.append(to_python(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, value] : j.items()) out[py::str(key)] = to_python(value);
      return out;
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  throw std::logic_error("to_python: a binary JSON value");
}

std::vector<std::string> option_strings(const py::object& options) {
  std::vector<std::string> out;
  if (options.is_none()) return out;
  auto text = [](const py::handle& v) {
    if (py::isinstance<py::bool_>(v)) return std::string(v.cast<bool>() ? "true" : "false");
    return py::str(v).cast<std::string>();
  };
  if (py::isinstance<py::dict>(options)) {
    for (const auto& [name, value] : options.cast<py::dict>()) {
      out.push_back(py::str(name).cast<std::string>() + "=" + text(value));
    }
    return out;
  }
  if (py::isinstance<py::str>(options)) {
    throw std::invalid_argument(
        "options: expected a dict {\"model.name\": value} or a list of \"model.name=value\", "
        "not one string");
  }
  for (const auto& o : options) {
    const std::string s = py::str(o).cast<std::string>();
    if (s.find('=') == std::string::npos || s.front() == '=') {
      throw std::invalid_argument("option '" + s + "': expected NAME=VALUE or MODEL.NAME=VALUE");
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace entente::python

PYBIND11_MODULE(_entente, m) {
  namespace py = pybind11;
  using namespace entente;
  using namespace entente::python;
  m.doc() = "The C++ core of the entente package; use `import entente`.";
  m.attr("__version__") = version();

  // The package's exception classes (entente/__init__.py re-exports them): InputError
  // carries every diagnostic, the others the library's message.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<std::invalid_argument> usage_error(m, "UsageError", PyExc_ValueError);
  static py::exception<StoreError> store_error(m, "StoreError", PyExc_RuntimeError);
  static py::exception<std::runtime_error> run_error(m, "RunError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::list diagnostics;
      for (const Diagnostic& d : e.diagnostics().items()) diagnostics.append(py::cast(d));
      std::string text = e.diagnostics().str();
      if (!text.empty() && text.back() == '\n') text.pop_back();
      py::object error = py::reinterpret_borrow<py::object>(input_error.ptr())(text);
      error.attr("diagnostics") = diagnostics;
      PyErr_SetObject(input_error.ptr(), error.ptr());
    } catch (const StoreError& e) {
      store_error(e.what());
    } catch (const std::invalid_argument& e) {
      usage_error(e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory");
    } catch (const std::logic_error& e) {
      // A bug, not a user's mistake: say so.
      PyErr_SetString(PyExc_SystemError, (std::string("internal error: ") + e.what()).c_str());
    } catch (const std::runtime_error& e) {
      // Model failures, solver errors, a stopped run: the run failed on valid input.
      run_error(e.what());
    }
  });

  bind_scenario(m);
  bind_runs(m);
  bind_games(m);
}
