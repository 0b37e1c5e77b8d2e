// `entente report`: one self-contained HTML file of a run's charts and map.
#pragma once

#include <CLI/CLI.hpp>

namespace entente::cli {

// Adds `report` to `app`; its callback stores the exit code (0 ok, 1 bad input or failure,
// 2 usage) in `code`, which must outlive `app.parse`.
void add_report_command(CLI::App& app, int& code);

}  // namespace entente::cli
