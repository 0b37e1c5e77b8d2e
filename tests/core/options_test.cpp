// One mechanism for things built by name (entente/options.hpp): models and game solvers
// are registered, looked up, and take options the same way.
#include "entente/options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "entente/model.hpp"
#include "entente/solver.hpp"

namespace entente {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST(Options, ValuesGetDefaultsTypesAndEitherSpelling) {
  const std::vector<OptionSpec> specs = {{"t-rule", "a", "", {"a", "b"}},
                                         {"rounds", "10", "", {}, OptionSpec::Type::kInteger},
                                         {"scale", "1.5", "", {}, OptionSpec::Type::kNumber}};
  const OptionValues v("model", "m", specs, {{"t_rule", "b"}, {"rounds", "3"}});
  EXPECT_EQ(v.str("t-rule"), "b");  // recorded under the declared spelling
  EXPECT_EQ(v.integer("rounds"), 3);
  EXPECT_EQ(v.number("scale"), 1.5);
  EXPECT_EQ(v.given(), (std::map<std::string, std::string>{{"rounds", "3"}, {"t-rule", "b"}}));
  EXPECT_EQ(error_of([&] {
              OptionValues("model", "m", specs, {{"round", "3"}});
            }),
            "model 'm' has no option 'round'; did you mean 'rounds'?");
  EXPECT_EQ(error_of([&] {
              OptionValues("solver", "s", specs, {{"rounds", "2.5"}});
            }),
            "option s.rounds='2.5' is invalid: expected an integer");
  EXPECT_EQ(error_of([&] {
              OptionValues("model", "m", specs, {{"scale", "nan"}});
            }),
            "option m.scale='nan' is invalid: expected a number");
  EXPECT_EQ(error_of([&] {
              OptionValues("model", "m", specs, {{"t-rule", "c"}});
            }),
            "option m.t-rule='c' is invalid: expected one of: a, b");
  EXPECT_EQ(error_of([&] {
              OptionValues("model", "m", {}, {{"x", "1"}});
            }),
            "model 'm' has no option 'x'; it takes no options");
}

TEST(Options, RegistryLooksUpWithDidYouMeanAndRefusesTwins) {
  Registry<int> r("widget");
  r.add("alpha", 1);
  r.add("beta", 2);
  EXPECT_EQ(r.get("beta"), 2);
  EXPECT_EQ(r.find("gamma"), nullptr);
  EXPECT_EQ(r.names(), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(error_of([&] { (void)r.get("alpah"); }),
            "unknown widget 'alpah'; did you mean 'alpha'?");
  EXPECT_EQ(error_of([&] { (void)r.get("zzzzzzzz"); }),
            "unknown widget 'zzzzzzzz'; available: alpha beta");
  EXPECT_THROW(r.add("alpha", 3), std::logic_error);
}

// Models and solvers share it: the same messages, the same spelling rules.
TEST(Options, ModelsAndSolversRefuseAndAcceptAlike) {
  EXPECT_THAT(error_of([] { (void)make_model("medain"); }),
              HasSubstr("unknown model 'medain'; did you mean 'median'?"));
  EXPECT_THAT(error_of([] { (void)games::make_solver("logitt"); }),
              HasSubstr("unknown solver 'logitt'; did you mean 'logit'?"));
  EXPECT_EQ(error_of([] {
              (void)games::make_solver("lcp", {{"label", "x"}});
            }),
            "option lcp.label='x' is invalid: expected an integer");
  EXPECT_EQ(error_of([] {
              (void)games::make_solver("logit", {{"agent", "maybe"}});
            }),
            "option logit.agent='maybe' is invalid: expected one of: true, false, 1, 0, yes, no");
  // Either spelling of a budget option, as of a model option.
  EXPECT_EQ(games::make_solver("lcp", {{"max-seconds", "5"}})->budget().max_seconds, 5.0);
}

}  // namespace
}  // namespace entente
