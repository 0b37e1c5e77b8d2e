// `entente sensitivity`: which uncertain inputs drive each forecast.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace entente::cli {

// Adds `sensitivity [SCENARIO] --method morris|sobol [--samples N] ...` to `app`; its exit
// code goes to `code`; `command` is stored with the run.
void add_sensitivity_command(CLI::App& app, int& code, const std::string& command);

}  // namespace entente::cli
