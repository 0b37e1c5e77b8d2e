#include "scenario/yaml_util.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace entente::detail {

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  std::string s = node.Scalar();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return "'" + s + "'";
}

SourceLocation location(const std::string& file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

std::string format_number(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

MapFields::MapFields(YamlReader& reader, const YAML::Node& node, std::string path)
    : reader_(reader), node_(node), path_(std::move(path)) {}

namespace {
// Why a text that looks like YYYY-MM-DD is still no date, or what format was expected.
std::string date_problem(const std::string& text) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  int y = 0;
  int m = 0;
  int d = 0;
  char tail = 0;
  if (text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
    if (m < 1 || m > 12) return "month " + std::to_string(m) + " does not exist; expected 01–12";
    const Date first{y, m, 1};
    const long days = first.add_months(1).days_since_epoch() - first.days_since_epoch();
    if (d < 1 || d > days) {
      return std::string(kMonths[m - 1]) + " " + std::to_string(y) + " has " +
             std::to_string(days) + " days";
    }
  }
  return "expected YYYY-MM-DD";
}

// "a number in [0, 1]", "a number >= 0" — open ends said in words, not as infinities.
std::string range_text(double lo, double hi) {
  if (std::isinf(hi) && std::isinf(lo)) return "a finite number";
  if (std::isinf(hi)) return "a number >= " + format_number(lo);
  if (std::isinf(lo)) return "a number <= " + format_number(hi);
  return "a number in [" + format_number(lo) + ", " + format_number(hi) + "]";
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
}  // namespace

std::optional<YAML::Node> MapFields::optional(const std::string& key) {
  known_.push_back(key);
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return std::nullopt;
}

std::optional<YAML::Node> MapFields::required(const std::string& key) {
  auto v = optional(key);
  if (!v) reader_.error(node_, join(path_, key), "missing required field '" + key + "'");
  return v;
}

void MapFields::finish() {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) {
      reader_.error(it->first, path_, "expected a text key, got " + describe(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string msg = "unknown key '" + key + "'";
    auto near = closest_match(key, known_);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      msg += "; expected one of: ";
      for (std::size_t i = 0; i < known_.size(); ++i) msg += (i ? ", " : "") + known_[i];
    }
    reader_.error(it->first, join(path_, key), msg);
  }
}

void YamlReader::error(const YAML::Node& node, const std::string& path,
                       const std::string& message) {
  diags_.error(location(file_, node), path, message);
}

MapFields YamlReader::map(const YAML::Node& node, const std::string& path) {
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && !seen.insert(it->first.Scalar()).second) {
      error(it->first, join(path, it->first.Scalar()),
            "duplicate key '" + it->first.Scalar() + "'; each key may appear once");
    }
  }
  return MapFields(*this, node, path);
}

bool YamlReader::sequence(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) return true;
  error(node, path, "expected a list, got " + describe(node));
  return false;
}

std::optional<std::string> YamlReader::text(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    error(node, path, "expected text, got " + describe(node));
    return std::nullopt;
  }
  if (node.Scalar().empty()) {
    error(node, path, "expected text, got an empty value");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> YamlReader::id(const YAML::Node& node, const std::string& path) {
  auto t = text(node, path);
  if (!t) return std::nullopt;
  bool ok = t->size() <= 64 && std::isalnum(static_cast<unsigned char>((*t)[0]));
  for (char c : *t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') ok = false;
  }
  if (!ok) {
    error(node, path,
          "'" + *t +
              "' is not a valid id; expected 1–64 letters, digits, '-' or '_', "
              "starting with a letter or digit");
    return std::nullopt;
  }
  return t;
}

std::optional<std::string> YamlReader::choice(const YAML::Node& node, const std::string& path,
                                              const std::vector<std::string>& choices) {
  auto t = text(node, path);
  if (!t) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *t) != choices.end()) return t;
  std::string msg = "'" + *t + "' is not allowed; expected one of: ";
  for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : "") + choices[i];
  auto near = closest_match(*t, choices);
  if (!near.empty()) msg += "; did you mean '" + near + "'?";
  error(node, path, msg);
  return std::nullopt;
}

