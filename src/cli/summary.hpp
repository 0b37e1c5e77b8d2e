// The terminal summary of a run: each issue's scale, the actors' positions and every
// model's forecast, drawn from the run's JSON document.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace entente::cli {

// Renders `doc` (as built by execute_run) for a terminal; `color` adds ANSI styling. A
// document read back from the store must pass result_shape_error("run", doc) first.
std::string render_summary(const nlohmann::json& doc, bool color);

// "" when `doc`, the stored result of a run of `kind` ("run", "sweep" or "sensitivity"), has
// every field that render_summary, render_sweep_table, render_sensitivity_table, `entente
// explain` and the HTML report read, with the type they read it as; else the first problem
// found, by its path, e.g. "result.issues[0].scale.min: expected a number, found string".
// Stored results are untrusted input: the file may have been edited, or written by another
// version; nothing stored is read before this check passes. Never throws on a bad shape.
std::string result_shape_error(const std::string& kind, const nlohmann::json& doc);

// The table `entente sweep` prints: per output its mean, sd, p5, median, p95 and missing
// count. `report` must pass result_shape_error("sweep", report).
std::string render_sweep_table(const nlohmann::json& report);

// The table `entente sensitivity` prints: per output its `shown_inputs` most influential
// inputs. `analysis` must pass result_shape_error("sensitivity", analysis).
std::string render_sensitivity_table(const nlohmann::json& analysis, std::size_t shown_inputs);

}  // namespace entente::cli
