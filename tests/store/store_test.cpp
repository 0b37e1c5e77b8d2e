#include "entente/store.hpp"

#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "entente/version.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

// A database file in a fresh temporary directory.
std::string fresh_db(const std::string& tag) { return test::temp_dir("store-" + tag) + "/runs.db"; }

NewRun sample_run(const std::string& scenario_id = "korea-2003") {
  NewRun run;
  run.kind = "run";
  run.scenario_id = scenario_id;
  run.scenario_source = "scenarios/korea-2003.yaml";
  run.scenario_text = "id: korea-2003\nactors:\n  - name: \"North Korea\"\n";
  run.at_date = "2003-03-15";
  run.models = {"bdm", "median"};
  run.parameters = {{"rounds", 5}, {"flags", {"no-cache"}}};
  run.seed = 42;
  run.command = "entente run korea-2003 --seed 42";
  return run;
}

// A raw SQLite connection, for looking at the file behind the store's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message != nullptr ? message : "?";
      sqlite3_free(message);
      throw std::runtime_error(sql + ": " + text);
    }
  }
  // First column of the first row as text ("" for NULL or no row).
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// Exit status of a finished child, or -1 when it did not exit normally.
int wait_exit_code(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(RunStore, CreatesAndMigratesNewDatabase) {
  const std::string path = fresh_db("create");
  ASSERT_FALSE(std::filesystem::exists(path));
  {
    RunStore store(path);
    EXPECT_GE(RunStore::schema_version(), 1);
    EXPECT_EQ(store.database_version(), RunStore::schema_version());
    EXPECT_EQ(store.path(), path);
    store.begin_run(sample_run());
  }
  RawDb raw(path);
  EXPECT_EQ(raw.scalar("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(RunStore::schema_version()));
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                       "('meta', 'runs', 'forecasts')"),
            "3");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                       "tbl_name = 'forecasts'"),
            "1");
  // WAL is a property of the file, so a fresh connection sees it.
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");

  // Reopening an up-to-date database migrates nothing and keeps the data.
  RunStore again(path);
  EXPECT_EQ(again.database_version(), RunStore::schema_version());
  EXPECT_EQ(again.list_runs().size(), 1U);
}

TEST(RunStore, RoundTripsEveryField) {
  RunStore store(fresh_db("roundtrip"));
  NewRun run = sample_run();
  run.kind = "backtest";
  run.scenario_source = "<embedded:korea-2003>";
  run.scenario_text = "name: \"Séoul, 2003\"\nnote: 'quotes \" and , commas'\n\ttab\n";
  run.parameters = {{"nested", {{"a", 1.5}, {"b", nullptr}, {"c", {1, 2, 3}}}}, {"s", "x"}};
  run.seed = 1234567890123ULL;
  run.models = {"bdm", "nash", "compromise"};

  const std::int64_t id = store.begin_run(run);
  const nlohmann::json result = {{"models", {{"bdm", {{"forecast", 61.25}}}}}, {"ok", true}};
  const std::vector<ForecastRow> rows = {
      {"bdm", "nuclear", 61.25}, {"nash", "nuclear", std::nullopt}, {"compromise", "", 0.1}};
  store.finish_run(id, result, rows);

  const auto got = store.get_run(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->kind, "backtest");
  EXPECT_EQ(got->status, "done");
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_FALSE(got->finished_at.empty());
  EXPECT_LE(got->created_at, got->finished_at);  // same format, so text order is time order
  EXPECT_EQ(got->scenario_id, run.scenario_id);
  EXPECT_EQ(got->scenario_source, run.scenario_source);
  EXPECT_EQ(got->scenario_hash, sha256_hex(run.scenario_text));
  EXPECT_EQ(got->scenario_text, run.scenario_text);
  EXPECT_EQ(got->at_date, run.at_date);
  EXPECT_EQ(got->models, run.models);
  EXPECT_EQ(got->parameters, run.parameters);
  EXPECT_EQ(got->seed, run.seed);
  EXPECT_EQ(got->version, std::string(version()));
  EXPECT_EQ(got->command, run.command);
  EXPECT_EQ(got->error, "");
  EXPECT_EQ(got->result, result);
  ASSERT_EQ(got->forecasts.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(got->forecasts[i].model, rows[i].model) << i;
    EXPECT_EQ(got->forecasts[i].issue, rows[i].issue) << i;
    EXPECT_EQ(got->forecasts[i].forecast, rows[i].forecast) << i;  // bit-exact doubles
  }
}

