#include "entente/distribution.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

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

// --- quantile and cdf ---

TEST(DistributionQuantile, NormalMatchesTables) {
  // Phi^-1(0.975) = 1.959963984540054 (Abramowitz & Stegun 1964, table 26.5; any
  // statistical table); the normal quantile is symmetric about the mean.
  EXPECT_NEAR(make(Kind::kNormal, {0, 1}).quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(make(Kind::kNormal, {0, 1}).quantile(0.025), -1.959963984540054, 1e-12);
  EXPECT_NEAR(make(Kind::kNormal, {0, 1}).quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(make(Kind::kNormal, {3, 2}).quantile(0.975), 3 + 2 * 1.959963984540054, 1e-11);
  EXPECT_EQ(make(Kind::kNormal, {0.4, 0}).quantile(0.9), 0.4);
}

TEST(DistributionQuantile, TruncatedNormal) {
  // N(0, 1) truncated to [0, inf) is the half-normal: F(x) = 2 Phi(x) - 1, so its
  // u-quantile is Phi^-1((1 + u) / 2); at u = 0.95 that is Phi^-1(0.975).
  const auto half = make(Kind::kTruncatedNormal, {0, 1, 0, 1e9});
  EXPECT_NEAR(half.quantile(0.95), 1.959963984540054, 1e-9);
  // Symmetric truncation keeps the median at the mean.
  EXPECT_NEAR(make(Kind::kTruncatedNormal, {5, 2, 3, 7}).quantile(0.5), 5, 1e-12);
  // A window far in the upper tail goes through the upper-tail probabilities: the values
  // stay inside the window and ordered, and the cdf inverts them.
  const auto tail = make(Kind::kTruncatedNormal, {0, 1, 8, 9});
  double previous = 8;
  for (double u : {0.01, 0.25, 0.5, 0.75, 0.99}) {
    const double x = tail.quantile(u);
    EXPECT_GT(x, previous);
    EXPECT_LT(x, 9);
    EXPECT_NEAR(tail.cdf(x), u, 1e-9);
    previous = x;
  }
  // Beyond double range the window's mass sits at its lower edge, as in mean().
  const auto gone = make(Kind::kTruncatedNormal, {0, 1, 40, 41});
  EXPECT_EQ(gone.quantile(0.5), 40);
  EXPECT_EQ(make(Kind::kTruncatedNormal, {0.4, 0, 0, 1}).quantile(0.1), 0.4);
}

TEST(DistributionQuantile, UniformTriangularBetaClosedForms) {
  EXPECT_NEAR(make(Kind::kUniform, {2, 6}).quantile(0.25), 3, 1e-15);
  EXPECT_EQ(make(Kind::kUniform, {2, 2}).quantile(0.7), 2);
  // Triangular(a, c, b): F(c) = (c-a)/(b-a); below it x = a + sqrt(u (b-a)(c-a)), above it
  // x = b - sqrt((1-u)(b-a)(b-c)). For (0, 1, 4): F(c) = 1/4; u = 0.1 gives sqrt(0.4),
  // u = 0.75 gives 4 - sqrt(3), u = 0.25 gives the mode.
  const auto tri = make(Kind::kTriangular, {0, 1, 4});
  EXPECT_NEAR(tri.quantile(0.1), std::sqrt(0.4), 1e-12);
  EXPECT_NEAR(tri.quantile(0.75), 4 - std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(tri.quantile(0.25), 1, 1e-12);
  // Beta(2, 1): F(t) = t^2, so the quantile is sqrt(u); scaled to [10, 30], u = 0.25 gives
  // 10 + 20 * 0.5. Beta(1, 3): F(t) = 1 - (1-t)^3, quantile 1 - (1-u)^(1/3); u = 7/8 → 1/2.
  EXPECT_NEAR(make(Kind::kBeta, {2, 1, 10, 30}).quantile(0.25), 20, 1e-12);
  EXPECT_NEAR(make(Kind::kBeta, {1, 3}).quantile(0.875), 0.5, 1e-12);
  EXPECT_NEAR(make(Kind::kBeta, {2, 2}).quantile(0.5), 0.5, 1e-12);  // symmetric
}

TEST(DistributionQuantile, DiscreteIsAStepFunction) {
  // Weights 3:1 on {0, 10}: F(0) = 3/4, so u <= 3/4 gives 0 and u > 3/4 gives 10.
  const auto d = make(Kind::kDiscrete, {0, 10}, {3, 1});
  EXPECT_EQ(d.quantile(0.1), 0);
  EXPECT_EQ(d.quantile(0.75), 0);
  EXPECT_EQ(d.quantile(0.7500001), 10);
  EXPECT_EQ(d.quantile(0.99), 10);
  EXPECT_DOUBLE_EQ(d.cdf(-1), 0);
  EXPECT_DOUBLE_EQ(d.cdf(0), 0.75);
  EXPECT_DOUBLE_EQ(d.cdf(10), 1);
  // Unsorted values with equal weights are sorted first; zero weights are never returned.
  const auto e = make(Kind::kDiscrete, {3, 1, 2});
  EXPECT_EQ(e.quantile(0.2), 1);
  EXPECT_EQ(e.quantile(0.5), 2);
  EXPECT_EQ(e.quantile(0.9), 3);
  const auto z = make(Kind::kDiscrete, {5, 1, 9}, {1, 0, 1});
  EXPECT_EQ(z.quantile(0.01), 5);
  EXPECT_EQ(z.quantile(0.99), 9);
}

TEST(DistributionQuantile, RejectsUOutsideTheOpenUnitInterval) {
  const auto d = make(Kind::kUniform, {0, 1});
  for (double u : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    EXPECT_THROW((void)d.quantile(u), std::invalid_argument) << u;
  }
}

TEST(DistributionQuantile, RoundTripsThroughTheCdf) {
  // cdf(quantile(u)) = u for every continuous kind, and quantile(cdf(x)) = x inside the
  // support.
  const std::vector<Distribution> ds = {make(Kind::kNormal, {1, 0.5}),
                                        make(Kind::kUniform, {-2, 3}),
                                        make(Kind::kTriangular, {0, 0.2, 1}),
                                        make(Kind::kTriangular, {0, 0, 1}),
                                        make(Kind::kBeta, {2, 5}),
                                        make(Kind::kBeta, {0.5, 0.5, 10, 20}),
                                        make(Kind::kTruncatedNormal, {0.5, 0.4, 0, 1}),
                                        make(Kind::kTruncatedNormal, {0, 1, 4, 6})};
  for (const auto& d : ds) {
    for (double u : {1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-6}) {
      const double x = d.quantile(u);
      EXPECT_GE(x, d.lower()) << d.str();
      EXPECT_LE(x, d.upper()) << d.str();
      EXPECT_NEAR(d.cdf(x), u, 1e-9) << d.str() << " u=" << u;
      EXPECT_NEAR(d.quantile(d.cdf(x)), x, 1e-7 * (1 + std::abs(x))) << d.str() << " u=" << u;
    }
  }
}

RC_GTEST_PROP(DistributionQuantile, IsMonotone, (unsigned a, unsigned b)) {
  const double u = (a % 1000000 + 0.5) / 1e6;
  const double v = (b % 1000000 + 0.5) / 1e6;
  const std::vector<Distribution> ds = {
      make(Kind::kNormal, {0, 2}), make(Kind::kTruncatedNormal, {0, 3, -1, 1}),
      make(Kind::kTriangular, {1, 2, 5}), make(Kind::kBeta, {0.5, 2, -1, 1}),
      make(Kind::kDiscrete, {3, 7, 1}, {1, 2, 1})};
  for (const auto& d : ds) {
    if (u <= v) {
      RC_ASSERT(d.quantile(u) <= d.quantile(v));
    } else {
      RC_ASSERT(d.quantile(u) >= d.quantile(v));
    }
  }
}

}  // namespace
}  // namespace entente
