// Reading scenario inputs for the command line: files (YAML or CSV, detected by content)
// or the embedded default.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "entente/scenario.hpp"

namespace entente::app {

struct LoadedInput {
  Scenario scenario;
  std::string text;    // the exact input, stored with the run
  std::string source;  // file path or the embedded name
  // Model options the input itself carries (a KTAB XML file's SMP parameters), as
  // "model.name=value"; options given on the command line come after and override them.
  std::vector<std::string> options;
};

// Which files loading a scenario may read besides the scenario itself (a game's `efg:`).
// The command line reads what its user names, as the user's own shell could; a server
// reads nothing a client names, or only regular files under a directory its operator chose,
// so that a posted scenario can neither read nor probe the server's filesystem.
class FileAccess {
 public:
  // Any path, joined to the scenario file's directory when relative.
  static FileAccess local();
  // No file at all: every reference is refused with the same message, whatever exists.
  static FileAccess none();
  // Regular files inside `dir` (symbolic links resolved before the check), named by a
  // path relative to it. Throws std::runtime_error when `dir` is not a directory.
  static FileAccess under(const std::string& dir);

  // What LoadOptions::read_file takes: the text of a referenced file (the loader has
  // joined it to the scenario file's directory), nullopt when there is no such file, or a
  // std::runtime_error whose message becomes the diagnostic. Reads at most the scenario
  // size limit whatever the file system reports (a device or pipe included).
  [[nodiscard]] std::optional<std::string> read(const std::string& path) const;

  // The name a scenario file should carry in diagnostics under this policy: unchanged for
  // local(); otherwise only its last component, since a client's name is a label and must
  // not steer where references are looked up.
  [[nodiscard]] std::string label(const std::string& name) const;

 private:
  enum class Kind { kLocal, kNone, kUnder };
  Kind kind_ = Kind::kLocal;
  std::string root_;  // canonical, for kUnder
};

// Loads `path` (or the embedded korea-2003 when empty). Throws InputError with
// file:line:col diagnostics when the input is invalid, including unreadable files.
LoadedInput load_input(const std::string& path);

// Loads input whose text is already read (e.g. from the run store), as load_input would
// have loaded the file `path` ("" or the embedded name: the embedded default).
// Files the scenario references are read as `access` allows (the command line's default:
// any file the user could read).
LoadedInput load_input_text(std::string text, const std::string& path,
                            const FileAccess& access = FileAccess::local());

// Reads a whole file of at most the scenario size limit. Throws InputError naming the file
// when it holds more (however large the file system says it is: /dev/zero and pipes too),
// when it is missing, a directory, or unreadable.
std::string read_input_file(const std::string& path);

}  // namespace entente::app