TEST(RunStore, TimestampsAreUtcIso8601WithMilliseconds) {
  RunStore store(fresh_db("time"));
  const std::int64_t id = store.begin_run(sample_run());
  const std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  auto run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_TRUE(std::regex_match(run->created_at, iso)) << run->created_at;
  EXPECT_EQ(run->finished_at, "");  // while running
  store.fail_run(id, "boom");
  run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_TRUE(std::regex_match(run->finished_at, iso)) << run->finished_at;
}

TEST(RunStore, BeginRunStartsRunningAndFailRunRecordsError) {
  RunStore store(fresh_db("fail"));
  const std::int64_t id = store.begin_run(sample_run());
  auto run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "running");
  EXPECT_TRUE(run->result.is_null());
  EXPECT_TRUE(run->forecasts.empty());

  store.fail_run(id, "model bdm: no convergence after 100 rounds");
  run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "failed");
  EXPECT_EQ(run->error, "model bdm: no convergence after 100 rounds");
  EXPECT_TRUE(run->result.is_null());
}

TEST(RunStore, RejectsTransitionsFromFinishedRuns) {
  RunStore store(fresh_db("transitions"));
  const std::int64_t done = store.begin_run(sample_run());
  store.finish_run(done, {{"ok", true}}, {{"bdm", "x", 1.0}});
  const std::int64_t failed = store.begin_run(sample_run());
  store.fail_run(failed, "first error");

  const std::vector<ForecastRow> more = {{"bdm", "y", 2.0}};
  try {
    store.finish_run(done, {{"ok", false}}, more);
    FAIL() << "finishing a done run must throw";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("run " + std::to_string(done) + " is done, not running"));
  }
  EXPECT_THROW(store.fail_run(done, "late"), StoreError);
  try {
    store.fail_run(failed, "second error");
    FAIL() << "failing a failed run must throw";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("is failed, not running"));
  }
  EXPECT_THROW(store.finish_run(failed, {{"ok", true}}, more), StoreError);

  // The refused calls changed nothing (each rolled back its whole transaction).
  const auto d = store.get_run(done);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, "done");
  EXPECT_EQ(d->result, (nlohmann::json{{"ok", true}}));
  EXPECT_EQ(d->error, "");
  ASSERT_EQ(d->forecasts.size(), 1U);
  EXPECT_EQ(d->forecasts[0].issue, "x");
  const auto f = store.get_run(failed);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, "failed");
  EXPECT_EQ(f->error, "first error");
  EXPECT_TRUE(f->forecasts.empty());
}

TEST(RunStore, UnknownIdErrors) {
  const std::string path = fresh_db("unknown");
  RunStore store(path);
  store.begin_run(sample_run());
  try {
    store.finish_run(999, nlohmann::json::object(), {});
    FAIL() << "finish_run on an unknown id must throw";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no run with id 999"));
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
  EXPECT_THROW(store.fail_run(999, "x"), StoreError);
  EXPECT_FALSE(store.get_run(999).has_value());
  EXPECT_THROW((void)store.export_json(999), StoreError);
  EXPECT_THROW((void)store.export_csv(999), StoreError);
}

TEST(RunStore, FinishRunIsOneTransaction) {
  const std::string path = fresh_db("atomic");
  RunStore store(path);
  const std::int64_t id = store.begin_run(sample_run());
  // Make the third forecast insert fail, after the status update and two inserts ran.
  RawDb raw(path);
  raw.exec(
      "CREATE TRIGGER reject_boom BEFORE INSERT ON forecasts WHEN NEW.issue = 'boom' "
      "BEGIN SELECT RAISE(ABORT, 'boom rejected'); END");
  const std::vector<ForecastRow> rows = {
      {"bdm", "a", 1.0}, {"bdm", "b", 2.0}, {"bdm", "boom", 3.0}};
  try {
    store.finish_run(id, {{"ok", true}}, rows);
    FAIL() << "the trigger must make finish_run throw";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("boom rejected"));  // SQLite's message
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
  auto run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "running");
  EXPECT_EQ(run->finished_at, "");
  EXPECT_TRUE(run->result.is_null());
  EXPECT_TRUE(run->forecasts.empty());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM forecasts"), "0");

  // The store is still usable after the failed transaction.
  raw.exec("DROP TRIGGER reject_boom");
  store.finish_run(id, {{"ok", true}}, rows);
  run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "done");
  EXPECT_EQ(run->forecasts.size(), 3U);
}

