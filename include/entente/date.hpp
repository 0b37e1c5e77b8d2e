// Calendar dates (proleptic Gregorian, day precision) for scenario events.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace entente {

struct Date {
  int year = 0;
  int month = 1;
  int day = 1;

  auto operator<=>(const Date&) const = default;

  // Parses `YYYY-MM-DD` (also `YYYY-MM`, meaning the 1st, and `YYYY`, meaning 1 January);
  // rejects impossible days such as 2003-02-29. Returns nullopt on any error.
  static std::optional<Date> parse(std::string_view text);
  // ISO 8601 `YYYY-MM-DD`.
  [[nodiscard]] std::string str() const;
  // Days since 1970-01-01 (negative before), for spans and steps.
  [[nodiscard]] long days_since_epoch() const;
  static Date from_days_since_epoch(long days);
  // Adds calendar months, clamping the day to the target month's length.
  [[nodiscard]] Date add_months(int months) const;
};

}  // namespace entente
