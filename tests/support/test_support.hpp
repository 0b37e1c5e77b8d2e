// Helpers shared by the tests: paths to data, reading files, running the CLI.
#pragma once

#include <string>

namespace entente::test {

// Absolute path of a file in the source tree (e.g. "scenarios/korea-2003.yaml").
std::string source_path(const std::string& relative);
// Absolute path of a file of the reference data the tests use (e.g. "bdm/kyoto.csv"): the
// copies in tests/data/reference/ of the project's shared data, with their SOURCES.md, so
// that the tests read nothing outside the repository.
std::string shared_data_path(const std::string& relative);
// Whole file as a string; fails the test (throws) when unreadable.
std::string read_file(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the built `entente` binary with `args` (a shell-quoted string), with optional
// environment assignments prefix (e.g. "ENTENTE_DB=/tmp/x.db").
CommandResult run_entente(const std::string& args, const std::string& env = "");
// As run_entente, with `dir` as the working directory (so relative paths in arguments and
// in the diagnostics are relative to it).
CommandResult run_entente_in(const std::string& dir, const std::string& args,
                             const std::string& env = "");
// Runs a shell command line, capturing its output.
CommandResult run_command(const std::string& command);
// A fresh temporary directory for one test; removed by the caller if it wants.
std::string temp_dir(const std::string& tag);

// Runs SQL on the SQLite database at `path` (a connection of its own, closed at once), as
// a user editing a stored run by hand would; throws std::runtime_error when it fails.
void run_sql(const std::string& path, const std::string& statement);

}  // namespace entente::test
