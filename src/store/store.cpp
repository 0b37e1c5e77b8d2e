// The run store on SQLite 3 (C API). Every SQL statement is prepared with bound parameters;
// no value is ever spliced into SQL text.
//
// Schema versioning: the version lives in the `meta` table (key 'schema_version', value the
// decimal version), not in PRAGMA user_version, so that it is visible to anyone browsing the
// file with the sqlite3 shell and can carry other keys later. A database without a `meta`
// table and without any other table is version 0 (new). kMigrations[i] takes a database
// from version i to i + 1; each step runs in its own IMMEDIATE transaction together with
// the version bump, so a crash mid-migration leaves the previous version intact.
#include "entente/store.hpp"

#include <openssl/evp.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "entente/version.hpp"

namespace entente {
namespace {

// Ordered migrations; index i migrates from schema version i to i + 1. Append only: a
// script that has shipped must never change, because databases in the field already ran it.
constexpr std::array<const char*, 3> kMigrations = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  created_at      TEXT NOT NULL,  -- UTC, ISO 8601 with milliseconds
  finished_at     TEXT,           -- NULL while running
  scenario_id     TEXT NOT NULL,
  scenario_source TEXT NOT NULL,
  scenario_hash   TEXT NOT NULL,  -- SHA-256 of scenario_text, lower-case hex
  scenario_text   TEXT NOT NULL,
  at_date         TEXT NOT NULL,
  models          TEXT NOT NULL,  -- JSON array of model names
  parameters      TEXT NOT NULL,  -- JSON
  seed            TEXT NOT NULL,  -- decimal uint64: an INTEGER column cannot hold 2^64-1
  version         TEXT NOT NULL,
  command         TEXT NOT NULL,
  error           TEXT,           -- set when failed
  result          TEXT            -- JSON, set when done
);
CREATE TABLE forecasts (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  model    TEXT NOT NULL,
  issue    TEXT NOT NULL,
  forecast REAL               -- NULL when the model gives no point forecast
);
CREATE INDEX forecasts_run_id ON forecasts(run_id);
)sql",
    // 1 -> 2: Monte Carlo sweeps: a checkpoint of the summarised prefix, and kept samples.
    R"sql(
CREATE TABLE sweep_progress (
  run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  blocks_done INTEGER NOT NULL,  -- blocks 0 .. blocks_done-1 are in `stats`
  stats       TEXT NOT NULL,     -- JSON: the merged statistics of those blocks
  updated_at  TEXT NOT NULL
);
CREATE TABLE sweep_samples (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  sample INTEGER NOT NULL,
  output INTEGER NOT NULL,  -- index into the run's outputs
  value  REAL,              -- NULL when the model gave none
  PRIMARY KEY (run_id, sample, output)
) WITHOUT ROWID;
)sql",
    // 2 -> 3: the process that owns a running run, so that a run whose process is gone can
    // be told from one still computing, and two resumes of one sweep cannot both compute it.
    R"sql(
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;  -- NULL for runs made before schema 3
ALTER TABLE runs ADD COLUMN owner_host TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;  -- UTC, ISO 8601: when the owner last beat
)sql",
};

constexpr int kCurrentSchemaVersion = static_cast<int>(kMigrations.size());
constexpr int kBusyTimeoutMs = 5000;
// Largest LIMIT SQLite takes (a signed 64-bit integer).
constexpr auto kMaxSqlLimit = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
constexpr std::string_view kHexDigits = "0123456789abcdef";

// Current UTC time as SQLite computes it, e.g. 2026-11-28T09:30:00.123Z (%f is SS.SSS).
constexpr const char* kNowSql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// This machine's name, as recorded with the runs it owns ("" when unknown).
std::string this_host() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "";
  return name.data();
}

