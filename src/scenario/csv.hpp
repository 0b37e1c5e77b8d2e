// Internal: CSV reading on top of libcsv (RFC 4180), with the line each row starts on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "entente/diagnostics.hpp"

namespace entente::detail {

struct CsvRow {
  int line = 0;  // 1-based line the row starts on
  std::vector<std::string> fields;
};

// Parses `text` strictly (unbalanced quotes are errors). Blank lines are skipped. Throws
// InputError naming `filename` and the line on malformed input.
std::vector<CsvRow> parse_csv(std::string_view text, const std::string& filename,
                              unsigned char delimiter = ',');

// True when the text holds a NUL byte or invalid UTF-8 (a binary file, not a table).
bool looks_binary(std::string_view text);

}  // namespace entente::detail
