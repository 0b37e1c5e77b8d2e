// Reading stored runs back (`runs show`, `explain`, `report --run`, `runs export`): every
// kind of run works, and a stored result of an unexpected shape is an error naming the run
// and what is wrong (exit 1), never an abort. Results are broken with SQL behind the
// store's back, as an edited file or another entente version would leave them.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void sql(const std::string& path, const std::string& statement) { test::run_sql(path, statement); }

// One store holding a run (id 1), a sweep (2) and a sensitivity run (3) of korea-2003,
// made once for the suite (they take a few seconds) and copied for each test.
class StoredRuns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    master_dir_ = new std::string(test::temp_dir("stored-master"));
    const std::string db = *master_dir_ + "/runs.db";
    const auto run = test::run_entente("run -m median -m bdm --db '" + db + "'");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto sweep = test::run_entente("sweep -n 16 -q -m median --db '" + db + "'");
    ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
    const auto sens = test::run_entente("sensitivity -n 2 -m median --db '" + db + "'");
    ASSERT_EQ(sens.exit_code, 0) << sens.err;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*master_dir_);
    delete master_dir_;
  }
  void SetUp() override {
    dir_ = test::temp_dir("stored");
    std::filesystem::copy_file(*master_dir_ + "/runs.db", db());
  }
  void TearDown() override {
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(dir_);
  }
  std::string db() const { return dir_ + "/runs.db"; }
  test::CommandResult entente(const std::string& args, const std::string& prefix = "") const {
    return test::run_entente(args + " --db '" + db() + "'", prefix);
  }

  static std::string* master_dir_;
  std::string dir_;
};

std::string* StoredRuns::master_dir_ = nullptr;

TEST_F(StoredRuns, EveryKindOfRunCanBeShownExplainedAndReported) {
  for (const int id : {1, 2, 3}) {
    SCOPED_TRACE("run " + std::to_string(id));
    const auto show = entente("runs show " + std::to_string(id));
    EXPECT_EQ(show.exit_code, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr("done"));
    const auto explain = entente("explain " + std::to_string(id));
    EXPECT_EQ(explain.exit_code, 0) << explain.err;
    const std::string html = dir_ + "/r" + std::to_string(id) + ".html";
    const auto report = entente("report --run " + std::to_string(id) + " -o '" + html + "'");
    EXPECT_EQ(report.exit_code, 0) << report.err;
    EXPECT_TRUE(std::filesystem::exists(html));
  }
  // What each kind shows: the forecasts, the sweep's statistics, the analysis' ranking.
  EXPECT_THAT(entente("runs show 1").out, HasSubstr("median"));
  EXPECT_THAT(entente("runs show 2").out, HasSubstr("16 samples, seed"));
  EXPECT_THAT(entente("runs show 3").out, HasSubstr("Morris elementary effects"));
  EXPECT_THAT(entente("explain 1").out, HasSubstr("[bdm]"));
  EXPECT_THAT(entente("explain 2").out, HasSubstr("not per sample"));
  const auto list = entente("runs list");
  EXPECT_THAT(list.out, HasSubstr("sweep"));
  EXPECT_THAT(list.out, HasSubstr("sensitivity"));
}

struct Breakage {
  int run;
  std::string update;   // SET clause on runs
  std::string message;  // what the error must say
};

