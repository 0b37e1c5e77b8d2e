// Reading scenario inputs for the command line: files (YAML or CSV, detected by content)
// or the embedded default.
#pragma once

#include <optional>
#include <string>

#include "entente/scenario.hpp"

namespace entente::cli {

struct LoadedInput {
  Scenario scenario;
  std::string text;    // the exact input, stored with the run
  std::string source;  // file path or the embedded name
};

// Loads `path` (or the embedded korea-2003 when empty). Throws InputError with
// file:line:col diagnostics when the input is invalid, including unreadable files.
LoadedInput load_input(const std::string& path);

// Reads a whole file, refusing ones over the scenario size limit before reading them.
// Throws InputError naming the file.
std::string read_input_file(const std::string& path);

}  // namespace entente::cli
