// The DEU backtest as a command: read the file, score every model, print a table or JSON.
// Nothing is stored: a backtest is a measurement of the models, not a run of a scenario.
#include "cli/backtest_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/input.hpp"
#include "entente/backtest.hpp"
#include "entente/diagnostics.hpp"
#include "entente/forecast_intervals.hpp"
#include "entente/model.hpp"
#include "entente/runner.hpp"

namespace entente::cli {

namespace {

struct BacktestArgs {
  std::string file;
  std::vector<std::string> models;
  std::vector<std::string> options;
  std::string capability = "equal";
  std::string group = "issue";
  std::string per_issue;
  std::uint64_t seed = kDefaultSeed;
  int bootstrap = 2000;
  int folds = 10;
  bool json = false;
};

// JSON has no NaN; a model that scored nothing reports null.
nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; }

nlohmann::json pair_or_null(const std::array<double, 2>& x) {
  if (!std::isfinite(x[0]) || !std::isfinite(x[1])) return nullptr;
  return nlohmann::json::array({x[0], x[1]});
}

// Every issue model that can run on some case (pivot needs the file's procedure columns).
std::vector<std::string> default_models(const std::vector<DeuCase>& cases) {
  std::vector<std::string> names;
  for (const auto& info : registered_models()) {
    if (info.scope != ModelInfo::Scope::kIssue) continue;
    const auto model = make_model(info.name);
    if (std::any_of(cases.begin(), cases.end(),
                    [&](const DeuCase& c) { return model->applicability(c.scenario).empty(); })) {
      names.push_back(info.name);
    }
  }
  return names;
}

std::string format_warning(const Diagnostic& d) {
  return fmt::format("{}:{}:{}: warning: {}: {}", d.where.file, d.where.line, d.where.column,
                     d.path, d.message);
}

// A CSV field: quoted when it holds a separator, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(const std::optional<double>& x) {
  return x ? fmt::format("{:.6g}", *x) : std::string();
}

// One row per issue: its proposal, id, file line, outcome, then per model the forecast and
// its cross-validated interval (empty cells when the model gave none).
std::string per_issue_csv(const BacktestReport& report, const std::vector<std::string>& models) {
  std::string out = "proposal,issue,line,outcome";
  for (const auto& m : models) out += fmt::format(",{0},{0}_lo,{0}_hi", m);
  out += "\n";
  for (const BacktestIssue& is : report.issues) {
    out += fmt::format("{},{},{},{}", csv_field(is.proposal), csv_field(is.issue), is.line,
                       csv_number(is.outcome));
    for (const auto& m : models) {
      const auto f = is.forecasts.find(m);
      const auto i = is.intervals.find(m);
      const bool has_interval = i != is.intervals.end() && i->second;
      out +=
          fmt::format(",{},{},{}", csv_number(f != is.forecasts.end() ? f->second : std::nullopt),
                      has_interval ? csv_number((*i->second)[0]) : "",
                      has_interval ? csv_number((*i->second)[1]) : "");
    }
    out += "\n";
  }
  return out;
}

