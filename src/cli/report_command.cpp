#include "cli/report_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app/flags.hpp"
#include "app/input.hpp"
#include "app/runs.hpp"
#include "cli/summary.hpp"
#include "entente/embedded.hpp"
#include "entente/report.hpp"
#include "entente/report_assets.hpp"
#include "entente/runner.hpp"
#include "entente/store.hpp"
#include "entente/timeline.hpp"
#include "entente/version.hpp"

namespace entente::cli {

namespace {

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;

// Natural Earth ids (ISO 3166 numeric) of the countries drawn around the peninsula.
const std::set<std::string> kMapCountries = {"408", "410", "156", "392", "643"};

struct ReportArgs {
  std::string scenario;
  std::int64_t run_id = 0;
  std::int64_t sweep_id = 0;
  std::int64_t sensitivity_id = 0;
  std::string output = "report.html";
  std::string db;
  std::uint64_t seed = kDefaultSeed;
};

// The models of `wanted` that `have` lacks, in `wanted`'s order.
std::vector<std::string> missing_from(const std::vector<std::string>& wanted,
                                      const std::vector<std::string>& have) {
  std::vector<std::string> out;
  for (const std::string& m : wanted) {
    if (std::find(have.begin(), have.end(), m) == have.end()) out.push_back(m);
  }
  return out;
}

// The newest finished run of `kind` made from exactly this scenario text. With `models`,
// only a run that ran every one of them: a report built on a run of one model would
// silently leave out the alliance and crisis sections (issue 17). `partial` then receives
// the newest run passed over for that reason.
std::optional<RunRecord> latest(const RunStore& store, const std::string& kind,
                                const std::string& hash,
                                const std::vector<std::string>& models = {},
                                std::optional<RunRecord>* partial = nullptr) {
  for (const RunRecord& r : store.list_runs(0)) {
    if (r.kind != kind || r.status != "done" || r.scenario_hash != hash) continue;
    if (!missing_from(models, r.models).empty()) {
      if (partial != nullptr && !partial->has_value()) *partial = r;
      continue;
    }
    // A stored result of the wrong shape is skipped (with a warning), not reported.
    auto full = store.get_run(r.id);
    if (!full) continue;
    if (const std::string why = app::result_shape_error(kind, full->result); !why.empty()) {
      std::cerr << fmt::format("warning: run {}: stored {} result skipped: {}\n", r.id, kind, why);
      continue;
    }
    return full;
  }
  return std::nullopt;
}

int cmd_report(const ReportArgs& args) {
  // The store is only read; a missing database is not created for it.
  std::optional<RunStore> store;
  try {
    if (args.run_id != 0 || args.sweep_id != 0 || args.sensitivity_id != 0 ||
        std::filesystem::exists(args.db)) {
      store.emplace(args.db, RunStore::Access::kReadOnly);
    }
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  }

  report::ReportInput in;
  report::ReportMeta meta;
  meta.version = std::string(version());
  app::LoadedInput input;
  // `kind` "" takes a run of any kind (--run); --sweep and --sensitivity need their kind,
  // or the charts would read one kind's document as another's.
  auto fetch = [&](std::int64_t id, const std::string& kind = "") -> std::optional<RunRecord> {
    auto r = store->get_run(id);
    if (!r) {
      std::cerr << fmt::format("error: no run {} in {}\n", id, args.db);
    } else if (!kind.empty() && r->kind != kind) {
      std::cerr << fmt::format("error: run {} is a {}, not a {}\n", id, r->kind, kind);
      r.reset();
    } else if (r->status != "done") {
      std::cerr << fmt::format("error: run {} is {}; only finished runs can be reported\n", id,
                               r->abandoned ? "abandoned" : r->status);
      r.reset();
    } else if (const std::string why = app::result_shape_error(r->kind, r->result); !why.empty()) {
      // Stored results are untrusted input: checked before any chart reads them.
      std::cerr << fmt::format("error: run {} in {}: stored {} result is unreadable: {}\n", id,
                               args.db, r->kind, why);
      r.reset();
    }
    return r;
  };
  try {
    if (args.run_id != 0) {
      auto r = fetch(args.run_id);
      if (!r) return kExitInput;
      input = app::load_input_text(r->scenario_text, r->scenario_source);
      if (r->kind == "sweep") {
        in.sweep = r->result;
      } else if (r->kind == "sensitivity") {
        in.sensitivity = r->result;
      } else {
        in.run = r->result;
      }
      meta.run_id = std::to_string(r->id);
      meta.kind = r->kind;
      meta.created = r->created_at;
      meta.seed = std::to_string(r->seed);
    } else {
      input = app::load_input(args.scenario);
    }
  } catch (const InputError& e) {
    std::cerr << e.diagnostics().str();
    return kExitInput;
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  }
  const Scenario& s = input.scenario;
  const std::string hash = sha256_hex(input.text);

  try {
    // Every model that applies to the scenario: what a complete report shows.
    const std::vector<std::string> applicable = plan_run(s, RunRequest{}).models;
    // How to get what is missing, with the scenario named unless it is the default.
    const bool embedded = input.text == embedded_default_scenario();
    const std::string scenario_arg = embedded ? "" : " " + input.source;
    if (in.run.is_object() && meta.kind == "run") {
      // --run of a run: reported as it is, saying which models it lacks.
      if (auto r = store->get_run(args.run_id)) {
        in.missing_models = missing_from(applicable, r->models);
        if (!in.missing_models.empty()) {
          in.missing_hint = "run every model with `entente run" + scenario_arg +
                            "`, then `entente report" + scenario_arg +
                            "`, which reports the newest run that has them all";
        }
      }
    }
    // The model run: the newest stored one of this scenario with every applicable model,
    // else one computed now.
    if (!in.run.is_object() && store) {
      std::optional<RunRecord> partial;
      auto r = latest(*store, "run", hash, applicable, &partial);
      if (r) {
        in.run = r->result;
        if (meta.run_id.empty()) {
          meta.run_id = std::to_string(r->id);
          meta.kind = r->kind;
          meta.created = r->created_at;
          meta.seed = std::to_string(r->seed);
        }
      }
      // A newer run of fewer models was passed over: say so, and how to report it.
      if (partial && (!r || partial->id > r->id)) {
        std::string ran;
        for (const std::string& m : partial->models) ran += (ran.empty() ? "" : ", ") + m;
        in.notes.push_back("Stored run " + std::to_string(partial->id) +
                           " of this scenario ran only " + ran +
                           (r ? "; this report uses run " + std::to_string(r->id) +
                                    ", the newest with every applicable model"
                              : "; this report runs every applicable model instead") +
                           " (report that run itself with `entente report --run " +
                           std::to_string(partial->id) + "`).");
      }
    }
    if (!in.run.is_object()) {
      RunRequest request;
      request.options = input.options;
      request.seed = args.seed;
      const RunPlan plan = plan_run(s, request);
      in.run = execute_run(s, plan, args.seed).document;
      if (meta.seed.empty()) meta.seed = std::to_string(args.seed);
    }
    if (store) {
      if (args.sweep_id != 0) {
        auto r = fetch(args.sweep_id, "sweep");
        if (!r) return kExitInput;
        in.sweep = r->result;
      } else if (!in.sweep.is_object()) {
        if (auto r = latest(*store, "sweep", hash)) in.sweep = r->result;
      }
      if (args.sensitivity_id != 0) {
        auto r = fetch(args.sensitivity_id, "sensitivity");
        if (!r) return kExitInput;
        in.sensitivity = r->result;
      } else if (!in.sensitivity.is_object()) {
        if (auto r = latest(*store, "sensitivity", hash)) in.sensitivity = r->result;
      }
    }
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "error: report: " << e.what() << "\n";
    return kExitInput;
  }

  const nlohmann::json& scen = in.run.value("scenario", nlohmann::json::object());
  meta.title = scen.value("title", s.title);
  meta.scenario_id = scen.value("id", s.id);
  meta.at = scen.value("at", s.as_of.str());
  Date at = s.as_of;
  if (auto d = Date::parse(meta.at)) at = *d;

  nlohmann::json countries = nlohmann::json::array();
  try {
    if (!s.alliances.empty()) {
      auto [from, to] = default_timeline_range(s);
      TimelineRequest request;
      request.from = from;
      request.to = at < from ? from : at;
      in.timeline = alliance_timeline(s, request).rows;
    }
    if (!s.forces.empty()) {
      in.map = report::map_layers(s.at(at));
      // The posture after the last event that moves a force (its place or coordinates), when
      // that is later than the run's date: the map's before/after toggle.
      std::optional<Date> moved;
      for (const Event& e : s.events) {
        for (const Change& ch : e.changes) {
          const bool force_move =
              ch.path.rfind("forces.", 0) == 0 &&
              (ch.path.ends_with(".at") || ch.path.ends_with(".lat") || ch.path.ends_with(".lon"));
          if (force_move && at < e.date) moved = e.date;
        }
      }
      if (moved) {
        in.map_after = report::map_layers(s.at(*moved));
        in.map_after_date = moved->str();
      }
      countries = report::topojson_features(nlohmann::json::parse(report::embedded_world_atlas()),
                                            "countries", kMapCountries);
    }
  } catch (const std::exception& e) {
    // The report still shows what it can: the section says what is missing.
    std::cerr << "warning: report: " << e.what() << "\n";
  }

  std::string html;
  try {
    html =
        report::render_html(meta, report::build_sections(in, countries), report::embedded_assets());
  } catch (const nlohmann::json::exception& e) {
    // The stored documents passed result_shape_error; this catches what it does not check.
    std::cerr << fmt::format("error: report{}: a stored document has an unexpected shape: {}\n",
                             meta.run_id.empty() ? "" : " of run " + meta.run_id, e.what());
    return kExitInput;
  }
  std::ofstream out(args.output, std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    std::cerr << fmt::format("error: cannot write {}\n", args.output);
    return kExitInput;
  }
  std::cout << std::filesystem::absolute(args.output).string() << "\n";
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int& code) {
  static ReportArgs args;
  args.db = app::default_db();
  auto* cmd = app.add_subcommand(
      "report", "Write a self-contained HTML report (charts and map; opens offline)");
  cmd->add_option("scenario", args.scenario, "Scenario file; default: the embedded korea-2003");
  cmd->add_option("--run", args.run_id,
                  "Report this stored run (a run, sweep or sensitivity run) instead");
  cmd->add_option("--sweep", args.sweep_id,
                  "Sweep run for the uncertainty charts; default: the newest of this scenario");
  cmd->add_option("--sensitivity", args.sensitivity_id,
                  "Sensitivity run for the tornado charts; default: the newest of this scenario");
  cmd->add_option("-o,--output", args.output, "HTML file to write (default report.html)");
  cmd->add_option("--seed", args.seed, "Seed when the run is computed for the report")
      ->check(app::whole_number(0, UINT64_MAX));
  cmd->add_option("--db", args.db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  cmd->callback([&code] {
    if (args.run_id != 0 && !args.scenario.empty()) {
      std::cerr << "error: give a scenario or --run, not both\n";
      code = kExitUsage;
      return;
    }
    code = cmd_report(args);
  });
}

}  // namespace entente::cli
