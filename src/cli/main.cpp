// `entente`: the command line. Each subcommand is a thin layer over the library: load
// input, call the engine, store, print.
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "app/flags.hpp"
#include "app/input.hpp"
#include "app/runs.hpp"
#include "cli/alliance_command.hpp"
#include "cli/backtest_command.hpp"
#include "cli/games_command.hpp"
#include "cli/report_command.hpp"
#include "cli/sensitivity_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/summary.hpp"
#include "cli/sweep_command.hpp"
#include "entente/diagnostics.hpp"
#include "entente/runner.hpp"
#include "entente/scenario_io.hpp"
#include "entente/store.hpp"
#include "entente/version.hpp"

namespace entente::cli {

namespace {

// Exit codes: 0 success, 1 invalid input or failed run, 2 usage error.
constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr std::size_t kShownInputs = 5;  // per output in a sensitivity summary

bool use_color() { return isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr; }

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

int report_input_error(const InputError& e) {
  std::cerr << e.diagnostics().str();
  std::cerr << fmt::format("{} error{} found\n", e.diagnostics().size(),
                           e.diagnostics().size() == 1 ? "" : "s");
  return kExitInput;
}

struct RunArgs {
  std::string scenario;
  std::vector<std::string> models;
  std::vector<std::string> options;
  std::string at;
  std::uint64_t seed = kDefaultSeed;
  bool json = false;
  bool trace = false;
  std::string db;
};

int cmd_run(const RunArgs& args, const std::string& command) {
  app::LoadedInput input;
  try {
    input = app::load_input(args.scenario);
  } catch (const InputError& e) {
    return report_input_error(e);
  }
  RunRequest request;
  request.models = args.models;
  request.options = input.options;
  request.options.insert(request.options.end(), args.options.begin(), args.options.end());
  request.seed = args.seed;
  if (!args.at.empty()) {
    auto d = Date::parse(args.at);
    if (!d) {
      std::cerr << fmt::format("error: --at: '{}' is not a valid date; expected YYYY-MM-DD\n",
                               args.at);
      return kExitUsage;
    }
    request.at = *d;
  }
  RunPlan plan;
  try {
    plan = plan_run(input.scenario, request);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }

  std::optional<RunStore> store;
  std::int64_t run_id = 0;
  try {
    store.emplace(args.db);
    run_id = store->begin_run(app::run_record(input, plan, request.seed, command));
  } catch (const StoreError& e) {
    std::cerr << "error: run store: " << e.what() << "\n";
    return kExitInput;
  }

  RunOutput output;
  try {
    output = execute_run(input.scenario, plan, request.seed);
  } catch (const std::exception& e) {
    std::cerr << "error: run failed: " << e.what() << "\n";
    try {
      store->fail_run(run_id, e.what());
    } catch (const StoreError& se) {
      std::cerr << "error: run store: " << se.what() << "\n";
    }
    return kExitInput;
  }
  output.document["run_id"] = run_id;
  if (!app::finish_or_fail(*store, run_id, output.document, app::run_forecast_rows(output)))
    return kExitInput;

  if (args.json) {
    std::cout << output.document.dump(2) << "\n";
    return 0;
  }
  std::cout << render_summary(output.document, use_color());
  if (args.trace) {
    for (const Result& r : output.results) {
      for (const IssueResult& ir : r.issues) {
        if (ir.trace.empty()) continue;
        std::cout << fmt::format("\n[{} · {}]\n", r.model, ir.issue);
        for (const auto& line : ir.trace) std::cout << "  " << line << "\n";
      }
      for (const auto& line : r.trace) std::cout << "  " << line << "\n";
    }
  }
  std::cout << fmt::format("\nstored as run {} in {}\n", run_id, args.db);
  return 0;
}

int cmd_validate(const std::string& path) {
  try {
    const app::LoadedInput input = app::load_input(path);
    // Warnings (suspicious, not wrong) go to stderr in the errors' format; the exit stays 0.
    for (const Diagnostic& d : input.scenario.warnings) std::cerr << format_diagnostic(d) << "\n";
  } catch (const InputError& e) {
    return report_input_error(e);
  }
  std::cout << "ok\n";
  return 0;
}

int cmd_models() {
  for (const ModelInfo& info : registered_models()) {
    std::cout << fmt::format("{:<12} {}\n", info.name, info.description);
    for (const OptionSpec& o : info.options) {
      std::string choices;
      for (const auto& c : o.choices) choices += (choices.empty() ? "" : "|") + c;
      std::cout << fmt::format("    --option {:<28} {}{}\n", o.name + "=" + o.default_value,
                               o.description, choices.empty() ? "" : " (" + choices + ")");
    }
  }
  return 0;
}

// Runs `fn` on the store at `db` opened read-only (the commands that call it only read: a
// store on a read-only file or folder can still be listed and shown). A store error, or
// stored data of a shape no check foresaw, is an error naming the store, never an abort.
int with_store(const std::string& db, const std::function<int(RunStore&)>& fn) {
  try {
    RunStore store(db, RunStore::Access::kReadOnly);
    return fn(store);
  } catch (const StoreError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitInput;
  } catch (const nlohmann::json::exception& e) {
    std::cerr << fmt::format("error: run store {}: stored data unreadable: {}\n", db, e.what());
    return kExitInput;
  }
}

// "abandoned" for a `running` run whose process is gone, else the stored status.
std::string display_status(const RunRecord& r) { return r.abandoned ? "abandoned" : r.status; }

int cmd_runs_list(const std::string& db, std::size_t limit) {
  return with_store(db, [&](const RunStore& store) {
    const auto runs = store.list_runs(limit);
    if (runs.empty()) {
      std::cout << "no runs in " << db << "\n";
      return 0;
    }
    std::cout << fmt::format("{:>5}  {:<11}  {:<9}  {:<24}  {:<16}  {:<10}  {}\n", "id", "kind",
                             "status", "created (UTC)", "scenario", "at", "models");
    for (const RunRecord& r : runs) {
      std::string models;
      for (const auto& m : r.models) models += (models.empty() ? "" : ",") + m;
      std::cout << fmt::format("{:>5}  {:<11}  {:<9}  {:<24}  {:<16}  {:<10}  {}\n", r.id, r.kind,
                               display_status(r), r.created_at, r.scenario_id, r.at_date, models);
    }
    return 0;
  });
}

// The stored result of finished run `r`, checked against the shape its readers use; false
// (with the run and the problem on stderr) when it has another shape. Stored results are
// untrusted input: an edited file, or another entente version, must give an error, not abort.
bool result_is_readable(const RunRecord& r, const std::string& db) {
  const std::string why = app::result_shape_error(r.kind, r.result);
  if (why.empty()) return true;
  std::cerr << fmt::format("error: run {} in {}: stored {} result is unreadable: {}\n", r.id, db,
                           r.kind, why);
  return false;
}

// The summary of a finished run of any kind, from its checked result.
std::string render_stored(const RunRecord& r) {
  if (r.kind == "sweep") return render_sweep_table(r.result);
  if (r.kind == "sensitivity") return render_sensitivity_table(r.result, kShownInputs);
  return render_summary(r.result, use_color());
}

int cmd_runs_show(const std::string& db, std::int64_t id) {
  return with_store(db, [&](RunStore& store) {
    auto r = store.get_run(id);
    if (!r) {
      std::cerr << fmt::format("error: no run {} in {}\n", id, db);
      return kExitInput;
    }
    std::cout << fmt::format("run {}  {}  ({})\n", r->id, display_status(*r), r->kind);
    std::cout << fmt::format("  scenario  {} from {}\n", r->scenario_id, r->scenario_source);
    std::cout << fmt::format("  sha256    {}\n", r->scenario_hash);
    std::cout << fmt::format("  at        {}\n", r->at_date);
    std::cout << fmt::format("  seed      {}\n", r->seed);
    std::cout << fmt::format("  started   {}\n", r->created_at);
    std::cout << fmt::format("  finished  {}\n", r->finished_at.empty() ? "—" : r->finished_at);
    std::cout << fmt::format("  version   {}\n", r->version);
    std::cout << fmt::format("  command   {}\n", r->command);
    if (r->status == "running" && !r->owner_host.empty()) {
      std::cout << fmt::format("  owner     pid {} on {}, last heartbeat {}\n", r->owner_pid,
                               r->owner_host, r->heartbeat_at);
    }
    if (r->abandoned) {
      std::cout << fmt::format(
          "  abandoned its process is gone (or silent for over {} s) and will never finish it{}\n",
          RunStore::kStaleHeartbeatSeconds,
          r->kind == "sweep" ? fmt::format("; entente sweep --resume {} continues it", r->id) : "");
    }
    if (!r->error.empty()) std::cout << fmt::format("  error     {}\n", r->error);
    if (r->status != "done") return 0;
    if (!result_is_readable(*r, db)) return kExitInput;
    std::cout << "\n" << render_stored(*r);
    return 0;
  });
}

// The trace lines of a model's entry of a checked run document, indented.
void print_trace(const nlohmann::json& m) {
  for (const auto& line : m["trace"]) std::cout << "  " << line.get<std::string>() << "\n";
}

int cmd_explain(const std::string& db, std::int64_t id) {
  return with_store(db, [&](RunStore& store) {
    auto r = store.get_run(id);
    if (!r) {
      std::cerr << fmt::format("error: no run {} in {}\n", id, db);
      return kExitInput;
    }
    if (r->status != "done") {
      std::cerr << fmt::format("error: run {} is {}; only finished runs can be explained\n", id,
                               display_status(*r));
      return kExitInput;
    }
    if (!result_is_readable(*r, db)) return kExitInput;
    const auto& doc = r->result;
    if (r->kind != "run") {
      // Models explain themselves in single runs; a sweep or an analysis keeps statistics of
      // many runs, not one trace per sample, so the explanation is the statistics themselves.
      std::cout << fmt::format(
          "run {}: {} of {} at {}\nthe models' explanations are recorded by single runs (entente "
          "run), not per sample; what this {} found:\n\n{}",
          id, r->kind, r->scenario_id, r->at_date, r->kind, render_stored(*r));
      return 0;
    }
    std::cout << fmt::format("run {}: {} at {}\n", id, r->scenario_id, r->at_date);
    for (const auto& issue : doc["issues"]) {
      std::cout << fmt::format("\n== {} [{}]\n", issue.value("name", std::string()),
                               issue["id"].get<std::string>());
      for (const auto& [model, m] : issue["models"].items()) {
        std::cout << fmt::format("\n[{}]\n", model);
        if (!m.contains("trace")) {
          std::cout << "  (no explanation recorded)\n";
          continue;
        }
        print_trace(m);
      }
    }
    if (doc.contains("models")) {
      for (const auto& [model, m] : doc["models"].items()) {
        if (!m.contains("trace")) continue;
        std::cout << fmt::format("\n[{}]\n", model);
        print_trace(m);
      }
    }
    return 0;
  });
}

int cmd_runs_export(const std::string& db, std::int64_t id, const std::string& format,
                    const std::string& output) {
  return with_store(db, [&](RunStore& store) {
    const std::string text = format == "csv" ? store.export_csv(id) : store.export_json(id) + "\n";
    if (output.empty() || output == "-") {
      std::cout << text;
      return 0;
    }
    std::ofstream out(output, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << fmt::format("error: cannot write {}\n", output);
      return kExitInput;
    }
    return 0;
  });
}

int cmd_import_csv(const std::string& path, const std::string& issue, const std::string& output,
                   std::optional<double> scale_min, std::optional<double> scale_max) {
  std::string yaml;
  try {
    ActorTableOptions options;
    options.filename = path;
    options.issue_id = issue;
    options.scale_min = scale_min;
    options.scale_max = scale_max;
    const Scenario s = load_actor_table_csv(app::read_input_file(path), options);
    yaml = "# Imported by `entente import csv` from " + path +
           ".\n# CSV tables carry no date: set as_of, the actors' kinds and the issue's name.\n" +
           write_scenario_yaml(s);
  } catch (const InputError& e) {
    return report_input_error(e);
  }
  if (output.empty() || output == "-") {
    std::cout << yaml;
    return 0;
  }
  std::ofstream out(output, std::ios::binary);
  out << yaml;
  if (!out) {
    std::cerr << fmt::format("error: cannot write {}\n", output);
    return kExitInput;
  }
  std::cerr << fmt::format("wrote {}\n", output);
  return 0;
}

}  // namespace

namespace {

// The first misspelt command or long option on the command line, with the nearest known
// one: "unknown command 'rn'; did you mean 'run'?". Empty when every word is known (the
// error is of another kind, and CLI11's own message says it best).
std::string usage_hint(CLI::App& app, int argc, char** argv) {
  CLI::App* level = &app;
  bool chose_here = false;  // a subcommand of `level` was named already
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.rfind("--", 0) == 0) {
      const std::string name = word.substr(0, word.find('='));
      std::vector<std::string> names;
      for (const CLI::App* a = level; a != nullptr; a = a->get_parent()) {
        for (const CLI::Option* o : a->get_options()) {
          for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
        }
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) continue;
      const std::string near = closest_match(name, names);
      return fmt::format(
          "unknown option '{}'{}{}", name,
          near.empty() ? "" : fmt::format("; did you mean '{}'?", near),
          level == &app ? "" : fmt::format(" (entente {} --help lists them)", level->get_name()));
    }
    if (word.rfind('-', 0) == 0) continue;
    CLI::App* sub = nullptr;
    for (CLI::App* c : level->get_subcommands({})) {
      if (c->check_name(word)) sub = c;
    }
    if (sub != nullptr) {
      level = sub;
      chose_here = false;
      continue;
    }
    // A word where a command is required: a misspelt command, not an argument.
    if (!chose_here && level->get_require_subcommand_min() > 0) {
      std::vector<std::string> commands;
      for (const CLI::App* c : level->get_subcommands({})) commands.push_back(c->get_name());
      const std::string near = closest_match(word, commands);
      const std::string where = level == &app ? "entente" : "entente " + level->get_name();
      return fmt::format("unknown command '{}'{} ({} --help lists them)", word,
                         near.empty() ? "" : fmt::format("; did you mean '{}'?", near), where);
    }
    chose_here = true;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      fmt::format("entente {} — forecasting strategic outcomes among political actors", version())};
  app.set_version_flag("--version", std::string(version()));
  app.require_subcommand(1);
  const std::string command = command_line(argc, argv);
  int code = 0;

