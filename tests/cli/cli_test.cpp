// The `entente` command as a user types it: run, validate, models, runs, import.
// Each test uses its own temporary run store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace entente {
namespace {

using test::run_entente;
using ::testing::HasSubstr;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir("cli"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db() const { return dir_ + "/runs.db"; }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(Cli, RunDefaultScenarioAsJson) {
  const auto r = run_entente("run --json --db '" + db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["scenario"]["id"], "korea-2003");
  EXPECT_EQ(doc["run_id"], 1);
  ASSERT_FALSE(doc["issues"].empty());
  for (const auto& issue : doc["issues"]) {
    ASSERT_TRUE(issue["models"].contains("median")) << issue["id"];
    const auto& f = issue["models"]["median"]["forecast"];
    ASSERT_TRUE(f.is_number());
    EXPECT_GE(f.get<double>(), issue["scale"]["min"].get<double>());
    EXPECT_LE(f.get<double>(), issue["scale"]["max"].get<double>());
  }
}

TEST_F(Cli, RunPrintsATerminalSummaryAndStoresTheRun) {
  const auto r = run_entente("run --db '" + db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("compromise"));
  EXPECT_THAT(r.out, HasSubstr("stored as run 1"));
  const auto list = run_entente("runs list --db '" + db() + "'");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("done"));
  EXPECT_THAT(list.out, HasSubstr("korea-2003"));
}

TEST_F(Cli, ModelSelectionAndOptions) {
  const auto r = run_entente("run --json --model median --db '" + db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& issue : doc["issues"]) {
    EXPECT_EQ(issue["models"].size(), 1U);
    EXPECT_TRUE(issue["models"].contains("median"));
  }
  const auto unknown = run_entente("run --model medain --db '" + db() + "'");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown model 'medain'; did you mean 'median'?"));
  const auto bad_option = run_entente("run --model median --option nope=1 --db '" + db() + "'");
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_THAT(bad_option.err, HasSubstr("no model of this run has an option 'nope'"));
  // Usage errors store nothing: the store holds the one successful run above.
  const auto list = run_entente("runs list --limit 0 --db '" + db() + "'");
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;  // header + 1
}

TEST_F(Cli, ValidateOkAndErrors) {
  const auto ok = run_entente("validate '" + test::source_path("scenarios/korea-2003.yaml") + "'");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok\n");
  const std::string bad =
      write("bad.yaml", "entente: 1\nid: x\ntitle: X\nas_of: 2003-01-01\nactors: 3\n");
  const auto r = run_entente("validate '" + bad + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(bad + ":5:9: error: actors: expected a list, got '3'"));
  const auto missing = run_entente("validate '" + dir_ + "/nope.yaml'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.yaml: error: no such file"));
}

TEST_F(Cli, ModelsListsTheBaselines) {
  const auto r = run_entente("models");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("compromise"));
  EXPECT_THAT(r.out, HasSubstr("median"));
  EXPECT_THAT(r.out, HasSubstr("nash"));
}

TEST_F(Cli, RunsShowAndExport) {
  ASSERT_EQ(run_entente("run --db '" + db() + "'").exit_code, 0);
  const auto show = run_entente("runs show 1 --db '" + db() + "'");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("sha256"));
  const auto csv = run_entente("runs export 1 --format csv --db '" + db() + "'");
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out,
              HasSubstr("run_id,scenario_id,model,issue,forecast,status,created_at,output\n"));
  // The scenario models' outputs too (issue 17): the alliances' and the threats' numbers.
  EXPECT_THAT(csv.out, ::testing::ContainsRegex("\n1,korea-2003,alliance,,[-0-9.e]+,done,[^,]+,"
                                                "us-rok/p_holds/5y\n"));
  EXPECT_THAT(csv.out,
              ::testing::ContainsRegex("\n1,korea-2003,crisis,,[01],done,[^,]+,[^,]+/credible\n"));
  const auto json = run_entente("runs export 1 --format json --db '" + db() + "'");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["status"], "done");
  const auto missing = run_entente("runs show 99 --db '" + db() + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no run 99"));
}

TEST_F(Cli, EnvironmentSelectsTheStore) {
  ASSERT_EQ(run_entente("run", "ENTENTE_DB='" + db() + "'").exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(db()));
  const auto list = run_entente("runs list", "ENTENTE_DB='" + db() + "'");
  EXPECT_THAT(list.out, HasSubstr("korea-2003"));
}