nlohmann::json report_json(const BacktestArgs& args, const BacktestSettings& settings,
                           std::size_t n_cases, const BacktestReport& report,
                           const std::vector<Diagnostic>& warnings) {
  nlohmann::json doc;
  doc["file"] = args.file;
  doc["capability"] = args.capability;
  doc["group"] = args.group;
  doc["cases"] = n_cases;
  doc["proposals"] = report.proposals;
  doc["seed"] = std::to_string(args.seed);
  doc["bootstrap"] = {{"samples", settings.bootstrap_samples},
                      {"level", settings.bootstrap_level},
                      {"resampled", "proposals"}};
  doc["folds"] = report.folds;
  doc["options"] = args.options;
  doc["models"] = nlohmann::json::object();
  for (const auto& s : report.scores) {
    doc["models"][s.model] = {{"n", s.n},
                              {"mae", number_or_null(s.mae)},
                              {"mae_interval", pair_or_null(s.mae_interval)},
                              {"rmse", number_or_null(s.rmse)},
                              {"rmse_interval", pair_or_null(s.rmse_interval)},
                              {"beats_compromise_share", number_or_null(s.beats_compromise_share)},
                              {"better", s.better},
                              {"worse", s.worse},
                              {"ties", s.ties},
                              {"sign_test_p", s.sign_test_p},
                              {"mae_difference", number_or_null(s.mae_difference)},
                              {"mae_difference_interval", pair_or_null(s.mae_difference_interval)},
                              {"coverage80", number_or_null(s.coverage)},
                              {"coverage80_covered", s.covered},
                              {"coverage80_folds", report.folds},
                              {"skipped", s.skipped}};
  }
  nlohmann::json issues = nlohmann::json::array();
  for (const BacktestIssue& is : report.issues) {
    nlohmann::json forecasts = nlohmann::json::object();
    nlohmann::json intervals = nlohmann::json::object();
    for (const auto& [m, f] : is.forecasts) forecasts[m] = f ? nlohmann::json(*f) : nullptr;
    for (const auto& [m, i] : is.intervals) intervals[m] = i ? pair_or_null(*i) : nullptr;
    issues.push_back({{"proposal", is.proposal},
                      {"issue", is.issue},
                      {"line", is.line},
                      {"outcome", is.outcome},
                      {"forecasts", forecasts},
                      {"intervals", intervals}});
  }
  doc["issues"] = std::move(issues);
  nlohmann::json w = nlohmann::json::array();
  for (const auto& d : warnings) w.push_back(format_warning(d));
  doc["warnings"] = std::move(w);
  return doc;
}

std::string interval_text(const std::array<double, 2>& x) {
  return std::isfinite(x[0]) ? fmt::format("{:.2f}–{:.2f}", x[0], x[1]) : "—";
}

void print_text(const BacktestArgs& args, const BacktestSettings& settings, std::size_t n_cases,
                const BacktestReport& report, const std::vector<Diagnostic>& warnings) {
  // The same malformed value in the same column on consecutive rows (one proposal's issues)
  // is one line naming every row; --json lists each.
  for (std::size_t i = 0; i < warnings.size();) {
    const Diagnostic& d = warnings[i];
    std::string lines = std::to_string(d.where.line);
    std::size_t j = i + 1;
    while (j < warnings.size() && warnings[j].path == d.path && warnings[j].message == d.message &&
           warnings[j].where.file == d.where.file) {
      lines += "," + std::to_string(warnings[j].where.line);
      ++j;
    }
    std::cout << fmt::format("{}:{}:{}: warning: {}: {}\n", d.where.file, lines, d.where.column,
                             d.path, d.message);
    i = j;
  }
  if (!warnings.empty()) std::cout << "\n";
  std::cout << fmt::format(
      "{}: {} issues in {} proposals with an outcome and at least 3 actors; capability {}; "
      "one scenario per {}\n",
      args.file, n_cases, report.proposals, args.capability, args.group);
  for (const auto& option : args.options) std::cout << "option " << option << "\n";
  std::cout << fmt::format("\n{:<11} {:>4} {:>6} {:>13} {:>6} {:>13} {:>14} {:>8} {:>10}\n",
                           "model", "n", "MAE",
                           fmt::format("{:.0f}% CI", 100 * settings.bootstrap_level), "RMSE",
                           fmt::format("{:.0f}% CI", 100 * settings.bootstrap_level),
                           "vs compromise", "sign p", "coverage80");
  for (const auto& s : report.scores) {
    const bool reference = s.model == "compromise";
    const std::string versus =
        reference ? "—" : fmt::format("{}+ {}- {}=", s.better, s.worse, s.ties);
    std::cout << fmt::format(
        "{:<11} {:>4} {:>6.2f} {:>13} {:>6.2f} {:>13} {:>14} {:>8} {:>10}\n", s.model, s.n, s.mae,
        interval_text(s.mae_interval), s.rmse, interval_text(s.rmse_interval), versus,
        reference ? "—" : fmt::format("{:.3g}", s.sign_test_p),
        std::isfinite(s.coverage) ? fmt::format("{:.1f}%", 100 * s.coverage) : "—");
  }
  std::cout << fmt::format(
      "\nErrors are on the issues' 0–100 scales; lower is better. Intervals: percentile "
      "bootstrap, {} resamples of whole proposals, seed {}. vs compromise: issues with a "
      "smaller (+), larger (-) and equal (=) error; sign p: exact two-sided sign test, ties "
      "dropped. coverage80: share of outcomes inside the model's 80% conformal interval "
      "calibrated on the other {} of {} folds of proposals.\n\n",
      settings.bootstrap_samples, args.seed, report.folds - 1, report.folds);
  for (const auto& s : report.scores) {
    if (s.model == "compromise" || !std::isfinite(s.mae_difference)) continue;
    const auto& ci = s.mae_difference_interval;
    const bool noise = !(ci[0] > 0.0 || ci[1] < 0.0);
    const std::string verdict = noise ? "the MAE difference is within noise"
                                      : fmt::format("MAE {} than compromise's beyond noise",
                                                    s.mae_difference < 0 ? "lower" : "higher");
    std::cout << fmt::format(
        "{} vs compromise: MAE {:+.2f} ({:.0f}% CI {:+.2f} to {:+.2f}): {}; sign test p = {:.3g}"
        "{}\n",
        s.model, s.mae_difference, 100 * settings.bootstrap_level, ci[0], ci[1], verdict,
        s.sign_test_p,
        s.sign_test_p < 0.05 ? " (one wins more issues than chance would give)"
                             : " (wins and losses within chance)");
  }
}

