// The run store: every `entente run` (and later sweeps) kept in one SQLite database.
//
// WAL mode; every write in a transaction; schema versioned with forward migrations. A run
// row is inserted as `running` before any model runs and updated to `done` or `failed`
// in one transaction, so a process killed midway leaves a `running` row, never a half-
// written result. Readers in other processes see the last committed state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace entente {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What is known about a run when it starts.
struct NewRun {
  std::string kind = "run";  // run, sweep, backtest, ...
  std::string scenario_id;
  std::string scenario_source;  // file name or "<embedded:korea-2003>"
  std::string scenario_text;    // the exact input text
  std::string at_date;          // date events were applied through (YYYY-MM-DD)
  std::vector<std::string> models;
  nlohmann::json parameters = nlohmann::json::object();  // model options, flags
  std::uint64_t seed = 0;
  std::string command;  // the command line, for the record
};

// One stored forecast row (queryable without parsing the result JSON).
struct ForecastRow {
  std::string model;
  std::string issue;  // "" for scenario-level results
  std::optional<double> forecast;
};

struct RunRecord {
  std::int64_t id = 0;
  std::string kind;
  std::string status;       // running, done, failed
  std::string created_at;   // UTC, ISO 8601
  std::string finished_at;  // "" while running
  std::string scenario_id;
  std::string scenario_source;
  std::string scenario_hash;  // SHA-256 of scenario_text, hex
  std::string scenario_text;
  std::string at_date;
  std::vector<std::string> models;
  nlohmann::json parameters;
  std::uint64_t seed = 0;
  std::string version;  // engine version that made it
  std::string command;
  std::string error;      // set when failed
  nlohmann::json result;  // the full `run --json` document when done
  std::vector<ForecastRow> forecasts;
  // The process that computes the run (schema 3; empty/0 for older rows): its pid and host,
  // and when it last showed it was alive (UTC, ISO 8601).
  std::int64_t owner_pid = 0;
  std::string owner_host;
  std::string heartbeat_at;
  // True for a `running` run that nothing will ever finish: its owner was on this host and
  // is gone, or (another host, or no owner recorded) its heartbeat is older than
  // RunStore::kStaleHeartbeatSeconds. Computed when read, never stored: status stays
  // `running`, so an abandoned sweep can still resume.
  bool abandoned = false;
};

// A sweep's checkpoint: the merged statistics of its first `blocks_done` blocks.
struct SweepProgress {
  std::uint64_t blocks_done = 0;
  nlohmann::json stats;
};

class RunStore {
 public:
  enum class Access {
    kReadWrite,  // create if needed, WAL mode, migrate
    kReadOnly,   // open what exists; never write (not even the journal mode or a migration)
  };

  // A run on another host (or with no owner recorded) is abandoned when its heartbeat is
  // older than this. Sweeps beat at every checkpoint (about once a second); a single run
  // beats only when it starts, so a run on another host longer than this shows abandoned.
  static constexpr int kStaleHeartbeatSeconds = 600;

  // Opens the database at `path`. kReadWrite creates it if needed, sets WAL mode and a busy
  // timeout, and migrates the schema to the current version. kReadOnly opens an existing
  // file without writing anything, so a store on a read-only file or folder can be read;
  // an older schema is read as it is (fields it lacks read as empty), and the write
  // methods throw StoreError. Throws StoreError naming the path when the file is missing
  // (kReadOnly), is not a database, is from a newer entente, or cannot be opened.
  // A moved-from RunStore may only be destroyed or assigned to.
  explicit RunStore(const std::string& path, Access access = Access::kReadWrite);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;
  RunStore(RunStore&&) noexcept;
  RunStore& operator=(RunStore&&) noexcept;

  // Current schema version this build writes.
  static int schema_version();
  // Schema version of the opened database (after migration, equal to schema_version()).
  [[nodiscard]] int database_version() const;

  // Inserts a run with status `running`, owned by this process (pid, host, heartbeat now);
  // returns its id.
  std::int64_t begin_run(const NewRun& run);
  // Takes over `running` run `id` for this process (a lease: `sweep --resume`), in one
  // transaction. Throws StoreError when the run is unknown, not running, or owned by a
  // process that is still alive (a second resume of one sweep must not compute it twice).
  void claim_run(std::int64_t id);
  // Marks a run done with its result and forecast rows, in one transaction. Throws
  // StoreError for an unknown id or a run that is not `running`.
  void finish_run(std::int64_t id, const nlohmann::json& result,
                  const std::vector<ForecastRow>& forecasts);
  // Marks a run failed with a message, in one transaction (also usable on a `running` row
  // left by a killed process). Throws StoreError like finish_run.
  void fail_run(std::int64_t id, const std::string& error);

  // Sweeps. A sweep is a run of kind "sweep" that records, while `running`, a checkpoint
  // of the statistics of its finished prefix of blocks (replaced atomically each time), and
  // optionally every sample's values. An interrupted sweep resumes from its checkpoint;
  // samples stored past it are deleted first, so nothing is counted twice.
  // Replaces the checkpoint and renews the run's heartbeat, in one transaction. Throws
  // StoreError unless the run exists and is `running`.
  void save_sweep_progress(std::int64_t id, std::uint64_t blocks_done, const nlohmann::json& stats);
  // The checkpoint, or nullopt when none was saved.
  [[nodiscard]] std::optional<SweepProgress> sweep_progress(std::int64_t id) const;
  // Stores the values of consecutive samples from `first_sample` (one row of outputs each;
  // NaN is stored as NULL), in one transaction.
  void add_sweep_samples(std::int64_t id, std::uint64_t first_sample,
                         const std::vector<std::vector<double>>& values);
  // Every stored sample of a run, by sample index, `outputs` values each (NaN for NULL).
  [[nodiscard]] std::vector<std::vector<double>> sweep_samples(std::int64_t id,
                                                               std::size_t outputs) const;
  // Number of distinct samples stored for a run.
  [[nodiscard]] std::uint64_t count_sweep_samples(std::int64_t id) const;
  // Deletes the stored samples numbered `first_sample` and above, in one transaction.
  void delete_sweep_samples_from(std::int64_t id, std::uint64_t first_sample);

  // Most recent first; `limit` 0 means all. Records come without scenario text, result and
  // forecasts (use get_run).
  [[nodiscard]] std::vector<RunRecord> list_runs(
      std::size_t limit = 0) const;  // without text/result
  [[nodiscard]] std::optional<RunRecord> get_run(std::int64_t id) const;

  // Export of one run: JSON (the whole record) or CSV (one row per forecast: run_id,
  // scenario_id, model, issue, forecast, status, created_at). Throws StoreError when
  // the run does not exist.
  [[nodiscard]] std::string export_json(std::int64_t id) const;
  [[nodiscard]] std::string export_csv(std::int64_t id) const;

  [[nodiscard]] const std::string& path() const;

 private:
  void open_read_only();

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of a text, lower-case hex.
std::string sha256_hex(const std::string& text);

}  // namespace entente
