#include "app/runs.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace entente::app {

std::string default_db() {
  const char* env = std::getenv("ENTENTE_DB");
  return env != nullptr && *env != '\0' ? env : "entente.db";
}

std::optional<std::uint64_t> parse_whole_number(const std::string& text, std::uint64_t lo,
                                                std::uint64_t hi, std::string& error) {
  const std::string range = fmt::format("expected a whole number from {} to {}", lo, hi);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    error = fmt::format("'{}' is not a whole number; {}", text, range);
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && (value < lo || value > hi))) {
    error = fmt::format("{} is out of range; {}", text, range);
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    error = fmt::format("'{}' is not a whole number; {}", text, range);
    return std::nullopt;
  }
  return value;
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

NewRun run_record(const LoadedInput& input, const RunPlan& plan, std::uint64_t seed,
                  const std::string& command) {
  NewRun rec;
  rec.scenario_id = input.scenario.id;
  rec.scenario_source = input.source;
  rec.scenario_text = input.text;
  rec.at_date = plan.at.str();
  rec.models = plan.models;
  rec.parameters = {{"options", plan.options}, {"at", plan.at.str()}};
  rec.seed = seed;
  rec.command = command;
  return rec;
}

std::vector<ForecastRow> run_forecast_rows(const RunOutput& output) {
  std::vector<ForecastRow> rows;
  for (const Result& r : output.results) {
    for (const IssueResult& ir : r.issues) rows.push_back({r.model, ir.issue, ir.forecast});
  }
  return rows;
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
  // A stored sweep is untrusted input like a flag: the same bounds.
  if (s.samples < 1 || s.samples > kMaxSamples || s.block_size < 1 ||
      s.block_size > kMaxBlockSize) {
    throw std::invalid_argument(
        fmt::format("samples {} or block_size {} out of range (1 to {}, 1 to {})", s.samples,
                    s.block_size, kMaxSamples, kMaxBlockSize));
  }
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

// Stores a finished run's result; when that fails (a result that cannot be written, a full
// disk), marks the run failed with the reason instead, so that no run stays `running` for
// ever (docs/store.md). False, with the error on stderr, when the result was not stored.
bool finish_or_fail(RunStore& store, std::int64_t run_id, const nlohmann::json& document,
                    const std::vector<ForecastRow>& rows) {
  try {
    store.finish_run(run_id, document, rows);
    return true;
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    try {
      store.fail_run(run_id, std::string("the result could not be stored: ") + e.what());
    } catch (const StoreError& se) {
      std::cerr << "error: run store: " << se.what() << "\n";
    }
    return false;
  }
}

void SweepCheckpoints::keep(std::uint64_t first_sample,
                            const std::vector<std::vector<double>>& values) {
  const std::lock_guard lock(mutex_);
  kept_.emplace_back(first_sample, values);
}

void SweepCheckpoints::save(const SweepStats& stats) {
  std::vector<std::pair<std::uint64_t, std::vector<std::vector<double>>>> batch;
  {
    const std::lock_guard lock(mutex_);
    batch.swap(kept_);
  }
  for (const auto& [first, values] : batch) store_.add_sweep_samples(run_id_, first, values);
  store_.save_sweep_progress(run_id_, stats.blocks, stats.to_json());
  last_ = std::chrono::steady_clock::now();
}

void SweepCheckpoints::save_if_due(const SweepStats& stats) {
  if (std::chrono::steady_clock::now() - last_ > std::chrono::seconds(1)) save(stats);
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

}  // namespace entente::app