TEST(RunStore, ListsMostRecentFirstWithoutTextAndResult) {
  RunStore store(fresh_db("list"));
  const std::int64_t a = store.begin_run(sample_run("a"));
  const std::int64_t b = store.begin_run(sample_run("b"));
  const std::int64_t c = store.begin_run(sample_run("c"));
  store.finish_run(a, {{"big", "result"}}, {{"bdm", "x", 1.0}});
  store.fail_run(c, "broken");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);

  const auto runs = store.list_runs();
  ASSERT_EQ(runs.size(), 3U);
  EXPECT_EQ(runs[0].id, c);
  EXPECT_EQ(runs[1].id, b);
  EXPECT_EQ(runs[2].id, a);
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_EQ(runs[0].error, "broken");
  EXPECT_EQ(runs[1].status, "running");
  EXPECT_EQ(runs[2].status, "done");
  for (const auto& run : runs) {
    EXPECT_EQ(run.scenario_text, "");
    EXPECT_TRUE(run.result.is_null());
    EXPECT_TRUE(run.forecasts.empty());
    EXPECT_EQ(run.models, (std::vector<std::string>{"bdm", "median"}));
    EXPECT_EQ(run.parameters, sample_run().parameters);
    EXPECT_EQ(run.seed, 42U);
    EXPECT_EQ(run.scenario_hash, sha256_hex(sample_run().scenario_text));
    EXPECT_FALSE(run.created_at.empty());
  }
  EXPECT_EQ(runs[2].scenario_id, "a");

  const auto two = store.list_runs(2);
  ASSERT_EQ(two.size(), 2U);
  EXPECT_EQ(two[0].id, c);
  EXPECT_EQ(two[1].id, b);
  EXPECT_EQ(store.list_runs(100).size(), 3U);
}

TEST(RunStore, ListOfEmptyStoreIsEmpty) {
  RunStore store(fresh_db("empty"));
  EXPECT_TRUE(store.list_runs().empty());
}

TEST(RunStore, ExportsCsvWithRfc4180Quoting) {
  RunStore store(fresh_db("csv"));
  const std::int64_t id = store.begin_run(sample_run("korea, 2003"));
  store.finish_run(id, nlohmann::json::object(),
                   {{"bdm", "aid, \"food\"", 61.25},
                    {"nash", "multi\nline", std::nullopt},
                    {"median", "", 0.1}});
  const auto run = store.get_run(id);
  ASSERT_TRUE(run);
  const std::string n = std::to_string(id);
  const std::string tail = ",done," + run->created_at + ",\n";
  // A field with a comma, quote or line break is quoted and its quotes doubled; a null
  // forecast is an empty field; 0.1 prints as the shortest text that reads back exactly.
  EXPECT_EQ(store.export_csv(id),
            "run_id,scenario_id,model,issue,forecast,status,created_at,output\n" +  //
                n + ",\"korea, 2003\",bdm,\"aid, \"\"food\"\"\",61.25" + tail +     //
                n + ",\"korea, 2003\",nash,\"multi\nline\"," + tail +               //
                n + ",\"korea, 2003\",median,,0.1" + tail);
}

TEST(RunStore, ExportCsvOfRunWithoutForecastsIsHeaderOnly) {
  RunStore store(fresh_db("csv-empty"));
  const std::int64_t id = store.begin_run(sample_run());
  EXPECT_EQ(store.export_csv(id),
            "run_id,scenario_id,model,issue,forecast,status,created_at,output\n");
}

