// `entente sensitivity`: Morris screening or Sobol indices over a scenario's uncertain
// numbers, with the models of a run as the function analysed.
#include "cli/sensitivity_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "app/flags.hpp"
#include "app/input.hpp"
#include "app/runs.hpp"
#include "app/sensitivity_analysis.hpp"
#include "cli/summary.hpp"
#include "entente/diagnostics.hpp"
#include "entente/sensitivity.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"

namespace entente::cli {

namespace {

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr std::size_t kShownInputs = 5;  // per output in the table

struct SensitivityArgs {
  std::string scenario;
  std::string method = "morris";
  std::optional<std::size_t> samples;
  int threads = 0;
  std::uint64_t seed = kDefaultSeed;
  std::vector<std::string> models;
  std::vector<std::string> options;
  std::string at;
  bool json = false;
  std::string db;
};

int cmd_sensitivity(const SensitivityArgs& args, const std::string& command) {
  app::LoadedInput input;
  try {
    input = app::load_input(args.scenario);
  } catch (const InputError& e) {
    std::cerr << e.diagnostics().str();
    return kExitInput;
  }
  std::string request_error;
  const auto made =
      app::make_run_request(input, args.models, args.options, args.at, args.seed, request_error);
  if (!made) {
    std::cerr << "error: " << request_error << "\n";
    return kExitUsage;
  }
  const RunRequest& request = *made;
  std::unique_ptr<Sweep> sweep;
  try {
    const RunPlan plan = plan_run(input.scenario, request);
    sweep = std::make_unique<Sweep>(input.scenario, plan, args.seed, 1);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: the nominal run failed: " << e.what() << "\n";
    return kExitInput;
  }
  if (sweep->inputs().empty()) {
    std::cerr << "error: the scenario has no uncertain numbers (give some as distributions, "
                 "e.g. position: {normal: [60, 10]}); nothing to analyse\n";
    return kExitInput;
  }
  app::SensitivitySettings settings;
  settings.method = args.method;
  settings.samples = args.samples;
  settings.seed = args.seed;
  settings.threads = args.threads > 0
                         ? args.threads
                         : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  nlohmann::json analysis;
  try {
    analysis = app::analyse_sensitivity(*sweep, settings);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: analysis failed: " << e.what() << "\n";
    return kExitInput;
  }

  nlohmann::json document = app::sensitivity_document(input, *sweep, args.seed, analysis);
  std::int64_t run_id = 0;
  try {
    RunStore store(args.db);
    run_id = store.begin_run(
        app::sensitivity_record(input, *sweep, args.method, analysis, args.seed, command));
    document["run_id"] = run_id;
    if (!app::finish_or_fail(store, run_id, document, {})) return kExitInput;
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  }
  if (args.json) {
    std::cout << document.dump(2) << "\n";
  } else {
    std::cout << render_sensitivity_table(analysis, kShownInputs);
    std::cout << fmt::format("\nstored as run {} in {}\n", run_id, args.db);
  }
  return 0;
}

}  // namespace

void add_sensitivity_command(CLI::App& app, int& code, const std::string& command) {
  auto args = std::make_shared<SensitivityArgs>();
  args->db = app::default_db();
  auto* cmd = app.add_subcommand("sensitivity",
                                 "Which uncertain inputs drive each forecast (Morris or Sobol)");
  cmd->add_option("scenario", args->scenario, "Scenario file; default: the embedded korea-2003");
  cmd->add_option("--method", args->method, "morris (screening, cheap) or sobol (variance shares)")
      ->check(CLI::IsMember({"morris", "sobol"}));
  cmd->add_option("-n,--samples", args->samples,
                  "Morris: trajectories (default 20); Sobol: base sample N (default 256)")
      ->check(app::whole_number(1, app::kMaxSensitivitySamples));
  cmd->add_option("-t,--threads", args->threads, "Threads (default or 0: one per core)")
      ->check(app::whole_number(0, app::kMaxThreads));
  cmd->add_option("--seed", args->seed, "Seed of the design, recorded with the run")
      ->check(app::whole_number(0, UINT64_MAX));
  cmd->add_option("-m,--model", args->models, "Model to analyse (repeatable); default: all");
  cmd->add_option("-o,--option", args->options, "Model option NAME=VALUE or MODEL.NAME=VALUE");
  cmd->add_option("--at", args->at, "Evaluate at this date (YYYY-MM-DD)");
  cmd->add_flag("--json", args->json, "Print one JSON document");
  cmd->add_option("--db", args->db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  cmd->callback([args, &code, command] { code = cmd_sensitivity(*args, command); });
}

}  // namespace entente::cli
