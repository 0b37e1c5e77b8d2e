#include "cli/input.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "entente/embedded.hpp"
#include "entente/ktab.hpp"
#include "entente/scenario_io.hpp"
#include "scenario/limits.hpp"

namespace entente::cli {

namespace {
[[noreturn]] void fail(const std::string& file, const std::string& message) {
  Diagnostics d;
  d.error({file, 0, 0}, "", message);
  throw InputError(std::move(d));
}

// The reader a scenario's file references (`efg:`) go through; the loader has already joined
// them to the scenario's directory.
std::optional<std::string> read_referenced_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return std::nullopt;
  if (std::filesystem::is_directory(status)) throw std::runtime_error("is a directory");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxScenarioBytes) throw std::runtime_error(detail::oversize_message(size));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_extension(const std::string& path, const std::string& ext) {
  return path.size() >= ext.size() &&
         std::equal(ext.rbegin(), ext.rend(), path.rbegin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}
}  // namespace

std::string read_input_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail(path, "no such file");
  if (std::filesystem::is_directory(status)) fail(path, "is a directory; expected a scenario file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxScenarioBytes) {
    fail(path, detail::oversize_message(size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

LoadedInput load_input(const std::string& path) {
  if (path.empty()) return load_input_text(std::string(embedded_default_scenario()), "");
  return load_input_text(read_input_file(path), path);
}

LoadedInput load_input_text(std::string text, const std::string& path) {
  LoadedInput out;
  LoadOptions options;
  if (path.empty() || path == kDefaultScenarioName) {
    out.text = std::move(text);
    out.source = std::string(kDefaultScenarioName);
    options.filename = "korea-2003.yaml";
    options.cinc = &default_cinc_table();
    out.scenario = load_scenario_yaml(out.text, options);
    out.scenario.source = out.source;
    return out;
  }
  out.text = std::move(text);
  out.source = path;
  options.filename = path;
  options.read_file = read_referenced_file;
  // KTAB's own inputs first: their first line is also comma-separated.
  if (looks_like_ktab_xml(out.text)) {
    KtabInput k = load_ktab_xml(out.text, path);
    out.scenario = std::move(k.scenario);
    for (const auto& [name, value] : k.smp_options)
      out.options.push_back("smp." + name + "=" + value);
    return out;
  }
  if (looks_like_ktab_csv(out.text)) {
    out.scenario = load_ktab_csv(out.text, path);
    return out;
  }
  const InputFormat format = detect_format(out.text);
  if (format == InputFormat::kActorTableCsv ||
      (format == InputFormat::kUnknown && has_extension(path, ".csv"))) {
    ActorTableOptions table;
    table.filename = path;
    // The table describes one issue; name it after the file, as analysts name their tables.
    std::string stem = std::filesystem::path(path).stem().string();
    for (char& c : stem) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
    }
    if (!stem.empty() && std::isalnum(static_cast<unsigned char>(stem[0]))) table.issue_id = stem;
    out.scenario = load_actor_table_csv(out.text, table);
  } else {
    // Parsing the COW table takes longer than most runs; only a scenario that says `cinc`
    // can need it.
    if (out.text.find("cinc") != std::string::npos) options.cinc = &default_cinc_table();
    out.scenario = load_scenario_yaml(out.text, options);
  }
  return out;
}

}  // namespace entente::cli
