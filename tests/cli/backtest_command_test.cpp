// `entente backtest deu` as a user types it, on a DEU-format table written here whose scores
// are derived by hand below.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

// Three actors; equal capabilities, so each weight is the salience / 100.
// Issue 1: a 0 (s 50), b 100 (s 50), c 100 (s 100); outcome 90.
//   compromise (0*.5 + 100*.5 + 100*1) / 2 = 75, error 15.
//   median: total weight 2, half 1; cumulative .5 at 0, 2 at 100 -> 100, error 10.
// Issue 2: a 0, b 20, c 80 (all s 50); outcome 30.
//   compromise 100 / 3 = 33.33, error 3.33; median 20, error 10.
// Issue 3 has no outcome and is not scored.
// compromise MAE (15 + 10/3) / 2 = 9.1667; median MAE 10; median beats compromise on
// issue 1 only: share 1/2.
constexpr const char* kTable =
    "isnr\tpa\tpb\tpc\tsa\tsb\tsc\trp\tout\n"
    "\t1\t1\t1\t\t\t\t\t\n"
    "i1\t0\t100\t100\t50\t50\t100\t0\t90\n"
    "i2\t0\t20\t80\t50\t50\t50\t0\t30\n"
    "i3\t0\t20\t80\t50\t50\t50\t0\t\n";

class BacktestCommand : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir("backtest"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(BacktestCommand, ACutShortRowIsAnErrorAtItsLineNotNothingToScore) {
  // Issue 15: the row of i1 ends after sb; it used to be skipped without a word, and a table
  // of such rows ended in "nothing to score" with no line.
  const std::string path = write("cut.tsv",
                                 "isnr\tpa\tpb\tpc\tsa\tsb\tsc\trp\tout\n"
                                 "\t1\t1\t1\t\t\t\t\t\n"
                                 "i1\t0\t100\t100\t50\t50\n");
  const auto r = test::run_entente("backtest deu '" + path + "' --model median");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("cut.tsv:3:19: error: row has 6 fields; expected 9, one per "
                               "header column (is it cut short?)"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("nothing to score")));
}

TEST_F(BacktestCommand, JsonScoresMatchTheHandDerivation) {
  const std::string path = write("deu.tsv", kTable);
  const auto r =
      test::run_entente("backtest deu '" + path + "' --json --model median --model compromise");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["cases"], 2);
  const auto& models = doc["models"];
  ASSERT_EQ(models.size(), 2U);
  EXPECT_EQ(models["compromise"]["n"], 2);
  EXPECT_NEAR(models["compromise"]["mae"].get<double>(), (15 + 10.0 / 3) / 2, 1e-9);
  EXPECT_NEAR(models["compromise"]["rmse"].get<double>(), std::sqrt((225 + 100.0 / 9) / 2), 1e-9);
  EXPECT_EQ(models["median"]["n"], 2);
  EXPECT_NEAR(models["median"]["mae"].get<double>(), 10.0, 1e-9);
  EXPECT_NEAR(models["median"]["beats_compromise_share"].get<double>(), 0.5, 1e-12);
}

TEST_F(BacktestCommand, TableListsEveryIssueModelByDefault) {
  const std::string path = write("deu.tsv", kTable);
  const auto r = test::run_entente("backtest deu '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* model : {"compromise", "median", "nash", "bdm", "smp"}) {
    EXPECT_THAT(r.out, HasSubstr(model));
  }
  EXPECT_THAT(r.out, HasSubstr("9.17"));  // compromise MAE from the derivation above
}

TEST_F(BacktestCommand, BadInputNamesFileLineAndColumn) {
  const std::string path =
      write("bad.tsv",
            std::string(kTable).replace(std::string(kTable).find("i2\t0\t20"), 7, "i2\t0\tx0"));
  const auto r = test::run_entente("backtest deu '" + path + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.tsv:4:"));
  EXPECT_THAT(r.err, HasSubstr("pb"));
}

TEST_F(BacktestCommand, UnknownModelAndCapabilityAreRefused) {
  const std::string path = write("deu.tsv", kTable);
  const auto unknown = test::run_entente("backtest deu '" + path + "' --model medain");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("median"));  // did you mean
  const auto capability = test::run_entente("backtest deu '" + path + "' --capability gnp");
  EXPECT_EQ(capability.exit_code, 2);
  const auto missing = test::run_entente("backtest deu '" + dir_ + "/nope.tsv'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.tsv"));
}

TEST_F(BacktestCommand, JsonListsEveryIssueAndPerIssueCsvMatchesIt) {
  const std::string path = write("deu.tsv", kTable);
  const std::string csv = dir_ + "/per-issue.csv";
  const auto r = test::run_entente("backtest deu '" + path +
                                   "' --json --model median --per-issue '" + csv + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["issues"].size(), 2U);
  const auto& first = doc["issues"][0];
  EXPECT_EQ(first["issue"], "i1");
  EXPECT_EQ(first["outcome"], 90.0);
  EXPECT_NEAR(first["forecasts"]["median"].get<double>(), 100.0, 1e-9);  // hand value above
  EXPECT_TRUE(first["intervals"]["median"].is_array());
  // Two issues of no proposal: 2 folds of one issue, each calibrated on one error, too few
  // for 80% (rank ceil(2 x 0.8) = 2 > 1): the whole scale, which covers both.
  EXPECT_EQ(first["intervals"]["median"], nlohmann::json::array({0.0, 100.0}));
  EXPECT_EQ(doc["models"]["median"]["coverage80"], 1.0);
  EXPECT_EQ(doc["models"]["median"]["coverage80_folds"], 2);
  EXPECT_EQ(doc["models"]["median"]["better"], 1);
  EXPECT_EQ(doc["models"]["median"]["worse"], 1);
  EXPECT_EQ(doc["models"]["median"]["sign_test_p"], 1.0);
  EXPECT_EQ(doc["seed"], "1");
  const std::string table = test::read_file(csv);
  EXPECT_THAT(table, HasSubstr("proposal,issue,line,outcome,median,median_lo,median_hi\n"));
  EXPECT_THAT(table, HasSubstr(",i1,3,90,100,0,100\n"));
}

TEST_F(BacktestCommand, MalformedDatesAreWarnedInTextAndJson) {
  const std::string path = write("dates.tsv",
                                 "intro\tpa\tpb\tpc\tsa\tsb\tsc\tout\n"
                                 "\t1\t1\t1\t\t\t\t\n"
                                 "1930-11-05\t0\t50\t100\t50\t50\t50\t40\n");
  const auto text = test::run_entente("backtest deu '" + path + "' --model median");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("dates.tsv:3:1: warning: intro: malformed date '1930-11-05'"));
  const auto json = test::run_entente("backtest deu '" + path + "' --model median --json");
  const auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["warnings"].size(), 1U);
  EXPECT_THAT(doc["warnings"][0].get<std::string>(), HasSubstr("dates.tsv:3:1: warning: intro"));
}

}  // namespace
}  // namespace entente