  RunArgs run;
  run.db = app::default_db();
  auto* run_cmd = app.add_subcommand("run", "Run models on a scenario and store the run");
  run_cmd->add_option("scenario", run.scenario,
                      "Scenario file (YAML or CSV actor table); default: the embedded korea-2003");
  run_cmd->add_option("-m,--model", run.models,
                      "Model to run (repeatable); default: all that apply");
  run_cmd->add_option("-o,--option", run.options,
                      "Model option NAME=VALUE or MODEL.NAME=VALUE (repeatable)");
  run_cmd->add_option("--at", run.at, "Evaluate at this date (YYYY-MM-DD); default: as_of");
  run_cmd->add_option("--seed", run.seed, "Random seed, recorded with the run")
      ->check(app::whole_number(0, UINT64_MAX));
  run_cmd->add_flag("--json", run.json, "Print one JSON document");
  run_cmd->add_flag("--trace", run.trace, "Print each model's explanation");
  run_cmd->add_option("--db", run.db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  run_cmd->callback([&] { code = cmd_run(run, command); });

  std::string validate_path;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario and list every problem");
  validate_cmd->add_option("scenario", validate_path, "Scenario file")->required();
  validate_cmd->callback([&] { code = cmd_validate(validate_path); });

  app.add_subcommand("models", "List the registered models and their options")->callback([&] {
    code = cmd_models();
  });

  std::string db = app::default_db();
  auto* runs_cmd = app.add_subcommand("runs", "List, show and export stored runs");
  runs_cmd->require_subcommand(1);
  runs_cmd->add_option("--db", db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  std::size_t limit = 50;
  auto* list_cmd = runs_cmd->add_subcommand("list", "List runs, newest first");
  list_cmd->add_option("--limit", limit, "At most this many (0: all)")
      ->check(app::whole_number(0, INT64_MAX));
  list_cmd->add_option("--db", db, "Run store");
  list_cmd->callback([&] { code = cmd_runs_list(db, limit); });
  std::int64_t show_id = 0;
  auto* show_cmd = runs_cmd->add_subcommand("show", "Show one run");
  show_cmd->add_option("id", show_id, "Run id")->required();
  show_cmd->add_option("--db", db, "Run store");
  show_cmd->callback([&] { code = cmd_runs_show(db, show_id); });
  std::int64_t export_id = 0;
  std::string export_format = "json";
  std::string export_out;
  auto* export_cmd = runs_cmd->add_subcommand("export", "Export one run as CSV or JSON");
  export_cmd->add_option("id", export_id, "Run id")->required();
  export_cmd->add_option("--format", export_format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}));
  export_cmd->add_option("-o,--output", export_out, "Write to this file instead of stdout");
  export_cmd->add_option("--db", db, "Run store");
  export_cmd->callback([&] { code = cmd_runs_export(db, export_id, export_format, export_out); });