// Issue 17: the CSV export had issue forecasts only. Scenario models' outputs follow, one row
// each, from the result's generic `outputs`; entries of another shape are skipped.
TEST(RunStore, ExportCsvHasScenarioModelsOutputs) {
  RunStore store(fresh_db("csv-outputs"));
  const std::int64_t id = store.begin_run(sample_run("k"));
  const nlohmann::json result = {
      {"models",
       {{"alliance",
         {{"outputs",
           {{{"name", "ab/health"}, {"value", 0.5}, {"lo", 0}, {"hi", 1}},
            {{"name", "ab/p_holds/5y"}, {"value", 0.875}, {"lo", 0}, {"hi", 1}},
            {{"name", 3}, {"value", 1}},
            "not an object"}}}},
        {"crisis", {{"outputs", "not an array"}}}}}};
  store.finish_run(id, result, {{"median", "i", 40.0}});
  const auto run = store.get_run(id);
  ASSERT_TRUE(run);
  const std::string n = std::to_string(id);
  const std::string done = ",done," + run->created_at + ",";
  EXPECT_EQ(store.export_csv(id),
            "run_id,scenario_id,model,issue,forecast,status,created_at,output\n" +  //
                n + ",k,median,i,40" + done + "\n" +                                //
                n + ",k,alliance,,0.5" + done + "ab/health\n" +                     //
                n + ",k,alliance,,0.875" + done + "ab/p_holds/5y\n");
}

TEST(RunStore, ExportsJsonWithEmbeddedResultAndStringSeed) {
  RunStore store(fresh_db("json"));
  const NewRun input = sample_run();
  const std::int64_t id = store.begin_run(input);
  const nlohmann::json result = {{"scenario", "korea-2003"}, {"forecasts", {1, 2}}};
  store.finish_run(id, result, {{"bdm", "nuclear", 61.25}, {"nash", "nuclear", std::nullopt}});

  const auto exported = nlohmann::json::parse(store.export_json(id));
  const auto run = store.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(exported.at("id"), id);
  EXPECT_EQ(exported.at("kind"), "run");
  EXPECT_EQ(exported.at("status"), "done");
  EXPECT_EQ(exported.at("created_at"), run->created_at);
  EXPECT_EQ(exported.at("finished_at"), run->finished_at);
  EXPECT_EQ(exported.at("scenario_id"), input.scenario_id);
  EXPECT_EQ(exported.at("scenario_source"), input.scenario_source);
  EXPECT_EQ(exported.at("scenario_hash"), sha256_hex(input.scenario_text));
  EXPECT_EQ(exported.at("scenario_text"), input.scenario_text);
  EXPECT_EQ(exported.at("at_date"), input.at_date);
  EXPECT_EQ(exported.at("models"), nlohmann::json(input.models));
  EXPECT_EQ(exported.at("parameters"), input.parameters);
  EXPECT_EQ(exported.at("seed"), "42");  // a string: JSON numbers are lossy above 2^53
  EXPECT_EQ(exported.at("version"), std::string(version()));
  EXPECT_EQ(exported.at("command"), input.command);
  EXPECT_EQ(exported.at("error"), "");
  EXPECT_EQ(exported.at("result"), result);  // embedded, not a string holding JSON
  EXPECT_EQ(
      exported.at("forecasts"),
      (nlohmann::json::array({{{"model", "bdm"}, {"issue", "nuclear"}, {"forecast", 61.25}},
                              {{"model", "nash"}, {"issue", "nuclear"}, {"forecast", nullptr}}})));
}

TEST(RunStore, SeedMaxUint64RoundTrips) {
  const std::string path = fresh_db("seed");
  RunStore store(path);
  NewRun run = sample_run();
  run.seed = std::numeric_limits<std::uint64_t>::max();  // 2^64-1: no int64 or double holds it
  const std::int64_t id = store.begin_run(run);
  const auto got = store.get_run(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seed, 18446744073709551615ULL);
  ASSERT_EQ(store.list_runs().size(), 1U);
  EXPECT_EQ(store.list_runs()[0].seed, 18446744073709551615ULL);
  EXPECT_EQ(RawDb(path).scalar("SELECT seed FROM runs"), "18446744073709551615");
  EXPECT_EQ(nlohmann::json::parse(store.export_json(id)).at("seed"), "18446744073709551615");
}

TEST(RunStore, NanForecastIsStoredAsNull) {
  // SQLite has no NaN: binding one stores NULL, which reads back as "no forecast".
  RunStore store(fresh_db("nan"));
  const std::int64_t id = store.begin_run(sample_run());
  store.finish_run(id, nlohmann::json::object(),
                   {{"bdm", "x", std::numeric_limits<double>::quiet_NaN()}});
  const auto run = store.get_run(id);
  ASSERT_TRUE(run);
  ASSERT_EQ(run->forecasts.size(), 1U);
  EXPECT_FALSE(run->forecasts[0].forecast.has_value());
}

