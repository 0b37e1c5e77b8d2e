// Data compiled into the binary so that `entente run` works from any folder: the default
// scenario and the COW capabilities table it resolves `cinc:` against.
#pragma once

#include <string_view>

#include "entente/cinc.hpp"

namespace entente {

// Name under which the embedded default scenario is reported and stored.
inline constexpr std::string_view kDefaultScenarioName = "<embedded:korea-2003>";

// Text of scenarios/korea-2003.yaml as it was at build time.
std::string_view embedded_default_scenario();
// Text of data/cow/NMC-60-abridged.csv as it was at build time.
std::string_view embedded_cow_nmc();
// Text of data/models/alliance-hazard.json (the fit of `entente fit alliance-hazard`) as it
// was at build time.
std::string_view embedded_alliance_hazard();
// Text of data/models/forecast-intervals.json (the calibration of `entente fit intervals`)
// as it was at build time.
std::string_view embedded_forecast_intervals();
// The embedded COW table, parsed once on first use (thread-safe).
const CincTable& default_cinc_table();

}  // namespace entente
