// The sweep's progress line: rate and time left derived by hand.
#include "cli/progress.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace entente::cli {
namespace {

using ::testing::HasSubstr;

TEST(ProgressBar, LineShowsShareRateAndTimeLeft) {
  // 250 of 1000 in 10 s: 25 %, 25/s, 750 left at 25/s = 30 s.
  const std::string line = ProgressBar::line(250, 1000, "samples", 10.0, 8);
  EXPECT_THAT(line, HasSubstr("██░░░░░░"));  // a quarter of 8 cells
  EXPECT_THAT(line, HasSubstr("250/1000 samples"));
  EXPECT_THAT(line, HasSubstr("25%"));
  EXPECT_THAT(line, HasSubstr("25/s"));
  EXPECT_THAT(line, HasSubstr("0:10 elapsed"));
  EXPECT_THAT(line, HasSubstr("0:30 left"));
}

TEST(ProgressBar, DurationsAndUnknowns) {
  EXPECT_EQ(ProgressBar::duration(3723), "1:02:03");
  EXPECT_EQ(ProgressBar::duration(59.6), "1:00");
  EXPECT_EQ(ProgressBar::duration(-1), "?");
  EXPECT_THAT(ProgressBar::line(0, 10, "samples", 0.0, 4), HasSubstr("?/s"));
}

}  // namespace
}  // namespace entente::cli
