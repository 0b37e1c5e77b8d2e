// libFuzzer target for the game file reader: arbitrary bytes go to read_game (.efg and .nfg);
// a game that reads is written back (both .nfg variants for strategic games) and must read
// back. InputError is the expected way to refuse input; any other exception, a crash or a
// sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "entente/diagnostics.hpp"
#include "entente/game_io.hpp"

namespace {

const std::string kFile = "fuzz.efg";

void must_read(const std::string& text) {
  try {
    (void)entente::games::read_game(text, kFile);
  } catch (const entente::InputError& e) {
    std::fprintf(stderr, "written game does not read back:\n%s\n--- written:\n%s\n",
                 e.diagnostics().str().c_str(), text.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const entente::games::ParsedGame parsed = entente::games::read_game(text, kFile);
    if (const auto* efg = std::get_if<entente::games::ExtensiveGame>(&parsed.game)) {
      must_read(entente::games::write_efg(*efg));
    } else {
      const auto& nfg = std::get<entente::games::StrategicGame>(parsed.game);
      must_read(entente::games::write_nfg(nfg, entente::games::GameFormat::kNfgPayoff));
      must_read(entente::games::write_nfg(nfg, entente::games::GameFormat::kNfgOutcome));
    }
  } catch (const entente::InputError& e) {
    if (e.diagnostics().empty() ||
        entente::format_diagnostic(e.diagnostics().items()[0]).rfind(kFile + ":", 0) != 0) {
      std::fprintf(stderr, "diagnostic without the file name: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