TEST_F(StoredRuns, MalformedResultsAreErrorsNamingTheRunAndTheField) {
  const std::vector<Breakage> cases = {
      {1, "result = '[]'", "result: expected an object, found array"},
      {1, "result = json_remove(result, '$.issues')", "result.issues: missing; expected an array"},
      {1, "result = json_set(result, '$.issues[0].scale.min', 'low')",
       "result.issues[0].scale.min: expected a number, found string"},
      {1, "result = json_set(result, '$.issues[0].models.median', json('[1]'))",
       "result.issues[0].models.median: expected an object, found array"},
      {1, "result = json_set(result, '$.issues[0].models.bdm.trace', json('[1, 2]'))",
       "result.issues[0].models.bdm.trace[0]: expected a string, found a number"},
      {1, "result = json_set(result, '$.issues[0].scale.anchors[0]', 'x')",
       "result.issues[0].scale.anchors[0]: expected an object, found string"},
      {1, "result = json_set(result, '$.warnings', json('{}'))",
       "result.warnings: expected an array, found object"},
      {2, "result = json_set(result, '$.outputs[0].quantiles', 3)",
       "result.outputs[0].quantiles: expected an object, found a number"},
      {2, "result = json_set(result, '$.samples', -4)",
       "result.samples: expected a non-negative integer, found a number"},
      {2, "result = json_remove(result, '$.outputs')",
       "result.outputs: missing; expected an array"},
      {3, "result = json_set(result, '$.method', 'guess')",
       "result.method: 'guess'; expected morris or sobol"},
      {3, "result = json_set(result, '$.outputs[0].inputs[0].rank', 'first')",
       "result.outputs[0].inputs[0].rank: expected an integer, found string"},
      // A run whose kind says sweep but whose result is a single run's (and vice versa).
      {1, "kind = 'sweep'", "result.samples: missing; expected a non-negative integer"},
      {2, "kind = 'run'", "result.issues: missing; expected an array"},
      {1, "kind = 'backtest'", "kind 'backtest' is not one this entente reads"},
  };
  for (const Breakage& b : cases) {
    SCOPED_TRACE(b.update);
    std::filesystem::remove(db());
    std::filesystem::copy_file(*master_dir_ + "/runs.db", db());
    sql(db(), "UPDATE runs SET " + b.update + " WHERE id = " + std::to_string(b.run));
    const std::string id = std::to_string(b.run);
    const std::string head = "error: run " + id + " in " + db() + ": stored ";
    for (const std::string& command :
         {"runs show " + id, "explain " + id, "report -o '" + dir_ + "/x.html' --run " + id}) {
      SCOPED_TRACE(command);
      const auto r = entente(command);
      EXPECT_EQ(r.exit_code, 1) << r.err;
      EXPECT_THAT(r.err, HasSubstr(head));
      EXPECT_THAT(r.err, HasSubstr(b.message));
      EXPECT_THAT(r.err, Not(HasSubstr("terminate")));
    }
    // The export is the raw record: it still works, so the data can be rescued.
    const auto json = entente("runs export " + id + " --format json");
    EXPECT_EQ(json.exit_code, 0) << json.err;
    const auto csv = entente("runs export " + id + " --format csv");
    EXPECT_EQ(csv.exit_code, 0) << csv.err;
  }
}

TEST_F(StoredRuns, ReportSweepAndSensitivityFlagsNeedRunsOfThatKind) {
  const auto sweep = entente("report --sweep 3 -o '" + dir_ + "/x.html'");
  EXPECT_EQ(sweep.exit_code, 1);
  EXPECT_THAT(sweep.err, HasSubstr("error: run 3 is a sensitivity, not a sweep"));
  const auto sens = entente("report --sensitivity 1 -o '" + dir_ + "/x.html'");
  EXPECT_EQ(sens.exit_code, 1);
  EXPECT_THAT(sens.err, HasSubstr("error: run 1 is a run, not a sensitivity"));
  const auto both = entente("report --sweep 2 --sensitivity 3 -o '" + dir_ + "/x.html'");
  EXPECT_EQ(both.exit_code, 0) << both.err;
}

TEST_F(StoredRuns, AResultThatIsNotJsonIsAnErrorNamingTheRun) {
  sql(db(), "UPDATE runs SET result = '{\"issues\": [' WHERE id = 1");
  for (const std::string command : {"runs show 1", "explain 1", "runs export 1"}) {
    SCOPED_TRACE(command);
    const auto r = entente(command);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("run 1: column result is not JSON"));
  }
  // Other runs still read.
  EXPECT_EQ(entente("runs show 2").exit_code, 0);
}

TEST_F(StoredRuns, TheReportSkipsAMalformedNewestSweepOfItsScenario) {
  sql(db(), "UPDATE runs SET result = json_set(result, '$.outputs', 7) WHERE id = 2");
  const auto r = entente("report -o '" + dir_ + "/x.html'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: run 2: stored sweep result skipped: result.outputs: "
                               "expected an array, found a number"));
}

TEST_F(StoredRuns, AReadOnlyStoreCanBeListedShownExportedAndReported) {
  namespace fs = std::filesystem;
  // As root, permissions do not stop writes: the commands then run as nobody.
  const std::string as = getuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups" : "";
  fs::permissions(db(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                            fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  const auto list = entente("runs list", as);
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("sensitivity"));
  EXPECT_EQ(entente("runs show 2", as).exit_code, 0);
  EXPECT_EQ(entente("explain 1", as).exit_code, 0);
  EXPECT_EQ(entente("runs export 1 --format csv", as).exit_code, 0);
  const std::string html = test::temp_dir("stored-ro") + "/r.html";
  fs::permissions(fs::path(html).parent_path(), fs::perms::all);
  const auto report = entente("report --run 1 -o '" + html + "'", as);
  EXPECT_EQ(report.exit_code, 0) << report.err;
  // Writing is refused with the store's message, not a crash.
  const auto run = entente("run -m median", as);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("error: run store:"));
  fs::remove_all(fs::path(html).parent_path());
}