int cmd_backtest_deu(const BacktestArgs& args) {
  std::vector<DeuCase> cases;
  std::vector<Diagnostic> warnings;
  try {
    const std::string text = app::read_input_file(args.file);
    cases = load_deu_tsv(text, args.file,
                         args.capability == "gdp" ? DeuCapability::kGdp : DeuCapability::kEqual,
                         &warnings);
  } catch (const InputError& e) {
    std::cerr << e.diagnostics().str();
    return 1;
  }
  if (cases.empty()) {
    std::cerr << fmt::format(
        "{}: error: no issue with an outcome and at least 3 actors; nothing to score\n", args.file);
    return 1;
  }
  BacktestSettings settings;
  settings.seed = args.seed;
  settings.group_by_proposal = args.group == "proposal";
  settings.bootstrap_samples = args.bootstrap;
  settings.folds = args.folds;
  BacktestReport report;
  std::vector<std::string> models;
  try {
    // The run planner checks models and options the same way `entente run` does.
    RunRequest request;
    request.models = args.models.empty() ? default_models(cases) : args.models;
    request.options = args.options;
    const RunPlan plan = plan_run(cases.front().scenario, request);
    settings.options = plan.options;
    models = plan.models;
    report = run_backtest_report(cases, models, settings);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::runtime_error& e) {
    std::cerr << "error: a model failed: " << e.what() << "\n";
    return 1;
  }
  if (!args.per_issue.empty()) {
    std::ofstream out(args.per_issue, std::ios::binary);
    out << per_issue_csv(report, models);
    if (!out.flush()) {
      std::cerr << fmt::format("error: cannot write {}\n", args.per_issue);
      return 1;
    }
  }
  if (args.json) {
    std::cout << report_json(args, settings, cases.size(), report, warnings).dump(2) << "\n";
  } else {
    print_text(args, settings, cases.size(), report, warnings);
  }
  return 0;
}

struct FitIntervalsArgs {
  std::string file = "tests/data/reference/deu/deu-dev.tsv";
  std::string output = "data/models/forecast-intervals.json";
  double level = 0.8;
};

