#include "scenario/csv.hpp"

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

bool looks_binary(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<std::uint8_t>(text[i]);
    if (b == 0) return true;
    int extra = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if ((b & 0xE0) == 0xC0) {
      extra = 1;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3;
    } else {
      return true;
    }
    if (i + static_cast<std::size_t>(extra) >= text.size()) return true;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<std::uint8_t>(text[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) {
        return true;
      }
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return false;
}

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
