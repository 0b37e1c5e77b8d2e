// `entente-mpi sweep`: the Monte Carlo sweep split across MPI ranks.
//
//   mpirun -n K entente-mpi sweep [SCENARIO] --samples N [--seed S] [-m MODEL] [--json]
//                                 [--keep-samples] [--resume RUN_ID]
//
// Rank r runs blocks r, r + K, r + 2K, ... and sends each block's statistics (and its
// samples, with --keep-samples) to rank 0 as soon as it is done; rank 0 runs its own share
// too, merges every block in block order (so the summary is the one `entente sweep`
// computes with the same seed, to the bit) and alone writes the run store and prints. Rank
// 0 checkpoints about every second in the format `entente sweep` uses, so an interrupted
// run resumes with either driver. Each rank is single-threaded: start one rank per core.
#include <mpi.h>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <list>
#include <map>
#include <optional>
#include <string>

#include "app/flags.hpp"
#include "app/input.hpp"
#include "app/runs.hpp"
#include "entente/diagnostics.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"

namespace {

constexpr int kTagBlock = 1;
constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;

struct Args {
  std::string scenario;
  std::uint64_t samples = 1000;
  std::uint64_t seed = entente::kDefaultSeed;
  std::uint64_t block_size = entente::Sweep::kDefaultBlockSize;
  std::vector<std::string> models;
  std::vector<std::string> options;
  std::string at;
  bool json = false;
  bool keep_samples = false;
  std::optional<std::int64_t> resume;
  std::string db;
  // Set on every rank when resuming: the stored run's input and where it stopped.
  std::optional<std::string> scenario_text;
  std::string scenario_source;
  std::uint64_t first_block = 0;
};

// Every rank builds the same Sweep from the same input; errors are reported by rank 0 only
// (every rank finds the same ones) and all ranks exit with the same code.
std::unique_ptr<entente::Sweep> make_sweep(const Args& args, entente::app::LoadedInput& input,
                                           bool report, int& code) {
  using namespace entente;
  try {
    input = args.scenario_text ? app::load_input_text(*args.scenario_text, args.scenario_source)
                               : app::load_input(args.scenario);
  } catch (const InputError& e) {
    if (report) std::cerr << e.diagnostics().str();
    code = kExitInput;
    return nullptr;
  }
  std::string request_error;
  const auto request =
      app::make_run_request(input, args.models, args.options, args.at, args.seed, request_error);
  if (!request) {
    if (report) std::cerr << "error: " << request_error << "\n";
    code = kExitUsage;
    return nullptr;
  }
  try {
    const RunPlan plan = plan_run(input.scenario, *request);
    return std::make_unique<Sweep>(input.scenario, plan, args.seed, args.samples, args.block_size);
  } catch (const std::invalid_argument& e) {
    if (report) std::cerr << "error: " << e.what() << "\n";
    code = kExitUsage;
  } catch (const std::exception& e) {
    if (report) std::cerr << "error: the nominal run failed: " << e.what() << "\n";
    code = kExitInput;
  }
  return nullptr;
}

// Blocks sent but not yet delivered. Sends are non-blocking: rank 0 receives only between
// its own blocks, and a blocking send of a message past MPI's eager limit would idle this
// rank until then (measured: 1.18x on 2 ranks with blocking sends).
struct Outbox {
  std::list<std::pair<std::string, MPI_Request>> pending;

  void send(std::string message) {
    pending.emplace_back(std::move(message), MPI_REQUEST_NULL);
    auto& [text, request] = pending.back();
    MPI_Isend(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kTagBlock, MPI_COMM_WORLD,
              &request);
    // Free the buffers of delivered blocks, so memory stays bounded.
    for (auto it = pending.begin(); it != pending.end();) {
      int done = 0;
      MPI_Test(&it->second, &done, MPI_STATUS_IGNORE);
      it = done != 0 ? pending.erase(it) : std::next(it);
    }
  }
  void flush() {
    for (auto& [text, request] : pending) MPI_Wait(&request, MPI_STATUS_IGNORE);
    pending.clear();
  }
};

// One finished block as sent to rank 0: its statistics and, with --keep-samples, every
// sample's outputs (NaN, which JSON cannot hold, as null).
struct BlockMessage {
  entente::SweepStats stats;
  std::vector<std::vector<double>> samples;
};

std::string encode_block(const entente::SweepStats& stats,
                         const std::vector<std::vector<double>>& samples) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : samples) {
    nlohmann::json r = nlohmann::json::array();
    for (double v : row) r.push_back(std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v));
    rows.push_back(std::move(r));
  }
  return nlohmann::json{{"stats", stats.to_json()}, {"samples", std::move(rows)}}.dump();
}

BlockMessage decode_block(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  BlockMessage m{entente::SweepStats::from_json(j.at("stats")), {}};
  for (const auto& r : j.at("samples")) {
    std::vector<double> row;
    row.reserve(r.size());
    for (const auto& v : r) row.push_back(v.is_null() ? std::nan("") : v.get<double>());
    m.samples.push_back(std::move(row));
  }
  return m;
}

