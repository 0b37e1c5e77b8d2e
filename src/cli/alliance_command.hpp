// The alliance model's commands: `entente fit alliance-hazard` (the reproducible ATOP × COW
// fit the model loads) and `entente timeline` (the model evaluated date by date).
#pragma once

#include <CLI/CLI.hpp>

namespace entente::cli {

// Adds `fit alliance-hazard` and `timeline` to `app`; their callbacks store the exit code
// (0 ok, 1 bad input or failure, 2 usage) in `code`, which must outlive `app.parse`.
void add_alliance_commands(CLI::App& app, int& code);

}  // namespace entente::cli