// Whether process `pid` on this host exists. EPERM: it exists but belongs to another user.
// A recycled pid reads as alive; the heartbeat does not help there, so such a run stays
// `running` until that process ends (documented in docs/store.md).
bool pid_alive(std::int64_t pid) {
  if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
  if (pid == getpid()) return true;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string errmsg(sqlite3* db) { return db != nullptr ? sqlite3_errmsg(db) : "out of memory"; }

// An error from SQLite: "run store <path>: <what>: <sqlite message>".
[[noreturn]] void throw_sqlite(sqlite3* db, const std::string& path, std::string_view what) {
  throw StoreError(fmt::format("run store {}: {}: {}", path, what, errmsg(db)));
}

// A prepared statement, finalized on scope exit. Binding indices are 1-based, as in SQLite.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, std::string sql)
      : db_(db), path_(path), sql_(std::move(sql)) {
    if (sqlite3_prepare_v2(db_, sql_.c_str(), static_cast<int>(sql_.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      throw_sqlite(db_, path_, fmt::format("preparing `{}`", first_line()));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // SQLITE_TRANSIENT: SQLite copies the text, so binding a temporary is safe.
  void bind(int index, std::string_view text) {
    check(
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(stmt_, index, value)); }
  // NaN binds as NULL (SQLite stores no NaN), which reads back as "no forecast".
  void bind(int index, const std::optional<double>& value) {
    check(value ? sqlite3_bind_double(stmt_, index, *value) : sqlite3_bind_null(stmt_, index));
  }

  // Advances; true when a row is available, false when the statement is done.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite(db_, path_, fmt::format("executing `{}`", first_line()));
  }
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
  }
  // Rewinds the statement and clears its bindings, so it can run again with new ones.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  [[nodiscard]] bool is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  // Text of a column, "" for NULL; byte-exact (embedded NULs kept).
  [[nodiscard]] std::string text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
  }
  [[nodiscard]] std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  [[nodiscard]] double real(int column) const { return sqlite3_column_double(stmt_, column); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_sqlite(db_, path_, fmt::format("binding `{}`", first_line()));
  }
  [[nodiscard]] std::string_view first_line() const {
    const std::string_view sql = sql_;
    return sql.substr(0, sql.find('\n'));
  }

  sqlite3* db_;
  const std::string& path_;
  std::string sql_;  // kept for error messages
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs SQL that binds nothing (pragmas, BEGIN/COMMIT, migration scripts).
void exec(sqlite3* db, const std::string& path, const char* sql, std::string_view what) {
  // sqlite3_exec, not Statement: migration scripts hold several statements.
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : errmsg(db);
    sqlite3_free(message);
    throw StoreError(fmt::format("run store {}: {}: {}", path, what, text));
  }
}

// A transaction that rolls back unless committed. IMMEDIATE for writers, so that the write
// lock is taken (waiting up to the busy timeout) before anything is read: a DEFERRED
// transaction that reads and then writes can fail with SQLITE_BUSY without waiting when
// another connection committed in between.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  Transaction(sqlite3* db, const std::string& path, Mode mode) : db_(db), path_(path) {
    exec(db_, path_, mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED",
         "beginning a transaction");
  }
  ~Transaction() {
    // Best effort: a failed rollback leaves SQLite to roll back on close; never throw here.
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    exec(db_, path_, "COMMIT", "committing");
    open_ = false;
  }

 private:
  sqlite3* db_;
  const std::string& path_;
  bool open_ = true;
};

// JSON to text for storage; StoreError (not nlohmann's type_error) on invalid UTF-8.
std::string to_json_text(const nlohmann::json& value, const std::string& path,
                         std::string_view what) {
  try {
    return value.dump();
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(fmt::format("run store {}: {} cannot be stored: {}", path, what, e.what()));
  }
}

nlohmann::json parse_json_column(const std::string& text, const std::string& path, std::int64_t id,
                                 std::string_view column) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(
        fmt::format("run store {}: run {}: column {} is not JSON: {}", path, id, column, e.what()));
  }
}

std::uint64_t parse_seed(const std::string& text, const std::string& path, std::int64_t id) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
  if (ec != std::errc() || ptr != end || text.empty()) {
    throw StoreError(
        fmt::format("run store {}: run {}: seed '{}' is not a uint64", path, id, text));
  }
  return seed;
}

