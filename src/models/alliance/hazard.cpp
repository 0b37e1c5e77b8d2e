// The structural hazard of alliance termination: ATOP v4.01 alliance-years joined with COW
// NMC capabilities, a discrete-time logit fitted by Newton–Raphson (Eigen solves the
// Newton step), held-out AUC. Every sum runs in a fixed order over plain vectors so that
// the fit is reproducible to the bit from the same tables.
#include <Eigen/Dense>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "entente/alliance.hpp"
#include "entente/embedded.hpp"
#include "scenario/csv.hpp"

namespace entente::alliance {

namespace {

[[noreturn]] void fail(const std::string& file, int line, const std::string& msg) {
  Diagnostics d;
  d.error({file, line, 0}, "", msg);
  throw InputError(std::move(d));
}

// Column lookup by header name, with the file's own line numbers in errors.
class Table {
 public:
  Table(std::string_view text, std::string name) : name_(std::move(name)) {
    rows_ = detail::parse_csv(text, name_);
    if (rows_.empty()) fail(name_, 1, "empty file");
    for (std::size_t i = 0; i < rows_[0].fields.size(); ++i) cols_[rows_[0].fields[i]] = i;
  }
  [[nodiscard]] std::size_t col(const std::string& name) const {
    auto it = cols_.find(name);
    if (it == cols_.end()) fail(name_, rows_[0].line, "no column '" + name + "'");
    return it->second;
  }
  [[nodiscard]] std::size_t size() const { return rows_.size() - 1; }
  // Integer cell; `blank` when the cell is empty.
  [[nodiscard]] int integer(std::size_t row, std::size_t col, int blank = 0) const {
    const auto& r = rows_[row + 1];
    if (col >= r.fields.size()) fail(name_, r.line, "too few columns");
    const std::string& f = r.fields[col];
    if (f.empty()) return blank;
    double v = 0;  // ATOP writes some integers as 4.0100002-style floats
    if (std::from_chars(f.data(), f.data() + f.size(), v).ec != std::errc()) {
      fail(name_, r.line, "expected a number, got '" + f + "'");
    }
    return static_cast<int>(std::lround(v));
  }
  [[nodiscard]] double number(std::size_t row, std::size_t col) const {
    const auto& r = rows_[row + 1];
    if (col >= r.fields.size()) fail(name_, r.line, "too few columns");
    const std::string& f = r.fields[col];
    double v = 0;
    if (std::from_chars(f.data(), f.data() + f.size(), v).ec != std::errc()) {
      fail(name_, r.line, "expected a number, got '" + f + "'");
    }
    return v;
  }

 private:
  std::string name_;
  std::vector<detail::CsvRow> rows_;
  std::map<std::string, std::size_t> cols_;
};

struct Membership {
  int ccode = 0;
  int enter = 0;
  int exit = 0;  // 0: still a member
};

struct AllianceRecord {
  int atopid = 0;
  int begin = 0;
  int length_months = 0;  // specified term, 0 when none
  bool defence = false;
  std::vector<Membership> members;  // one per member-level row (phases give several)
};

// A small capability floor so that the log-ratio of a micro-state's CINC stays finite.
constexpr double kCincFloor = 1e-4;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31U);
}

double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

const std::vector<std::string>& hazard_covariates() {
  static const std::vector<std::string> kNames = {"asymmetry", "capability_change", "log_age",
                                                  "defence", "log_members"};
  return kNames;
}

