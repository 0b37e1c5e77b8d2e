#include "entente/distribution.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace entente {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Inverse of the standard normal CDF by bisection on erfc: exact enough (1e-12) and
// needed only for truncated normals whose window lies far in a tail.
double normal_quantile(double p) {
  double lo = -40.0;
  double hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (normal_cdf(mid) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// Discrete values sorted by value with their weights (equal weights when none were
// given), zero-weight values dropped, and the total weight.
std::pair<std::vector<std::pair<double, double>>, double> discrete_support(
    const std::vector<double>& values, const std::vector<double>& weights) {
  std::vector<std::pair<double, double>> support;
  double total = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (w > 0) {
      support.emplace_back(values[i], w);
      total += w;
    }
  }
  std::stable_sort(support.begin(), support.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  return {support, total};
}

bool finite_all(const std::vector<double>& v) {
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}
}  // namespace

const char* Distribution::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNormal:
      return "normal";
    case Kind::kTruncatedNormal:
      return "truncnormal";
    case Kind::kUniform:
      return "uniform";
    case Kind::kTriangular:
      return "triangular";
    case Kind::kBeta:
      return "beta";
    case Kind::kDiscrete:
      return "discrete";
  }
  return "?";
}

std::string Distribution::check() const {
  if (!finite_all(params) || !finite_all(weights)) return "parameters must be finite numbers";
  const auto n = params.size();
  switch (kind) {
    case Kind::kNormal:
      if (n != 2) return "expected [mean, sd]";
      if (params[1] < 0) return "sd must be >= 0";
      return "";
    case Kind::kTruncatedNormal:
      if (n != 4) return "expected [mean, sd, lo, hi]";
      if (params[1] < 0) return "sd must be >= 0";
      if (!(params[2] < params[3])) return "expected lo < hi";
      if (params[1] == 0 && (params[0] < params[2] || params[0] > params[3])) {
        return "with sd 0 the mean must lie in [lo, hi]";
      }
      return "";
    case Kind::kUniform:
      if (n != 2) return "expected [a, b]";
      if (params[0] > params[1]) return "expected a <= b";
      return "";
    case Kind::kTriangular:
      if (n != 3) return "expected [a, mode, b]";
      if (!(params[0] <= params[1] && params[1] <= params[2])) return "expected a <= mode <= b";
      if (!(params[0] < params[2])) return "expected a < b";
      return "";
    case Kind::kBeta:
      if (n != 2 && n != 4) return "expected [alpha, beta] or [alpha, beta, lo, hi]";
      if (!(params[0] > 0 && params[1] > 0)) return "alpha and beta must be > 0";
      if (n == 4 && !(params[2] < params[3])) return "expected lo < hi";
      return "";
    case Kind::kDiscrete: {
      if (n == 0) return "expected at least one value";
      if (!weights.empty() && weights.size() != n) return "weights must match values in length";
      double total = 0;
      for (double w : weights) {
        if (w < 0) return "weights must be >= 0";
        total += w;
      }
      if (!weights.empty() && !(total > 0)) return "weights must sum to more than 0";
      return "";
    }
  }
  return "unknown distribution";
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::kNormal:
      return params[0];
    case Kind::kTruncatedNormal: {
      const double mu = params[0];
      const double sd = params[1];
      if (sd == 0) return mu;
      const double a = (params[2] - mu) / sd;
      const double b = (params[3] - mu) / sd;
      const double z = normal_cdf(b) - normal_cdf(a);
      if (z <= 1e-300) return mu < params[2] ? params[2] : params[3];
      return mu + sd * (normal_pdf(a) - normal_pdf(b)) / z;
    }
    case Kind::kUniform:
      return 0.5 * (params[0] + params[1]);
    case Kind::kTriangular:
      return (params[0] + params[1] + params[2]) / 3.0;
    case Kind::kBeta: {
      const double m = params[0] / (params[0] + params[1]);
      const double lo = params.size() == 4 ? params[2] : 0.0;
      const double hi = params.size() == 4 ? params[3] : 1.0;
      return lo + (hi - lo) * m;
    }
    case Kind::kDiscrete: {
      if (weights.empty()) {
        return std::accumulate(params.begin(), params.end(), 0.0) /
               static_cast<double>(params.size());
      }
      double num = 0;
      double den = 0;
      for (std::size_t i = 0; i < params.size(); ++i) {
        num += params[i] * weights[i];
        den += weights[i];
      }
      return num / den;
    }
  }
  return 0.0;
}