// Columns of `runs` in the order read_run expects; list_runs reads NULL in place of the
// large ones (scenario_text, result) so they are never transferred.
constexpr const char* kRunColumns =
    "id, kind, status, created_at, finished_at, scenario_id, scenario_source, scenario_hash, "
    "{text}, at_date, models, parameters, seed, version, command, error, {result}, {owner}";
// The owner columns (schema 3) and the heartbeat's age in seconds; a store of an older
// schema opened read-only has none, and its runs' age counts from their creation.
constexpr const char* kOwnerColumns =
    "owner_pid, owner_host, heartbeat_at, "
    "(julianday('now') - julianday(coalesce(heartbeat_at, created_at))) * 86400.0";
constexpr const char* kNoOwnerColumns =
    "NULL, NULL, NULL, (julianday('now') - julianday(created_at)) * 86400.0";

RunRecord read_run(const Statement& row, const std::string& path) {
  RunRecord r;
  r.id = row.int64(0);
  r.kind = row.text(1);
  r.status = row.text(2);
  r.created_at = row.text(3);
  r.finished_at = row.text(4);
  r.scenario_id = row.text(5);
  r.scenario_source = row.text(6);
  r.scenario_hash = row.text(7);
  r.scenario_text = row.text(8);
  r.at_date = row.text(9);
  const nlohmann::json models = parse_json_column(row.text(10), path, r.id, "models");
  if (!models.is_array()) {
    throw StoreError(fmt::format("run store {}: run {}: models is not a JSON array", path, r.id));
  }
  for (const auto& m : models) {
    if (!m.is_string()) {
      throw StoreError(
          fmt::format("run store {}: run {}: a model name is not a string", path, r.id));
    }
    r.models.push_back(m.get<std::string>());
  }
  r.parameters = parse_json_column(row.text(11), path, r.id, "parameters");
  r.seed = parse_seed(row.text(12), path, r.id);
  r.version = row.text(13);
  r.command = row.text(14);
  r.error = row.text(15);
  if (!row.is_null(16)) r.result = parse_json_column(row.text(16), path, r.id, "result");
  r.owner_pid = row.int64(17);
  r.owner_host = row.text(18);
  r.heartbeat_at = row.text(19);
  if (r.status == "running") {
    const bool stale = row.is_null(20) || row.real(20) > RunStore::kStaleHeartbeatSeconds;
    if (!r.owner_host.empty() && r.owner_host == this_host()) {
      r.abandoned = !pid_alive(r.owner_pid);
    } else {
      r.abandoned = stale;
    }
  }
  return r;
}

// One CSV field, quoted per RFC 4180 when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

struct RunStore::Impl {
  std::string path;
  sqlite3* db = nullptr;
  int version = 0;
  bool read_only = false;

  // kRunColumns for this database's schema.
  [[nodiscard]] std::string run_columns(bool with_text) const {
    return fmt::format(fmt::runtime(kRunColumns),
                       fmt::arg("text", with_text ? "scenario_text" : "NULL"),
                       fmt::arg("result", with_text ? "result" : "NULL"),
                       fmt::arg("owner", version >= 3 ? kOwnerColumns : kNoOwnerColumns));
  }

  ~Impl() { sqlite3_close_v2(db); }

  [[noreturn]] void fail(std::string_view what) const { throw_sqlite(db, path, what); }

  // Schema version recorded in the file: 0 for a new (empty) database. Throws when the file
  // holds tables but no entente meta table, so that we never write into a foreign database.
  [[nodiscard]] int read_version() const {
    Statement has_meta(db, path,
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    has_meta.step();
    if (has_meta.int64(0) == 0) {
      Statement tables(db, path,
                       "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
                       "ESCAPE '\\'");
      tables.step();
      if (tables.int64(0) != 0) {
        throw StoreError(fmt::format(
            "{} is not an entente run store: it is a SQLite database with other tables", path));
      }
      return 0;
    }
    Statement get(db, path, "SELECT value FROM meta WHERE key = 'schema_version'");
    int value = 0;
    const std::string text = get.step() ? get.text(0) : std::string();
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 1) {
      throw StoreError(
          fmt::format("{} is not an entente run store: meta.schema_version is '{}', not a version",
                      path, text));
    }
    return value;
  }

