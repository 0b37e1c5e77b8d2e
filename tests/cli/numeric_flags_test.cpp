// Numeric flags are checked as text before anything runs or is stored: a sign, an exponent,
// a value past 2^64 - 1 or outside the flag's bounds is a usage error (exit 2) naming the
// flag, never a value wrapped or clamped by a conversion, an abort or a `running` row.
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

struct BadFlag {
  std::string args;
  std::string message;
};

TEST(NumericFlags, OutOfRangeOrMalformedNumbersAreUsageErrorsThatStoreNothing) {
  const std::string dir = test::temp_dir("numeric-flags");
  const std::string db = dir + "/runs.db";
  const std::vector<BadFlag> cases = {
      {"sweep -m median --samples 18446744073709551615",
       "--samples: 18446744073709551615 is out of range; expected a whole number from 1 to "
       "9007199254740992"},
      {"sweep -m median --samples 0", "--samples: 0 is out of range"},
      {"sweep -m median --threads 100000",
       "--threads: 100000 is out of range; expected a whole number from 0 to 1024"},
      {"sweep -m median --seed -1",
       "--seed: '-1' is not a whole number; expected a whole number from 0 to "
       "18446744073709551615"},
      {"sweep -m median --seed 18446744073709551616",
       "--seed: 18446744073709551616 is out of range"},
      {"sweep -m median --seed 1e23", "--seed: '1e23' is not a whole number"},
      {"sweep -m median --seed 2.5", "--seed: '2.5' is not a whole number"},
      {"sweep -m median --block-size 0", "--block-size: 0 is out of range"},
      {"sweep -m median --stop-after 1e9", "--stop-after: '1e9' is not a whole number"},
      {"sweep --resume -3", "--resume: '-3' is not a whole number"},
      {"sensitivity -m median -n 1e23", "--samples: '1e23' is not a whole number"},
      {"sensitivity -m median -n 4294967297", "--samples: 4294967297 is out of range"},
      {"sensitivity -m median --threads 100000", "--threads: 100000 is out of range"},
      {"sensitivity -m median --seed -1", "--seed: '-1' is not a whole number"},
      {"run -m median --seed 1e23", "--seed: '1e23' is not a whole number"},
      {"run -m median --seed -1", "--seed: '-1' is not a whole number"},
      {"runs list --limit -1", "--limit: '-1' is not a whole number"},
  };
  for (const BadFlag& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = test::run_entente(c.args + " --db '" + db + "'");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_FALSE(std::filesystem::exists(db)) << "a usage error touched the store";
  }
  std::filesystem::remove_all(dir);
}

TEST(NumericFlags, TheWholeRangeOfSeedsIsAccepted) {
  const std::string dir = test::temp_dir("numeric-seed");
  const auto r = test::run_entente("run -m median --json --seed 18446744073709551615 --db '" + dir +
                                   "/runs.db'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["seed"].get<std::uint64_t>(), 18446744073709551615ULL);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace entente
