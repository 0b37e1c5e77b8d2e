// libFuzzer target for the readers of other tools' files: KTAB's CSV and XML scenario inputs
// and the DEU decision table (tab-separated). The first byte picks the reader (so one corpus
// holds all three), the rest is the file. InputError (with at least one diagnostic naming the
// file) is the expected way to refuse input; any other exception, a crash or a sanitizer
// report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "entente/deu.hpp"
#include "entente/diagnostics.hpp"
#include "entente/ktab.hpp"
#include "fuzz_support.hpp"

using entente::fuzz::check_error;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer's bytes as text
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int which = data[0] % 3;
  std::string file;
  try {
    if (which == 0) {
      file = "fuzz.csv";
      (void)entente::looks_like_ktab_csv(text);
      (void)entente::load_ktab_csv(text, file);
    } else if (which == 1) {
      file = "fuzz.xml";
      (void)entente::looks_like_ktab_xml(text);
      (void)entente::load_ktab_xml(text, file);
    } else {
      file = "fuzz.tsv";
      for (auto cap : {entente::DeuCapability::kGdp, entente::DeuCapability::kEqual}) {
        (void)entente::load_deu_tsv(text, file, cap);
      }
    }
  } catch (const entente::InputError& e) {
    check_error(e, file);
  }
  return 0;
}
