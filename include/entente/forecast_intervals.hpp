// 80% intervals around issue forecasts, by split conformal prediction on each model's
// out-of-sample errors on the DEU dev data (docs/models.md#forecast-intervals). The fit is
// `entente fit intervals`, shipped as data/models/forecast-intervals.json and embedded in the
// binary. Pure computation, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/deu.hpp"
#include "entente/scenario.hpp"

namespace entente {

struct ForecastIntervalCalibration {
  struct Entry {
    int n = 0;              // calibration errors
    double quantile = 0.0;  // the conformal quantile of |error| / scale range
  };
  std::string method;  // how the quantiles were computed, in words
  std::string data;    // the data file they came from
  std::string source;  // where this calibration was read from (file name or <embedded:...>)
  double level = 0.8;
  std::map<std::string, Entry> models;
};

// Fits the calibration: runs every model in `models` (default options, one scenario per
// issue, `seed`) on every case, and per model takes the split-conformal quantile at `level`
// of |forecast − outcome| / (scale max − min) over the cases it forecast
// (conformal_quantile in backtest.hpp). `data` names the cases' file in the result. Returns
// the JSON document `entente fit intervals` writes: {"method", "level", "data", "cases",
// "seed", "models": {"<model>": {"n", "quantile"}}}. A model with no forecast on any case is
// left out. Throws std::invalid_argument for an unknown model.
nlohmann::json fit_forecast_intervals(const std::vector<DeuCase>& cases,
                                      const std::vector<std::string>& models,
                                      const std::string& data, double level = 0.8,
                                      std::uint64_t seed = 1);

// Reads a document written by fit_forecast_intervals; `source` names it in errors and in
// the result. Throws std::runtime_error naming `source` and the field when it is not one
// (missing field, a quantile outside [0, 1] or not finite, a level outside (0, 1)).
ForecastIntervalCalibration parse_forecast_intervals(std::string_view text,
                                                     const std::string& source);

// The calibration compiled into the binary, parsed once (thread-safe). Throws like
// parse_forecast_intervals when the embedded file is broken (a build defect).
const ForecastIntervalCalibration& embedded_forecast_interval_calibration();

// The interval around `forecast` for `model`: forecast ± quantile × (max − min), clipped to
// the scale. nullopt when the calibration has no entry for the model.
std::optional<std::array<double, 2>> forecast_interval(const ForecastIntervalCalibration& cal,
                                                       const std::string& model, double forecast,
                                                       const Scale& scale);

}  // namespace entente
