// What the commands that run models share: the store's default path, the run request from
// the command line, and the stored form of a sweep.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/input.hpp"
#include "entente/runner.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"

namespace entente::app {

// $ENTENTE_DB when set and not empty, else ./entente.db.
std::string default_db();

// Bounds of the numeric flags, checked before anything is stored. Samples: counts stay exact
// in JSON readers' doubles (2^53), and block arithmetic cannot overflow. Block size: a
// block's samples are held in memory at once. Threads: beyond this, thread creation fails
// part-way (and a machine with more cores is not one entente is run on).
inline constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 53;
inline constexpr std::uint64_t kMaxBlockSize = std::uint64_t{1} << 20;
inline constexpr std::uint64_t kMaxThreads = 1024;
inline constexpr std::uint64_t kMaxSensitivitySamples = 1'000'000;

// The text of a whole number from `lo` to `hi`, or nullopt with `error` saying why:
// decimal digits only, so a sign ("-1"), an exponent ("1e23"), a fraction or a value past
// 2^64 - 1 is refused rather than wrapped or clamped as a conversion would.
std::optional<std::uint64_t> parse_whole_number(const std::string& text, std::uint64_t lo,
                                                std::uint64_t hi, std::string& error);

// The request for `models` with the input's own options then `options` (later ones win),
// at the date `at` ("" = the scenario's as_of). nullopt when `at` is not a date, with the
// message in `error`.
std::optional<RunRequest> make_run_request(const LoadedInput& input,
                                           const std::vector<std::string>& models,
                                           const std::vector<std::string>& options,
                                           const std::string& at, std::uint64_t seed,
                                           std::string& error);

// The record that starts a single run of `plan` (entente run, the Python module's run).
NewRun run_record(const LoadedInput& input, const RunPlan& plan, std::uint64_t seed,
                  const std::string& command);

// One forecast row per model and issue of a finished run, as the store indexes them.
std::vector<ForecastRow> run_forecast_rows(const RunOutput& output);

// The stored and printed document of a finished sweep: the scenario, the run, the report.
nlohmann::json sweep_document(const LoadedInput& input, const Sweep& sweep, const SweepStats& stats,
                              std::int64_t run_id);

// What decides a sweep's numbers besides its scenario, as stored with the run so that
// `--resume` (of either driver) repeats it exactly.
struct SweepSettings {
  std::uint64_t samples = 0;
  std::uint64_t block_size = 0;
  bool keep_samples = false;
  std::vector<std::string> options;  // as given on the command line (request_options)
  std::string at;                    // the evaluation date, resolved
  std::vector<std::string> models;
  std::uint64_t seed = 0;
};

// The settings held in a command's arguments (entente sweep's, entente-mpi's: any struct
// with SweepSettings' fields), and back: one list of the fields that reproduce a sweep.
template <typename Args>
SweepSettings settings_of(const Args& a) {
  return {a.samples, a.block_size, a.keep_samples, a.options, a.at, a.models, a.seed};
}
template <typename Args>
void assign_settings(Args& a, SweepSettings s) {
  a.samples = s.samples;
  a.block_size = s.block_size;
  a.keep_samples = s.keep_samples;
  a.options = std::move(s.options);
  a.at = std::move(s.at);
  a.models = std::move(s.models);
  a.seed = s.seed;
}

// The record that starts a sweep run; `extra` fields are added to its parameters.
NewRun sweep_record(const LoadedInput& input, const Sweep& sweep, const SweepSettings& settings,
                    const std::string& command,
                    const nlohmann::json& extra = nlohmann::json::object());

// "" when `rec` is an interrupted sweep that can resume, else why not.
std::string unresumable(const RunRecord& rec);

// The settings a sweep was started with (sweep_record's parameters, models and seed).
// Throws nlohmann::json::exception when the parameters are unreadable, and
// std::invalid_argument when a stored number is outside the flags' bounds.
SweepSettings stored_sweep_settings(const nlohmann::json& parameters,
                                    const std::vector<std::string>& models, std::uint64_t seed);

// Stores a finished run's result; when that fails (a result that cannot be written, a full
// disk), marks the run failed with the reason instead, so that no run stays `running` for
// ever (docs/store.md). False, with the error on stderr, when the result was not stored.
bool finish_or_fail(RunStore& store, std::int64_t run_id, const nlohmann::json& document,
                    const std::vector<ForecastRow>& rows);

// A sweep's checkpoints: the samples it keeps, queued by the workers, are written with the
// merged statistics by the merging thread (a SQLite connection is not shared across
// threads), about once a second: often enough to lose little, rarely enough to cost nothing
// measurable.
class SweepCheckpoints {
 public:
  SweepCheckpoints(RunStore& store, std::int64_t run_id) : store_(store), run_id_(run_id) {}
  // Queues kept samples' values (from any thread; a SampleSink calls it).
  void keep(std::uint64_t first_sample, const std::vector<std::vector<double>>& values);
  // Writes the queued samples, then the checkpoint of `stats`. Throws StoreError.
  void save(const SweepStats& stats);
  // save(stats) when a second has passed since the last save.
  void save_if_due(const SweepStats& stats);

 private:
  RunStore& store_;
  std::int64_t run_id_;
  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, std::vector<std::vector<double>>>> kept_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// One forecast row per issue output of a sweep document: its mean.
std::vector<ForecastRow> sweep_forecast_rows(const nlohmann::json& document);

}  // namespace entente::app