HazardData build_hazard_data(std::string_view alliance_csv, std::string_view member_csv,
                             std::string_view nmc_csv, int last_year) {
  const Table al(alliance_csv, "atop-alliance-level.csv");
  const Table mem(member_csv, "atop-member-level.csv");
  const Table nmc(nmc_csv, "NMC-60-abridged.csv");

  std::map<std::pair<int, int>, double> cinc;  // (ccode, year) → cinc; missing codes absent
  int nmc_last = 0;
  {
    const std::size_t cc = nmc.col("ccode");
    const std::size_t cy = nmc.col("year");
    const std::size_t ci = nmc.col("cinc");
    for (std::size_t r = 0; r < nmc.size(); ++r) {
      const double v = nmc.number(r, ci);
      const int year = nmc.integer(r, cy);
      nmc_last = std::max(nmc_last, year);
      if (v >= 0) cinc[{nmc.integer(r, cc), year}] = v;
    }
  }
  const int first_year = 1816;  // COW NMC starts here
  if (last_year <= 0) last_year = nmc_last;

  std::map<int, AllianceRecord> records;
  {
    const std::size_t cid = al.col("atopid");
    const std::size_t cbeg = al.col("begyr");
    const std::size_t clen = al.col("length");
    const std::size_t cdef = al.col("defense");
    for (std::size_t r = 0; r < al.size(); ++r) {
      AllianceRecord rec;
      rec.atopid = al.integer(r, cid);
      rec.begin = al.integer(r, cbeg);
      rec.length_months = al.integer(r, clen);
      rec.defence = al.integer(r, cdef) == 1;
      records[rec.atopid] = rec;
    }
    const std::size_t mid = mem.col("atopid");
    const std::size_t mmem = mem.col("member");
    const std::size_t ment = mem.col("yrent");
    const std::size_t mexit = mem.col("yrexit");
    for (std::size_t r = 0; r < mem.size(); ++r) {
      auto it = records.find(mem.integer(r, mid));
      if (it == records.end()) continue;  // a member row without an alliance row: ignored
      it->second.members.push_back(
          Membership{mem.integer(r, mmem), mem.integer(r, ment), mem.integer(r, mexit)});
    }
  }

  HazardData data;
  data.last_year = last_year;
  for (const auto& [id, rec] : records) {
    if (rec.members.empty()) {
      ++data.dropped_alliances;
      continue;
    }
    // Each member's final exit: 0 when any of its rows is still in force.
    std::map<int, int> final_exit;
    std::map<int, int> first_entry;
    for (const Membership& m : rec.members) {
      auto [it, fresh] = final_exit.emplace(m.ccode, m.exit);
      if (!fresh) it->second = (it->second == 0 || m.exit == 0) ? 0 : std::max(it->second, m.exit);
      auto [jt, fresh2] = first_entry.emplace(m.ccode, m.enter);
      if (!fresh2) jt->second = std::min(jt->second, m.enter);
    }
    int end = 0;  // first year a member leaves for good
    for (const auto& [cc, ex] : final_exit) {
      if (ex > 0) end = end == 0 ? ex : std::min(end, ex);
    }
    bool event = end > 0 && end <= last_year;
    int stop = event ? end : last_year;
    if (event && rec.length_months > 0 &&
        end * 12 >= rec.begin * 12 + rec.length_months - 11) {  // ended in its term's last year
      event = false;                                            // or later: an expiry
      ++data.expired_at_term;
    }
    const int start = std::max(rec.begin, first_year);
    if (stop < start) {
      ++data.dropped_alliances;
      continue;
    }
    int kept = 0;
    for (int t = start; t <= stop; ++t) {
      const int measured = t > start ? t - 1 : t;
      std::vector<double> caps;
      double change = 0.0;
      bool missing = false;
      for (const auto& [cc, entry] : first_entry) {
        const int ex = final_exit[cc];
        if (entry > t || (ex != 0 && ex < t)) continue;  // not a member in year t
        auto now = cinc.find({cc, measured});
        auto then = cinc.find({cc, std::max(entry, first_year)});
        if (now == cinc.end() || then == cinc.end()) {
          missing = true;
          break;
        }
        caps.push_back(now->second);
        change = std::max(
            change, std::fabs(std::log((now->second + kCincFloor) / (then->second + kCincFloor))));
      }
      double total = 0.0;
      for (double c : caps) total += c;
      if (missing || caps.size() < 2 || !(total > 0)) {
        ++data.dropped_years;
        continue;
      }
      const double n = static_cast<double>(caps.size());
      const double top = *std::max_element(caps.begin(), caps.end()) / total;
      AllianceYear row;
      row.atopid = id;
      row.year = t;
      row.x = {(top - 1.0 / n) / (1.0 - 1.0 / n), change,
               std::log(1.0 + static_cast<double>(t - rec.begin)), rec.defence ? 1.0 : 0.0,
               std::log(n)};
      row.event = event && t == stop;
      data.rows.push_back(std::move(row));
      ++kept;
    }
    if (kept > 0) {
      ++data.alliances;
    } else {
      ++data.dropped_alliances;
    }
  }
  return data;
}

