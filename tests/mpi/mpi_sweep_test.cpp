// The MPI driver: `mpirun -n 2 entente-mpi sweep` gives exactly what `entente sweep` gives
// with the same seed, and only rank 0 writes the store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "entente/store.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

#ifdef ENTENTE_MPI_BIN
constexpr const char* kScenario = R"(entente: 1
id: mini-mpi
title: Three actors, two uncertain numbers
as_of: 2003-03-15
actors:
  - {id: A, name: A, kind: state, capability: {uniform: [1, 3]}}
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

nlohmann::json without_run_details(nlohmann::json doc) {
  doc.erase("run_id");
  doc.erase("mpi_ranks");
  return doc;
}

TEST(MpiSweep, TwoRanksGiveTheSingleProcessResult) {
  const std::string dir = test::temp_dir("mpi");
  const std::string scenario = dir + "/mini.yaml";
  std::ofstream(scenario) << kScenario;
  // Root may run MPI jobs only when told to (CI containers run as root); LeakSanitizer
  // would report OpenMPI's own allocations at exit, which are not ours.
  const std::string root = geteuid() == 0 ? " --allow-run-as-root" : "";
  const std::string flags = " --samples 2000 --block-size 100 --seed 7 -m compromise -m bdm --json";
  const auto mpi = test::run_command("ASAN_OPTIONS=detect_leaks=0 OMPI_MCA_btl=self,vader '" +
                                     std::string(ENTENTE_MPIEXEC) + "' -n 2 --oversubscribe" +
                                     root + " '" + ENTENTE_MPI_BIN + "' sweep '" + scenario + "'" +
                                     flags + " --db '" + dir + "/mpi.db'");
  ASSERT_EQ(mpi.exit_code, 0) << mpi.err;
  const auto one = test::run_entente("sweep '" + scenario + "'" + flags + " --threads 1 --db '" +
                                     dir + "/one.db'");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto a = nlohmann::json::parse(mpi.out);
  EXPECT_EQ(a["mpi_ranks"], 2);
  EXPECT_EQ(without_run_details(a), without_run_details(nlohmann::json::parse(one.out)));
  RunStore store(dir + "/mpi.db");
  ASSERT_EQ(store.list_runs().size(), 1U);  // rank 0 alone wrote
  EXPECT_EQ(store.list_runs()[0].status, "done");
  std::filesystem::remove_all(dir);
}

std::string mpirun() {
  const std::string root = geteuid() == 0 ? " --allow-run-as-root" : "";
  return "ASAN_OPTIONS=detect_leaks=0 OMPI_MCA_btl=self,vader '" + std::string(ENTENTE_MPIEXEC) +
         "' -n 2 --oversubscribe" + root + " '" + ENTENTE_MPI_BIN + "'";
}

// A sweep interrupted by `entente sweep --stop-after` and resumed on 2 ranks gives the
// uninterrupted single-process summary and the same stored samples, each once.
TEST(MpiSweep, ResumesASingleProcessSweepWithItsSamples) {
  const std::string dir = test::temp_dir("mpi-resume");
  const std::string scenario = dir + "/mini.yaml";
  std::ofstream(scenario) << kScenario;
  const std::string flags =
      " --samples 2000 --block-size 100 --seed 11 -m compromise -m median --keep-samples";
  const auto one = test::run_entente("sweep '" + scenario + "'" + flags +
                                     " --threads 1 --json --db '" + dir + "/one.db'");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto part = test::run_entente("sweep '" + scenario + "'" + flags +
                                      " --stop-after 700 --threads 1 --db '" + dir + "/part.db'");
  ASSERT_EQ(part.exit_code, 0) << part.err;
  std::int64_t id = 0;
  {
    RunStore store(dir + "/part.db");
    ASSERT_EQ(store.list_runs().size(), 1U);
    ASSERT_EQ(store.list_runs()[0].status, "running");
    id = store.list_runs()[0].id;
  }
  const auto resumed = test::run_command(mpirun() + " sweep --resume " + std::to_string(id) +
                                         " --json --db '" + dir + "/part.db'");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(without_run_details(nlohmann::json::parse(resumed.out)),
            without_run_details(nlohmann::json::parse(one.out)));
  RunStore a(dir + "/part.db");
  RunStore b(dir + "/one.db");
  const std::size_t outputs = nlohmann::json::parse(one.out)["outputs"].size();
  const auto sa = a.sweep_samples(id, outputs);
  const auto sb = b.sweep_samples(b.list_runs()[0].id, outputs);
  ASSERT_EQ(sa.size(), 2000U);
  EXPECT_EQ(sa, sb);
  EXPECT_EQ(a.get_run(id)->status, "done");
  // A finished run cannot be resumed again; the error names it and changes nothing.
  const auto again = test::run_command(mpirun() + " sweep --resume " + std::to_string(id) +
                                       " --db '" + dir + "/part.db'");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("only an interrupted sweep"), std::string::npos) << again.err;
  EXPECT_EQ(a.count_sweep_samples(id), 2000U);
  std::filesystem::remove_all(dir);
}

// The driver checks its numeric flags as `entente sweep` does (one shared check): usage
// errors, exit 2, nothing stored (issue 15: 2^64 - 1 samples stored an empty sweep as done).
TEST(MpiSweep, NumericFlagsAreCheckedAsEntenteChecksThem) {
  const std::string dir = test::temp_dir("mpi-flags");
  for (const std::string flags :
       {"--samples 18446744073709551615", "--seed -1", "--seed 1e23", "--block-size 0"}) {
    const auto r = test::run_command(mpirun() + " sweep " + flags + " --db '" + dir + "/x.db'");
    EXPECT_NE(r.exit_code, 0) << flags;
    EXPECT_NE(r.err.find(flags.substr(0, flags.find(' ')) + ": "), std::string::npos)
        << flags << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/x.db")) << flags;
  }
  std::filesystem::remove_all(dir);
}
#else
TEST(MpiSweep, TwoRanksGiveTheSingleProcessResult) {
  GTEST_SKIP() << "OpenMPI not found at configure time; entente-mpi not built";
}
#endif

}  // namespace
}  // namespace entente
