#include "entente/diagnostics.hpp"

#include <gtest/gtest.h>

namespace entente {
namespace {

TEST(Diagnostics, FormatsLikeACompiler) {
  Diagnostic d{{"korea.yaml", 41, 17},
               "issues[0].positions.ROK.salience",
               "1.4 is out of range; expected a number in [0, 1]"};
  EXPECT_EQ(format_diagnostic(d),
            "korea.yaml:41:17: error: issues[0].positions.ROK.salience: 1.4 is out of range; "
            "expected a number in [0, 1]");
}

TEST(Diagnostics, OmitsUnknownPositionAndPath) {
  EXPECT_EQ(format_diagnostic({{"a.yaml", 0, 0}, "", "empty file"}), "a.yaml: error: empty file");
  EXPECT_EQ(format_diagnostic({{"a.yaml", 3, 0}, "", "x"}), "a.yaml:3: error: x");
}

TEST(Diagnostics, InputErrorCarriesAll) {
  Diagnostics ds;
  ds.error({"f", 1, 1}, "a", "first");
  ds.error({"f", 2, 1}, "b", "second");
  InputError e(ds);
  EXPECT_EQ(e.diagnostics().size(), 2U);
  EXPECT_STREQ(e.what(), "f:1:1: error: a: first");
  EXPECT_EQ(e.diagnostics().str(), "f:1:1: error: a: first\nf:2:1: error: b: second\n");
}

TEST(Diagnostics, ClosestMatchSuggestsNearMisses) {
  const std::vector<std::string> keys = {"capability", "name", "kind", "parent", "risk"};
  EXPECT_EQ(closest_match("capabilty", keys), "capability");
  EXPECT_EQ(closest_match("Name", keys), "name");
  EXPECT_EQ(closest_match("parnet", keys), "parent");
  EXPECT_EQ(closest_match("zzzzzzzz", keys), "");
  EXPECT_EQ(closest_match("name", keys), "");  // an exact match is not a suggestion
}

}  // namespace
}  // namespace entente