  // Throws when the database comes from a newer build: its schema may mean things this
  // build does not know, so neither reading nor writing it is safe.
  void check_not_newer(int current) const {
    if (current > kCurrentSchemaVersion) {
      throw StoreError(fmt::format("database {} was written by a newer entente (schema {} > {})",
                                   path, current, kCurrentSchemaVersion));
    }
  }

  // Applies the missing migrations, one transaction each. The common case (up to date) is
  // checked without a write lock, so opening never waits on a writer in another process;
  // the version is re-read inside each write transaction, so two processes opening a new
  // file at once migrate it once.
  void migrate() {
    version = read_version();
    check_not_newer(version);
    while (version < kCurrentSchemaVersion) {
      Transaction tx(db, path, Transaction::Mode::kWrite);
      const int current = read_version();
      check_not_newer(current);
      if (current == kCurrentSchemaVersion) {
        tx.commit();
        version = current;
        break;
      }
      exec(db, path, kMigrations[static_cast<std::size_t>(current)],
           fmt::format("migrating schema {} -> {}", current, current + 1));
      Statement set(db, path,
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      set.bind(1, std::to_string(current + 1));
      set.run();
      tx.commit();
      version = current + 1;
    }
  }

  // Moves a run from `running` to `done` or `failed`; the caller holds the write
  // transaction. Throws when the run is unknown or already finished.
  void finish(std::int64_t id, std::string_view status, const std::string* error,
              const std::string* result) {
    Statement update(db, path,
                     fmt::format("UPDATE runs SET status = ?1, finished_at = {}, error = ?2, "
                                 "result = ?3 WHERE id = ?4 AND status = 'running'",
                                 kNowSql));
    update.bind(1, status);
    if (error != nullptr) update.bind(2, *error);
    if (result != nullptr) update.bind(3, *result);
    update.bind(4, id);
    update.run();
    if (sqlite3_changes(db) == 1) return;
    // Nothing updated: tell apart an unknown id from a run that is no longer running.
    Statement current(db, path, "SELECT status FROM runs WHERE id = ?1");
    current.bind(1, id);
    if (!current.step()) {
      throw StoreError(fmt::format("run store {}: no run with id {}", path, id));
    }
    throw StoreError(fmt::format("run store {}: run {} is {}, not running; cannot mark it {}", path,
                                 id, current.text(0), status));
  }

  [[nodiscard]] std::vector<ForecastRow> read_forecasts(std::int64_t id) const {
    Statement select(db, path,
                     "SELECT model, issue, forecast FROM forecasts WHERE run_id = ?1 ORDER BY "
                     "rowid");
    select.bind(1, id);
    std::vector<ForecastRow> rows;
    while (select.step()) {
      ForecastRow row{select.text(0), select.text(1), std::nullopt};
      if (!select.is_null(2)) row.forecast = select.real(2);
      rows.push_back(std::move(row));
    }
    return rows;
  }
};

namespace {

// "file:" URI of a path, every byte but unreserved ones percent-encoded.
std::string file_uri(const std::string& path) {
  std::string uri = "file:";
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '/' || c == '.' || c == '_' || c == '-' || c == '~') {
      uri += c;
    } else {
      uri += fmt::format("%{:02X}", u);
    }
  }
  return uri;
}

}  // namespace