LogitFit fit_logit(const std::vector<std::vector<double>>& x, const std::vector<int>& y) {
  if (x.empty() || x.size() != y.size()) throw std::runtime_error("logit: no data");
  const std::size_t k = x[0].size() + 1;
  std::vector<double> beta(k, 0.0);
  Eigen::MatrixXd hessian(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  LogitFit out;
  for (int iter = 1; iter <= 100; ++iter) {
    std::vector<double> grad(k, 0.0);
    std::vector<double> h(k * k, 0.0);
    double ll = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      double eta = beta[0];
      for (std::size_t j = 1; j < k; ++j) eta += beta[j] * x[i][j - 1];
      const double p = logistic(eta);
      // log-likelihood in the stable form: y η − log(1 + e^η)
      ll += y[i] * eta - (eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta)));
      const double wgt = p * (1.0 - p);
      const double r = y[i] - p;
      for (std::size_t a = 0; a < k; ++a) {
        const double xa = a == 0 ? 1.0 : x[i][a - 1];
        grad[a] += xa * r;
        for (std::size_t b = 0; b <= a; ++b) {
          const double xb = b == 0 ? 1.0 : x[i][b - 1];
          h[a * k + b] += wgt * xa * xb;
        }
      }
    }
    for (std::size_t a = 0; a < k; ++a) {
      for (std::size_t b = 0; b <= a; ++b) {
        hessian(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = h[a * k + b];
        hessian(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(a)) = h[a * k + b];
      }
    }
    Eigen::VectorXd g(static_cast<Eigen::Index>(k));
    for (std::size_t a = 0; a < k; ++a) g(static_cast<Eigen::Index>(a)) = grad[a];
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(hessian);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) {
      throw std::runtime_error("logit: singular information matrix (collinear covariates?)");
    }
    const Eigen::VectorXd step = ldlt.solve(g);
    double biggest = 0.0;
    for (std::size_t a = 0; a < k; ++a) {
      beta[a] += step(static_cast<Eigen::Index>(a));
      biggest = std::max(biggest, std::fabs(step(static_cast<Eigen::Index>(a))));
    }
    out.log_likelihood = ll;
    out.iterations = iter;
    if (biggest < 1e-10) {
      const Eigen::MatrixXd cov = ldlt.solve(
          Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k)));
      out.beta = beta;
      out.se.resize(k);
      out.cov.resize(k * k);
      for (std::size_t a = 0; a < k; ++a) {
        out.se[a] = std::sqrt(cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)));
        for (std::size_t b = 0; b < k; ++b) {
          out.cov[a * k + b] = cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
        }
      }
      return out;
    }
  }
  throw std::runtime_error("logit: Newton–Raphson did not converge in 100 iterations");
}

