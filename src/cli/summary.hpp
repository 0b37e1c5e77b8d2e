// The terminal summary of a run: each issue's scale, the actors' positions and every
// model's forecast, drawn from the run's JSON document.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "app/result_shape.hpp"

namespace entente::cli {

// Renders `doc` (as built by execute_run) for a terminal; `color` adds ANSI styling. A
// document read back from the store must pass app::result_shape_error("run", doc) first.
std::string render_summary(const nlohmann::json& doc, bool color);

// The table `entente sweep` prints: per output its mean, sd, p5, median, p95 and missing
// count. `report` must pass app::result_shape_error("sweep", report).
std::string render_sweep_table(const nlohmann::json& report);

// The table `entente sensitivity` prints: per output its `shown_inputs` most influential
// inputs. `analysis` must pass app::result_shape_error("sensitivity", analysis).
std::string render_sensitivity_table(const nlohmann::json& analysis, std::size_t shown_inputs);

}  // namespace entente::cli
