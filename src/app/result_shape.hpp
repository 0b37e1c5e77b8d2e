// Stored results are untrusted input: the shape check every reader of a stored run (the
// CLI's `runs show`, `explain` and `report --run`, the server's stored-run routes, the
// Python module) passes it through before reading a field.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace entente::app {

// "" when `doc`, the stored result of a run of `kind` ("run", "sweep" or "sensitivity"), has
// every field that render_summary, render_sweep_table, render_sensitivity_table, `entente
// explain` and the HTML report read, with the type they read it as; else the first problem
// found, by its path, e.g. "result.issues[0].scale.min: expected a number, found string".
// Stored results are untrusted input: the file may have been edited, or written by another
// version; nothing stored is read before this check passes. Never throws on a bad shape.
std::string result_shape_error(const std::string& kind, const nlohmann::json& doc);

}  // namespace entente::app
