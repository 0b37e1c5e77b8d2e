// libFuzzer target for stored runs read back: the store's results are untrusted input (an
// edited file, another version), so arbitrary bytes taken as a stored result must either be
// refused by result_shape_error (as `runs show`, `explain` and `report --run` do first) or
// be rendered by the terminal summary and the report's charts without throwing or crashing.
// The first byte picks the run's kind; the rest is its JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/summary.hpp"
#include "entente/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kKinds[] = {"run", "sweep", "sensitivity"};
  const std::string kind = kKinds[data[0] % 3];
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer's bytes as text
  const auto doc =
      nlohmann::json::parse(reinterpret_cast<const char*>(data) + 1,
                            reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  if (!entente::app::result_shape_error(kind, doc).empty()) return 0;
  try {
    entente::report::ReportInput in;
    if (kind == "run") {
      (void)entente::cli::render_summary(doc, false);
      in.run = doc;
    } else if (kind == "sweep") {
      (void)entente::cli::render_sweep_table(doc);
      in.sweep = doc;
    } else {
      (void)entente::cli::render_sensitivity_table(doc, 10);
      in.sensitivity = doc;
    }
    (void)entente::report::build_sections(in, nlohmann::json::array());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "a %s result that passed the shape check failed to render: %s\n",
                 kind.c_str(), e.what());
    std::abort();
  }
  return 0;
}
