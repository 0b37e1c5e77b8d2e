#include "cli/common.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace entente::cli {

std::string default_db() {
  const char* env = std::getenv("ENTENTE_DB");
  return env != nullptr && *env != '\0' ? env : "entente.db";
}

std::optional<RunRequest> make_run_request(const LoadedInput& input,
                                           const std::vector<std::string>& models,
                                           const std::vector<std::string>& options,
                                           const std::string& at, std::uint64_t seed,
                                           std::string& error) {
  RunRequest request;
  request.models = models;
  request.options = input.options;
  request.options.insert(request.options.end(), options.begin(), options.end());
  request.seed = seed;
  if (!at.empty()) {
    const auto d = Date::parse(at);
    if (!d) {
      error = fmt::format("--at: '{}' is not a valid date; expected YYYY-MM-DD", at);
      return std::nullopt;
    }
    request.at = *d;
  }
  return request;
}

nlohmann::json sweep_document(const LoadedInput& input, const Sweep& sweep, const SweepStats& stats,
                              std::int64_t run_id) {
  nlohmann::json document = {{"scenario",
                              {{"id", input.scenario.id},
                               {"title", input.scenario.title},
                               {"source", input.source},
                               {"at", sweep.plan().at.str()}}},
                             {"run_id", run_id},
                             {"kind", "sweep"},
                             {"models", sweep.plan().models}};
  document.update(sweep_report(sweep, stats));
  return document;
}

std::vector<ForecastRow> sweep_forecast_rows(const nlohmann::json& document) {
  std::vector<ForecastRow> rows;
  for (const auto& o : document["outputs"]) {
    if (o["issue"].get<std::string>().empty()) continue;
    std::optional<double> mean;
    if (o["mean"].is_number()) mean = o["mean"].get<double>();
    rows.push_back({o["model"].get<std::string>(), o["issue"].get<std::string>(), mean});
  }
  return rows;
}

}  // namespace entente::cli