TEST(RunStore, RejectsFileThatIsNotADatabase) {
  const std::string path = test::temp_dir("store-notdb") + "/scenario.yaml";
  std::string content;
  for (int i = 0; i < 64; ++i) content += "id: korea-2003 # not a database at all\n";
  write_file(path, content);
  try {
    RunStore store(path);
    FAIL() << "opening a YAML file as a store must throw";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), path + " is not an entente run store: file is not a database");
  }
  EXPECT_EQ(test::read_file(path), content);  // left untouched
}

TEST(RunStore, RejectsForeignSqliteDatabase) {
  const std::string path = fresh_db("foreign");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE songs (title TEXT)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  try {
    RunStore store(path);
    FAIL() << "another application's database must be refused";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + " is not an entente run store"));
  }
  EXPECT_EQ(RawDb(path).scalar("SELECT count(*) FROM sqlite_master"), "1");  // not migrated
}

TEST(RunStore, RejectsDatabaseFromNewerSchema) {
  const std::string path = fresh_db("newer");
  { RunStore store(path); }
  const int newer = RunStore::schema_version() + 998;
  RawDb(path).exec("UPDATE meta SET value = '" + std::to_string(newer) +
                   "' WHERE key = 'schema_version'");
  try {
    RunStore store(path);
    FAIL() << "a newer schema must be refused";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()),
              "database " + path + " was written by a newer entente (schema " +
                  std::to_string(newer) + " > " + std::to_string(RunStore::schema_version()) + ")");
  }
}

TEST(RunStore, ReportsUnopenablePathAsStoreError) {
  const std::string path = test::temp_dir("store-missing") + "/no/such/dir/runs.db";
  try {
    RunStore store(path);
    FAIL() << "a path in a missing directory must throw";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
    EXPECT_THAT(e.what(), HasSubstr("unable to open database file"));  // SQLite's message
  }
}

TEST(RunStore, MovedStoreKeepsItsConnection) {
  const std::string path = fresh_db("move");
  RunStore first(path);
  const std::int64_t id = first.begin_run(sample_run());
  RunStore second(std::move(first));
  EXPECT_EQ(second.path(), path);
  second.fail_run(id, "moved");
  RunStore third(fresh_db("move-other"));
  third = std::move(second);
  EXPECT_EQ(third.path(), path);
  EXPECT_EQ(third.get_run(id)->status, "failed");
}

TEST(RunStore, SecondConnectionSeesCommittedState) {
  const std::string path = fresh_db("two");
  RunStore writer(path);
  RunStore reader(path);
  const std::int64_t id = writer.begin_run(sample_run());
  auto runs = reader.list_runs();
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].id, id);
  EXPECT_EQ(runs[0].status, "running");

  writer.finish_run(id, {{"ok", true}}, {{"bdm", "x", 0.5}});
  const auto run = reader.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "done");
  EXPECT_EQ(run->result, (nlohmann::json{{"ok", true}}));
  ASSERT_EQ(run->forecasts.size(), 1U);
  EXPECT_EQ(run->forecasts[0].forecast, 0.5);
}

TEST(RunStore, ReaderIsNotBlockedByOpenWriteTransaction) {
  const std::string path = fresh_db("wal");
  RunStore store(path);
  const std::int64_t id = store.begin_run(sample_run());
  RawDb writer(path);
  writer.exec("BEGIN IMMEDIATE");
  writer.exec("UPDATE runs SET status = 'failed', error = 'uncommitted'");
  // With WAL the reader neither waits for the busy timeout nor sees the uncommitted write.
  const auto start = std::chrono::steady_clock::now();
  const auto run = store.get_run(id);
  const auto runs = store.list_runs();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "running");
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].status, "running");
  writer.exec("ROLLBACK");
}

// Runs the writer process of ReadsWhileAnotherProcessWrites commits.
constexpr int kChildRuns = 50;