int cmd_fit_intervals(const FitIntervalsArgs& args) {
  std::vector<DeuCase> cases;
  try {
    cases = load_deu_tsv(app::read_input_file(args.file), args.file, DeuCapability::kEqual);
  } catch (const InputError& e) {
    std::cerr << e.diagnostics().str();
    return 1;
  }
  if (cases.empty()) {
    std::cerr << fmt::format("{}: error: no issue with an outcome; nothing to calibrate on\n",
                             args.file);
    return 1;
  }
  nlohmann::json doc;
  try {
    doc = fit_forecast_intervals(cases, default_models(cases), args.file, args.level);
  } catch (const std::runtime_error& e) {
    std::cerr << "error: a model failed: " << e.what() << "\n";
    return 1;
  }
  const std::string text = doc.dump(2) + "\n";
  if (args.output == "-") {
    std::cout << text;
    return 0;
  }
  std::ofstream out(args.output, std::ios::binary);
  out << text;
  if (!out.flush()) {
    std::cerr << fmt::format("error: cannot write {}\n", args.output);
    return 1;
  }
  std::cout << fmt::format("{}: {} issues; {:.0f}% interval half-widths (share of the scale):\n",
                           args.file, cases.size(), 100 * args.level);
  for (const auto& [model, entry] : doc["models"].items()) {
    std::cout << fmt::format("  {:<12} n {:>4}  ±{:.3f}\n", model, entry["n"].get<int>(),
                             entry["quantile"].get<double>());
  }
  std::cout << fmt::format("wrote {}; rebuild to embed it\n", args.output);
  return 0;
}

}  // namespace

void add_fit_intervals_command(CLI::App& fit, int& code) {
  auto args = std::make_shared<FitIntervalsArgs>();
  auto* cmd = fit.add_subcommand(
      "intervals",
      "Calibrate every issue model's 80% forecast interval on DEU errors (split conformal)");
  cmd->add_option("file", args->file, "DEU tab-separated file")->capture_default_str();
  cmd->add_option("-o,--output", args->output,
                  "Where to write the calibration (JSON); - for stdout")
      ->capture_default_str();
  cmd->add_option("--level", args->level, "Interval level")->check(CLI::Range(0.5, 0.99));
  cmd->callback([args, &code] { code = cmd_fit_intervals(*args); });
}

void add_backtest_command(CLI::App& app, int& code) {
  auto* backtest = app.add_subcommand("backtest", "Score models against recorded outcomes");
  backtest->require_subcommand(1);
  auto args = std::make_shared<BacktestArgs>();
  auto* deu = backtest->add_subcommand(
      "deu", "Decision-making in the EU (DEU) table: one case per issue with an outcome");
  deu->add_option("file", args->file, "DEU tab-separated file")->required();
  deu->add_option("-m,--model", args->models,
                  "Model to score (repeatable); default: every issue model");
  deu->add_option("-o,--option", args->options,
                  "Model option NAME=VALUE or MODEL.NAME=VALUE (repeatable)");
  deu->add_option("--capability", args->capability,
                  "equal: every actor 1; gdp: the file's capability row")
      ->check(CLI::IsMember({"equal", "gdp"}));
  deu->add_option("--group", args->group,
                  "issue: one scenario per issue; proposal: the issues of one proposal as one "
                  "multi-issue scenario (each still scored on its own outcome)")
      ->check(CLI::IsMember({"issue", "proposal"}));
  deu->add_option("--per-issue", args->per_issue,
                  "Write every issue's outcome, forecasts and intervals to this CSV file");
  deu->add_option("--seed", args->seed,
                  "Seed for models that draw random numbers, the bootstrap and the folds");
  deu->add_option("--bootstrap", args->bootstrap, "Bootstrap resamples of proposals")
      ->check(CLI::Range(100, 1000000));
  deu->add_option("--folds", args->folds, "Cross-validation folds of proposals (coverage80)")
      ->check(CLI::Range(2, 1000));
  deu->add_flag("--json", args->json, "Print one JSON document");
  deu->callback([args, &code] { code = cmd_backtest_deu(*args); });
}

}  // namespace entente::cli