std::optional<double> auc(const std::vector<double>& score, const std::vector<int>& y) {
  std::vector<std::size_t> order(score.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return score[a] < score[b] || (score[a] == score[b] && a < b);
  });
  // Mid-ranks of tied scores, then the Mann–Whitney U of the positives.
  double rank_sum = 0.0;
  double positives = 0.0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && score[order[j]] == score[order[i]]) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t m = i; m < j; ++m) {
      if (y[order[m]] == 1) {
        rank_sum += mid;
        positives += 1.0;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(score.size()) - positives;
  if (positives == 0 || negatives == 0) return std::nullopt;
  return (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives);
}

bool held_out(int atopid, std::uint64_t seed, double fraction) {
  const std::uint64_t h = splitmix64(static_cast<std::uint64_t>(atopid) ^ splitmix64(seed));
  return static_cast<double>(h % 1000000U) < fraction * 1e6;
}

double HazardModel::eta(const std::vector<double>& x) const {
  double e = beta.empty() ? 0.0 : beta[0];
  for (std::size_t j = 1; j < beta.size() && j - 1 < x.size(); ++j) e += beta[j] * x[j - 1];
  return e;
}

nlohmann::json HazardModel::to_json() const {
  nlohmann::json j;
  j["model"] = "alliance-hazard";
  j["link"] = "logit";
  j["unit"] = "alliance-year";
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < terms.size(); ++i) {
    rows.push_back({{"term", terms[i]}, {"coefficient", beta[i]}, {"se", se[i]}});
  }
  j["coefficients"] = rows;
  if (!cov.empty()) {
    nlohmann::json m = nlohmann::json::array();
    const std::size_t k = beta.size();
    for (std::size_t a = 0; a < k; ++a) {
      m.push_back(std::vector<double>(cov.begin() + static_cast<std::ptrdiff_t>(a * k),
                                      cov.begin() + static_cast<std::ptrdiff_t>((a + 1) * k)));
    }
    j["covariance"] = m;
  }
  nlohmann::json b = nlohmann::json::object();
  for (std::size_t i = 0; i < base.size(); ++i) b[hazard_covariates()[i]] = base[i];
  j["base"] = b;
  j["fit"] = fit;
  return j;
}