// Runs block b, keeping its samples when asked.
BlockMessage run_block(const entente::Sweep& sweep, std::uint64_t b, bool keep) {
  BlockMessage m;
  entente::SampleSink sink;
  if (keep) {
    sink = [&m](std::uint64_t /*first*/, const std::vector<std::vector<double>>& values) {
      m.samples = values;
    };
  }
  m.stats = sweep.run_block(b, sink);
  return m;
}

BlockMessage receive_block() {
  MPI_Status status;
  MPI_Probe(MPI_ANY_SOURCE, kTagBlock, MPI_COMM_WORLD, &status);
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<std::size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, kTagBlock, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return decode_block(text);
}

// Sends `text` from rank 0 to every rank (size first, then the bytes).
std::string broadcast(std::string text, int rank) {
  unsigned long long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  if (rank != 0) text.assign(static_cast<std::size_t>(size), '\0');
  MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
  return text;
}

// --resume: rank 0 reads the interrupted run and its checkpoint, every rank receives what
// decides the numbers (input, settings, the first block still to run), so ranks on other
// machines need no access to the store. Returns the exit code (the same on every rank).
int resume_settings(Args& args, int rank) {
  nlohmann::json blob;
  if (rank == 0) {
    try {
      entente::RunStore store(args.db);
      const auto rec = store.get_run(*args.resume);
      if (!rec) {
        blob = {{"error", fmt::format("no run {} in {}", *args.resume, args.db)}};
      } else if (const std::string why = entente::app::unresumable(*rec); !why.empty()) {
        blob = {{"error", why}};
      } else {
        // Read here, where an unreadable record becomes the error every rank reports.
        (void)entente::app::stored_sweep_settings(rec->parameters, rec->models, rec->seed);
        // The lease, as `entente sweep --resume` takes it: one resume computes a run.
        store.claim_run(rec->id);
        const auto progress = store.sweep_progress(rec->id);
        blob = {{"text", rec->scenario_text},
                {"source", rec->scenario_source},
                {"parameters", rec->parameters},
                {"models", rec->models},
                {"seed", rec->seed},
                {"first_block", progress ? progress->blocks_done : 0}};
      }
    } catch (const std::exception& e) {
      blob = {{"error", fmt::format("run store: {}", e.what())}};
    }
  }
  blob = nlohmann::json::parse(broadcast(rank == 0 ? blob.dump() : std::string(), rank));
  if (blob.contains("error")) {
    if (rank == 0) std::cerr << "error: " << blob["error"].get<std::string>() << "\n";
    return kExitInput;
  }
  args.scenario_text = blob.at("text").get<std::string>();
  args.scenario_source = blob.at("source").get<std::string>();
  entente::app::assign_settings(
      args, entente::app::stored_sweep_settings(blob.at("parameters"),
                                                blob.at("models").get<std::vector<std::string>>(),
                                                blob.at("seed").get<std::uint64_t>()));
  args.first_block = blob.at("first_block").get<std::uint64_t>();
  return 0;
}

