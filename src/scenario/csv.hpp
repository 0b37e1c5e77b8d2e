// Internal: CSV reading on top of libcsv (RFC 4180), with the line each row starts on.
#pragma once

#include <optional>
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

// Where a text stops being UTF-8 text: the 1-based line and column (in characters, as an
// editor counts them) of the first NUL byte or invalid UTF-8 sequence, and what it is.
struct TextFault {
  int line = 1;
  int column = 1;
  std::string what;  // "a NUL byte" or "invalid UTF-8 (byte 0xC0)"
};

// The first fault of `text`, or nullopt when it is valid UTF-8 (RFC 3629: no overlong
// forms, no UTF-16 surrogates, nothing past U+10FFFF) without NUL. Strict because what a
// loader accepts must be storable: the run store writes JSON, which refuses all of these.
std::optional<TextFault> find_text_fault(std::string_view text);

// "binary data: <what>; expected <expected>", the message for a fault.
std::string text_fault_message(const TextFault& fault, std::string_view expected);

// True when the text holds a NUL byte or invalid UTF-8 (a binary file, not a table).
bool looks_binary(std::string_view text);

}  // namespace entente::detail
