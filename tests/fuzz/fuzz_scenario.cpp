// libFuzzer target for the scenario inputs: feeds arbitrary bytes to the YAML scenario
// loader (with the embedded COW table, so `cinc:` paths are exercised), the CSV actor-table
// loader and the format detector; a scenario that loads is written back out and must load
// again. InputError is the expected way to refuse input; any other exception, a crash or a
// sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "entente/diagnostics.hpp"
#include "entente/embedded.hpp"
#include "entente/scenario_io.hpp"
#include "fuzz_support.hpp"

using entente::fuzz::check_error;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)entente::detect_format(text);

  entente::LoadOptions options;
  options.filename = "fuzz.yaml";
  options.cinc = &entente::default_cinc_table();
  std::optional<entente::Scenario> loaded;
  try {
    loaded = entente::load_scenario_yaml(text, options);
  } catch (const entente::InputError& e) {
    check_error(e, options.filename);
  }
  // A scenario that loads must survive the writer: load(write(s)) is documented to give s back.
  if (loaded) {
    const std::string written = entente::write_scenario_yaml(*loaded);
    try {
      (void)entente::load_scenario_yaml(written, options);
    } catch (const entente::InputError& e) {
      std::fprintf(stderr, "written scenario does not load back:\n%s\n--- written:\n%s\n",
                   e.diagnostics().str().c_str(), written.c_str());
      std::abort();
    }
  }

  entente::ActorTableOptions table;
  table.filename = "fuzz.csv";
  try {
    const entente::Scenario s = entente::load_actor_table_csv(text, table);
    (void)s;
  } catch (const entente::InputError& e) {
    check_error(e, table.filename);
  }
  return 0;
}