TEST_F(StoredRuns, AMissingStoreIsReportedNotCreated) {
  const std::string missing = dir_ + "/none.db";
  const auto list = test::run_entente("runs list --db '" + missing + "'");
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_THAT(list.err, HasSubstr("no run store at " + missing));
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(StoredRuns, AResultThatCannotBeStoredMarksTheRunFailed) {
  // As a full disk would: the insert of the run works, its completion does not.
  sql(db(),
      "CREATE TRIGGER refuse_done BEFORE UPDATE OF status ON runs WHEN NEW.status = 'done' "
      "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
  for (const std::string command :
       {"run -m median", "sweep -n 8 -q -m median", "sensitivity -n 2 -m median"}) {
    SCOPED_TRACE(command);
    const auto r = entente(command);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("disk full (test)"));
  }
  const auto list = entente("runs list");
  EXPECT_THAT(list.out, Not(HasSubstr("running")));
  const auto show = entente("runs show 4");
  EXPECT_THAT(show.out, HasSubstr("run 4  failed"));
  EXPECT_THAT(show.out, HasSubstr("the result could not be stored"));
}

TEST_F(StoredRuns, ARunningRowWhoseProcessIsGoneShowsAbandoned) {
  // A pid that cannot exist on Linux (pid_max is at most 2^22) on this host; then a row of
  // another host whose heartbeat is an hour old; then one beating now.
  sql(db(),
      "INSERT INTO runs (kind, status, created_at, scenario_id, scenario_source, scenario_hash, "
      "scenario_text, at_date, models, parameters, seed, version, command, owner_pid, owner_host, "
      "heartbeat_at) SELECT kind, 'running', created_at, scenario_id, scenario_source, "
      "scenario_hash, scenario_text, at_date, models, parameters, seed, version, command, "
      "99999999, owner_host, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM runs WHERE id = 1");
  sql(db(),
      "INSERT INTO runs (kind, status, created_at, scenario_id, scenario_source, scenario_hash, "
      "scenario_text, at_date, models, parameters, seed, version, command, owner_pid, owner_host, "
      "heartbeat_at) SELECT kind, 'running', created_at, scenario_id, scenario_source, "
      "scenario_hash, scenario_text, at_date, models, parameters, seed, version, command, 1, "
      "'elsewhere', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour') FROM runs WHERE id = 1");
  sql(db(),
      "INSERT INTO runs (kind, status, created_at, scenario_id, scenario_source, scenario_hash, "
      "scenario_text, at_date, models, parameters, seed, version, command, owner_pid, owner_host, "
      "heartbeat_at) SELECT kind, 'running', created_at, scenario_id, scenario_source, "
      "scenario_hash, scenario_text, at_date, models, parameters, seed, version, command, 1, "
      "'elsewhere', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM runs WHERE id = 1");
  EXPECT_THAT(entente("runs show 4").out, HasSubstr("run 4  abandoned"));
  EXPECT_THAT(entente("runs show 5").out, HasSubstr("run 5  abandoned"));
  EXPECT_THAT(entente("runs show 6").out, HasSubstr("run 6  running"));
  const auto list = entente("runs list");
  EXPECT_THAT(list.out, HasSubstr("abandoned"));
  const auto explain = entente("explain 4");
  EXPECT_EQ(explain.exit_code, 1);
  EXPECT_THAT(explain.err, HasSubstr("run 4 is abandoned"));
}

TEST_F(StoredRuns, ASecondResumeOfOneSweepRefusesWhileTheFirstIsAlive) {
  const auto start = entente("sweep -n 64 --block-size 8 --stop-after 8 -q -m median");
  ASSERT_EQ(start.exit_code, 0) << start.err;
  // The process that stopped is gone: the sweep is abandoned, and resumable.
  EXPECT_THAT(entente("runs show 4").out, HasSubstr("run 4  abandoned"));
  // Owned by a live process (pid 1, init, always alive): a resume refuses and computes nothing.
  sql(db(), "UPDATE runs SET owner_pid = 1 WHERE id = 4");
  const auto second = entente("sweep --resume 4 -q");
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("run 4 is being computed by process 1 on"));
  EXPECT_THAT(entente("runs show 4").out, HasSubstr("run 4  running"));
  // Once the owner is gone, the resume takes the run over and finishes it.
  sql(db(), "UPDATE runs SET owner_pid = 99999999 WHERE id = 4");
  const auto resume = entente("sweep --resume 4 -q");
  EXPECT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_THAT(entente("runs show 4").out, HasSubstr("run 4  done"));
}

}  // namespace
}  // namespace entente