HazardModel HazardModel::from_json(const nlohmann::json& j) {
  HazardModel h;
  if (!j.is_object() || !j.contains("coefficients") || !j["coefficients"].is_array()) {
    throw std::invalid_argument("alliance hazard: expected an object with 'coefficients'");
  }
  const auto& names = hazard_covariates();
  std::vector<std::string> want = {"intercept"};
  want.insert(want.end(), names.begin(), names.end());
  const auto& rows = j["coefficients"];
  if (rows.size() != want.size()) {
    throw std::invalid_argument("alliance hazard: expected " + std::to_string(want.size()) +
                                " coefficients, got " + std::to_string(rows.size()));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (!r.is_object() || r.value("term", std::string()) != want[i] || !r.contains("coefficient") ||
        !r["coefficient"].is_number()) {
      throw std::invalid_argument("alliance hazard: coefficient " + std::to_string(i) +
                                  " should be the term '" + want[i] + "' with a number");
    }
    h.terms.push_back(want[i]);
    h.beta.push_back(r["coefficient"].get<double>());
    h.se.push_back(r.contains("se") && r["se"].is_number() ? r["se"].get<double>() : 0.0);
  }
  if (j.contains("covariance")) {
    // Stored runs and --option hazard= are untrusted: a covariance that is not a finite,
    // symmetric, positive-definite k × k matrix would make every draw garbage.
    const auto& m = j["covariance"];
    const std::size_t k = want.size();
    const auto bad = [&] {
      return std::invalid_argument("alliance hazard: 'covariance' must be a " + std::to_string(k) +
                                   " x " + std::to_string(k) +
                                   " symmetric positive-definite matrix of numbers");
    };
    if (!m.is_array() || m.size() != k) throw bad();
    Eigen::MatrixXd c(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    for (std::size_t a = 0; a < k; ++a) {
      if (!m[a].is_array() || m[a].size() != k) throw bad();
      for (std::size_t b = 0; b < k; ++b) {
        if (!m[a][b].is_number() || !std::isfinite(m[a][b].get<double>())) throw bad();
        c(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = m[a][b].get<double>();
        h.cov.push_back(m[a][b].get<double>());
      }
    }
    if (!c.isApprox(c.transpose()) || Eigen::LLT<Eigen::MatrixXd>(c).info() != Eigen::Success) {
      throw bad();
    }
  }
  for (const std::string& n : names) {
    if (!j.contains("base") || !j["base"].contains(n) || !j["base"][n].is_number()) {
      throw std::invalid_argument("alliance hazard: base value of '" + n + "' missing");
    }
    h.base.push_back(j["base"][n].get<double>());
  }
  if (j.contains("fit")) h.fit = j["fit"];
  return h;
}

HazardModel HazardModel::draw(std::uint64_t seed) const {
  if (cov.empty()) return *this;
  const auto k = static_cast<Eigen::Index>(beta.size());
  Eigen::MatrixXd c(k, k);
  for (Eigen::Index a = 0; a < k; ++a) {
    for (Eigen::Index b = 0; b < k; ++b) c(a, b) = cov[static_cast<std::size_t>(a * k + b)];
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(c);
  if (llt.info() != Eigen::Success) return *this;  // from_json refuses such a matrix
  // Box–Muller on a splitmix64 stream: the same draws on every platform, unlike
  // std::normal_distribution, whose algorithm the standard leaves open.
  std::uint64_t state = splitmix64(seed ^ 0x5EEDC0FFEEULL);
  auto uniform = [&state] {
    state = splitmix64(state);
    return (static_cast<double>(state >> 11U) + 0.5) * 0x1.0p-53;
  };
  Eigen::VectorXd z(k);
  for (Eigen::Index a = 0; a < k; a += 2) {
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double t = 2.0 * M_PI * uniform();
    z(a) = r * std::cos(t);
    if (a + 1 < k) z(a + 1) = r * std::sin(t);
  }
  const Eigen::VectorXd delta = llt.matrixL() * z;
  // Only what prediction reads: a sweep draws once per sample, and the fit's JSON record
  // would cost more than the draw.
  HazardModel out;
  out.terms = terms;
  out.beta = beta;
  out.se = se;
  out.base = base;
  for (Eigen::Index a = 0; a < k; ++a) out.beta[static_cast<std::size_t>(a)] += delta(a);
  return out;
}

const std::vector<int>& era_window_candidates() {
  static const std::vector<int> kWindows = {0, 5, 10, 15, 20, 30, 45};
  return kWindows;
}

HazardModel fit_hazard_rows(const std::vector<AllianceYear>& rows, int last_year,
                            const HazardCalibration& calibration) {
  if (rows.empty()) throw std::runtime_error("alliance hazard: no alliance-years to fit");
  const bool era = calibration.era_years > 0;
  const int era_start = last_year - calibration.era_years;  // era: years after this one
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  x.reserve(rows.size());
  y.reserve(rows.size());
  for (const AllianceYear& r : rows) {
    x.push_back(r.x);
    if (era) x.back().push_back(r.year > era_start ? 1.0 : 0.0);
    y.push_back(r.event ? 1 : 0);
  }
  const LogitFit f = fit_logit(x, y);
  const std::size_t k = hazard_covariates().size() + 1;  // intercept + covariates
  const std::size_t kf = f.beta.size();                  // + the era term when fitted
  HazardModel h;
  h.terms = {"intercept"};
  h.terms.insert(h.terms.end(), hazard_covariates().begin(), hazard_covariates().end());
  // Folding the era into the intercept is the linear map A (k × kf): intercept' = b0 +
  // b_era, slopes unchanged; its covariance is A Σ Aᵀ.
  auto a_row = [&](std::size_t i, std::size_t j) {
    return (i == j || (era && i == 0 && j == kf - 1)) ? 1.0 : 0.0;
  };
  h.beta.assign(k, 0.0);
  h.cov.assign(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < kf; ++j) h.beta[i] += a_row(i, j) * f.beta[j];
  }
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t m = 0; m < k; ++m) {
      double v = 0.0;
      for (std::size_t j = 0; j < kf; ++j) {
        for (std::size_t l = 0; l < kf; ++l) v += a_row(i, j) * f.cov[j * kf + l] * a_row(m, l);
      }
      h.cov[i * k + m] = v;
    }
  }
  h.se.resize(k);
  for (std::size_t i = 0; i < k; ++i) h.se[i] = std::sqrt(h.cov[i * k + i]);
  h.base.assign(hazard_covariates().size(), 0.0);
  for (const AllianceYear& r : rows) {
    for (std::size_t j = 0; j < h.base.size(); ++j) h.base[j] += r.x[j];
  }
  for (double& b : h.base) b /= static_cast<double>(rows.size());
  int events = 0;
  for (int v : y) events += v;
  h.fit = {{"alliance_years", static_cast<int>(rows.size())},
           {"events", events},
           {"log_likelihood", f.log_likelihood},
           {"iterations", f.iterations}};
  if (era) {
    h.fit["calibration"] = {{"method", "era term"},
                            {"era_years", calibration.era_years},
                            {"era_from", era_start + 1},
                            {"era_coefficient", f.beta[kf - 1]},
                            {"era_se", f.se[kf - 1]}};
  } else {
    h.fit["calibration"] = {{"method", "pooled"}, {"era_years", 0}};
  }
  return h;
}

