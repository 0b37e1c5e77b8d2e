// Uncertain numbers: any scenario number may be a distribution instead of a constant.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace entente {

// A univariate distribution. Sampling uses the C++ standard library's distributions
// (std::normal_distribution, std::gamma_distribution for beta, ...) on std::mt19937_64,
// so a seed reproduces a draw with the same build.
struct Distribution {
  enum class Kind { kNormal, kTruncatedNormal, kUniform, kTriangular, kBeta, kDiscrete };
  Kind kind = Kind::kNormal;
  // normal: {mean, sd}; truncnormal: {mean, sd, lo, hi}; uniform: {a, b};
  // triangular: {a, mode, b}; beta: {alpha, beta, lo, hi}; discrete: values.
  std::vector<double> params;
  std::vector<double> weights;  // discrete only; same length as params, sum > 0

  // The value used by deterministic runs: the distribution's mean (for a truncated
  // normal, the mean of the truncated distribution).
  [[nodiscard]] double mean() const;
  // Smallest and largest values the distribution can produce (may be infinite).
  [[nodiscard]] double lower() const;
  [[nodiscard]] double upper() const;
  // One draw.
  [[nodiscard]] double sample(std::mt19937_64& rng) const;
  // The inverse CDF (Boost.Math): the smallest x with cdf(x) >= u, for u in (0, 1); what
  // sensitivity analysis and stratified designs map their unit-cube points through.
  // Requires check() == ""; throws std::invalid_argument when u is not in (0, 1) (0 and 1
  // would be infinite for a normal). Zero-spread distributions return their one value.
  [[nodiscard]] double quantile(double u) const;
  // P(X <= x) (Boost.Math). Requires check() == "".
  [[nodiscard]] double cdf(double x) const;
  // Validates the parameters; returns "" when valid, else what is wrong and what was
  // expected.
  [[nodiscard]] std::string check() const;
  // Short text such as `normal(0.8, 0.1)`.
  [[nodiscard]] std::string str() const;
  static const char* kind_name(Kind kind);
};

// A scenario number: its nominal value, plus the distribution it was drawn from when the
// analyst gave one.
struct Quantity {
  double value = 0.0;
  std::optional<Distribution> dist;

  Quantity() = default;
  Quantity(double v) : value(v) {}  // NOLINT(google-explicit-constructor): numbers are quantities
  [[nodiscard]] bool uncertain() const { return dist.has_value(); }
};

}  // namespace entente
