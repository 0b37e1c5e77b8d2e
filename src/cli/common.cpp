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

NewRun sweep_record(const LoadedInput& input, const Sweep& sweep, const SweepSettings& settings,
                    const std::string& command, const nlohmann::json& extra) {
  NewRun rec;
  rec.kind = "sweep";
  rec.scenario_id = input.scenario.id;
  rec.scenario_source = input.source;
  rec.scenario_text = input.text;
  rec.at_date = sweep.plan().at.str();
  rec.models = sweep.plan().models;
  rec.parameters = {{"samples", settings.samples},           {"block_size", settings.block_size},
                    {"keep_samples", settings.keep_samples}, {"options", sweep.plan().options},
                    {"request_options", settings.options},   {"at", sweep.plan().at.str()}};
  rec.parameters.update(extra);
  rec.seed = settings.seed;
  rec.command = command;
  return rec;
}

std::string unresumable(const RunRecord& rec) {
  if (rec.kind == "sweep" && rec.status == "running") return "";
  return fmt::format(
      "run {} is a {} that is {}; only an interrupted sweep (still 'running') can resume", rec.id,
      rec.kind, rec.status);
}

SweepSettings stored_sweep_settings(const nlohmann::json& parameters,
                                    const std::vector<std::string>& models, std::uint64_t seed) {
  SweepSettings s;
  s.samples = parameters.at("samples").get<std::uint64_t>();
  s.block_size = parameters.at("block_size").get<std::uint64_t>();
  s.keep_samples = parameters.at("keep_samples").get<bool>();
  s.options = parameters.at("request_options").get<std::vector<std::string>>();
  s.at = parameters.at("at").get<std::string>();
  s.models = models;
  s.seed = seed;
  return s;
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
