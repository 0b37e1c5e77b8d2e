// `entente timeline`, `entente fit alliance-hazard` and the alliance model in `entente run`,
// as a user types them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace entente {
namespace {

using test::run_entente;
using ::testing::HasSubstr;

TEST(AllianceCli, RunJsonHasTheAllianceReport) {
  const std::string dir = test::temp_dir("alliance-run");
  const auto r = run_entente("run --json -m alliance --db '" + dir + "/runs.db'");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& list = doc["models"]["alliance"]["alliances"];
  ASSERT_EQ(list.size(), 3U);  // us-rok, us-japan, china-dprk
  for (const auto& a : list) {
    for (const char* k : {"members", "congruence", "risk_sharing", "health", "p_holds",
                          "abandonment", "entrapment", "drivers"}) {
      EXPECT_TRUE(a.contains(k)) << a["id"] << " " << k;
    }
    EXPECT_GE(a["health"].get<double>(), 0.0);
    EXPECT_LE(a["health"].get<double>(), 1.0);
    for (const char* h : {"1", "5", "10"}) {
      const double p = a["p_holds"][h].get<double>();
      EXPECT_GT(p, 0.0);
      EXPECT_LT(p, 1.0);
    }
    EXPECT_GE(a["p_holds"]["1"].get<double>(), a["p_holds"]["10"].get<double>());
  }
}

TEST(AllianceCli, TimelineTableShowsEventsInOrder) {
  const auto r = run_entente("timeline -a us-rok --from 2002-06-01 --to 2003-04-01 --step 3mo");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("us-rok"));
  EXPECT_THAT(r.out, HasSubstr("health"));
  const auto a = r.out.find("schoolgirls-killed");
  const auto b = r.out.find("roh-elected");
  const auto c = r.out.find("rumsfeld-relocation-remarks");
  const auto d = r.out.find("iraq-offer");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(d, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("us-japan")));
}

TEST(AllianceCli, TimelineJsonRowsAreDated) {
  const auto r =
      run_entente("timeline --json --no-events --from 2002-06-01 --to 2002-12-01 --step 2mo");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["rows"].size(), 4U);  // Jun, Aug, Oct, Dec
  EXPECT_EQ(doc["rows"][0]["date"], "2002-06-01");
  EXPECT_EQ(doc["rows"][3]["date"], "2002-12-01");
  EXPECT_EQ(doc["rows"][0]["alliances"].size(), 3U);
}

TEST(AllianceCli, TimelineUsageErrors) {
  EXPECT_EQ(run_entente("timeline --step 1fortnight").exit_code, 2);
  EXPECT_EQ(run_entente("timeline --from 2003-02-30").exit_code, 2);
  EXPECT_EQ(run_entente("timeline --from 2003-03-01 --to 2003-01-01").exit_code, 2);
  const auto r = run_entente("timeline -a us-rk");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'us-rok'"));
  EXPECT_EQ(run_entente("timeline -o threat_weight=3").exit_code, 2);
  EXPECT_EQ(run_entente("timeline /nonexistent/scenario.yaml").exit_code, 1);
}

// Issue 17: `timeline -a nato --from 2017-01-01` complained about a `--to 2003-03-15` the
// user never typed. The unknown alliance is named first; a --from past the default end says
// where that end comes from.
TEST(AllianceCli, TimelineErrorsNameWhatTheUserTyped) {
  const auto nato = run_entente("timeline -a nato --from 2017-01-01");
  EXPECT_EQ(nato.exit_code, 2);
  EXPECT_EQ(nato.err, "error: --alliance: no alliance 'nato' in korea-2003\n");
  const auto late = run_entente("timeline -a us-rok --from 2017-01-01");
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_THAT(late.err, HasSubstr("--from 2017-01-01 is after korea-2003's as_of 2003-03-15"));
  EXPECT_THAT(late.err, ::testing::Not(HasSubstr("--to 2003")));
  const auto both = run_entente("timeline -a us-rok --from 2017-01-01 --to 2016-01-01");
  EXPECT_EQ(both.err, "error: --to 2016-01-01 is before --from 2017-01-01\n");
}

TEST(AllianceCli, ValidateScoresTheYearsAfterTheCutoff) {
  const std::string data = " --atop '" + test::source_path("data/atop") + "' --nmc '" +
                           test::source_path("data/cow/NMC-60-abridged.csv") + "'";
  const auto r = run_entente("fit alliance-hazard --validate 2000 --json" + data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["cutoff"], 2000);
  for (const auto* part :
       {&doc["model"], &doc["baselines"]["age_only"], &doc["baselines"]["constant_recent"]}) {
    for (const char* k : {"n_years", "observed", "predicted", "auc", "brier", "log_loss"}) {
      EXPECT_TRUE(part->contains(k)) << k;
    }
    EXPECT_EQ((*part)["n_years"], doc["model"]["n_years"]);  // the same test years
  }
  EXPECT_TRUE(doc["baselines"]["constant_recent"]["auc"].get<double>() == 0.5);  // no ranking
  const auto text = run_entente("fit alliance-hazard --validate 1989 --era-years 0" + data);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("scored on 1990–2016"));
  EXPECT_THAT(text.out, HasSubstr("constant (20 y)"));
  const auto late = run_entente("fit alliance-hazard --validate 2016" + data);
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_THAT(late.err, HasSubstr("--validate 2016: the cutoff must lie between 1817 and 2015"));
}

TEST(AllianceCli, FitReproducesTheShippedFileByteForByte) {
  const std::string dir = test::temp_dir("alliance-fit");
  const auto r = run_entente("fit alliance-hazard --atop '" + test::source_path("data/atop") +
                             "' --nmc '" + test::source_path("data/cow/NMC-60-abridged.csv") +
                             "' -o '" + dir + "/fit.json'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("capability_change"));
  EXPECT_THAT(r.out, HasSubstr("AUC held-out"));
  EXPECT_EQ(test::read_file(dir + "/fit.json"),
            test::read_file(test::source_path("data/models/alliance-hazard.json")));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(run_entente("fit alliance-hazard --atop /nonexistent -o -").exit_code, 1);
  EXPECT_EQ(run_entente("fit").exit_code, 2);
}

}  // namespace
}  // namespace entente
