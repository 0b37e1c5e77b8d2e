#include "scenario/csv.hpp"

#include <fmt/format.h>

#include <csv.h>

#include <cstdint>
#include <optional>

namespace entente::detail {

namespace {
struct Collector {
  std::vector<CsvRow> rows;
  CsvRow current;
  int line = 1;
  bool row_open = false;
};

void on_field(void* data, std::size_t len, void* ctx) {
  auto* c = static_cast<Collector*>(ctx);
  if (!c->row_open) {
    c->current = CsvRow{c->line, {}};
    c->row_open = true;
  }
  c->current.fields.emplace_back(static_cast<const char*>(data), len);
}

void on_row(int /*terminator*/, void* ctx) {
  auto* c = static_cast<Collector*>(ctx);
  if (!c->row_open) return;
  bool blank = true;
  for (const auto& f : c->current.fields) {
    if (!f.empty()) blank = false;
  }
  if (!blank) c->rows.push_back(std::move(c->current));
  c->current = CsvRow{};
  c->row_open = false;
}
struct QuoteProblem {
  int line;
  int column;
  std::string message;
};

// libcsv says only that strict parsing failed; this finds the quote at fault, RFC 4180
// style: a quote opens only at the start of a field, "" is an escaped quote inside one.
std::optional<QuoteProblem> find_quote_problem(std::string_view text, unsigned char delim) {
  int line = 1;
  int col = 0;
  bool in_quotes = false;
  bool at_field_start = true;
  int open_line = 0;
  int open_col = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++col;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          ++i;
          ++col;
        } else {
          in_quotes = false;
        }
      } else if (c == '\n') {
        ++line;
        col = 0;
      }
      continue;
    }
    if (c == '\n') {
      ++line;
      col = 0;
      at_field_start = true;
      continue;
    }
    if (c == static_cast<char>(delim)) {
      at_field_start = true;
      continue;
    }
    if (c == '"') {
      if (!at_field_start) {
        return QuoteProblem{line, col,
                            "a quote inside an unquoted field; quote the whole field "
                            "and double the inner quote (\"\")"};
      }
      in_quotes = true;
      open_line = line;
      open_col = col;
      continue;
    }
    if (c != ' ' && c != '\t') at_field_start = false;
  }
  if (in_quotes) {
    return QuoteProblem{open_line, open_col, "'\"' is not closed; expected a matching '\"'"};
  }
  return std::nullopt;
}
}  // namespace

std::optional<TextFault> find_text_fault(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  auto fault = [&](std::string what) { return TextFault{line, column, std::move(what)}; };
  while (i < text.size()) {
    const auto b = static_cast<std::uint8_t>(text[i]);
    if (b == 0) return fault("a NUL byte");
    if (b < 0x80) {
      if (b == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      ++i;
      continue;
    }
    // RFC 3629, table 3-7 of Unicode: the lead byte fixes the length and the range of the
    // second byte (which excludes overlong forms, surrogates and code points past U+10FFFF).
    std::size_t extra = 0;
    std::uint8_t lo = 0x80;
    std::uint8_t hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return fault(fmt::format("invalid UTF-8 (byte 0x{:02X})", b));
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= text.size()) {
        return fault(
            fmt::format("invalid UTF-8 (byte 0x{:02X} cut short by the end of the file)", b));
      }
      const auto c = static_cast<std::uint8_t>(text[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
        return fault(fmt::format("invalid UTF-8 (byte 0x{:02X} after 0x{:02X})", c, b));
      }
    }
    i += extra + 1;
    ++column;
  }
  return std::nullopt;
}

std::string text_fault_message(const TextFault& fault, std::string_view expected) {
  return fmt::format("binary data: {}; expected {}", fault.what, expected);
}

bool looks_binary(std::string_view text) { return find_text_fault(text).has_value(); }

std::vector<CsvRow> parse_csv(std::string_view text, const std::string& filename,
                              unsigned char delimiter) {
  csv_parser parser{};
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    Diagnostics d;
    d.error({filename, 0, 0}, "", "cannot initialise the CSV parser");
    throw InputError(std::move(d));
  }
  csv_set_delim(&parser, delimiter);
  Collector c;
  auto fail = [&](int line) {
    Diagnostics d;
    if (auto q = find_quote_problem(text, delimiter)) {
      d.error({filename, q->line, q->column}, "", "malformed CSV: " + q->message);
    } else {
      d.error({filename, line, 0}, "",
              std::string("malformed CSV: ") + csv_strerror(csv_error(&parser)) +
                  "; expected comma-separated fields, quotes balanced");
    }
    csv_free(&parser);
    throw InputError(std::move(d));
  };
  // Feed one physical line at a time so fields know the line they end on.
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::size_t n = end - pos;
    if (csv_parse(&parser, text.data() + pos, n, on_field, on_row, &c) != n) fail(c.line);
    ++c.line;
    pos = end;
  }
  if (csv_fini(&parser, on_field, on_row, &c) != 0) fail(c.line - 1);
  csv_free(&parser);
  return std::move(c.rows);
}

}  // namespace entente::detail
