// What the commands that run models share: the store's default path, the run request from
// the command line, and the stored form of a sweep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/input.hpp"
#include "entente/runner.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"

namespace entente::cli {

// $ENTENTE_DB when set and not empty, else ./entente.db.
std::string default_db();

// The request for `models` with the input's own options then `options` (later ones win),
// at the date `at` ("" = the scenario's as_of). nullopt when `at` is not a date, with the
// message in `error`.
std::optional<RunRequest> make_run_request(const LoadedInput& input,
                                           const std::vector<std::string>& models,
                                           const std::vector<std::string>& options,
                                           const std::string& at, std::uint64_t seed,
                                           std::string& error);

// The stored and printed document of a finished sweep: the scenario, the run, the report.
nlohmann::json sweep_document(const LoadedInput& input, const Sweep& sweep, const SweepStats& stats,
                              std::int64_t run_id);

// One forecast row per issue output of a sweep document: its mean.
std::vector<ForecastRow> sweep_forecast_rows(const nlohmann::json& document);

}  // namespace entente::cli
