#include "entente/embedded.hpp"

extern "C" {
// Defined by the assembler stubs cmake/embed.cmake generates; the names are the symbols.
// NOLINTBEGIN(readability-identifier-naming)
extern const char korea_2003_yaml[];
extern const char korea_2003_yaml_end[];
extern const char cow_nmc_csv[];
extern const char cow_nmc_csv_end[];
extern const char alliance_hazard_json[];
extern const char alliance_hazard_json_end[];
extern const char forecast_intervals_json[];
extern const char forecast_intervals_json_end[];
// NOLINTEND(readability-identifier-naming)
}

namespace entente {

std::string_view embedded_default_scenario() {
  return {korea_2003_yaml, static_cast<std::size_t>(korea_2003_yaml_end - korea_2003_yaml)};
}

std::string_view embedded_cow_nmc() {
  return {cow_nmc_csv, static_cast<std::size_t>(cow_nmc_csv_end - cow_nmc_csv)};
}

std::string_view embedded_alliance_hazard() {
  return {alliance_hazard_json,
          static_cast<std::size_t>(alliance_hazard_json_end - alliance_hazard_json)};
}

std::string_view embedded_forecast_intervals() {
  return {forecast_intervals_json,
          static_cast<std::size_t>(forecast_intervals_json_end - forecast_intervals_json)};
}

const CincTable& default_cinc_table() {
  static const CincTable kTable =
      CincTable::parse(embedded_cow_nmc(), "data/cow/NMC-60-abridged.csv");
  return kTable;
}

}  // namespace entente
