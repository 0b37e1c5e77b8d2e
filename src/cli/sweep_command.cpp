// `entente sweep`: Monte Carlo over a scenario's uncertain numbers, stored as it goes so an
// interrupted sweep can resume.
#include "cli/sweep_command.hpp"

#include <unistd.h>

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
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "entente/diagnostics.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"

namespace entente::cli {

namespace {

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;

struct SweepArgs {
  std::string scenario;
  std::uint64_t samples = 1000;
  int threads = 0;
  std::uint64_t seed = kDefaultSeed;
  std::vector<std::string> models;
  std::vector<std::string> options;
  std::string at;
  bool json = false;
  bool keep_samples = false;
  std::optional<std::int64_t> resume;
  std::optional<std::uint64_t> stop_after;
  std::uint64_t block_size = Sweep::kDefaultBlockSize;
  bool quiet = false;
  std::string db;
};

int default_threads() {
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

int cmd_sweep(SweepArgs args, const std::string& command) {
  std::optional<RunStore> store;
  try {
    store.emplace(args.db);
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  }

  app::LoadedInput input;
  std::int64_t run_id = 0;
  SweepStats merged;
  RunPlan plan;
  if (args.resume) {
    // Everything that decides the numbers comes from the stored run, not the command line.
    const auto rec = store->get_run(*args.resume);
    if (!rec) {
      std::cerr << fmt::format("error: no run {} in {}\n", *args.resume, args.db);
      return kExitInput;
    }
    if (const std::string why = app::unresumable(*rec); !why.empty()) {
      std::cerr << "error: " << why << "\n";
      return kExitInput;
    }
    try {
      input = app::load_input_text(rec->scenario_text, rec->scenario_source);
      app::assign_settings(args,
                           app::stored_sweep_settings(rec->parameters, rec->models, rec->seed));
    } catch (const InputError& e) {
      std::cerr << e.diagnostics().str();
      return kExitInput;
    } catch (const std::exception& e) {
      // nlohmann's errors, and stored numbers out of the flags' bounds.
      std::cerr << fmt::format("error: run {}: stored sweep parameters unreadable: {}\n", rec->id,
                               e.what());
      return kExitInput;
    }
    run_id = rec->id;
  } else {
    try {
      input = app::load_input(args.scenario);
    } catch (const InputError& e) {
      std::cerr << e.diagnostics().str();
      return kExitInput;
    }
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
    plan = plan_run(input.scenario, request);
    if (args.samples == 0) throw std::invalid_argument("--samples must be at least 1");
    if (args.block_size == 0) throw std::invalid_argument("--block-size must be at least 1");
    sweep = std::make_unique<Sweep>(input.scenario, plan, args.seed, args.samples, args.block_size);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: the nominal run failed: " << e.what() << "\n";
    return kExitInput;
  }

  try {
    if (args.resume) {
      const auto progress = store->sweep_progress(run_id);
      merged = progress ? SweepStats::from_json(progress->stats) : sweep->empty_stats(0);
      if (merged.outputs.size() != sweep->outputs().size() || merged.first_block != 0) {
        std::cerr << fmt::format("error: run {}: its checkpoint does not match the scenario\n",
                                 run_id);
        return kExitInput;
      }
      // The lease: a second resume of the same sweep refuses here instead of computing it all
      // again next to the first.
      store->claim_run(run_id);
      // Samples stored past the checkpoint will be drawn again: drop them first.
      store->delete_sweep_samples_from(run_id, merged.blocks * sweep->block_size());
    } else {
      run_id = store->begin_run(app::sweep_record(input, *sweep, app::settings_of(args), command));
      merged = sweep->empty_stats(0);
    }
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << fmt::format("error: run {}: checkpoint unreadable: {}\n", run_id, e.what());
    return kExitInput;
  }

  app::SweepCheckpoints checkpoints(*store, run_id);
  SweepRunOptions options;
  options.threads = args.threads > 0 ? args.threads : default_threads();
  options.first_block = merged.blocks;
  if (args.keep_samples) {
    options.sink = [&](std::uint64_t first, const std::vector<std::vector<double>>& values) {
      checkpoints.keep(first, values);
    };
  }
  std::uint64_t stop_blocks = sweep->blocks();
  if (args.stop_after) {
    stop_blocks =
        std::min(stop_blocks, (*args.stop_after + sweep->block_size() - 1) / sweep->block_size());
  }
  ProgressBar bar(sweep->samples(), "samples", !args.quiet);
  bar.update(merged.samples);
  options.on_progress = [&](const SweepStats& stats) {
    bar.update(stats.samples);
    checkpoints.save_if_due(stats);
  };
  try {
    // A sweep that must stop early runs only the blocks it may; the rest wait for --resume.
    Sweep const* s = sweep.get();
    std::unique_ptr<Sweep> truncated;
    if (stop_blocks < sweep->blocks()) {
      truncated = std::make_unique<Sweep>(input.scenario, plan, args.seed,
                                          stop_blocks * sweep->block_size(), sweep->block_size());
      s = truncated.get();
    }
    if (merged.blocks < s->blocks()) run_sweep(*s, merged, options);
    checkpoints.save(merged);
  } catch (const StoreError& e) {
    std::cerr << "\nerror: run store: " << e.what() << "\n";
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "\nerror: sweep failed: " << e.what() << "\n";
    try {
      store->fail_run(run_id, e.what());
    } catch (const StoreError& se) {
      std::cerr << "error: run store: " << se.what() << "\n";
    }
    return kExitInput;
  }
  if (merged.blocks < sweep->blocks()) {
    std::cerr << fmt::format(
        "\nstopped after {} of {} samples; run {} is resumable: entente sweep --resume {} --db "
        "{}\n",
        merged.samples, sweep->samples(), run_id, run_id, args.db);
    return 0;
  }
  bar.finish();

  const nlohmann::json document = app::sweep_document(input, *sweep, merged, run_id);
  if (!app::finish_or_fail(*store, run_id, document, app::sweep_forecast_rows(document)))
    return kExitInput;
  if (args.json) {
    std::cout << document.dump(2) << "\n";
  } else {
    std::cout << render_sweep_table(document);
    std::cout << fmt::format("\nstored as run {} in {}\n", run_id, args.db);
  }
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& code, const std::string& command) {
  auto args = std::make_shared<SweepArgs>();
  args->db = app::default_db();
  auto* sweep = app.add_subcommand(
      "sweep", "Monte Carlo: run models on many draws of the scenario's uncertain numbers");
  sweep->add_option("scenario", args->scenario, "Scenario file; default: the embedded korea-2003");
  sweep->add_option("-n,--samples", args->samples, "Number of draws (default 1000)")
      ->check(app::whole_number(1, app::kMaxSamples));
  sweep
      ->add_option("-t,--threads", args->threads,
                   "Worker threads (default or 0: one per core); results do not depend on it")
      ->check(app::whole_number(0, app::kMaxThreads));
  sweep->add_option("--seed", args->seed, "Seed of the draws, recorded with the run")
      ->check(app::whole_number(0, UINT64_MAX));
  sweep->add_option("-m,--model", args->models, "Model to run (repeatable); default: all");
  sweep->add_option("-o,--option", args->options,
                    "Model option NAME=VALUE or MODEL.NAME=VALUE (repeatable)");
  sweep->add_option("--at", args->at, "Evaluate at this date (YYYY-MM-DD)");
  sweep->add_flag("--json", args->json, "Print one JSON document");
  sweep->add_flag("--keep-samples", args->keep_samples,
                  "Store every sample's outputs (default: summaries only)");
  sweep
      ->add_option("--resume", args->resume,
                   "Continue the interrupted sweep RUN_ID (its stored settings are used)")
      ->check(app::whole_number(1, INT64_MAX));
  sweep
      ->add_option("--stop-after", args->stop_after,
                   "Stop after about this many samples, leaving the sweep resumable")
      ->check(app::whole_number(0, app::kMaxSamples));
  sweep
      ->add_option("--block-size", args->block_size,
                   "Samples per block, the unit of work and of checkpoints (default 256); "
                   "part of the result's definition, like the seed")
      ->check(app::whole_number(1, app::kMaxBlockSize));
  sweep->add_flag("-q,--quiet", args->quiet, "No progress bar");
  sweep->add_option("--db", args->db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  sweep->callback([args, &code, command] { code = cmd_sweep(*args, command); });
}

}  // namespace entente::cli
