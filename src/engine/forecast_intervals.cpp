#include "entente/forecast_intervals.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "entente/backtest.hpp"
#include "entente/embedded.hpp"

namespace entente {

namespace {

constexpr const char* kMethod =
    "split conformal: per model, the ceil((n + 1) level)-th smallest of |forecast - outcome| / "
    "(scale max - min) over the n DEU issues it forecast (default options, one scenario per "
    "issue); the interval is forecast +/- that share of the issue's scale, clipped to it";

}  // namespace

nlohmann::json fit_forecast_intervals(const std::vector<DeuCase>& cases,
                                      const std::vector<std::string>& models,
                                      const std::string& data, double level, std::uint64_t seed) {
  BacktestSettings settings;
  settings.seed = seed;
  settings.bootstrap_samples = 1;  // only the forecasts are used here
  const BacktestReport report = run_backtest_report(cases, models, settings);
  nlohmann::json doc;
  doc["method"] = kMethod;
  doc["level"] = level;
  doc["data"] = data;
  doc["cases"] = cases.size();
  doc["seed"] = seed;
  doc["models"] = nlohmann::json::object();
  for (const std::string& model : models) {
    std::vector<double> scores;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto it = report.issues[i].forecasts.find(model);
      if (it == report.issues[i].forecasts.end() || !it->second) continue;
      const Scale& scale = cases[i].scenario.issues.front().scale;
      scores.push_back(std::abs(*it->second - cases[i].outcome) / (scale.max - scale.min));
    }
    if (scores.empty()) continue;
    const auto n = static_cast<int>(scores.size());
    const double q = conformal_quantile(std::move(scores), level);
    // Too few errors for the level gives an unbounded interval: the whole scale.
    doc["models"][model] = {{"n", n}, {"quantile", std::isfinite(q) ? std::min(q, 1.0) : 1.0}};
  }
  return doc;
}

ForecastIntervalCalibration parse_forecast_intervals(std::string_view text,
                                                     const std::string& source) {
  auto fail = [&](const std::string& what) -> void {
    throw std::runtime_error(source + ": " + what);
  };
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) fail("not a JSON object");
  ForecastIntervalCalibration cal;
  cal.source = source;
  if (!doc.contains("method") || !doc["method"].is_string()) fail("method: expected a string");
  if (!doc.contains("data") || !doc["data"].is_string()) fail("data: expected a string");
  if (!doc.contains("level") || !doc["level"].is_number()) fail("level: expected a number");
  if (!doc.contains("models") || !doc["models"].is_object()) fail("models: expected an object");
  cal.method = doc["method"].get<std::string>();
  cal.data = doc["data"].get<std::string>();
  cal.level = doc["level"].get<double>();
  if (!(cal.level > 0.0 && cal.level < 1.0)) fail("level: expected a number in (0, 1)");
  for (const auto& [name, entry] : doc["models"].items()) {
    const std::string path = "models." + name;
    if (!entry.is_object() || !entry.contains("quantile") || !entry["quantile"].is_number() ||
        !entry.contains("n") || !entry["n"].is_number_integer()) {
      fail(path + ": expected {\"n\": integer, \"quantile\": number}");
    }
    const double q = entry["quantile"].get<double>();
    if (!(q >= 0.0 && q <= 1.0)) fail(path + ".quantile: expected a number in [0, 1]");
    cal.models[name] = {entry["n"].get<int>(), q};
  }
  return cal;
}

const ForecastIntervalCalibration& embedded_forecast_interval_calibration() {
  static const ForecastIntervalCalibration kCalibration = parse_forecast_intervals(
      embedded_forecast_intervals(), "<embedded:data/models/forecast-intervals.json>");
  return kCalibration;
}

std::optional<std::array<double, 2>> forecast_interval(const ForecastIntervalCalibration& cal,
                                                       const std::string& model, double forecast,
                                                       const Scale& scale) {
  const auto it = cal.models.find(model);
  if (it == cal.models.end() || !std::isfinite(forecast)) return std::nullopt;
  const double half = it->second.quantile * (scale.max - scale.min);
  return std::array<double, 2>{std::clamp(forecast - half, scale.min, scale.max),
                               std::clamp(forecast + half, scale.min, scale.max)};
}

}  // namespace entente
