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
      for (std::size_t a = 0; a < k; ++a) {
        out.se[a] = std::sqrt(cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)));
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
  for (const std::string& n : names) {
    if (!j.contains("base") || !j["base"].contains(n) || !j["base"][n].is_number()) {
      throw std::invalid_argument("alliance hazard: base value of '" + n + "' missing");
    }
    h.base.push_back(j["base"][n].get<double>());
  }
  if (j.contains("fit")) h.fit = j["fit"];
  return h;
}

HazardModel fit_hazard(const HazardData& data, std::uint64_t seed, double holdout_fraction) {
  std::vector<std::vector<double>> x_all;
  std::vector<int> y_all;
  std::vector<std::vector<double>> x_train;
  std::vector<int> y_train;
  std::vector<std::vector<double>> x_test;
  std::vector<int> y_test;
  std::set<int> train_ids;
  std::set<int> test_ids;
  for (const AllianceYear& r : data.rows) {
    x_all.push_back(r.x);
    y_all.push_back(r.event ? 1 : 0);
    if (held_out(r.atopid, seed, holdout_fraction)) {
      x_test.push_back(r.x);
      y_test.push_back(r.event ? 1 : 0);
      test_ids.insert(r.atopid);
    } else {
      x_train.push_back(r.x);
      y_train.push_back(r.event ? 1 : 0);
      train_ids.insert(r.atopid);
    }
  }
  auto count = [](const std::vector<int>& y) {
    int n = 0;
    for (int v : y) n += v;
    return n;
  };
  const LogitFit train = fit_logit(x_train, y_train);
  const LogitFit full = fit_logit(x_all, y_all);
  auto scores = [](const LogitFit& f, const std::vector<std::vector<double>>& x) {
    std::vector<double> s;
    s.reserve(x.size());
    for (const auto& row : x) {
      double e = f.beta[0];
      for (std::size_t j = 1; j < f.beta.size(); ++j) e += f.beta[j] * row[j - 1];
      s.push_back(e);
    }
    return s;
  };
  HazardModel h;
  h.terms = {"intercept"};
  h.terms.insert(h.terms.end(), hazard_covariates().begin(), hazard_covariates().end());
  h.beta = full.beta;
  h.se = full.se;
  h.base.assign(hazard_covariates().size(), 0.0);
  for (const auto& row : x_all) {
    for (std::size_t j = 0; j < row.size(); ++j) h.base[j] += row[j];
  }
  for (double& b : h.base) b /= static_cast<double>(x_all.size());
  const auto auc_test = auc(scores(train, x_test), y_test);
  const auto auc_train = auc(scores(train, x_train), y_train);
  const auto auc_full = auc(scores(full, x_all), y_all);
  nlohmann::json train_coef = nlohmann::json::array();
  for (std::size_t i = 0; i < train.beta.size(); ++i) {
    train_coef.push_back(
        {{"term", h.terms[i]}, {"coefficient", train.beta[i]}, {"se", train.se[i]}});
  }
  h.fit = {{"data", "ATOP v4.01 (alliance and member level) x COW NMC v6.0 CINC"},
           {"event",
            "first year a member leaves (member-level yrexit) before the specified term ends; "
            "endings in or after the term's last year are expiries (censored)"},
           {"censoring_year", data.last_year},
           {"alliances", data.alliances},
           {"alliance_years", static_cast<int>(x_all.size())},
           {"events", count(y_all)},
           {"dropped_alliances", data.dropped_alliances},
           {"dropped_years", data.dropped_years},
           {"expired_at_term", data.expired_at_term},
           {"log_likelihood", full.log_likelihood},
           {"iterations", full.iterations},
           {"auc_in_sample", auc_full ? nlohmann::json(*auc_full) : nlohmann::json(nullptr)},
           {"base_annual_hazard", logistic(h.base_eta())},
           {"holdout",
            {{"seed", seed},
             {"fraction", holdout_fraction},
             {"train_alliances", static_cast<int>(train_ids.size())},
             {"train_years", static_cast<int>(x_train.size())},
             {"train_events", count(y_train)},
             {"test_alliances", static_cast<int>(test_ids.size())},
             {"test_years", static_cast<int>(x_test.size())},
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