TEST_F(Cli, RunAtADateAppliesEvents) {
  const auto early = run_entente("run --json --at 2002-06-01 --db '" + db() + "'");
  const auto late = run_entente("run --json --db '" + db() + "'");
  ASSERT_EQ(early.exit_code, 0) << early.err;
  ASSERT_EQ(late.exit_code, 0) << late.err;
  const auto a = nlohmann::json::parse(early.out);
  const auto b = nlohmann::json::parse(late.out);
  EXPECT_EQ(a["scenario"]["at"], "2002-06-01");
  // The scenario's events between June 2002 and March 2003 move positions, so at least one
  // issue's positions differ between the two dates.
  bool any_difference = false;
  for (std::size_t i = 0; i < a["issues"].size(); ++i) {
    if (a["issues"][i]["positions"] != b["issues"][i]["positions"]) any_difference = true;
  }
  EXPECT_TRUE(any_difference);
  const auto bad = run_entente("run --at 2003-02-30 --db '" + db() + "'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("not a valid date"));
}

TEST_F(Cli, CsvTablesRunDirectlyAndImport) {
  const std::string csv = test::shared_data_path("bdm/ec-emissions-1994.csv");
  const auto r = run_entente("run '" + csv + "' --json --model compromise --db '" + db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["issues"][0]["id"], "ec-emissions-1994");
  const double from_csv = doc["issues"][0]["models"]["compromise"]["forecast"].get<double>();

  const std::string yaml = dir_ + "/ec.yaml";
  const auto imp = run_entente("import csv '" + csv + "' --issue emissions -o '" + yaml + "'");
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  const auto v = run_entente("validate '" + yaml + "'");
  EXPECT_EQ(v.exit_code, 0) << v.err;
  const auto r2 = run_entente("run '" + yaml + "' --json --model compromise --db '" + db() + "'");
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const auto doc2 = nlohmann::json::parse(r2.out);
  EXPECT_EQ(doc2["issues"][0]["id"], "emissions");
  // The imported scenario forecasts exactly what the table does.
  EXPECT_DOUBLE_EQ(doc2["issues"][0]["models"]["compromise"]["forecast"].get<double>(), from_csv);
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_entente("").exit_code, 2);
  EXPECT_EQ(run_entente("frobnicate").exit_code, 2);
  EXPECT_EQ(run_entente("runs export 1 --format xml --db '" + db() + "'").exit_code, 2);
}

// Issue 17: `--modle` got no "did you mean", `entente rn` said "A subcommand is required".
TEST_F(Cli, MisspeltCommandsAndOptionsNameTheNearestOne) {
  const auto option = run_entente("run --modle bdm --db '" + db() + "'");
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err,
            "error: unknown option '--modle'; did you mean '--model'? (entente run --help lists "
            "them)\n");
  const auto command = run_entente("rn");
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_EQ(command.err,
            "error: unknown command 'rn'; did you mean 'run'? (entente --help lists them)\n");
  const auto nested = run_entente("runs lst --db '" + db() + "'");
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_THAT(nested.err, ::testing::HasSubstr("unknown command 'lst'; did you mean 'list'?"));
  // Nothing near: no suggestion, still the unknown word named.
  const auto far = run_entente("frobnicate");
  EXPECT_THAT(far.err, ::testing::HasSubstr("unknown command 'frobnicate' (entente --help"));
  // Words that are arguments are not taken for commands.
  EXPECT_EQ(run_entente("runs show 999 --db '" + db() + "'").err.find("unknown command"),
            std::string::npos);
}

}  // namespace
}  // namespace entente

namespace entente {
namespace {

class CliMore : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir("cli-more"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db() const { return dir_ + "/runs.db"; }
  std::string dir_;
};

TEST_F(CliMore, ExplainPrintsEveryModelsTrace) {
  ASSERT_EQ(test::run_entente("run --model bdm --model median --db '" + db() + "'").exit_code, 0);
  const auto r = test::run_entente("explain 1 --db '" + db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("[bdm]"));
  EXPECT_THAT(r.out, HasSubstr("[median]"));
  EXPECT_THAT(r.out, HasSubstr("round 1"));  // bdm explains itself round by round
  const auto missing = test::run_entente("explain 7 --db '" + db() + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no run 7"));
}

TEST_F(CliMore, KtabTablesAreDetectedByContent) {
  // KTAB's SMP CSV: row 1 "name, description, actors, dimensions"; each dimension an issue.
  const std::string csv = test::shared_data_path("ktab/dummyData_3Dim.csv");
  const auto r = test::run_entente("run '" + csv + "' --json --model smp --db '" + db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  // The file's header row names three dimensions, Pstn1..Pstn3.
  ASSERT_EQ(doc["issues"].size(), 3U);
  EXPECT_EQ(doc["issues"][0]["id"], "Pstn1");
  EXPECT_TRUE(doc["issues"][0]["models"]["smp"]["forecast"].is_number());
  EXPECT_FALSE(doc["issues"][0]["models"]["smp"]["rounds"].empty());
}

}  // namespace
}  // namespace entente