TEST(RunStore, ReadsWhileAnotherProcessWrites) {
  const std::string path = fresh_db("process");
  { RunStore create(path); }  // closed before fork: SQLite connections must not cross fork()

  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // The child never returns into GoogleTest; any failure shows as its exit code.
    try {
      RunStore store(path);
      for (int i = 0; i < kChildRuns; ++i) {
        const std::int64_t id = store.begin_run(sample_run("child-" + std::to_string(i)));
        store.finish_run(id, {{"i", i}}, {{"bdm", "x", i * 1.0}});
      }
    } catch (...) {
      _exit(2);
    }
    _exit(0);
  }

  std::size_t last_count = 0;
  int reads = 0;
  int status = 0;
  try {
    RunStore reader(path);
    for (;;) {
      const bool child_done = waitpid(child, &status, WNOHANG) == child;
      const auto runs = reader.list_runs();
      ++reads;
      EXPECT_GE(runs.size(), last_count);  // committed runs never disappear
      last_count = runs.size();
      for (const auto& run : runs) {
        EXPECT_TRUE(run.status == "running" || run.status == "done") << run.status;
      }
      if (child_done) break;
    }
  } catch (const StoreError& e) {
    ADD_FAILURE() << "reader failed: " << e.what();
    waitpid(child, &status, 0);
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_GT(reads, 0);

  RunStore store(path);
  const auto runs = store.list_runs();
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kChildRuns));
  for (const auto& run : runs) EXPECT_EQ(run.status, "done");
  EXPECT_EQ(runs.front().scenario_id, "child-" + std::to_string(kChildRuns - 1));
}

TEST(RunStore, KilledWriterLeavesRunningRowAndIntactDatabase) {
  const std::string path = fresh_db("crash");
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // Exit as a killed process would: no destructors, no close, no checkpoint.
    try {
      RunStore store(path);
      store.begin_run(sample_run());
      _exit(1);  // inside the scope, so ~RunStore never runs
    } catch (...) {
      _exit(2);
    }
  }
  ASSERT_EQ(wait_exit_code(child), 1);
  // The committed row lives only in the write-ahead log, not yet checkpointed into the file.
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));

  {
    RunStore store(path);
    const auto runs = store.list_runs();
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0].status, "running");
    EXPECT_EQ(runs[0].finished_at, "");
    // Its owner, the child, is gone: the row reads as abandoned (issue 15).
    EXPECT_EQ(runs[0].owner_pid, child);
    EXPECT_TRUE(runs[0].abandoned);
    // The orphan can still be closed out, e.g. by a cleanup command.
    store.fail_run(runs[0].id, "process died");
    EXPECT_EQ(store.get_run(runs[0].id)->status, "failed");
  }
  EXPECT_EQ(RawDb(path).scalar("PRAGMA integrity_check"), "ok");
}

TEST(RunStore, RunsRecordTheirOwnerAndAreNotAbandonedWhileItLives) {
  RunStore store(fresh_db("owner"));
  const std::int64_t id = store.begin_run(sample_run());
  const auto run = store.get_run(id);
  EXPECT_EQ(run->owner_pid, getpid());
  EXPECT_FALSE(run->owner_host.empty());
  EXPECT_EQ(run->heartbeat_at, run->created_at);
  EXPECT_FALSE(run->abandoned);
  store.finish_run(id, nlohmann::json::object(), {});
  EXPECT_FALSE(store.get_run(id)->abandoned);  // only running rows can be abandoned
}

TEST(RunStore, AbandonedWhenTheOwnerIsGoneOrItsHeartbeatIsStale) {
  const std::string path = fresh_db("abandoned");
  RunStore store(path);
  const std::int64_t dead = store.begin_run(sample_run());
  const std::int64_t far_stale = store.begin_run(sample_run());
  const std::int64_t far_fresh = store.begin_run(sample_run());
  const std::int64_t unknown = store.begin_run(sample_run());
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) _exit(0);
  ASSERT_EQ(wait_exit_code(child), 0);  // reaped: the pid no longer exists
  RawDb raw(path);
  raw.exec("UPDATE runs SET owner_pid = " + std::to_string(child) +
           " WHERE id = " + std::to_string(dead));
  raw.exec(
      "UPDATE runs SET owner_host = 'elsewhere', heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
      "'now', '-601 seconds') WHERE id = " +
      std::to_string(far_stale));
  raw.exec("UPDATE runs SET owner_host = 'elsewhere' WHERE id = " + std::to_string(far_fresh));
  // A row from before schema 3: no owner; its age counts from its creation.
  raw.exec(
      "UPDATE runs SET owner_pid = NULL, owner_host = NULL, heartbeat_at = NULL, created_at = "
      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour') WHERE id = " +
      std::to_string(unknown));
  EXPECT_TRUE(store.get_run(dead)->abandoned);
  EXPECT_TRUE(store.get_run(far_stale)->abandoned);
  EXPECT_FALSE(store.get_run(far_fresh)->abandoned);
  EXPECT_TRUE(store.get_run(unknown)->abandoned);
  for (const RunRecord& r : store.list_runs()) {
    EXPECT_EQ(r.abandoned, r.id != far_fresh) << r.id;
    EXPECT_EQ(r.status, "running");  // derived, never stored
  }
}

