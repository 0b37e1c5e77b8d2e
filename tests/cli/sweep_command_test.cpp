// `entente sweep` as a user types it: summaries, reproducibility across thread counts,
// stopping and resuming, kept samples.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "entente/store.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

// Actor A's position is U(0, 100); B and C are fixed. Weights (capability × salience) 1, 1,
// 2: the compromise forecast is (a + 40 + 160) / 4 = 50 + a/4, with mean 62.5.
constexpr const char* kScenario = R"(entente: 1
id: mini-sweep
title: Three actors, one uncertain position
as_of: 2003-03-15
actors:
  - {id: A, name: A, kind: state, capability: 1}
  - {id: B, name: B, kind: state, capability: 1}
  - {id: C, name: C, kind: state, capability: 2}
issues:
  - id: deal
    name: The deal
    scale: {min: 0, max: 100}
    positions:
      A: {position: {uniform: [0, 100]}, salience: 1}
      B: {position: 40, salience: 1}
      C: {position: 80, salience: 1}
)";

class SweepCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("sweep");
    scenario_ = dir_ + "/mini.yaml";
    std::ofstream(scenario_) << kScenario;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db(const std::string& name = "runs.db") const { return dir_ + "/" + name; }
  nlohmann::json sweep(const std::string& flags, const std::string& store) const {
    const auto r =
        test::run_entente("sweep '" + scenario_ + "' --json " + flags + " --db '" + store + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  // The statistics, without what differs between runs of the same sweep (its id).
  static nlohmann::json numbers(nlohmann::json doc) {
    doc.erase("run_id");
    return doc;
  }
  std::string dir_;
  std::string scenario_;
};

TEST_F(SweepCommand, SummarisesEveryOutput) {
  const auto doc = sweep("--samples 4000 --seed 5 -m compromise -m median", db());
  EXPECT_EQ(doc["kind"], "sweep");
  EXPECT_EQ(doc["samples"], 4000);
  EXPECT_EQ(doc["inputs"], nlohmann::json::array({"issues.deal.positions.A.position"}));
  ASSERT_EQ(doc["outputs"].size(), 2U);
  const auto& c = doc["outputs"][0];
  EXPECT_EQ(c["id"], "deal/compromise");
  // Mean 62.5, sd (100/√12)/4 = 7.217 (see kScenario); 5 standard errors = 0.57.
  EXPECT_NEAR(c["mean"].get<double>(), 62.5, 0.6);
  EXPECT_NEAR(c["sd"].get<double>(), 7.217, 0.3);
  EXPECT_NEAR(c["quantiles"]["p50"].get<double>(), 62.5, 0.8);
  EXPECT_EQ(c["histogram"].size(), 20U);
  // The sweep is stored like a run, with its mean as the forecast row.
  RunStore store(db());
  const auto rec = store.get_run(doc["run_id"].get<std::int64_t>());
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->kind, "sweep");
  EXPECT_EQ(rec->status, "done");
  EXPECT_EQ(rec->seed, 5U);
}

TEST_F(SweepCommand, ThreadCountDoesNotChangeTheResult) {
  const auto one = sweep("--samples 3000 --threads 1 -m compromise -m bdm", db());
  const auto two = sweep("--samples 3000 --threads 2 -m compromise -m bdm", db());
  EXPECT_EQ(numbers(one), numbers(two));
  const auto other_seed = sweep("--samples 3000 --seed 2 -m compromise -m bdm", db());
  EXPECT_NE(numbers(one)["outputs"], numbers(other_seed)["outputs"]);
}

TEST_F(SweepCommand, AStoppedSweepResumesToTheSameResult) {
  const auto whole = sweep("--samples 2000 --block-size 100 -m compromise", db("a.db"));
  const auto stopped = test::run_entente("sweep '" + scenario_ +
                                         "' --samples 2000 --block-size 100 -m compromise "
                                         "--stop-after 700 --keep-samples --db '" +
                                         db("b.db") + "'");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("resumable"));
  {
    RunStore store(db("b.db"));
    EXPECT_EQ(store.get_run(1)->status, "running");
    EXPECT_EQ(store.sweep_progress(1)->blocks_done, 7U);
    EXPECT_EQ(store.count_sweep_samples(1), 700U);
    // As if the process had died after writing samples past its checkpoint.
    store.add_sweep_samples(1, 700, {{1.0}, {2.0}});
  }
  const auto resumed =
      test::run_entente("sweep --resume 1 --json --threads 2 --db '" + db("b.db") + "'");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(numbers(nlohmann::json::parse(resumed.out)), numbers(whole));
  RunStore store(db("b.db"));
  EXPECT_EQ(store.count_sweep_samples(1), 2000U);  // none counted twice
  const auto rows = store.sweep_samples(1, 1);
  ASSERT_EQ(rows.size(), 2000U);
  EXPECT_GE(rows[700][0], 50.0);  // the stray value 1.0 was replaced by a real draw
  // A finished sweep cannot resume.
  const auto again = test::run_entente("sweep --resume 1 --db '" + db("b.db") + "'");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("only an interrupted sweep"));
}

TEST_F(SweepCommand, SummariesOnlyUnlessAsked) {
  (void)sweep("--samples 500 -m compromise", db());
  RunStore store(db());
  EXPECT_EQ(store.count_sweep_samples(1), 0U);
}

TEST_F(SweepCommand, UsageErrors) {
  const auto zero = test::run_entente("sweep '" + scenario_ + "' --samples 0 --db '" + db() + "'");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_THAT(zero.err, HasSubstr("--samples"));
  const auto model = test::run_entente("sweep '" + scenario_ + "' -m medain --db '" + db() + "'");
  EXPECT_EQ(model.exit_code, 2);
  const auto missing = test::run_entente("sweep --resume 9 --db '" + db() + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no run 9"));
}

TEST_F(SweepCommand, TableOnATerminalLessRun) {
  const auto r = test::run_entente("sweep '" + scenario_ + "' --samples 200 -m compromise --db '" +
                                   db() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("deal/compromise"));
  EXPECT_THAT(r.out, HasSubstr("stored as run 1"));
  EXPECT_EQ(r.err, "");  // no progress bar when stderr is not a terminal
}

}  // namespace
}  // namespace entente
