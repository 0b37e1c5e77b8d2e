#include "entente/cinc.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "scenario/csv.hpp"

namespace entente {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

[[noreturn]] void fail(const std::string& file, int line, const std::string& msg) {
  Diagnostics d;
  d.error({file, line, 0}, "", msg);
  throw InputError(std::move(d));
}
}  // namespace

CincTable CincTable::parse(std::string_view csv_text, const std::string& filename) {
  const auto rows = detail::parse_csv(csv_text, filename);
  if (rows.empty()) fail(filename, 1, "empty file; expected the COW NMC CSV");
  int col_state = -1;
  int col_year = -1;
  int col_cinc = -1;
  for (std::size_t i = 0; i < rows[0].fields.size(); ++i) {
    const auto h = lower(rows[0].fields[i]);
    if (h == "stateabb") col_state = static_cast<int>(i);
    if (h == "year") col_year = static_cast<int>(i);
    if (h == "cinc") col_cinc = static_cast<int>(i);
  }
  if (col_state < 0 || col_year < 0 || col_cinc < 0) {
    fail(filename, rows[0].line, "header must name stateabb, year and cinc columns");
  }
  const auto needed = static_cast<std::size_t>(std::max({col_state, col_year, col_cinc}));
  CincTable t;
  t.first_year_ = 1 << 30;
  t.last_year_ = -(1 << 30);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.fields.size() <= needed) fail(filename, row.line, "too few columns");
    int year = 0;
    const auto& ys = row.fields[static_cast<std::size_t>(col_year)];
    if (std::from_chars(ys.data(), ys.data() + ys.size(), year).ec != std::errc()) {
      fail(filename, row.line, "year: expected an integer, got '" + ys + "'");
    }
    const auto& cs = row.fields[static_cast<std::size_t>(col_cinc)];
    double v = 0;
    if (std::from_chars(cs.data(), cs.data() + cs.size(), v).ec != std::errc()) {
      fail(filename, row.line, "cinc: expected a number, got '" + cs + "'");
    }
    std::optional<double> value;
    if (v >= 0) value = v;  // -9 codes a missing value
    t.values_[{row.fields[static_cast<std::size_t>(col_state)], year}] = value;
    t.first_year_ = std::min(t.first_year_, year);
    t.last_year_ = std::max(t.last_year_, year);
  }
  return t;
}

std::optional<double> CincTable::cinc(const std::string& state, int year) const {
  auto it = values_.find({state, year});
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool CincTable::has_state(const std::string& state) const {
  auto it = values_.lower_bound({state, -(1 << 30)});
  return it != values_.end() && it->first.first == state;
}

}  // namespace entente
