#include "app/input.hpp"

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

namespace entente::app {

namespace {
[[noreturn]] void fail(const std::string& file, const std::string& message) {
  Diagnostics d;
  d.error({file, 0, 0}, "", message);
  throw InputError(std::move(d));
}

// Reads at most max_bytes + 1 bytes, so that a file larger than it claims (a device, a pipe,
// a file growing while read) is caught without reading it all. Throws std::runtime_error.
std::string read_capped(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) throw std::runtime_error("is a directory");
  if (std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes) throw std::runtime_error(detail::oversize_message(size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot open: ") + std::strerror(errno));
  std::string out;
  constexpr std::size_t kChunk = 64 * 1024;
  std::string chunk(kChunk, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(kChunk));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (out.size() + got > max_bytes) {
      constexpr std::size_t kMiB = 1024U * 1024U;
      throw std::runtime_error("file is larger than " + std::to_string(max_bytes / kMiB) +
                               " MiB (reading stopped there); expected a scenario of at most " +
                               std::to_string(max_bytes / kMiB) + " MiB");
    }
    out.append(chunk.data(), got);
  }
  if (in.bad()) throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
  return out;
}

// The reader of FileAccess::local(): a missing file is nullopt, so that the loader's
// message can say where the path was looked up.
std::optional<std::string> read_local(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return std::nullopt;
  return read_capped(path, kMaxScenarioBytes);
}

// Whether `p` (canonical) lies inside `root` (canonical), compared component by component
// so that /srv/scen-other is not inside /srv/scen.
bool inside(const std::filesystem::path& p, const std::filesystem::path& root) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // a trailing separator
    if (q == p.end() || *q != *r) return false;
  }
  return q != p.end();
}

bool has_extension(const std::string& path, const std::string& ext) {
  return path.size() >= ext.size() &&
         std::equal(ext.rbegin(), ext.rend(), path.rbegin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}
}  // namespace

FileAccess FileAccess::local() { return {}; }

FileAccess FileAccess::none() {
  FileAccess a;
  a.kind_ = Kind::kNone;
  return a;
}

FileAccess FileAccess::under(const std::string& dir) {
  std::error_code ec;
  const auto root = std::filesystem::canonical(dir, ec);
  if (ec || !std::filesystem::is_directory(root)) {
    throw std::runtime_error("scenario directory '" + dir + "' is not a directory");
  }
  FileAccess a;
  a.kind_ = Kind::kUnder;
  a.root_ = root.string();
  return a;
}

std::optional<std::string> FileAccess::read(const std::string& path) const {
  switch (kind_) {
    case Kind::kLocal:
      return read_local(path);
    case Kind::kNone:
      // One message whatever the path names, so that nothing about the filesystem leaks.
      throw std::runtime_error(
          "this server reads no file a scenario names (its operator can allow files under "
          "one directory with `entente serve --scenario-dir DIR`)");
    case Kind::kUnder:
      break;
  }
  // Missing, outside the directory (also through a link), or not a regular file: one
  // message, so that a client learns nothing about the rest of the filesystem.
  const std::string refused =
      "no such file in the server's scenario directory; expected a regular file named "
      "relative to it";
  const std::filesystem::path rel(path);
  if (rel.empty() || rel.is_absolute()) throw std::runtime_error(refused);
  std::error_code ec;
  const auto full = std::filesystem::weakly_canonical(std::filesystem::path(root_) / rel, ec);
  if (ec || !inside(full, root_)) throw std::runtime_error(refused);
  const auto status = std::filesystem::symlink_status(full, ec);
  if (ec || !std::filesystem::is_regular_file(status)) throw std::runtime_error(refused);
  return read_capped(full.string(), kMaxScenarioBytes);
}

std::string FileAccess::label(const std::string& name) const {
  if (kind_ == Kind::kLocal) return name;
  std::string base = std::filesystem::path(name).filename().string();
  return base == "." || base == ".." ? std::string() : base;
}

std::string read_input_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail(path, "no such file");
  if (std::filesystem::is_directory(status)) fail(path, "is a directory; expected a scenario file");
  try {
    return read_capped(path, kMaxScenarioBytes);
  } catch (const std::runtime_error& e) {
    fail(path, e.what());
  }
}

LoadedInput load_input(const std::string& path) {
  if (path.empty()) return load_input_text(std::string(embedded_default_scenario()), "");
  return load_input_text(read_input_file(path), path);
}

LoadedInput load_input_text(std::string text, const std::string& path, const FileAccess& access) {
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
  options.read_file = [&access](const std::string& p) { return access.read(p); };
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

}  // namespace entente::app