RunStore::RunStore(const std::string& path, Access access) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  Impl& s = *impl_;
  if (access == Access::kReadOnly) {
    open_read_only();
    return;
  }
  const int open_rc =
      sqlite3_open_v2(path.c_str(), &s.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (open_rc != SQLITE_OK) s.fail("cannot open");  // ~Impl closes the half-open handle
  sqlite3_extended_result_codes(s.db, 1);
  // Waiting on a lock held by another connection beats failing at once with SQLITE_BUSY.
  if (sqlite3_busy_timeout(s.db, kBusyTimeoutMs) != SQLITE_OK) s.fail("setting busy timeout");
  // The first statement reads the header, so a file that is not SQLite fails here (opening
  // is lazy). WAL lets readers in other processes proceed while one writer commits. The
  // resulting mode is not checked: SQLite keeps the old mode where WAL is impossible (e.g.
  // ":memory:"), and such a store still works for a single process.
  const int wal_rc = sqlite3_exec(s.db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
  if ((wal_rc & 0xff) == SQLITE_NOTADB) {
    throw StoreError(fmt::format("{} is not an entente run store: file is not a database", path));
  }
  if (wal_rc != SQLITE_OK) s.fail("setting WAL journal mode");
  // NORMAL is safe in WAL: a killed process loses nothing committed, and a power loss may
  // drop the last commits but never corrupts the file.
  exec(s.db, s.path, "PRAGMA synchronous = NORMAL", "setting synchronous");
  // Off by default in SQLite, per connection: needed for ON DELETE CASCADE of forecasts.
  exec(s.db, s.path, "PRAGMA foreign_keys = ON", "enabling foreign keys");
  s.migrate();
}

void RunStore::open_read_only() {
  Impl& s = *impl_;
  const std::string& path = s.path;
  s.read_only = true;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw StoreError(fmt::format("no run store at {}: nothing has been stored there", path));
  }
  // A WAL database is read through its -shm file, which SQLite must create when it is
  // missing; in a folder this process cannot write, that fails. Such a folder cannot hold a
  // writer either (it could not create the -wal file), so the file is then opened as
  // immutable: read without any locking or -shm.
  for (const bool immutable : {false, true}) {
    sqlite3_close_v2(s.db);
    s.db = nullptr;
    const std::string name = immutable ? file_uri(path) + "?immutable=1" : path;
    const int flags = SQLITE_OPEN_READONLY | (immutable ? SQLITE_OPEN_URI : 0);
    if (sqlite3_open_v2(name.c_str(), &s.db, flags, nullptr) != SQLITE_OK) s.fail("cannot open");
    sqlite3_extended_result_codes(s.db, 1);
    if (sqlite3_busy_timeout(s.db, kBusyTimeoutMs) != SQLITE_OK) s.fail("setting busy timeout");
    // The first read of the header: a file that is not SQLite, or an unreadable WAL index.
    const int rc =
        sqlite3_exec(s.db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if ((rc & 0xff) == SQLITE_NOTADB) {
      throw StoreError(fmt::format("{} is not an entente run store: file is not a database", path));
    }
    if (rc == SQLITE_OK) break;
    const bool retry =
        !immutable && ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY);
    if (!retry) s.fail("reading");
  }
  s.version = s.read_version();
  s.check_not_newer(s.version);
}

RunStore::~RunStore() = default;
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;

int RunStore::schema_version() { return kCurrentSchemaVersion; }

int RunStore::database_version() const { return impl_->version; }

const std::string& RunStore::path() const { return impl_->path; }

std::int64_t RunStore::begin_run(const NewRun& run) {
  Impl& s = *impl_;
  // Serialise before the transaction: a JSON error must not leave a half-made run.
  const std::string models = to_json_text(run.models, s.path, "model list");
  const std::string parameters = to_json_text(run.parameters, s.path, "parameters");
  const std::string hash = sha256_hex(run.scenario_text);

  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  Statement insert(s.db, s.path,
                   fmt::format("INSERT INTO runs (kind, status, created_at, scenario_id, "
                               "scenario_source, scenario_hash, scenario_text, at_date, models, "
                               "parameters, seed, version, command, owner_pid, owner_host, "
                               "heartbeat_at) VALUES (?1, 'running', {0}, ?2, ?3, ?4, ?5, ?6, ?7, "
                               "?8, ?9, ?10, ?11, ?12, ?13, {0})",
                               kNowSql));
  insert.bind(1, run.kind);
  insert.bind(2, run.scenario_id);
  insert.bind(3, run.scenario_source);
  insert.bind(4, hash);
  insert.bind(5, run.scenario_text);
  insert.bind(6, run.at_date);
  insert.bind(7, models);
  insert.bind(8, parameters);
  insert.bind(9, std::to_string(run.seed));
  insert.bind(10, std::string_view(version()));
  insert.bind(11, run.command);
  insert.bind(12, static_cast<std::int64_t>(getpid()));
  insert.bind(13, this_host());
  insert.run();
  const std::int64_t id = sqlite3_last_insert_rowid(s.db);
  tx.commit();
  return id;
}

