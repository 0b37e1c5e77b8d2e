// Internal: typed, diagnosing readers over yaml-cpp nodes, shared by the scenario loader
// and the other YAML inputs. Each reader either returns a value or records a diagnostic
// (file:line:col, field path, what was expected) and returns nullopt.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "entente/date.hpp"
#include "entente/diagnostics.hpp"
#include "entente/distribution.hpp"

namespace entente::detail {

// "a list", "a map", "the text 'abc'", "nothing" — for "expected X, got Y" messages.
std::string describe(const YAML::Node& node);
SourceLocation location(const std::string& file, const YAML::Node& node);
// Shortest decimal text that reads back to the same double.
std::string format_number(double v);

class YamlReader;

// Reads the keys of one map; unknown keys are reported by finish() with a "did you mean".
class MapFields {
 public:
  MapFields(YamlReader& reader, const YAML::Node& node, std::string path);
  std::optional<YAML::Node> required(const std::string& key);
  std::optional<YAML::Node> optional(const std::string& key);
  // Reports keys present in the map but never asked for.
  void finish();

 private:
  YamlReader& reader_;
  YAML::Node node_;
  std::string path_;
  std::vector<std::string> known_;
};

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  // Starts reading a map (the caller has checked node.IsMap()); duplicate keys are errors.
  MapFields map(const YAML::Node& node, const std::string& path);
  // True when node is a list; else records "expected a list".
  bool sequence(const YAML::Node& node, const std::string& path);

  std::optional<std::string> text(const YAML::Node& node, const std::string& path);
  // An identifier: 1–64 of [A-Za-z0-9_-], starting with a letter or digit.
  std::optional<std::string> id(const YAML::Node& node, const std::string& path);
  std::optional<std::string> choice(const YAML::Node& node, const std::string& path,
                                    const std::vector<std::string>& choices);
  std::optional<double> number(const YAML::Node& node, const std::string& path);
  std::optional<double> number_in(const YAML::Node& node, const std::string& path, double lo,
                                  double hi);
  std::optional<std::int64_t> integer(const YAML::Node& node, const std::string& path);
  std::optional<Date> date(const YAML::Node& node, const std::string& path);
  // A number or a distribution whose whole support lies in [lo, hi].
  std::optional<Quantity> quantity(const YAML::Node& node, const std::string& path, double lo,
                                   double hi);

  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::optional<Distribution> distribution(const YAML::Node& node, const std::string& path);
  std::optional<std::vector<double>> numbers(const YAML::Node& node, const std::string& path);

  std::string file_;
  Diagnostics& diags_;
};

}  // namespace entente::detail
