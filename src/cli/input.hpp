// Reading scenario inputs for the command line: files (YAML or CSV, detected by content)
// or the embedded default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "entente/scenario.hpp"

namespace entente::cli {

struct LoadedInput {
  Scenario scenario;
  std::string text;    // the exact input, stored with the run
  std::string source;  // file path or the embedded name
  // Model options the input itself carries (a KTAB XML file's SMP parameters), as
  // "model.name=value"; options given on the command line come after and override them.
  std::vector<std::string> options;
};

// Loads `path` (or the embedded korea-2003 when empty). Throws InputError with
// file:line:col diagnostics when the input is invalid, including unreadable files.
LoadedInput load_input(const std::string& path);

// Loads input whose text is already read (e.g. from the run store), as load_input would
// have loaded the file `path` ("" or the embedded name: the embedded default).
LoadedInput load_input_text(std::string text, const std::string& path);

// Reads a whole file, refusing ones over the scenario size limit before reading them.
// Throws InputError naming the file.
std::string read_input_file(const std::string& path);

}  // namespace entente::cli