void RunStore::claim_run(std::int64_t id) {
  Impl& s = *impl_;
  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  Statement select(s.db, s.path,
                   fmt::format("SELECT {} FROM runs WHERE id = ?1", s.run_columns(false)));
  select.bind(1, id);
  if (!select.step()) throw StoreError(fmt::format("run store {}: no run with id {}", s.path, id));
  const RunRecord r = read_run(select, s.path);
  if (r.status != "running") {
    throw StoreError(fmt::format("run store {}: run {} is {}, not running", s.path, id, r.status));
  }
  const bool mine = r.owner_pid == getpid() && r.owner_host == this_host();
  if (!r.abandoned && !mine && !r.owner_host.empty()) {
    throw StoreError(fmt::format(
        "run {} is being computed by process {} on {} (last heartbeat {}); wait for it to "
        "finish, or stop that process first",
        id, r.owner_pid, r.owner_host, r.heartbeat_at));
  }
  Statement update(s.db, s.path,
                   fmt::format("UPDATE runs SET owner_pid = ?1, owner_host = ?2, heartbeat_at = "
                               "{} WHERE id = ?3",
                               kNowSql));
  update.bind(1, static_cast<std::int64_t>(getpid()));
  update.bind(2, this_host());
  update.bind(3, id);
  update.run();
  tx.commit();
}

void RunStore::finish_run(std::int64_t id, const nlohmann::json& result,
                          const std::vector<ForecastRow>& forecasts) {
  Impl& s = *impl_;
  const std::string result_text = to_json_text(result, s.path, "result");
  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  s.finish(id, "done", nullptr, &result_text);
  Statement insert(
      s.db, s.path,
      "INSERT INTO forecasts (run_id, model, issue, forecast) VALUES (?1, ?2, ?3, ?4)");
  for (const auto& row : forecasts) {
    insert.reset();
    insert.bind(1, id);
    insert.bind(2, row.model);
    insert.bind(3, row.issue);
    insert.bind(4, row.forecast);
    insert.run();
  }
  tx.commit();
}

void RunStore::save_sweep_progress(std::int64_t id, std::uint64_t blocks_done,
                                   const nlohmann::json& stats) {
  Impl& s = *impl_;
  const std::string text = to_json_text(stats, s.path, "sweep statistics");
  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  Statement status(s.db, s.path, "SELECT status FROM runs WHERE id = ?1");
  status.bind(1, id);
  if (!status.step()) throw StoreError(fmt::format("run store {}: no run {}", s.path, id));
  if (status.text(0) != "running") {
    throw StoreError(
        fmt::format("run store {}: run {} is {}, not running", s.path, id, status.text(0)));
  }
  Statement upsert(s.db, s.path,
                   fmt::format("INSERT INTO sweep_progress (run_id, blocks_done, stats, "
                               "updated_at) VALUES (?1, ?2, ?3, {}) ON CONFLICT(run_id) DO "
                               "UPDATE SET blocks_done = excluded.blocks_done, stats = "
                               "excluded.stats, updated_at = excluded.updated_at",
                               kNowSql));
  upsert.bind(1, id);
  upsert.bind(2, static_cast<std::int64_t>(blocks_done));
  upsert.bind(3, text);
  upsert.run();
  Statement beat(s.db, s.path,
                 fmt::format("UPDATE runs SET heartbeat_at = {} WHERE id = ?1", kNowSql));
  beat.bind(1, id);
  beat.run();
  tx.commit();
}

std::optional<SweepProgress> RunStore::sweep_progress(std::int64_t id) const {
  const Impl& s = *impl_;
  Statement select(s.db, s.path, "SELECT blocks_done, stats FROM sweep_progress WHERE run_id = ?1");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  SweepProgress p;
  p.blocks_done = static_cast<std::uint64_t>(select.int64(0));
  try {
    p.stats = nlohmann::json::parse(select.text(1));
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(fmt::format("run store {}: run {}: sweep statistics are corrupt: {}", s.path,
                                 id, e.what()));
  }
  return p;
}

