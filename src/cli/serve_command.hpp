// `entente serve`: the web app (editor, charts, what-if, run store) and its JSON API.
#pragma once

#include <CLI/CLI.hpp>

namespace entente::cli {

// Adds `serve` to `app`; its callback serves until SIGINT or SIGTERM and stores the exit
// code (0 stopped cleanly, 1 the store or the socket failed) in `code`, which must outlive
// `app.parse`.
void add_serve_command(CLI::App& app, int& code);

}  // namespace entente::cli