ForecastScore score_forecasts(const std::vector<double>& p, const std::vector<int>& y) {
  if (p.empty() || p.size() != y.size()) {
    throw std::runtime_error("alliance hazard: nothing to score");
  }
  ForecastScore s;
  s.n_years = static_cast<int>(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    s.observed += y[i];
    s.predicted += p[i];
    s.brier += (p[i] - y[i]) * (p[i] - y[i]);
    // A probability of exactly 0 or 1 cannot come out of a logistic, but a constant rate
    // of 0 can: clamp so one surprise costs a large, finite loss.
    const double q = std::clamp(p[i], 1e-15, 1.0 - 1e-15);
    s.log_loss -= y[i] == 1 ? std::log(q) : std::log1p(-q);
  }
  s.brier /= static_cast<double>(p.size());
  s.log_loss /= static_cast<double>(p.size());
  s.auc = auc(p, y);
  return s;
}

namespace {

std::vector<double> predict(const HazardModel& h, const std::vector<AllianceYear>& rows) {
  std::vector<double> p;
  p.reserve(rows.size());
  for (const AllianceYear& r : rows) p.push_back(logistic(h.eta(r.x)));
  return p;
}

std::vector<int> outcomes(const std::vector<AllianceYear>& rows) {
  std::vector<int> y;
  y.reserve(rows.size());
  for (const AllianceYear& r : rows) y.push_back(r.event ? 1 : 0);
  return y;
}

std::vector<AllianceYear> years_between(const std::vector<AllianceYear>& rows, int after,
                                        int through) {
  std::vector<AllianceYear> out;
  for (const AllianceYear& r : rows) {
    if (r.year > after && r.year <= through) out.push_back(r);
  }
  return out;
}

constexpr int kNestedHorizon = 10;      // years each nested cutoff is scored on
constexpr int kNestedCutoffs = 4;       // cutoffs 10, 20, 30, 40 years before the last year
constexpr int kConstantRateYears = 20;  // the constant-rate baseline's window
// An era term is one more parameter estimated from the era's terminations alone: fewer than
// 10 events per parameter gives unstable logit estimates (Peduzzi et al. 1996), and the last
// years of a data set are where late-coded terminations are still missing.
constexpr int kMinEraEvents = 10;

}  // namespace

