#include "support/test_support.hpp"

#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace entente::test {

std::string source_path(const std::string& relative) {
  return std::string(ENTENTE_SOURCE_DIR) + "/" + relative;
}

std::string shared_data_path(const std::string& relative) {
  return std::string(ENTENTE_SHARED_DATA) + "/" + relative;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_dir(const std::string& tag) {
  auto base = std::filesystem::temp_directory_path() / "entente-tests";
  std::filesystem::create_directories(base);
  std::string templ = (base / (tag + "-XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return templ;
}

CommandResult run_entente(const std::string& args, const std::string& env) {
  const std::string dir = temp_dir("cmd");
  const std::string out_path = dir + "/out";
  const std::string err_path = dir + "/err";
  const std::string cmd = (env.empty() ? "" : env + " ") + "'" + ENTENTE_BIN + "' " + args + " >'" +
                          out_path + "' 2>'" + err_path + "' </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  std::filesystem::remove_all(dir);
  return r;
}

CommandResult run_entente_in(const std::string& dir, const std::string& args,
                             const std::string& env) {
  const std::string tmp = temp_dir("cmd");
  const std::string out_path = tmp + "/out";
  const std::string err_path = tmp + "/err";
  const std::string cmd = "cd '" + dir + "' && " + (env.empty() ? "" : env + " ") + "'" +
                          ENTENTE_BIN + "' " + args + " >'" + out_path + "' 2>'" + err_path +
                          "' </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  std::filesystem::remove_all(tmp);
  return r;
}

CommandResult run_command(const std::string& command) {
  const std::string tmp = temp_dir("cmd");
  const std::string out_path = tmp + "/out";
  const std::string err_path = tmp + "/err";
  const std::string cmd = command + " >'" + out_path + "' 2>'" + err_path + "' </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  std::filesystem::remove_all(tmp);
  return r;
}

void run_sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_busy_timeout(db, 5000);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close_v2(db);
  if (rc != SQLITE_OK) throw std::runtime_error(statement + ": " + text);
}

}  // namespace entente::test
