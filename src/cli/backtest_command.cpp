// The DEU backtest as a command: read the file, score every model, print a table or JSON.
// Nothing is stored: a backtest is a measurement of the models, not a run of a scenario.
#include "cli/backtest_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/input.hpp"
#include "entente/backtest.hpp"
#include "entente/diagnostics.hpp"
#include "entente/model.hpp"
#include "entente/runner.hpp"

namespace entente::cli {

namespace {

struct BacktestArgs {
  std::string file;
  std::vector<std::string> models;
  std::vector<std::string> options;
  std::string capability = "equal";
  std::uint64_t seed = kDefaultSeed;
  bool json = false;
};

// JSON has no NaN; a model that scored nothing reports null.
nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; }

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

int cmd_backtest_deu(const BacktestArgs& args) {
  std::vector<DeuCase> cases;
  try {
    const std::string text = read_input_file(args.file);
    cases = load_deu_tsv(text, args.file,
                         args.capability == "gdp" ? DeuCapability::kGdp : DeuCapability::kEqual);
  } catch (const InputError& e) {
    std::cerr << e.diagnostics().str();
    return 1;
  }
  if (cases.empty()) {
    std::cerr << fmt::format(
        "{}: error: no issue with an outcome and at least 3 actors; nothing to score\n", args.file);
    return 1;
  }
  std::vector<BacktestScore> scores;
  try {
    // The run planner checks models and options the same way `entente run` does.
    RunRequest request;
    request.models = args.models.empty() ? default_models(cases) : args.models;
    request.options = args.options;
    const RunPlan plan = plan_run(cases.front().scenario, request);
    scores = run_backtest(cases, plan.models, args.seed, plan.options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::runtime_error& e) {
    std::cerr << "error: a model failed: " << e.what() << "\n";
    return 1;
  }
  if (args.json) {
    nlohmann::json doc;
    doc["file"] = args.file;
    doc["capability"] = args.capability;
    doc["cases"] = cases.size();
    doc["seed"] = std::to_string(args.seed);
    doc["options"] = args.options;
    doc["models"] = nlohmann::json::object();
    for (const auto& s : scores) {
      doc["models"][s.model] = {
          {"n", s.n},
          {"mae", number_or_null(s.mae)},
          {"rmse", number_or_null(s.rmse)},
          {"beats_compromise_share", number_or_null(s.beats_compromise_share)},
          {"skipped", s.skipped}};
    }
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{}: {} issues with an outcome and at least 3 actors; capability {}\n",
                           args.file, cases.size(), args.capability);
  for (const auto& option : args.options) std::cout << "option " << option << "\n";
  std::cout << "\n";
  std::cout << fmt::format("{:<12} {:>5} {:>8} {:>8} {:>16} {:>8}\n", "model", "n", "MAE", "RMSE",
                           "beats compromise", "skipped");
  for (const auto& s : scores) {
    const std::string beats = s.model == "compromise" || !std::isfinite(s.beats_compromise_share)
                                  ? "—"
                                  : fmt::format("{:.0f}%", 100.0 * s.beats_compromise_share);
    std::cout << fmt::format("{:<12} {:>5} {:>8.2f} {:>8.2f} {:>16} {:>8}\n", s.model, s.n, s.mae,
                             s.rmse, beats, s.skipped);
  }
  std::cout << "\nErrors are on the issues' 0–100 scales; lower is better.\n";
  return 0;
}

}  // namespace

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
  deu->add_option("--seed", args->seed, "Seed for models that draw random numbers");
  deu->add_flag("--json", args->json, "Print one JSON document");
  deu->callback([args, &code] { code = cmd_backtest_deu(*args); });
}

}  // namespace entente::cli