std::pair<int, std::map<int, double>> choose_era_window(const std::vector<AllianceYear>& rows,
                                                        int last_year) {
  std::map<int, double> loss;
  for (int w : era_window_candidates()) {
    if (w > 0) {
      int era_events = 0;
      for (const AllianceYear& r : rows) era_events += (r.event && r.year > last_year - w) ? 1 : 0;
      if (era_events < kMinEraEvents) continue;
    }
    double total = 0.0;
    bool ok = true;
    for (int n = 1; n <= kNestedCutoffs && ok; ++n) {
      const int cut = last_year - n * kNestedHorizon;
      // Rows up to `cut` are exactly the alliance-years as they were known then: an
      // alliance's later exit only adds rows (and its event) after `cut`.
      const auto train = years_between(rows, std::numeric_limits<int>::min(), cut);
      const auto test = years_between(rows, cut, cut + kNestedHorizon);
      try {
        const HazardModel h = fit_hazard_rows(train, cut, HazardCalibration{w});
        const ForecastScore s = score_forecasts(predict(h, test), outcomes(test));
        total += s.log_loss * s.n_years;
      } catch (const std::runtime_error&) {
        ok = false;  // e.g. an era window without a single termination
      }
    }
    if (ok) loss[w] = total;
  }
  if (loss.empty()) throw std::runtime_error("alliance hazard: no era window could be fitted");
  int best = loss.begin()->first;
  for (int w : era_window_candidates()) {
    if (loss.count(w) != 0 && loss[w] < loss[best]) best = w;
  }
  return {best, loss};
}

HazardValidation validate_hazard(const HazardData& train, const HazardData& test, int cutoff,
                                 std::optional<HazardCalibration> calibration) {
  HazardValidation v;
  v.cutoff = cutoff;
  v.last_test_year = test.last_year;
  const auto train_rows = years_between(train.rows, std::numeric_limits<int>::min(), cutoff);
  const auto test_rows = years_between(test.rows, cutoff, test.last_year);
  if (train_rows.empty() || test_rows.empty()) {
    throw std::runtime_error("alliance hazard: cutoff " + std::to_string(cutoff) +
                             " leaves no training or no test years");
  }
  const std::vector<int> y_train = outcomes(train_rows);
  const std::vector<int> y_test = outcomes(test_rows);
  v.train_years = static_cast<int>(train_rows.size());
  for (int e : y_train) v.train_events += e;
  const HazardCalibration cal =
      calibration ? *calibration : HazardCalibration{choose_era_window(train_rows, cutoff).first};
  v.era_years = cal.era_years;
  v.model = score_forecasts(predict(fit_hazard_rows(train_rows, cutoff, cal), test_rows), y_test);

  // Age only: the same logit with log age (hazard_covariates()[2]) as the one covariate.
  const std::size_t age = 2;
  std::vector<std::vector<double>> xa;
  for (const AllianceYear& r : train_rows) xa.push_back({r.x[age]});
  const LogitFit fa = fit_logit(xa, y_train);
  std::vector<double> pa;
  for (const AllianceYear& r : test_rows)
    pa.push_back(logistic(fa.beta[0] + fa.beta[1] * r.x[age]));
  v.age_only = score_forecasts(pa, y_test);

  int recent_years = 0;
  int recent_events = 0;
  for (const AllianceYear& r : train_rows) {
    if (r.year > cutoff - kConstantRateYears) {
      ++recent_years;
      recent_events += r.event ? 1 : 0;
    }
  }
  const double rate = recent_years > 0 ? static_cast<double>(recent_events) / recent_years : 0.0;
  v.constant_recent = score_forecasts(std::vector<double>(test_rows.size(), rate), y_test);
  return v;
}