void RunStore::add_sweep_samples(std::int64_t id, std::uint64_t first_sample,
                                 const std::vector<std::vector<double>>& values) {
  Impl& s = *impl_;
  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  Statement insert(s.db, s.path,
                   "INSERT OR REPLACE INTO sweep_samples (run_id, sample, output, value) "
                   "VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t k = 0; k < values[i].size(); ++k) {
      insert.reset();
      insert.bind(1, id);
      insert.bind(2, static_cast<std::int64_t>(first_sample + i));
      insert.bind(3, static_cast<std::int64_t>(k));
      const double v = values[i][k];
      insert.bind(4, std::isfinite(v) ? std::optional<double>(v) : std::nullopt);
      insert.run();
    }
  }
  tx.commit();
}

std::vector<std::vector<double>> RunStore::sweep_samples(std::int64_t id,
                                                         std::size_t outputs) const {
  const Impl& s = *impl_;
  Statement select(s.db, s.path,
                   "SELECT sample, output, value FROM sweep_samples WHERE run_id = ?1 "
                   "ORDER BY sample, output");
  select.bind(1, id);
  std::vector<std::vector<double>> rows;
  std::int64_t current = -1;
  while (select.step()) {
    const std::int64_t sample = select.int64(0);
    const std::int64_t output = select.int64(1);
    if (sample != current) {
      rows.emplace_back(outputs, std::numeric_limits<double>::quiet_NaN());
      current = sample;
    }
    if (output >= 0 && static_cast<std::size_t>(output) < outputs && !select.is_null(2)) {
      rows.back()[static_cast<std::size_t>(output)] = select.real(2);
    }
  }
  return rows;
}

std::uint64_t RunStore::count_sweep_samples(std::int64_t id) const {
  const Impl& s = *impl_;
  Statement select(s.db, s.path,
                   "SELECT COUNT(DISTINCT sample) FROM sweep_samples WHERE run_id = ?1");
  select.bind(1, id);
  return select.step() ? static_cast<std::uint64_t>(select.int64(0)) : 0;
}

void RunStore::delete_sweep_samples_from(std::int64_t id, std::uint64_t first_sample) {
  Impl& s = *impl_;
  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  Statement del(s.db, s.path, "DELETE FROM sweep_samples WHERE run_id = ?1 AND sample >= ?2");
  del.bind(1, id);
  del.bind(2, static_cast<std::int64_t>(first_sample));
  del.run();
  tx.commit();
}

void RunStore::fail_run(std::int64_t id, const std::string& error) {
  Impl& s = *impl_;
  Transaction tx(s.db, s.path, Transaction::Mode::kWrite);
  s.finish(id, "failed", &error, nullptr);
  tx.commit();
}

std::vector<RunRecord> RunStore::list_runs(std::size_t limit) const {
  const Impl& s = *impl_;
  if (s.version == 0) return {};  // an empty file opened read-only: no tables yet
  Statement select(
      s.db, s.path,
      fmt::format("SELECT {} FROM runs ORDER BY id DESC LIMIT ?1", s.run_columns(false)));
  // LIMIT -1 is SQLite for "no limit".
  select.bind(
      1, limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(std::min(limit, kMaxSqlLimit)));
  std::vector<RunRecord> runs;
  while (select.step()) runs.push_back(read_run(select, s.path));
  return runs;
}

std::optional<RunRecord> RunStore::get_run(std::int64_t id) const {
  const Impl& s = *impl_;
  // One read transaction: the run row and its forecasts come from the same snapshot even
  // when another process finishes the run between the two SELECTs.
  if (s.version == 0) return std::nullopt;  // an empty file opened read-only
  Transaction tx(s.db, s.path, Transaction::Mode::kRead);
  Statement select(s.db, s.path,
                   fmt::format("SELECT {} FROM runs WHERE id = ?1", s.run_columns(true)));
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  RunRecord run = read_run(select, s.path);
  run.forecasts = s.read_forecasts(id);
  tx.commit();
  return run;
}

