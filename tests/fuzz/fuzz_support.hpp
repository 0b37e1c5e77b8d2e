// What every fuzz target asks of a refusal: an InputError carries at least one diagnostic,
// and each names the file it was given.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "entente/diagnostics.hpp"

namespace entente::fuzz {

// Aborts (a finding) when `e` has no diagnostic or one that does not start with `filename`.
inline void check_error(const InputError& e, const std::string& filename) {
  if (e.diagnostics().empty()) {
    std::fprintf(stderr, "InputError without diagnostics: %s\n", e.what());
    std::abort();
  }
  for (const auto& d : e.diagnostics().items()) {
    const std::string line = format_diagnostic(d);
    if (line.rfind(filename, 0) != 0) {
      std::fprintf(stderr, "diagnostic does not name %s: %s\n", filename.c_str(), line.c_str());
      std::abort();
    }
  }
}

}  // namespace entente::fuzz
