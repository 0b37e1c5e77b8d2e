#include "entente/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace entente {

namespace {
struct Entry {
  ModelInfo info;
  ModelFactory factory;
};

// Function-local static: registrars in other translation units run before main in an
// unspecified order, so the registry must exist on first use.
std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> r;
  return r;
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

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

std::string check_value(const OptionSpec& spec, const std::string& value) {
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
}  // namespace

bool same_option_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return x == y || ((x == '-' || x == '_') && (y == '-' || y == '_'));
         });
}

ModelOptions::ModelOptions(const ModelInfo& info,
                           const std::map<std::string, std::string>& values) {
  std::vector<std::string> names;
  for (const auto& spec : info.options) {
    names.push_back(spec.name);
    values_[spec.name] = spec.default_value;
  }
  for (const auto& entry : values) {
    // Named copies: clang 14 cannot capture structured bindings in lambdas.
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    auto it = std::find_if(info.options.begin(), info.options.end(),
                           [&](const OptionSpec& s) { return same_option_name(s.name, name); });
    if (it == info.options.end()) {
      std::string msg = "model '" + info.name + "' has no option '" + name + "'";
      auto near = closest_match(name, names);
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
    const std::string problem = check_value(*it, value);
    if (!problem.empty()) {
      throw std::invalid_argument("option " + info.name + "." + name + "='" + value +
                                  "' is invalid: " + problem);
    }
    values_[it->name] = value;
  }
}

const std::string& ModelOptions::str(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("undeclared model option " + name);
  return it->second;
}

double ModelOptions::number(const std::string& name) const {
  double v = 0;
  if (!parse_double(str(name), v)) throw std::logic_error("option " + name + " is not a number");
  return v;
}

long ModelOptions::integer(const std::string& name) const {
  long v = 0;
  if (!parse_long(str(name), v)) throw std::logic_error("option " + name + " is not an integer");
  return v;
}

std::string Model::applicability(const Scenario& scenario) const {
  if (info().scope == ModelInfo::Scope::kIssue && scenario.issues.empty()) {
    return "the scenario has no issues";
  }
  return "";
}

void register_model(ModelInfo info, ModelFactory factory) {
  std::lock_guard lock(registry_mutex());
  const std::string name = info.name;
  if (!registry().emplace(name, Entry{std::move(info), std::move(factory)}).second) {
    throw std::logic_error("model registered twice: " + name);
  }
}

std::vector<ModelInfo> registered_models() {
  std::lock_guard lock(registry_mutex());
  std::vector<ModelInfo> out;
  for (const auto& [name, entry] : registry()) out.push_back(entry.info);
  return out;
}

const ModelInfo* find_model(const std::string& name) {
  std::lock_guard lock(registry_mutex());
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second.info;
}

std::unique_ptr<Model> make_model(const std::string& name,
                                  const std::map<std::string, std::string>& options) {
  const Entry* entry = nullptr;
  std::vector<std::string> names;
  {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(name);
    if (it != registry().end()) entry = &it->second;
    for (const auto& [n, e] : registry()) names.push_back(n);
  }
  if (entry == nullptr) {
    std::string msg = "unknown model '" + name + "'";
    auto near = closest_match(name, names);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      msg += "; available:";
      for (const auto& n : names) msg += " " + n;
    }
    throw std::invalid_argument(msg);
  }
  return entry->factory(ModelOptions(entry->info, options));
}

std::vector<Player> players_on(const Scenario& scenario, const Issue& issue) {
  std::vector<Player> out;
  out.reserve(issue.stances.size());
  for (const Stance& st : issue.stances) {
    const Actor* a = scenario.actor(st.actor);
    out.push_back(Player{st.actor, a != nullptr ? a->capability.value : 0.0, st.position.value,
                         st.salience.value});
  }
  return out;
}

std::string invalid_players(const std::vector<Player>& players) {
  for (const Player& p : players) {
    if (!std::isfinite(p.capability) || !std::isfinite(p.salience) || !std::isfinite(p.position) ||
        p.capability < 0 || p.salience < 0) {
      return fmt::format(
          "actor {} has capability {}, salience {}, position {}; expected finite "
          "numbers with capability and salience >= 0",
          p.actor, p.capability, p.salience, p.position);
    }
  }
  return "";
}

}  // namespace entente
