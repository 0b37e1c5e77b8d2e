// `entente games`: solve and convert game files (Gambit .efg and .nfg).
#pragma once

#include <CLI/CLI.hpp>

namespace entente::cli {

// Adds the `games` subcommand (solve, convert, solvers) to `app`; the chosen command stores
// its exit code in `code` (0 ok, 1 bad input or failed solve, 2 usage error).
void add_games_command(CLI::App& app, int& code);

}  // namespace entente::cli
