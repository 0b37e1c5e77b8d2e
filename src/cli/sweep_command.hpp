// `entente sweep`: Monte Carlo forecasts.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace entente::cli {

// Adds `sweep [SCENARIO] --samples N [--threads T] [--seed S] ...` to `app`; its exit code
// goes to `code`; `command` (the whole command line) is stored with the run.
void add_sweep_command(CLI::App& app, int& code, const std::string& command);

}  // namespace entente::cli