double Distribution::lower() const {
  switch (kind) {
    case Kind::kNormal:
      return params[1] == 0 ? params[0] : -kInf;
    case Kind::kTruncatedNormal:
      return params[1] == 0 ? params[0] : params[2];
    case Kind::kUniform:
    case Kind::kTriangular:
      return params[0];
    case Kind::kBeta:
      return params.size() == 4 ? params[2] : 0.0;
    case Kind::kDiscrete: {
      double m = kInf;
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (weights.empty() || weights[i] > 0) m = std::min(m, params[i]);
      }
      return m;
    }
  }
  return -kInf;
}

double Distribution::upper() const {
  switch (kind) {
    case Kind::kNormal:
      return params[1] == 0 ? params[0] : kInf;  // NOLINT(bugprone-narrowing-conversions): double
                                                 // to double; clang-tidy 14 misfires
    case Kind::kTruncatedNormal:
      return params[1] == 0 ? params[0] : params[3];
    case Kind::kUniform:
      return params[1];
    case Kind::kTriangular:
      return params[2];
    case Kind::kBeta:
      return params.size() == 4 ? params[3] : 1.0;
    case Kind::kDiscrete: {
      double m = -kInf;
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (weights.empty() || weights[i] > 0) m = std::max(m, params[i]);
      }
      return m;
    }
  }
  return kInf;
}

double Distribution::sample(std::mt19937_64& rng) const {
  switch (kind) {
    case Kind::kNormal: {
      if (params[1] == 0) return params[0];
      std::normal_distribution<double> d(params[0], params[1]);
      return d(rng);
    }
    case Kind::kTruncatedNormal: {
      const double mu = params[0];
      const double sd = params[1];
      const double lo = params[2];
      const double hi = params[3];
      if (sd == 0) return mu;
      const double pa = normal_cdf((lo - mu) / sd);
      const double pb = normal_cdf((hi - mu) / sd);
      // Rejection is exact and cheap while the window holds a fair share of the mass.
      if (pb - pa > 0.05) {
        std::normal_distribution<double> d(mu, sd);
        for (;;) {
          const double x = d(rng);
          if (x >= lo && x <= hi) return x;
        }
      }
      std::uniform_real_distribution<double> u(pa, pb);
      const double x = mu + sd * normal_quantile(u(rng));
      return std::min(hi, std::max(lo, x));
    }
    case Kind::kUniform: {
      if (params[0] == params[1]) return params[0];
      std::uniform_real_distribution<double> d(params[0], params[1]);
      return d(rng);
    }
    case Kind::kTriangular: {
      const double a = params[0];
      const double c = params[1];
      const double b = params[2];
      std::uniform_real_distribution<double> d(0.0, 1.0);
      const double u = d(rng);
      const double fc = (c - a) / (b - a);
      return u < fc ? a + std::sqrt(u * (b - a) * (c - a))
                    : b - std::sqrt((1 - u) * (b - a) * (b - c));
    }
    case Kind::kBeta: {
      std::gamma_distribution<double> ga(params[0], 1.0);
      std::gamma_distribution<double> gb(params[1], 1.0);
      const double x = ga(rng);
      const double y = gb(rng);
      const double z = x + y > 0 ? x / (x + y) : 0.5;
      const double lo = params.size() == 4 ? params[2] : 0.0;
      const double hi = params.size() == 4 ? params[3] : 1.0;
      return lo + (hi - lo) * z;
    }
    case Kind::kDiscrete: {
      if (weights.empty()) {
        std::uniform_int_distribution<std::size_t> d(0, params.size() - 1);
        return params[d(rng)];
      }
      std::discrete_distribution<std::size_t> d(weights.begin(), weights.end());
      return params[d(rng)];
    }
  }
  return mean();
}

