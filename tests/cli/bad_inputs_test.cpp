// What a user sees for broken input: every file in tests/data/bad/ (NAME.yaml, .csv or .xml)
// is run through `entente validate NAME` and `entente run NAME` from inside that folder,
// and stderr must equal NAME.expected byte for byte, with exit code 1, nothing on stdout,
// no crash and nothing stored. Also: a 50 MiB file (generated, never committed), a file
// just over the size limit, and that every input has its .expected and vice versa.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "entente/scenario_io.hpp"
#include "entente/store.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

namespace fs = std::filesystem;

std::string bad_dir() { return test::source_path("tests/data/bad"); }

// KTAB's XML scenarios are inputs too (`run` recognises them by content).
bool is_input(const fs::path& p) {
  return p.extension() == ".yaml" || p.extension() == ".csv" || p.extension() == ".xml";
}

// The input files of the corpus (bare names), sorted; dotfiles (.gitattributes) are not cases.
std::vector<std::string> list_cases() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(bad_dir(), ec)) {
    const fs::path p = entry.path();
    if (entry.is_regular_file() && is_input(p)) out.push_back(p.filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "csv-missing-column.csv" -> "csv_missing_column_csv" (test names allow [A-Za-z0-9_]).
std::string test_name_of(const std::string& file) {
  std::string out = file;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

std::string expected_path_of(const std::string& file) {
  return bad_dir() + "/" + fs::path(file).stem().string() + ".expected";
}

// True when `db` holds no run (or does not exist: a refused input must not create it).
::testing::AssertionResult stores_nothing(const std::string& db) {
  if (!fs::exists(db)) return ::testing::AssertionSuccess();
  const RunStore store(db);
  const auto runs = store.list_runs();
  if (runs.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << db << " holds " << runs.size() << " run(s)";
}

class BadInputCorpus : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { tmp_ = test::temp_dir("bad-input"); }
  void TearDown() override { fs::remove_all(tmp_); }
  std::string tmp_;
};

TEST_P(BadInputCorpus, ValidatePrintsExactlyTheExpectedDiagnostics) {
  const std::string file = GetParam();
  const std::string expected = test::read_file(expected_path_of(file));
  const auto r = test::run_entente_in(bad_dir(), "validate '" + file + "'");
  EXPECT_LT(r.exit_code, 128) << "entente crashed on " << file << ":\n" << r.err;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected);
}

TEST_P(BadInputCorpus, RunRefusesWithTheSameDiagnosticsAndStoresNothing) {
  const std::string file = GetParam();
  const std::string expected = test::read_file(expected_path_of(file));
  const std::string db = tmp_ + "/x.db";
  const auto r = test::run_entente_in(bad_dir(), "run '" + file + "' --db '" + db + "'");
  EXPECT_LT(r.exit_code, 128) << "entente crashed on " << file << ":\n" << r.err;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected);
  EXPECT_TRUE(stores_nothing(db));
}

INSTANTIATE_TEST_SUITE_P(BadInput, BadInputCorpus, ::testing::ValuesIn(list_cases()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return test_name_of(param.param);
                         });

TEST(BadInputs, EveryInputHasItsExpectedAndEveryExpectedItsInput) {
  std::set<std::string> inputs;
  std::set<std::string> expected;
  for (const auto& entry : fs::directory_iterator(bad_dir())) {
    const fs::path p = entry.path();
    const std::string name = p.filename().string();
    if (name.front() == '.') continue;
    ASSERT_TRUE(entry.is_regular_file()) << name << " is not a file";
    if (is_input(p)) {
      // NAME.yaml and NAME.csv would share NAME.expected.
      EXPECT_TRUE(inputs.insert(p.stem().string()).second) << "two inputs named " << p.stem();
    } else if (p.extension() == ".expected") {
      expected.insert(p.stem().string());
    } else {
      ADD_FAILURE() << name << ": expected NAME.yaml, NAME.csv, NAME.xml or NAME.expected";
    }
  }
  for (const auto& n : inputs) {
    EXPECT_TRUE(expected.count(n)) << n << " has no " << n << ".expected";
  }
  for (const auto& n : expected) {
    EXPECT_TRUE(inputs.count(n)) << n << ".expected has no input";
  }
  EXPECT_GE(inputs.size(), 30U);
}

// Writes `bytes` bytes of a scenario padded with comment lines (a real file, not a sparse one).
void write_padded_scenario(const std::string& path, std::size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  std::string text =
      "entente: 1\nid: big\ntitle: Too big\nas_of: 2003-03-15\nactors:\n"
      "  - {id: USA, name: United States, kind: state, capability: 10}\n"
      "  - {id: ROK, name: South Korea, kind: state, capability: 5}\n";
  const std::string pad = "# padding padding padding padding padding padding padding padding\n";
  while (text.size() + pad.size() <= bytes) text += pad;
  text.append(bytes - text.size(), '#');
  out << text;
  ASSERT_TRUE(out.good());
}

TEST(BadInputs, FiftyMegabyteFileIsRefusedBeforeParsing) {
  const std::string dir = test::temp_dir("bad-big");
  write_padded_scenario(dir + "/big.yaml", 50U * 1024U * 1024U);
  const std::string expected =
      "big.yaml: error: file is 50 MiB; expected a scenario of at most 8 MiB\n1 error found\n";
  const auto v = test::run_entente_in(dir, "validate big.yaml");
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_EQ(v.out, "");
  EXPECT_EQ(v.err, expected);
  const auto r = test::run_entente_in(dir, "run big.yaml --db '" + dir + "/x.db'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected);
  EXPECT_TRUE(stores_nothing(dir + "/x.db"));
  fs::remove_all(dir);
}

TEST(BadInputs, FileJustOverTheLimitDoesNotClaimToBeAtTheLimit) {
  const std::string dir = test::temp_dir("bad-limit");
  write_padded_scenario(dir + "/big.yaml", kMaxScenarioBytes + 1);
  const auto v = test::run_entente_in(dir, "validate big.yaml");
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_EQ(v.out, "");
  EXPECT_THAT(v.err, ::testing::StartsWith("big.yaml: error: file is "));
  EXPECT_THAT(v.err, ::testing::EndsWith("\n1 error found\n"));
  // "file is 8 MiB; expected ... at most 8 MiB" reads as if the file were within the limit.
  EXPECT_THAT(v.err, ::testing::Not(::testing::HasSubstr("file is 8 MiB;")));
  fs::remove_all(dir);
}

// Issue 15, defect 5: the limit trusted the reported size, so `validate /dev/zero` grew to
// 537 MB, and /dev/stdin too. Reads stop one byte past the limit whatever the size says.
TEST(BadInputs, DevicesAndPipesAreReadOnlyUpToTheLimit) {
  const std::string dir = test::temp_dir("bad-device");
  const std::string expected =
      "/dev/zero: error: file is larger than 8 MiB (reading stopped there); expected a "
      "scenario of at most 8 MiB\n1 error found\n";
  const auto zero = test::run_entente_in(dir, "validate /dev/zero");
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_EQ(zero.out, "");
  EXPECT_EQ(zero.err, expected);
  // In a subshell: run_command's own </dev/null must not replace the pipe.
  const auto piped =
      test::run_command("(head -c 20000000 /dev/zero | '" + std::string(ENTENTE_BIN) +
                        "' run /dev/stdin --db '" + dir + "/x.db')");
  EXPECT_EQ(piped.exit_code, 1);
  EXPECT_THAT(piped.err, ::testing::HasSubstr("/dev/stdin: error: file is larger than 8 MiB"));
  EXPECT_TRUE(stores_nothing(dir + "/x.db"));
  // A small scenario through a pipe still loads.
  const auto small =
      test::run_command("(cat '" + test::source_path("scenarios/korea-2003.yaml") + "' | '" +
                        std::string(ENTENTE_BIN) + "' validate /dev/stdin)");
  EXPECT_EQ(small.exit_code, 0) << small.out << small.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace entente