std::string RunStore::export_json(std::int64_t id) const {
  const auto run = get_run(id);
  if (!run) throw StoreError(fmt::format("run store {}: no run with id {}", path(), id));
  nlohmann::ordered_json forecasts = nlohmann::ordered_json::array();
  for (const auto& row : run->forecasts) {
    nlohmann::ordered_json f;
    f["model"] = row.model;
    f["issue"] = row.issue;
    f["forecast"] = row.forecast ? nlohmann::ordered_json(*row.forecast) : nullptr;
    forecasts.push_back(std::move(f));
  }
  nlohmann::ordered_json out;
  out["id"] = run->id;
  out["kind"] = run->kind;
  out["status"] = run->status;
  out["created_at"] = run->created_at;
  out["finished_at"] = run->finished_at;
  out["scenario_id"] = run->scenario_id;
  out["scenario_source"] = run->scenario_source;
  out["scenario_hash"] = run->scenario_hash;
  out["scenario_text"] = run->scenario_text;
  out["at_date"] = run->at_date;
  out["models"] = run->models;
  out["parameters"] = run->parameters;
  // The seed is a decimal string, not a number: JSON readers commonly parse numbers as
  // IEEE doubles, which hold integers exactly only up to 2^53, and seeds span all of uint64.
  out["seed"] = std::to_string(run->seed);
  out["version"] = run->version;
  out["command"] = run->command;
  out["error"] = run->error;
  out["result"] = run->result;  // embedded as JSON (null unless done), not as a string
  out["forecasts"] = std::move(forecasts);
  // Invalid UTF-8 (possible only in stored free text) becomes U+FFFD rather than failing
  // the export: JSON cannot carry raw bytes. scenario_hash is of the stored bytes.
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string RunStore::export_csv(std::int64_t id) const {
  const auto run = get_run(id);
  if (!run) throw StoreError(fmt::format("run store {}: no run with id {}", path(), id));
  // Lines end in LF, not RFC 4180's CRLF: the export is for Unix tools and spreadsheets,
  // which all accept LF; fields are quoted as RFC 4180 says.
  // Issue forecasts first (output empty), then each scenario model's outputs (issue empty,
  // `output` its name, e.g. us-rok/p_holds/5y), read from the stored result's generic
  // `models.<m>.outputs`; a result of another shape (untrusted) adds no such row.
  std::string out = "run_id,scenario_id,model,issue,forecast,status,created_at,output\n";
  for (const auto& row : run->forecasts) {
    // {} prints the shortest text that reads back as the same double.
    const std::string forecast = row.forecast ? fmt::format("{}", *row.forecast) : std::string();
    out += fmt::format("{},{},{},{},{},{},{},\n", run->id, csv_field(run->scenario_id),
                       csv_field(row.model), csv_field(row.issue), forecast, csv_field(run->status),
                       csv_field(run->created_at));
  }
  const nlohmann::json& result = run->result;
  if (run->kind == "run" && result.is_object() && result.contains("models") &&
      result["models"].is_object()) {
    for (const auto& [model, m] : result["models"].items()) {
      if (!m.is_object() || !m.contains("outputs") || !m["outputs"].is_array()) continue;
      for (const nlohmann::json& o : m["outputs"]) {
        if (!o.is_object() || !o.contains("name") || !o["name"].is_string() ||
            !o.contains("value") || !o["value"].is_number()) {
          continue;
        }
        out += fmt::format("{},{},{},,{},{},{},{}\n", run->id, csv_field(run->scenario_id),
                           csv_field(model), o["value"].get<double>(), csv_field(run->status),
                           csv_field(run->created_at), csv_field(o["name"].get<std::string>()));
      }
    }
  }
  return out;
}

std::string sha256_hex(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw StoreError("SHA-256 failed (OpenSSL EVP_Digest)");
  }
  std::string hex;
  hex.reserve(std::size_t{2} * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHexDigits[digest[i] >> 4];
    hex += kHexDigits[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace entente