HazardModel fit_hazard(const HazardData& data, std::uint64_t seed, double holdout_fraction) {
  std::vector<AllianceYear> train_rows;
  std::vector<AllianceYear> test_rows;
  std::set<int> train_ids;
  std::set<int> test_ids;
  for (const AllianceYear& r : data.rows) {
    if (held_out(r.atopid, seed, holdout_fraction)) {
      test_rows.push_back(r);
      test_ids.insert(r.atopid);
    } else {
      train_rows.push_back(r);
      train_ids.insert(r.atopid);
    }
  }
  auto count = [](const std::vector<int>& y) {
    int n = 0;
    for (int v : y) n += v;
    return n;
  };
  const auto [era_years, era_losses] = choose_era_window(data.rows, data.last_year);
  const HazardCalibration cal{era_years};
  const HazardModel train = fit_hazard_rows(train_rows, data.last_year, cal);
  HazardModel h = fit_hazard_rows(data.rows, data.last_year, cal);
  const std::vector<int> y_all = outcomes(data.rows);
  const std::vector<int> y_train = outcomes(train_rows);
  const std::vector<int> y_test = outcomes(test_rows);
  const auto auc_test = auc(predict(train, test_rows), y_test);
  const auto auc_train = auc(predict(train, train_rows), y_train);
  const auto auc_full = auc(predict(h, data.rows), y_all);
  nlohmann::json train_coef = nlohmann::json::array();
  for (std::size_t i = 0; i < train.beta.size(); ++i) {
    train_coef.push_back(
        {{"term", h.terms[i]}, {"coefficient", train.beta[i]}, {"se", train.se[i]}});
  }
  nlohmann::json selection = nlohmann::json::object();
  for (const auto& [w, loss] : era_losses) selection[std::to_string(w)] = loss;
  nlohmann::json calibration = h.fit["calibration"];
  calibration["rule"] =
      "era window chosen by nested temporal validation inside the training years: cutoffs "
      "10, 20, 30 and 40 years before the last year, each scored on the next 10 years; "
      "lowest summed log-loss";
  calibration["summed_log_loss"] = selection;
  h.fit = {{"data", "ATOP v4.01 (alliance and member level) x COW NMC v6.0 CINC"},
           {"event",
            "first year a member leaves (member-level yrexit) before the specified term ends; "
            "endings in or after the term's last year are expiries (censored)"},
           {"censoring_year", data.last_year},
           {"alliances", data.alliances},
           {"alliance_years", static_cast<int>(data.rows.size())},
           {"events", count(y_all)},
           {"dropped_alliances", data.dropped_alliances},
           {"dropped_years", data.dropped_years},
           {"expired_at_term", data.expired_at_term},
           {"log_likelihood", h.fit["log_likelihood"]},
           {"iterations", h.fit["iterations"]},
           {"calibration", calibration},
           {"auc_in_sample", auc_full ? nlohmann::json(*auc_full) : nlohmann::json(nullptr)},
           {"base_annual_hazard", logistic(h.base_eta())},
           {"holdout",
            {{"seed", seed},
             {"fraction", holdout_fraction},
             {"train_alliances", static_cast<int>(train_ids.size())},
             {"train_years", static_cast<int>(train_rows.size())},
             {"train_events", count(y_train)},
             {"test_alliances", static_cast<int>(test_ids.size())},
             {"test_years", static_cast<int>(test_rows.size())},
             {"test_events", count(y_test)},
             {"auc_train", auc_train ? nlohmann::json(*auc_train) : nlohmann::json(nullptr)},
             {"auc_test", auc_test ? nlohmann::json(*auc_test) : nlohmann::json(nullptr)},
             {"train_coefficients", train_coef}}}};
  return h;
}

const HazardModel& default_hazard() {
  static const HazardModel kModel = [] {
    const auto j = nlohmann::json::parse(embedded_alliance_hazard(), nullptr, false);
    if (j.is_discarded() || !j.contains("coefficients")) return HazardModel{};
    return HazardModel::from_json(j);
  }();
  return kModel;
}

}  // namespace entente::alliance
