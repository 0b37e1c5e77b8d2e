#include "entente/distribution.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

namespace entente {
namespace {

using Kind = Distribution::Kind;

Distribution make(Kind k, std::vector<double> p, std::vector<double> w = {}) {
  Distribution d;
  d.kind = k;
  d.params = std::move(p);
  d.weights = std::move(w);
  return d;
}

TEST(Distribution, MeansMatchClosedForms) {
  EXPECT_DOUBLE_EQ(make(Kind::kNormal, {3, 2}).mean(), 3);
  EXPECT_DOUBLE_EQ(make(Kind::kUniform, {2, 6}).mean(), 4);
  EXPECT_DOUBLE_EQ(make(Kind::kTriangular, {0, 3, 6}).mean(), 3);
  EXPECT_DOUBLE_EQ(make(Kind::kTriangular, {0, 0, 3}).mean(), 1);  // (a+m+b)/3
  // Beta(2, 6) on [0, 1] has mean 2/8; scaled to [10, 30] it is 10 + 20/4 = 15.
  EXPECT_DOUBLE_EQ(make(Kind::kBeta, {2, 6}).mean(), 0.25);
  EXPECT_DOUBLE_EQ(make(Kind::kBeta, {2, 6, 10, 30}).mean(), 15);
  EXPECT_DOUBLE_EQ(make(Kind::kDiscrete, {1, 2, 3}).mean(), 2);
  EXPECT_DOUBLE_EQ(make(Kind::kDiscrete, {0, 10}, {3, 1}).mean(), 2.5);
}

TEST(Distribution, TruncatedNormalMean) {
  // Standard normal truncated to [0, inf) has mean phi(0)/(1 - Phi(0)) = sqrt(2/pi).
  const double m = make(Kind::kTruncatedNormal, {0, 1, 0, 1e9}).mean();
  EXPECT_NEAR(m, std::sqrt(2.0 / M_PI), 1e-12);
  // Symmetric truncation keeps the mean.
  EXPECT_NEAR(make(Kind::kTruncatedNormal, {5, 2, 3, 7}).mean(), 5, 1e-12);
}

TEST(Distribution, ChecksParameters) {
  EXPECT_EQ(make(Kind::kNormal, {0, 1}).check(), "");
  EXPECT_NE(make(Kind::kNormal, {0, -1}).check(), "");
  EXPECT_NE(make(Kind::kNormal, {0}).check(), "");
  EXPECT_NE(make(Kind::kUniform, {3, 1}).check(), "");
  EXPECT_NE(make(Kind::kTriangular, {0, 5, 4}).check(), "");
  EXPECT_NE(make(Kind::kBeta, {0, 1}).check(), "");
  EXPECT_NE(make(Kind::kTruncatedNormal, {0, 1, 2, 1}).check(), "");
  EXPECT_NE(make(Kind::kDiscrete, {1, 2}, {1}).check(), "");
  EXPECT_NE(make(Kind::kDiscrete, {1, 2}, {0, 0}).check(), "");
  EXPECT_NE(make(Kind::kNormal, {NAN, 1}).check(), "");
}

TEST(Distribution, ZeroSpreadIsDeterministic) {
  std::mt19937_64 rng(7);
  EXPECT_EQ(make(Kind::kNormal, {0.4, 0}).sample(rng), 0.4);
  EXPECT_EQ(make(Kind::kUniform, {2, 2}).sample(rng), 2);
  EXPECT_EQ(make(Kind::kTruncatedNormal, {0.4, 0, 0, 1}).sample(rng), 0.4);
}

TEST(Distribution, SampleMeanConverges) {
  // 200k draws: the standard error of a uniform(0, 1) mean is 0.29/sqrt(2e5) ≈ 6.5e-4, so
  // 0.005 is more than 7 standard errors for every distribution here.
  const std::vector<Distribution> ds = {
      make(Kind::kNormal, {1, 0.5}),
      make(Kind::kUniform, {0, 1}),
      make(Kind::kTriangular, {0, 0.2, 1}),
      make(Kind::kBeta, {2, 5}),
      make(Kind::kTruncatedNormal, {0.5, 0.4, 0, 1}),
      make(Kind::kDiscrete, {0, 1}, {1, 3}),
      make(Kind::kTruncatedNormal, {0, 1, 4, 6})};  // a far-tail window: inverse-CDF path
  for (const auto& d : ds) {
    std::mt19937_64 rng(2003);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) sum += d.sample(rng);
    EXPECT_NEAR(sum / n, d.mean(), 0.005) << d.str();
  }
}

RC_GTEST_PROP(Distribution, SamplesStayInSupport, (unsigned seed)) {
  const std::vector<Distribution> ds = {make(Kind::kUniform, {-2, 3}),
                                        make(Kind::kTriangular, {1, 2, 5}),
                                        make(Kind::kBeta, {0.5, 0.5, 10, 20}),
                                        make(Kind::kTruncatedNormal, {0, 3, -1, 1}),
                                        make(Kind::kTruncatedNormal, {0, 1, 5, 5.5}),
                                        make(Kind::kDiscrete, {3, 7}, {0, 1})};
  std::mt19937_64 rng(seed);
  for (const auto& d : ds) {
    const double x = d.sample(rng);
    RC_ASSERT(x >= d.lower());
    RC_ASSERT(x <= d.upper());
  }
}

TEST(Distribution, SameSeedSameDraws) {
  const auto d = make(Kind::kBeta, {2, 3});
  std::mt19937_64 a(42);
  std::mt19937_64 b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample(a), d.sample(b));
}

}  // namespace
}  // namespace entente
