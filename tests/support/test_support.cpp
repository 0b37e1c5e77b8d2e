#include "support/test_support.hpp"

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

}  // namespace entente::test
