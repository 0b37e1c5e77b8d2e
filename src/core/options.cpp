// Option declarations and their validation, shared by models and solvers
// (include/entente/options.hpp).
#include "entente/options.hpp"

#include <charconv>
#include <cmath>

namespace entente {
namespace {

bool parse_double(const std::string& s, double& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_long(const std::string& s, long& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

// A value matches a choice exactly, or a parametrised choice such as "rounds:N".
bool matches_choice(const std::string& value, const std::string& choice) {
  const auto colon = choice.find(':');
  if (colon == std::string::npos) return value == choice;
  const std::string prefix = choice.substr(0, colon + 1);
  if (value.rfind(prefix, 0) != 0) return false;
  double v = 0;
  return parse_double(value.substr(prefix.size()), v);
}

}  // namespace

bool same_option_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return x == y || ((x == '-' || x == '_') && (y == '-' || y == '_'));
         });
}

std::string option_value_problem(const OptionSpec& spec, const std::string& value) {
  if (!spec.choices.empty()) {
    for (const auto& c : spec.choices) {
      if (matches_choice(value, c)) return "";
    }
    std::string msg = "expected one of: ";
    for (std::size_t i = 0; i < spec.choices.size(); ++i) msg += (i ? ", " : "") + spec.choices[i];
    return msg;
  }
  if (spec.type == OptionSpec::Type::kNumber) {
    double v = 0;
    if (!parse_double(value, v)) return "expected a number";
  } else if (spec.type == OptionSpec::Type::kInteger) {
    long v = 0;
    if (!parse_long(value, v)) return "expected an integer";
  }
  return "";
}

OptionValues::OptionValues(const std::string& kind, const std::string& owner,
                           const std::vector<OptionSpec>& specs,
                           const std::map<std::string, std::string>& values) {
  std::vector<std::string> names;
  for (const auto& spec : specs) {
    names.push_back(spec.name);
    values_[spec.name] = spec.default_value;
  }
  for (const auto& entry : values) {
    // Named copies: clang 14 cannot capture structured bindings in lambdas.
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const OptionSpec& s) { return same_option_name(s.name, name); });
    if (it == specs.end()) {
      std::string msg = kind + " '" + owner + "' has no option '" + name + "'";
      const std::string near = closest_match(name, names);
      if (!near.empty()) {
        msg += "; did you mean '" + near + "'?";
      } else if (names.empty()) {
        msg += "; it takes no options";
      } else {
        msg += "; its options are:";
        for (const auto& n : names) msg += " " + n;
      }
      throw std::invalid_argument(msg);
    }
    const std::string problem = option_value_problem(*it, value);
    if (!problem.empty()) {
      throw std::invalid_argument("option " + owner + "." + name + "='" + value +
                                  "' is invalid: " + problem);
    }
    values_[it->name] = value;
    given_[it->name] = value;
  }
}

const std::string& OptionValues::str(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("undeclared option " + name);
  return it->second;
}

double OptionValues::number(const std::string& name) const {
  double v = 0;
  if (!parse_double(str(name), v)) throw std::logic_error("option " + name + " is not a number");
  return v;
}

long OptionValues::integer(const std::string& name) const {
  long v = 0;
  if (!parse_long(str(name), v)) throw std::logic_error("option " + name + " is not an integer");
  return v;
}

}  // namespace entente
