#include "cli/alliance_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <set>

#include "app/input.hpp"
#include "entente/alliance.hpp"
#include "entente/model.hpp"
#include "entente/timeline.hpp"

namespace entente::cli {

namespace {

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;

struct FitArgs {
  std::string atop_dir = "data/atop";
  std::string nmc = "data/cow/NMC-60-abridged.csv";
  std::string output = "data/models/alliance-hazard.json";
  std::uint64_t seed = 20030315;
  double holdout = 0.25;
  int last_year = 0;
  int validate = 0;    // a cutoff year: temporal validation instead of a fit
  int era_years = -1;  // -1: chosen by the nested rule
  bool json = false;
};

int print_errors(const InputError& e) {
  std::cerr << e.diagnostics().str();
  return kExitInput;
}

std::string fmt_opt(const nlohmann::json& j, const char* spec = "{:.3f}") {
  return j.is_number() ? fmt::format(fmt::runtime(spec), j.get<double>()) : std::string("—");
}

// Prints the coefficient table of a fit, as docs/alliance.md shows it.
void print_fit(const alliance::HazardModel& h) {
  const auto& f = h.fit;
  std::cout << fmt::format("{:<20} {:>12} {:>10} {:>8}\n", "term", "coefficient", "se", "z");
  for (std::size_t i = 0; i < h.terms.size(); ++i) {
    std::cout << fmt::format("{:<20} {:>12.4f} {:>10.4f} {:>8.2f}\n", h.terms[i], h.beta[i],
                             h.se[i], h.se[i] > 0 ? h.beta[i] / h.se[i] : 0.0);
  }
  std::cout << fmt::format(
      "\nalliances {}  alliance-years {}  events {}  censored at {}  expiries {}\n",
      f.value("alliances", 0), f.value("alliance_years", 0), f.value("events", 0),
      f.value("censoring_year", 0), f.value("expired_at_term", 0));
  const auto& ho = f["holdout"];
  std::cout << fmt::format(
      "held out (seed {}, {:.0f}% of alliances): {} alliances, {} years, {} events; "
      "AUC held-out {}, training {}; in-sample AUC (full fit) {}\n",
      ho.value("seed", std::uint64_t{0}), 100.0 * ho.value("fraction", 0.0),
      ho.value("test_alliances", 0), ho.value("test_years", 0), ho.value("test_events", 0),
      fmt_opt(ho["auc_test"]), fmt_opt(ho["auc_train"]), fmt_opt(f["auc_in_sample"]));
  std::cout << fmt::format("typical alliance (covariate means): annual hazard {}\n",
                           fmt_opt(f["base_annual_hazard"], "{:.4f}"));
}

nlohmann::json score_json(const alliance::ForecastScore& s) {
  return {
      {"n_years", s.n_years},     {"observed", s.observed},
      {"predicted", s.predicted}, {"auc", s.auc ? nlohmann::json(*s.auc) : nlohmann::json(nullptr)},
      {"brier", s.brier},         {"log_loss", s.log_loss}};
}

// Temporal validation (docs/alliance.md): fit up to the cutoff, score every later year.
int cmd_validate(const FitArgs& args) {
  alliance::HazardValidation v;
  try {
    const std::string al = app::read_input_file(args.atop_dir + "/atop-alliance-level.csv");
    const std::string mem = app::read_input_file(args.atop_dir + "/atop-member-level.csv");
    const std::string nmc = app::read_input_file(args.nmc);
    const auto test = alliance::build_hazard_data(al, mem, nmc, args.last_year);
    if (args.validate <= 1816 || args.validate >= test.last_year) {
      std::cerr << fmt::format(
          "error: --validate {}: the cutoff must lie between 1817 and {} (the last year of the "
          "data), so that both sides have years\n",
          args.validate, test.last_year - 1);
      return kExitUsage;
    }
    const auto train = alliance::build_hazard_data(al, mem, nmc, args.validate);
    std::optional<alliance::HazardCalibration> cal;
    if (args.era_years >= 0) cal = alliance::HazardCalibration{args.era_years};
    v = alliance::validate_hazard(train, test, args.validate, cal);
  } catch (const InputError& e) {
    return print_errors(e);
  } catch (const std::exception& e) {
    std::cerr << "error: validation failed: " << e.what() << "\n";
    return kExitInput;
  }
  if (args.json) {
    const nlohmann::json doc = {{"cutoff", v.cutoff},
                                {"last_test_year", v.last_test_year},
                                {"train", {{"n_years", v.train_years}, {"events", v.train_events}}},
                                {"era_years", v.era_years},
                                {"model", score_json(v.model)},
                                {"baselines",
                                 {{"age_only", score_json(v.age_only)},
                                  {"constant_recent", score_json(v.constant_recent)}}}};
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "fit on {} alliance-years up to {} ({} terminations; era window {}), scored on {}–{}\n\n",
      v.train_years, v.cutoff, v.train_events,
      v.era_years > 0 ? fmt::format("the last {} years", v.era_years) : std::string("none"),
      v.cutoff + 1, v.last_test_year);
  std::cout << fmt::format("{:<18} {:>8} {:>9} {:>10} {:>7} {:>8} {:>9}\n", "", "years", "observed",
                           "predicted", "AUC", "Brier", "log-loss");
  const auto row = [](const char* name, const alliance::ForecastScore& s) {
    std::cout << fmt::format(
        "{:<18} {:>8} {:>9} {:>10.1f} {:>7} {:>8.5f} {:>9.5f}\n", name, s.n_years, s.observed,
        s.predicted, s.auc ? fmt::format("{:.3f}", *s.auc) : std::string("—"), s.brier, s.log_loss);
  };
  row("hazard", v.model);
  row("age only", v.age_only);
  row("constant (20 y)", v.constant_recent);
  // With few terminations the count is Poisson-noisy: say how far off is within noise.
  const double sd = std::sqrt(std::max(v.model.predicted, 1e-9));
  std::cout << fmt::format(
      "\npredicted/observed {:.2f}; a Poisson count with mean {:.1f} falls within ±{:.1f} "
      "two times in three\n",
      v.model.observed > 0 ? v.model.predicted / v.model.observed : 0.0, v.model.predicted, sd);
  return 0;
}

int cmd_fit(const FitArgs& args) {
  if (args.validate != 0) return cmd_validate(args);
  alliance::HazardModel h;
  try {
    const std::string al = app::read_input_file(args.atop_dir + "/atop-alliance-level.csv");
    const std::string mem = app::read_input_file(args.atop_dir + "/atop-member-level.csv");
    const std::string nmc = app::read_input_file(args.nmc);
    const auto data = alliance::build_hazard_data(al, mem, nmc, args.last_year);
    h = alliance::fit_hazard(data, args.seed, args.holdout);
  } catch (const InputError& e) {
    return print_errors(e);
  } catch (const std::exception& e) {
    std::cerr << "error: fit failed: " << e.what() << "\n";
    return kExitInput;
  }
  print_fit(h);
  if (args.output != "-") {
    std::ofstream out(args.output, std::ios::binary);
    out << h.to_json().dump(2) << "\n";
    if (!out) {
      std::cerr << fmt::format("error: cannot write {}\n", args.output);
      return kExitInput;
    }
    std::cout << fmt::format("wrote {}\n", args.output);
  }
  return 0;
}

struct TimelineArgs {
  std::string scenario;
  std::string from;
  std::string to;
  std::string step = "1mo";
  std::vector<std::string> alliances;
  std::vector<std::string> options;
  bool json = false;
  bool no_events = false;
};

// "3mo", "1y", "2w", "10d" → (months, days); nullopt when malformed or not positive.
std::optional<std::pair<int, int>> parse_step(const std::string& text) {
  std::size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (n <= 0 || n > 1200) return std::nullopt;
  const std::string unit = text.substr(used);
  if (unit == "mo") return std::pair{n, 0};
  if (unit == "y") return std::pair{12 * n, 0};
  if (unit == "w") return std::pair{0, 7 * n};
  if (unit == "d") return std::pair{0, n};
  return std::nullopt;
}

int cmd_timeline(const TimelineArgs& args) {
  app::LoadedInput input;
  try {
    input = app::load_input(args.scenario);
  } catch (const InputError& e) {
    std::cerr << e.diagnostics().str();
    return kExitInput;
  }
  const Scenario& s = input.scenario;
  // The alliance first: a misspelt id is the likelier mistake, and its message says which
  // scenario was read (the built-in one when no file is given).
  for (const std::string& id : args.alliances) {
    if (s.alliance(id) == nullptr) {
      std::vector<std::string> ids;
      for (const Alliance& a : s.alliances) ids.push_back(a.id);
      const std::string near = closest_match(id, ids);
      std::cerr << fmt::format("error: --alliance: no alliance '{}' in {}{}\n", id, s.id,
                               near.empty() ? "" : "; did you mean '" + near + "'?");
      return kExitUsage;
    }
  }
  auto date_arg = [](const std::string& text, const char* flag) -> std::optional<Date> {
    auto d = Date::parse(text);
    if (!d) {
      std::cerr << fmt::format("error: {}: '{}' is not a valid date; expected YYYY-MM-DD\n", flag,
                               text);
    }
    return d;
  };
  auto [from, to] = default_timeline_range(s);
  if (!args.from.empty()) {
    auto d = date_arg(args.from, "--from");
    if (!d) return kExitUsage;
    from = *d;
  }
  if (!args.to.empty()) {
    auto d = date_arg(args.to, "--to");
    if (!d) return kExitUsage;
    to = *d;
  }
  if (to < from) {
    // A --to the user did not give is the scenario's as_of: say so, not "--to DATE".
    if (args.to.empty()) {
      std::cerr << fmt::format(
          "error: --from {} is after {}'s as_of {}, where the timeline ends unless --to says "
          "otherwise; give --to\n",
          from.str(), s.id, to.str());
    } else {
      std::cerr << fmt::format("error: --to {} is before --from {}\n", to.str(), from.str());
    }
    return kExitUsage;
  }
  const auto step = parse_step(args.step);
  if (!step) {
    std::cerr << fmt::format(
        "error: --step: '{}' is not a step; expected e.g. 1mo, 3mo, 1y, 2w, 10d\n", args.step);
    return kExitUsage;
  }
  std::map<std::string, std::string> options;
  for (const std::string& raw : args.options) {
    const auto eq = raw.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << fmt::format("error: --option '{}': expected NAME=VALUE\n", raw);
      return kExitUsage;
    }
    std::string key = raw.substr(0, eq);
    if (key.rfind("alliance.", 0) == 0) key = key.substr(9);
    options[key] = raw.substr(eq + 1);
  }
  std::unique_ptr<Model> model;
  try {
    model = make_model("alliance", options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  if (const std::string why = model->applicability(s); !why.empty()) {
    std::cerr << "error: " << why << "\n";
    return kExitInput;
  }

  // The model was built above only to report bad options and inapplicability with the
  // right exit codes; the library builds its own.
  model.reset();
  TimelineRequest request;
  request.from = from;
  request.to = to;
  request.step_months = step->first;
  request.step_days = step->second;
  request.alliances = args.alliances;
  request.options = options;
  request.events = !args.no_events;
  Timeline timeline;
  try {
    timeline = alliance_timeline(s, request);
  } catch (const std::exception& e) {
    std::cerr << "error: timeline failed: " << e.what() << "\n";
    return kExitInput;
  }
  const nlohmann::json& rows = timeline.rows;
  const std::vector<std::string>& warnings = timeline.warnings;

  if (args.json) {
    nlohmann::json doc = {{"scenario", {{"id", s.id}, {"source", input.source}}},
                          {"from", from.str()},
                          {"to", to.str()},
                          {"step", args.step},
                          {"rows", rows},
                          {"warnings", warnings}};
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  // One table per alliance.
  for (const Alliance& a : s.alliances) {
    if (!args.alliances.empty() &&
        std::find(args.alliances.begin(), args.alliances.end(), a.id) == args.alliances.end()) {
      continue;
    }
    std::cout << fmt::format("\n{} — {}\n", a.id, a.name);
    std::string head = fmt::format("{:<10}  {:>6}  {:>6}", "date", "health", "congr");
    for (const std::string& m : a.members) head += fmt::format("  {:>8}", "risk " + m.substr(0, 3));
    head += fmt::format("  {:>6}  {:>6}  {}", "p5y", "p10y", "events");
    std::cout << head << "\n";
    for (const auto& row : rows) {
      for (const auto& aj : row["alliances"]) {
        if (aj["id"] != a.id) continue;
        std::string line =
            fmt::format("{:<10}  {:>6.3f}  {:>6.3f}", row["date"].get<std::string>(),
                        aj["health"].get<double>(), aj["congruence"]["value"].get<double>());
        for (const std::string& m : a.members) {
          line += fmt::format("  {:>8.3f}", aj["risk_sharing"][m]["value"].get<double>());
        }
        const auto& ph = aj["p_holds"];
        line += fmt::format(
            "  {:>6}  {:>6}",
            ph.is_object() ? fmt_opt(ph.value("5", nlohmann::json())) : std::string("—"),
            ph.is_object() ? fmt_opt(ph.value("10", nlohmann::json())) : std::string("—"));
        std::string ev;
        for (const auto& e : row["events"]) ev += (ev.empty() ? "" : ", ") + e.get<std::string>();
        std::cout << line << "  " << ev << "\n";
      }
    }
  }
  for (const auto& w : warnings) std::cout << "warning: " << w << "\n";
  return 0;
}

}  // namespace

void add_alliance_commands(CLI::App& app, int& code) {
  auto* fit = app.add_subcommand("fit", "Fit the models' parameters on reference data");
  fit->require_subcommand(1);
  static FitArgs fit_args;  // the callbacks run inside app.parse, after this returns
  auto* hazard = fit->add_subcommand(
      "alliance-hazard",
      "Fit the alliance termination hazard on ATOP v4.01 x COW NMC (docs/alliance.md)");
  hazard->add_option("--atop", fit_args.atop_dir,
                     "Folder with atop-alliance-level.csv and atop-member-level.csv");
  hazard->add_option("--nmc", fit_args.nmc, "COW NMC CSV (ccode, year, cinc)");
  hazard->add_option("-o,--output", fit_args.output, "Where to write the fit (JSON); - for none");
  hazard->add_option("--seed", fit_args.seed, "Seed of the held-out split");
  hazard->add_option("--holdout", fit_args.holdout, "Share of alliances held out")
      ->check(CLI::Range(0.05, 0.5));
  hazard->add_option("--last-year", fit_args.last_year,
                     "Right-censoring year (default: the NMC table's last year)");
  hazard
      ->add_option("--validate", fit_args.validate,
                   "Temporal validation: fit on the years up to CUTOFF, score the years after "
                   "it against two baselines (writes nothing)")
      ->type_name("CUTOFF");
  hazard
      ->add_option("--era-years", fit_args.era_years,
                   "With --validate: use this era window (0: pooled) instead of the one the "
                   "nested rule chooses")
      ->check(CLI::Range(0, 200));
  hazard->add_flag("--json", fit_args.json, "With --validate: print one JSON document");
  hazard->callback([&code] { code = cmd_fit(fit_args); });

  static TimelineArgs tl;
  auto* timeline = app.add_subcommand(
      "timeline", "Evaluate the alliance model date by date, events applied in order");
  timeline->add_option("scenario", tl.scenario, "Scenario file; default: the embedded korea-2003");
  timeline->add_option("--from", tl.from,
                       "First date (YYYY-MM-DD); default: the day before the first event");
  timeline->add_option("--to", tl.to, "Last date; default: the scenario's as_of");
  timeline->add_option("--step", tl.step, "Step: 1mo, 3mo, 1y, 2w, 10d (default 1mo)");
  timeline->add_option("-a,--alliance", tl.alliances, "Only this alliance (repeatable)");
  timeline->add_option("-o,--option", tl.options, "alliance model option NAME=VALUE (repeatable)");
  timeline->add_flag("--no-events", tl.no_events,
                     "Only the step dates, not the event and poll dates");
  timeline->add_flag("--json", tl.json, "Print one JSON document");
  timeline->callback([&code] { code = cmd_timeline(tl); });
}

}  // namespace entente::cli
