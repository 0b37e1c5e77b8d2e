// COW National Material Capabilities: the Composite Index of National Capability by
// state and year, used to resolve `capability: {cinc: {state: USA, year: 2003}}`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace entente {

class CincTable {
 public:
  // Parses the NMC v6 CSV (header with at least stateabb, year, cinc). Rows whose cinc is
  // missing (-9) are kept as missing. Throws InputError naming the line on malformed rows.
  static CincTable parse(std::string_view csv_text, const std::string& filename);

  // CINC of a state in a year; nullopt when the state-year is absent or coded missing.
  [[nodiscard]] std::optional<double> cinc(const std::string& state, int year) const;
  // True when the state appears in any year (for "unknown state" vs "missing year").
  [[nodiscard]] bool has_state(const std::string& state) const;
  // First and last year the table covers.
  [[nodiscard]] std::pair<int, int> years() const { return {first_year_, last_year_}; }
  [[nodiscard]] std::size_t size() const { return values_.size(); }

 private:
  std::map<std::pair<std::string, int>, std::optional<double>> values_;
  int first_year_ = 0;
  int last_year_ = 0;
};

}  // namespace entente
