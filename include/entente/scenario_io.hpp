// Turning text into a validated Scenario: YAML scenario files and CSV actor tables.
// Pure functions of their input text; reading files is the caller's business.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "entente/cinc.hpp"
#include "entente/scenario.hpp"

namespace entente {

// Inputs larger than this are refused before parsing (a scenario is a page, not a data set).
inline constexpr std::size_t kMaxScenarioBytes = std::size_t{8} * 1024 * 1024;
// YAML nesting deeper than this is refused (guards the recursive parser's stack).
inline constexpr int kMaxYamlDepth = 64;

struct LoadOptions {
  std::string filename = "<input>";  // used in diagnostics and Scenario::source
  const CincTable* cinc = nullptr;   // needed only when the scenario uses `cinc:`
  // Reads a file the scenario references (a game's `efg:`). Called with the reference
  // joined to the directory of `filename` (unchanged when absolute or when `filename` has
  // no directory). Returns the text, or nullopt when there is no such file; may throw
  // std::runtime_error for other failures (its message becomes the diagnostic). Without
  // it, a file reference is a diagnostic: the loader itself does no I/O.
  std::function<std::optional<std::string>(const std::string& path)> read_file;
};

// Parses and validates a YAML scenario. Throws InputError listing every problem found,
// each with file, line, column, field path, and what was expected.
Scenario load_scenario_yaml(std::string_view text, const LoadOptions& options);

// Parses an actor table (header row with actor|name, capability, position, salience,
// case-insensitive, any column order, optional extra columns ignored only when listed
// in the docs: resolve, description) into a one-issue scenario. Saliences given on 0–100
// are rescaled to 0–1; the scale runs from the smallest to the largest position unless
// `scale_min`/`scale_max` are set. Throws InputError naming the line and column.
struct ActorTableOptions {
  std::string filename = "<input>";
  std::string issue_id = "issue";
  std::optional<double> scale_min;
  std::optional<double> scale_max;
};
Scenario load_actor_table_csv(std::string_view text, const ActorTableOptions& options);

// Writes a scenario as YAML in the documented format (numbers with distributions are
// written as distributions); load_scenario_yaml(write_scenario_yaml(s)) gives back s.
// Events are written from their recorded paths and values.
std::string write_scenario_yaml(const Scenario& scenario);

// What kind of input a text is, judged by content (not extension).
enum class InputFormat { kYamlScenario, kActorTableCsv, kUnknown };
InputFormat detect_format(std::string_view text);

}  // namespace entente