  std::int64_t explain_id = 0;
  auto* explain_cmd = app.add_subcommand("explain", "Explain a stored run: every model's trace");
  explain_cmd->add_option("id", explain_id, "Run id")->required();
  explain_cmd->add_option("--db", db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  explain_cmd->callback([&] { code = cmd_explain(db, explain_id); });

  auto* import_cmd = app.add_subcommand("import", "Turn other formats into scenario files");
  import_cmd->require_subcommand(1);
  std::string csv_path;
  std::string csv_issue = "issue";
  std::string csv_out;
  std::optional<double> scale_min;
  std::optional<double> scale_max;
  auto* csv_cmd = import_cmd->add_subcommand(
      "csv", "Actor table (actor, capability, position, salience) to YAML");
  csv_cmd->add_option("file", csv_path, "CSV actor table")->required();
  csv_cmd->add_option("--issue", csv_issue, "Id of the issue the table describes")->required();
  csv_cmd->add_option("-o,--output", csv_out, "Write the scenario here instead of stdout");
  csv_cmd->add_option("--scale-min", scale_min,
                      "Lower end of the issue scale (default: lowest position)");
  csv_cmd->add_option("--scale-max", scale_max,
                      "Upper end of the issue scale (default: highest position)");
  csv_cmd->callback(
      [&] { code = cmd_import_csv(csv_path, csv_issue, csv_out, scale_min, scale_max); });

  add_backtest_command(app, code);
  add_sweep_command(app, code, command);
  add_sensitivity_command(app, code, command);
  add_alliance_commands(app, code);
  add_fit_intervals_command(*app.get_subcommand("fit"), code);
  add_games_command(app, code);
  add_report_command(app, code);
  add_serve_command(app, code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 says "The following argument was not expected: --modle" or "A subcommand is
    // required" for `entente rn`; name the nearest command or option instead.
    if (e.get_exit_code() != 0) {
      if (const std::string hint = usage_hint(app, argc, argv); !hint.empty()) {
        std::cerr << "error: " << hint << "\n";
        return kExitUsage;
      }
    }
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return code;
}

}  // namespace entente::cli

int main(int argc, char** argv) { return entente::cli::main(argc, argv); }
