// Options of the things entente builds by name (models, game solvers): one declaration
// (OptionSpec), one validation (OptionValues) and one registry (Registry), so that a model
// and a solver take options, spell them, refuse them and list them the same way.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "entente/diagnostics.hpp"

namespace entente {

struct OptionSpec {
  std::string name;
  std::string default_value;
  std::string description;
  // When non-empty, the value must be one of these (or, for entries ending in ':N' or
  // ':EPS', that prefix followed by a number).
  std::vector<std::string> choices;
  enum class Type { kString, kNumber, kInteger } type = Type::kString;
};

// True when `a` and `b` name the same option: '-' and '_' are the same character, so
// `t-rule` and `t_rule` are one option (the declaration's spelling is the one recorded).
bool same_option_name(const std::string& a, const std::string& b);

// "" when `value` suits `spec` (one of its choices; a finite number or an integer when so
// typed), else what was expected.
std::string option_value_problem(const OptionSpec& spec, const std::string& value);

// Validated option values of one named thing: every declared option has a value (its
// default unless set), under its declared spelling.
class OptionValues {
 public:
  OptionValues() = default;
  // Checks `values` against `specs`. `kind` and `owner` name the thing in messages
  // ("model", "bdm": "model 'bdm' has no option 'x'; did you mean ...", "option
  // bdm.t-rule='x' is invalid: expected one of: ..."). Throws std::invalid_argument.
  OptionValues(const std::string& kind, const std::string& owner,
               const std::vector<OptionSpec>& specs,
               const std::map<std::string, std::string>& values);

  [[nodiscard]] const std::string& str(const std::string& name) const;
  [[nodiscard]] double number(const std::string& name) const;
  [[nodiscard]] long integer(const std::string& name) const;
  // Every option with its value, defaults included.
  [[nodiscard]] const std::map<std::string, std::string>& all() const { return values_; }
  // Only the options given, under their declared spelling.
  [[nodiscard]] const std::map<std::string, std::string>& given() const { return given_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> given_;
};

// Things registered by a short name (models, solvers): looked up with a "did you mean",
// listed in name order. Entries are never removed, so a pointer to one stays valid.
template <typename Entry>
class Registry {
 public:
  // `kind` names the entries in messages: "model", "solver".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  // Throws std::logic_error when `name` is taken (two registrations are a bug).
  void add(const std::string& name, Entry entry) {
    const std::lock_guard lock(mutex_);
    if (!entries_.emplace(name, std::move(entry)).second) {
      throw std::logic_error(kind_ + " registered twice: " + name);
    }
  }
  // nullptr when unknown.
  [[nodiscard]] const Entry* find(const std::string& name) const {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  // Throws std::invalid_argument when unknown: "unknown solver 'lpc'; did you mean 'lcp'?",
  // or the list of names when nothing is close.
  [[nodiscard]] const Entry& get(const std::string& name) const {
    if (const Entry* e = find(name)) return *e;
    const std::vector<std::string> known = names();
    std::string msg = "unknown " + kind_ + " '" + name + "'";
    const std::string near = closest_match(name, known);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      msg += "; available:";
      for (const std::string& n : known) msg += " " + n;
    }
    throw std::invalid_argument(msg);
  }
  [[nodiscard]] std::vector<std::string> names() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.push_back(entry.first);
    return out;
  }
  [[nodiscard]] std::vector<const Entry*> entries() const {
    const std::lock_guard lock(mutex_);
    std::vector<const Entry*> out;
    for (const auto& entry : entries_) out.push_back(&entry.second);
    return out;
  }

 private:
  std::string kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace entente