double Distribution::quantile(double u) const {
  namespace bm = boost::math;
  if (!(u > 0 && u < 1)) {
    std::ostringstream msg;
    msg << "quantile of " << str() << ": expected u in (0, 1), got " << u;
    throw std::invalid_argument(msg.str());
  }
  switch (kind) {
    case Kind::kNormal:
      if (params[1] == 0) return params[0];
      return bm::quantile(bm::normal(params[0], params[1]), u);
    case Kind::kTruncatedNormal: {
      const double mu = params[0];
      const double sd = params[1];
      const double lo = params[2];
      const double hi = params[3];
      if (sd == 0) return mu;
      const bm::normal z;
      const double a = (lo - mu) / sd;
      const double b = (hi - mu) / sd;
      double x = 0;
      if (a > 0) {
        // A window in the upper tail: the upper-tail probabilities keep their precision
        // where 1 - P would round to 0.
        const double qa = bm::cdf(bm::complement(z, a));
        const double qb = bm::cdf(bm::complement(z, b));
        const double q = qa - u * (qa - qb);
        if (!(q > 0)) return lo;  // the window's mass underflows: it sits at lo (as mean())
        x = mu + sd * bm::quantile(bm::complement(z, std::min(q, 1.0)));
      } else {
        const double pa = bm::cdf(z, a);
        const double pb = bm::cdf(z, b);
        const double q = pa + u * (pb - pa);
        if (!(q > 0)) return hi;  // a window far in the lower tail: its mass sits at hi
        if (!(q < 1)) return hi;
        x = mu + sd * bm::quantile(z, q);
      }
      return std::clamp(x, lo, hi);
    }
    case Kind::kUniform:
      if (params[0] == params[1]) return params[0];
      return bm::quantile(bm::uniform(params[0], params[1]), u);
    case Kind::kTriangular:
      return bm::quantile(bm::triangular(params[0], params[1], params[2]), u);
    case Kind::kBeta: {
      const double lo = params.size() == 4 ? params[2] : 0.0;
      const double hi = params.size() == 4 ? params[3] : 1.0;
      return lo + (hi - lo) * bm::quantile(bm::beta_distribution<>(params[0], params[1]), u);
    }
    case Kind::kDiscrete: {
      const auto [support, total] = discrete_support(params, weights);
      double cumulative = 0;
      for (const auto& [value, weight] : support) {
        cumulative += weight;
        if (cumulative >= u * total) return value;
      }
      return support.back().first;  // rounding left the last step a hair below u
    }
  }
  return mean();
}

double Distribution::cdf(double x) const {
  namespace bm = boost::math;
  auto step = [x](double at) { return x >= at ? 1.0 : 0.0; };
  switch (kind) {
    case Kind::kNormal:
      if (params[1] == 0) return step(params[0]);
      if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
      return bm::cdf(bm::normal(params[0], params[1]), x);
    case Kind::kTruncatedNormal: {
      const double mu = params[0];
      const double sd = params[1];
      const double lo = params[2];
      const double hi = params[3];
      if (sd == 0) return step(mu);
      if (x < lo) return 0.0;
      if (x >= hi) return 1.0;
      const bm::normal z;
      const double a = (lo - mu) / sd;
      const double b = (hi - mu) / sd;
      const double t = (x - mu) / sd;
      if (a > 0) {
        const double qa = bm::cdf(bm::complement(z, a));
        const double qb = bm::cdf(bm::complement(z, b));
        if (!(qa > qb)) return 1.0;  // all the mass at lo, as in quantile()
        return (qa - bm::cdf(bm::complement(z, t))) / (qa - qb);
      }
      const double pa = bm::cdf(z, a);
      const double pb = bm::cdf(z, b);
      if (!(pb > pa)) return 0.0;  // all the mass at hi
      return (bm::cdf(z, t) - pa) / (pb - pa);
    }
    case Kind::kUniform:
      if (params[0] == params[1]) return step(params[0]);
      if (x <= params[0]) return 0.0;
      if (x >= params[1]) return 1.0;
      return bm::cdf(bm::uniform(params[0], params[1]), x);
    case Kind::kTriangular:
      if (x <= params[0]) return 0.0;
      if (x >= params[2]) return 1.0;
      return bm::cdf(bm::triangular(params[0], params[1], params[2]), x);
    case Kind::kBeta: {
      const double lo = params.size() == 4 ? params[2] : 0.0;
      const double hi = params.size() == 4 ? params[3] : 1.0;
      const double t = (x - lo) / (hi - lo);
      if (t <= 0) return 0.0;
      if (t >= 1) return 1.0;
      return bm::cdf(bm::beta_distribution<>(params[0], params[1]), t);
    }
    case Kind::kDiscrete: {
      const auto [support, total] = discrete_support(params, weights);
      double below = 0;
      for (const auto& [value, weight] : support) {
        if (value <= x) below += weight;
      }
      return below / total;
    }
  }
  return 0.0;
}

std::string Distribution::str() const {
  std::ostringstream out;
  out << kind_name(kind) << "(";
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out << ", ";
    out << params[i];
    if (kind == Kind::kDiscrete && !weights.empty()) out << " w" << weights[i];
  }
  out << ")";
  return out.str();
}

}  // namespace entente