std::optional<double> YamlReader::number(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    error(node, path, "expected a number, got " + describe(node));
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  double v = 0;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (s.empty() || ec != std::errc() || ptr != end) {
    error(node, path, "expected a number, got " + describe(node));
    return std::nullopt;
  }
  if (!std::isfinite(v)) {
    error(node, path, "expected a finite number, got " + describe(node));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number_in(const YAML::Node& node, const std::string& path,
                                            double lo, double hi) {
  auto v = number(node, path);
  if (!v) return std::nullopt;
  if (*v < lo || *v > hi) {
    error(node, path, format_number(*v) + " is out of range; expected " + range_text(lo, hi));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    error(node, path, "expected an integer, got " + describe(node));
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    error(node, path, "expected an integer, got " + describe(node));
    return std::nullopt;
  }
  return v;
}

std::optional<Date> YamlReader::date(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    error(node, path, "expected a date YYYY-MM-DD, got " + describe(node));
    return std::nullopt;
  }
  auto d = Date::parse(node.Scalar());
  if (!d)
    error(node, path,
          "'" + node.Scalar() + "' is not a valid date; " + date_problem(node.Scalar()));
  return d;
}

std::optional<std::vector<double>> YamlReader::numbers(const YAML::Node& node,
                                                       const std::string& path) {
  if (!sequence(node, path)) return std::nullopt;
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto v = number(node[i], path + "[" + std::to_string(i) + "]");
    if (v) {
      out.push_back(*v);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Distribution> YamlReader::distribution(const YAML::Node& node,
                                                     const std::string& path) {
  static const std::vector<std::string> kKinds = {"normal",     "truncnormal", "uniform",
                                                  "triangular", "beta",        "discrete"};
  if (node.size() != 1) {
    error(node, path,
          "expected a number or one distribution such as {normal: [mean, sd]}, got a map with " +
              std::to_string(node.size()) + " keys");
    return std::nullopt;
  }
  const auto it = node.begin();
  const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
  const std::string dpath = path + "." + key;
  Distribution d;
  if (key == "normal") {
    d.kind = Distribution::Kind::kNormal;
  } else if (key == "truncnormal") {
    d.kind = Distribution::Kind::kTruncatedNormal;
  } else if (key == "uniform") {
    d.kind = Distribution::Kind::kUniform;
  } else if (key == "triangular") {
    d.kind = Distribution::Kind::kTriangular;
  } else if (key == "beta") {
    d.kind = Distribution::Kind::kBeta;
  } else if (key == "discrete") {
    d.kind = Distribution::Kind::kDiscrete;
  } else {
    std::string msg = "unknown distribution '" + key +
                      "'; expected normal, truncnormal, uniform, triangular, beta or discrete";
    auto near = closest_match(key, kKinds);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    error(it->first, dpath, msg);
    return std::nullopt;
  }
  if (d.kind == Distribution::Kind::kDiscrete) {
    if (!it->second.IsMap()) {
      error(it->second, dpath,
            "expected {values: [...], weights: [...]}, got " + describe(it->second));
      return std::nullopt;
    }
    auto m = map(it->second, dpath);
    auto values = m.required("values");
    auto weights = m.optional("weights");
    m.finish();
    if (!values) return std::nullopt;
    auto v = numbers(*values, dpath + ".values");
    if (!v) return std::nullopt;
    d.params = *v;
    if (weights) {
      auto w = numbers(*weights, dpath + ".weights");
      if (!w) return std::nullopt;
      d.weights = *w;
    }
  } else {
    auto v = numbers(it->second, dpath);
    if (!v) return std::nullopt;
    d.params = *v;
  }
  const std::string problem = d.check();
  if (!problem.empty()) {
    error(it->second, dpath, "invalid " + key + " distribution: " + problem);
    return std::nullopt;
  }
  return d;
}

std::optional<Quantity> YamlReader::quantity(const YAML::Node& node, const std::string& path,
                                             double lo, double hi) {
  if (node.IsScalar()) {
    auto v = number_in(node, path, lo, hi);
    if (!v) return std::nullopt;
    return Quantity(*v);
  }
  if (!node.IsMap()) {
    error(
        node, path,
        "expected a number or a distribution such as {normal: [mean, sd]}, got " + describe(node));
    return std::nullopt;
  }
  auto d = distribution(node, path);
  if (!d) return std::nullopt;
  if (d->lower() < lo || d->upper() > hi) {
    error(node, path,
          d->str() + " can draw values in [" + format_number(d->lower()) + ", " +
              format_number(d->upper()) + "]; expected " + range_text(lo, hi) +
              " for every draw; use truncnormal or beta to bound it");
    return std::nullopt;
  }
  Quantity q;
  q.value = d->mean();
  q.dist = std::move(d);
  return q;
}

}  // namespace entente::detail
