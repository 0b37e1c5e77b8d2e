#include "entente/date.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace entente {

namespace {
bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}
}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
  Date d;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  if (!parse_int(text.substr(0, 4), d.year)) return std::nullopt;
  if (text.size() >= 7) {
    if (text[4] != '-' || !parse_int(text.substr(5, 2), d.month)) return std::nullopt;
  }
  if (text.size() == 10) {
    if (text[7] != '-' || !parse_int(text.substr(8, 2), d.day)) return std::nullopt;
  }
  if (d.year < 1 || d.month < 1 || d.month > 12) return std::nullopt;
  if (d.day < 1 || d.day > days_in_month(d.year, d.month)) return std::nullopt;
  return d;
}

std::string Date::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
long Date::days_since_epoch() const {
  const long y = static_cast<long>(year) - (month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long mp = (month + 9) % 12;
  const long doy = (153 * mp + 2) / 5 + day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date Date::from_days_since_epoch(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

Date Date::add_months(int months) const {
  long total = static_cast<long>(year) * 12 + (month - 1) + months;
  Date d;
  // Floor division: before year 0 (reachable from a far-back date minus months) the
  // remainder of / is negative, and a month must stay in 1..12.
  const long years = total >= 0 ? total / 12 : -((-total + 11) / 12);
  d.year = static_cast<int>(years);
  d.month = static_cast<int>(total - years * 12) + 1;
  d.day = std::min(day, days_in_month(d.year, d.month));
  return d;
}

}  // namespace entente