TEST(RunStore, ClaimRunIsALeaseRefusedWhileTheOwnerLives) {
  const std::string path = fresh_db("claim");
  RunStore store(path);
  const std::int64_t id = store.begin_run(sample_run());
  store.claim_run(id);  // our own run: a no-op lease renewal
  RawDb raw(path);
  // pid 1 (init) exists on every Linux host.
  raw.exec("UPDATE runs SET owner_pid = 1 WHERE id = " + std::to_string(id));
  try {
    store.claim_run(id);
    ADD_FAILURE() << "claimed a run whose owner is alive";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("run " + std::to_string(id) + " is being computed by process 1"));
  }
  EXPECT_EQ(store.get_run(id)->owner_pid, 1);
  raw.exec("UPDATE runs SET owner_pid = 2147483647 WHERE id = " + std::to_string(id));
  store.claim_run(id);  // the owner is gone: the run is taken over
  EXPECT_EQ(store.get_run(id)->owner_pid, getpid());
  store.fail_run(id, "stopped");
  EXPECT_THROW(store.claim_run(id), StoreError);  // not running any more
  EXPECT_THROW(store.claim_run(id + 100), StoreError);
}

TEST(RunStore, SweepCheckpointsRenewTheHeartbeat) {
  const std::string path = fresh_db("heartbeat");
  RunStore store(path);
  const std::int64_t id = store.begin_run(sample_run());
  RawDb raw(path);
  raw.exec("UPDATE runs SET heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE id = " +
           std::to_string(id));
  store.save_sweep_progress(id, 1, nlohmann::json::object());
  EXPECT_GT(store.get_run(id)->heartbeat_at, std::string("2000-01-02"));
}

TEST(RunStore, ReadOnlyAccessWritesNothingAndReadsAnOlderSchemaAsItIs) {
  const std::string path = fresh_db("readonly");
  {
    RunStore store(path);
    store.begin_run(sample_run());
  }
  // Make it a schema-2 store, as an older entente left it.
  {
    RawDb raw(path);
    raw.exec(
        "ALTER TABLE runs DROP COLUMN owner_pid; ALTER TABLE runs DROP COLUMN owner_host; "
        "ALTER TABLE runs DROP COLUMN heartbeat_at; UPDATE meta SET value = '2' WHERE key = "
        "'schema_version'");
  }
  {
    const RunStore reader(path, RunStore::Access::kReadOnly);
    EXPECT_EQ(reader.database_version(), 2);
    const auto runs = reader.list_runs();
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0].owner_pid, 0);
    EXPECT_FALSE(runs[0].abandoned);  // started just now
    EXPECT_TRUE(reader.get_run(runs[0].id).has_value());
  }
  RunStore reader(path, RunStore::Access::kReadOnly);
  EXPECT_THROW(reader.begin_run(sample_run()), StoreError);
  EXPECT_EQ(RawDb(path).scalar("SELECT value FROM meta WHERE key = 'schema_version'"), "2");
  // Opened for writing, it is migrated and keeps its run.
  RunStore writer(path);
  EXPECT_EQ(writer.database_version(), RunStore::schema_version());
  EXPECT_EQ(writer.list_runs().size(), 1U);
}

TEST(RunStore, ReadOnlyAccessToAMissingFileCreatesNothing) {
  const std::string path = fresh_db("readonly-missing");
  try {
    const RunStore reader(path, RunStore::Access::kReadOnly);
    ADD_FAILURE() << "opened a missing store";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no run store at " + path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(StoreSha256, MatchesFips180TestVectors) {
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // SHA-256 of the empty message (NIST example values).
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Byte-exact: an embedded NUL is hashed, not treated as the end.
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a"));
}

}  // namespace
}  // namespace entente
