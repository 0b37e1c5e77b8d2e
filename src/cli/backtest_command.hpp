// `entente backtest`: score models against recorded outcomes.
#pragma once

#include <CLI/CLI.hpp>

namespace entente::cli {

// Adds `backtest deu FILE [--model NAME ...] [--capability equal|gdp] [--json]` to `app`;
// the command's exit code goes to `code` (0 ok, 1 bad input or a failed model).
void add_backtest_command(CLI::App& app, int& code);

// Adds `intervals [FILE] [-o OUT]` under `fit`: the forecast-interval calibration of every
// registered issue model on a DEU file, written as JSON (docs/models.md#forecast-intervals).
void add_fit_intervals_command(CLI::App& fit, int& code);

}  // namespace entente::cli
