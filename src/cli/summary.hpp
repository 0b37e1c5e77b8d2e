// The terminal summary of a run: each issue's scale, the actors' positions and every
// model's forecast, drawn from the run's JSON document.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace entente::cli {

// Renders `doc` (as built by execute_run) for a terminal; `color` adds ANSI styling.
std::string render_summary(const nlohmann::json& doc, bool color);

}  // namespace entente::cli