int run(Args args, int rank, int ranks, const std::string& command) {
  using namespace entente;
  int code = 0;
  if (args.resume) {
    code = resume_settings(args, rank);
    if (code != 0) return code;
  }
  app::LoadedInput input;
  const auto sweep = make_sweep(args, input, rank == 0, code);
  if (!sweep) return code;
  const std::uint64_t blocks = sweep->blocks();
  const auto me = static_cast<std::uint64_t>(rank);
  const auto k = static_cast<std::uint64_t>(ranks);
  // Blocks before the checkpoint are done; the rest are dealt out as in a fresh run.
  auto mine = [&](std::uint64_t b) { return b >= args.first_block && b % k == me; };

  if (rank != 0) {
    Outbox outbox;
    for (std::uint64_t b = me; b < blocks; b += k) {
      if (!mine(b)) continue;
      const BlockMessage m = run_block(*sweep, b, args.keep_samples);
      outbox.send(encode_block(m.stats, m.samples));
    }
    outbox.flush();
    return 0;
  }

  std::optional<RunStore> store;
  std::int64_t run_id = 0;
  SweepStats merged = sweep->empty_stats(0);
  try {
    store.emplace(args.db);
    if (args.resume) {
      run_id = *args.resume;
      const auto progress = store->sweep_progress(run_id);
      if (progress) merged = SweepStats::from_json(progress->stats);
      if (merged.blocks != args.first_block || merged.outputs.size() != sweep->outputs().size()) {
        throw StoreError(fmt::format("run {}: its checkpoint does not match the scenario", run_id));
      }
      // Samples stored past the checkpoint will be drawn again: drop them first.
      store->delete_sweep_samples_from(run_id, merged.blocks * sweep->block_size());
    } else {
      run_id = store->begin_run(app::sweep_record(input, *sweep, app::settings_of(args), command,
                                                  {{"mpi_ranks", ranks}}));
    }
  } catch (const std::exception& e) {
    // The other ranks still send their blocks: receive them so they can finish.
    std::cerr << "error: run store: " << e.what() << "\n";
    store.reset();
    code = kExitInput;
  }

  // Rank 0 interleaves its own blocks with receiving the others', merging in block order
  // and checkpointing (with the merged blocks' samples) about every second.
  std::map<std::uint64_t, BlockMessage> pending;
  std::vector<std::pair<std::uint64_t, std::vector<std::vector<double>>>> unsaved;
  auto last_checkpoint = std::chrono::steady_clock::now();
  auto checkpoint = [&] {
    if (!store) return;
    for (const auto& [first, values] : unsaved) store->add_sweep_samples(run_id, first, values);
    unsaved.clear();
    store->save_sweep_progress(run_id, merged.blocks, merged.to_json());
    last_checkpoint = std::chrono::steady_clock::now();
  };
  auto merge_ready = [&] {
    for (auto it = pending.find(merged.blocks); it != pending.end();
         it = pending.find(merged.blocks)) {
      if (args.keep_samples) {
        unsaved.emplace_back(it->first * sweep->block_size(), std::move(it->second.samples));
      }
      merged.append(it->second.stats);
      pending.erase(it);
    }
    if (std::chrono::steady_clock::now() - last_checkpoint > std::chrono::seconds(1)) {
      checkpoint();
    }
  };
  std::uint64_t expected_remote = 0;
  for (std::uint64_t b = args.first_block; b < blocks; ++b) {
    if (b % k != 0) ++expected_remote;
  }
  std::uint64_t received = 0;
  auto take = [&](BlockMessage m) {
    const std::uint64_t b = m.stats.first_block;
    pending.emplace(b, std::move(m));
  };
  try {
    for (std::uint64_t b = 0; b < blocks; b += k) {
      if (!mine(b)) continue;
      take(run_block(*sweep, b, args.keep_samples));
      for (int flag = 1; flag != 0 && received < expected_remote;) {
        MPI_Iprobe(MPI_ANY_SOURCE, kTagBlock, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag != 0) {
          take(receive_block());
          ++received;
        }
      }
      merge_ready();
    }
    for (; received < expected_remote; ++received) {
      take(receive_block());
      merge_ready();
    }
    merge_ready();
    checkpoint();
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    // Drain the other ranks so they can exit.
    for (; received < expected_remote; ++received) (void)receive_block();
    return kExitInput;
  }
  if (code != 0) return code;

  nlohmann::json document = app::sweep_document(input, *sweep, merged, run_id);
  document["mpi_ranks"] = ranks;
  try {
    if (!app::finish_or_fail(*store, run_id, document, app::sweep_forecast_rows(document))) {
      return kExitInput;
    }
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  }
  if (args.json) {
    std::cout << document.dump(2) << "\n";
  } else {
    std::cout << fmt::format("{} samples on {} ranks, seed {}; stored as run {} in {}\n",
                             merged.samples, ranks, args.seed, run_id, args.db);
    for (const auto& o : document["outputs"]) {
      std::cout << fmt::format("{:<34} mean {}\n", o["id"].get<std::string>(), o["mean"].dump());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  CLI::App app{"entente-mpi — entente's Monte Carlo sweep across MPI ranks"};
  app.require_subcommand(1);
  Args args;
  args.db = entente::app::default_db();
  auto* sweep = app.add_subcommand("sweep", "Monte Carlo sweep, samples split across ranks");
  sweep->add_option("scenario", args.scenario, "Scenario file; default: the embedded korea-2003");
  sweep->add_option("-n,--samples", args.samples, "Number of draws (default 1000)")
      ->check(entente::app::whole_number(1, entente::app::kMaxSamples));
  sweep->add_option("--seed", args.seed, "Seed of the draws, recorded with the run")
      ->check(entente::app::whole_number(0, UINT64_MAX));
  sweep->add_option("--block-size", args.block_size, "Samples per block (default 256)")
      ->check(entente::app::whole_number(1, entente::app::kMaxBlockSize));
  sweep->add_option("-m,--model", args.models, "Model to run (repeatable); default: all");
  sweep->add_option("-o,--option", args.options, "Model option NAME=VALUE or MODEL.NAME=VALUE");
  sweep->add_option("--at", args.at, "Evaluate at this date (YYYY-MM-DD)");
  sweep->add_flag("--json", args.json, "Print one JSON document (rank 0)");
  sweep->add_flag("--keep-samples", args.keep_samples,
                  "Store every sample's outputs (default: summaries only)");
  sweep
      ->add_option("--resume", args.resume,
                   "Continue the interrupted sweep RUN_ID (its stored settings are used)")
      ->check(entente::app::whole_number(1, INT64_MAX));
  sweep->add_option("--db", args.db, "Run store, written by rank 0 only");
  int code = 0;
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  try {
    app.parse(argc, argv);
    code = run(args, rank, ranks, command);
  } catch (const CLI::ParseError& e) {
    code = rank == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : kExitUsage);
    if (code != 0) code = kExitUsage;
  }
  MPI_Finalize();
  return code;
}
