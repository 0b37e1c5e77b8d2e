// entente.run, sweep, sensitivity, backtest_deu, models and Store: the CLI's commands as
// calls, through the same library functions (cli/common.hpp, cli/sensitivity_analysis.hpp),
// so that the same arguments give the same documents and numbers.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <random>
#include <thread>

#include "app/runs.hpp"
#include "app/sensitivity_analysis.hpp"
#include "bindings.hpp"
#include "entente/backtest.hpp"
#include "entente/deu.hpp"
#include "entente/runner.hpp"
#include "entente/store.hpp"
#include "entente/sweep.hpp"
#include "interrupt.hpp"

namespace entente::python {

namespace {

using nlohmann::json;

constexpr const char* kInterrupted = "interrupted from Python (KeyboardInterrupt)";

int default_threads() {
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

// The CLI's run request: the input's own options, then `options`; `at` "" = as_of.
RunRequest request_of(const PyScenario& s, const std::vector<std::string>& models,
                      const py::object& options, const std::string& at, std::uint64_t seed) {
  std::string error;
  auto request = app::make_run_request(s.raw(), models, option_strings(options), at, seed, error);
  if (!request) throw std::invalid_argument(error);
  return *request;
}

// Marks a stored run failed with why the call ended, then lets the error go on.
void fail_stored(std::optional<RunStore>& store, std::int64_t run_id, const std::string& why) {
  if (!store) return;
  try {
    store->fail_run(run_id, why);
  } catch (const StoreError&) {
    // The original error says more than the store's.
  }
}

// Runs `work` interruptibly; a stored run is marked failed when it throws or is interrupted.
void run_stored(CallState& state, std::optional<RunStore>& store, std::int64_t run_id,
                const std::function<void()>& work, const std::function<void()>& poll = {}) {
  try {
    run_interruptible(state, work, poll);
  } catch (py::error_already_set&) {
    fail_stored(store, run_id, kInterrupted);
    throw;
  } catch (const std::exception& e) {
    fail_stored(store, run_id, e.what());
    throw;
  }
}

void finish(std::optional<RunStore>& store, std::int64_t run_id, const json& document,
            const std::vector<ForecastRow>& rows) {
  if (store && !app::finish_or_fail(*store, run_id, document, rows)) {
    throw StoreError("run " + std::to_string(run_id) + ": the result could not be stored in " +
                     store->path());
  }
}

py::object run(const PyScenario& s, const std::vector<std::string>& models,
               const py::object& options, std::uint64_t seed, const std::string& at,
               const std::optional<std::string>& db, const std::string& command) {
  const RunRequest request = request_of(s, models, options, at, seed);
  const RunPlan plan = plan_run(s.scenario(), request);
  std::optional<RunStore> store;
  std::int64_t run_id = 0;
  if (db) {
    store.emplace(*db);
    run_id = store->begin_run(app::run_record(s.input(), plan, seed, command));
  }
  CallState state;
  StopToken token;
  token.link(&state.stop);
  RunOutput output;
  run_stored(state, store, run_id, [&] { output = execute_run(s.scenario(), plan, seed, &token); });
  output.document["run_id"] = db ? json(run_id) : json(nullptr);
  finish(store, run_id, output.document, app::run_forecast_rows(output));
  return to_python(output.document);
}

// The uncertain numbers of a sweep's scenario, in draw order.
std::vector<Distribution> distributions_of(const Sweep& sweep) {
  std::vector<Distribution> out;
  Scenario copy = sweep.applied();
  copy.for_each_quantity([&](const std::string&, Quantity& q) { out.push_back(*q.dist); });
  return out;
}

py::tuple sweep(const PyScenario& s, const std::vector<std::string>& models,
                const py::object& options, std::uint64_t seed, const std::string& at,
                std::uint64_t samples, int threads, std::uint64_t block_size, bool arrays,
                bool keep_samples, const std::optional<std::string>& db, const std::string& command,
                const py::object& progress) {
  if (samples == 0 || samples > app::kMaxSamples) {
    throw std::invalid_argument("samples must be from 1 to " + std::to_string(app::kMaxSamples));
  }
  if (block_size == 0 || block_size > app::kMaxBlockSize) {
    throw std::invalid_argument("block_size must be from 1 to " +
                                std::to_string(app::kMaxBlockSize));
  }
  if (threads < 0 || static_cast<std::uint64_t>(threads) > app::kMaxThreads) {
    throw std::invalid_argument("threads must be from 0 (one per core) to " +
                                std::to_string(app::kMaxThreads));
  }
  const std::vector<std::string> given = option_strings(options);
  const RunRequest request = request_of(s, models, options, at, seed);
  const RunPlan plan = plan_run(s.scenario(), request);
  const Sweep sw(s.scenario(), plan, seed, samples, block_size);
  const std::vector<Distribution> dists = distributions_of(sw);
  // The arrays are held whole in memory, unlike the sweep's statistics.
  constexpr double kMaxArrayBytes = 1024.0 * 1024.0 * 1024.0;
  if (arrays && static_cast<double>(samples) *
                        static_cast<double>(dists.size() + sw.outputs().size()) * sizeof(double) >
                    kMaxArrayBytes) {
    throw std::invalid_argument(
        "the per-sample arrays of " + std::to_string(samples) +
        " samples would take over 1 GiB; pass arrays=False (the summary needs no arrays)");
  }

  std::optional<RunStore> store;
  std::int64_t run_id = 0;
  if (db) {
    store.emplace(*db);
    const app::SweepSettings settings{samples, block_size,  keep_samples, given,
                                      at,      plan.models, seed};
    run_id = store->begin_run(app::sweep_record(s.input(), sw, settings, command));
  }

  // Per-sample arrays, filled by the workers (each block writes its own rows).
  const auto rows = static_cast<py::ssize_t>(samples);
  py::object in_array = py::none();
  py::object out_array = py::none();
  double* in_data = nullptr;
  double* out_data = nullptr;
  if (arrays) {
    py::array_t<double> in(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(dists.size())});
    py::array_t<double> out(
        std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(sw.outputs().size())});
    in_data = in.mutable_data();
    out_data = out.mutable_data();
    in_array = in;
    out_array = out;
  }

  CallState state;
  std::optional<app::SweepCheckpoints> checkpoints;
  if (store) checkpoints.emplace(*store, run_id);
  SweepStats merged = sw.empty_stats(0);
  SweepRunOptions run_options;
  run_options.threads = threads > 0 ? threads : default_threads();
  const std::size_t n_out = sw.outputs().size();
  const std::size_t n_in = dists.size();
  // Called by the workers after each block: the stop check (a sweep's samples check no
  // StopToken), the arrays, and the samples to store.
  run_options.sink = [&](std::uint64_t first, const std::vector<std::vector<double>>& values) {
    if (state.stop) throw RunStopped(kInterrupted);
    if (out_data != nullptr) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        std::copy(values[i].begin(), values[i].end(), out_data + (first + i) * n_out);
        // The inputs drawn for this sample, as run_block drew them.
        std::mt19937_64 rng(sample_seed(seed, first + i));
        double* row = in_data + (first + i) * n_in;
        for (std::size_t k = 0; k < n_in; ++k) row[k] = dists[k].sample(rng);
      }
    }
    if (keep_samples && checkpoints) checkpoints->keep(first, values);
  };
  run_options.on_progress = [&](const SweepStats& stats) {
    state.done = stats.samples;
    if (checkpoints) checkpoints->save_if_due(stats);
  };
  std::function<void()> poll;
  if (!progress.is_none()) {
    poll = [&] { progress(static_cast<unsigned long long>(state.done), samples); };
  }
  run_stored(
      state, store, run_id,
      [&] {
        run_sweep(sw, merged, run_options);
        if (checkpoints) checkpoints->save(merged);
      },
      poll);
  json document = app::sweep_document(s.raw(), sw, merged, run_id);
  finish(store, run_id, document, app::sweep_forecast_rows(document));
  if (!db) document["run_id"] = nullptr;
  py::list outputs;
  for (const SweepOutput& o : sw.outputs()) {
    outputs.append(py::dict(py::arg("id") = o.id, py::arg("model") = o.model,
                            py::arg("issue") = o.issue, py::arg("metric") = o.metric,
                            py::arg("lo") = o.lo, py::arg("hi") = o.hi));
  }
  return py::make_tuple(to_python(document), sw.inputs(), outputs, in_array, out_array);
}

py::object sensitivity(const PyScenario& s, const std::string& method,
                       std::optional<std::size_t> samples, const std::vector<std::string>& models,
                       const py::object& options, std::uint64_t seed, const std::string& at,
                       int threads, const std::optional<std::string>& db,
                       const std::string& command) {
  if (samples && (*samples < 1 || *samples > app::kMaxSensitivitySamples)) {
    throw std::invalid_argument("samples must be from 1 to " +
                                std::to_string(app::kMaxSensitivitySamples));
  }
  const RunRequest request = request_of(s, models, options, at, seed);
  const RunPlan plan = plan_run(s.scenario(), request);
  const Sweep sw(s.scenario(), plan, seed, 1);
  if (sw.inputs().empty()) {
    throw std::invalid_argument(
        "the scenario has no uncertain numbers (give some as distributions, e.g. position: "
        "{normal: [60, 10]}); nothing to analyse");
  }
  CallState state;
  app::SensitivitySettings settings;
  settings.method = method;
  settings.samples = samples;
  settings.seed = seed;
  settings.threads = threads > 0 ? threads : default_threads();
  settings.check = [&state] {
    if (state.stop) throw RunStopped(kInterrupted);
  };
  json analysis;
  std::optional<RunStore> none;
  run_stored(state, none, 0, [&] { analysis = app::analyse_sensitivity(sw, settings); });
  json document = app::sensitivity_document(s.raw(), sw, seed, analysis);
  document["run_id"] = nullptr;
  if (db) {
    std::optional<RunStore> store;
    store.emplace(*db);
    const std::int64_t run_id =
        store->begin_run(app::sensitivity_record(s.input(), sw, method, analysis, seed, command));
    document["run_id"] = run_id;
    finish(store, run_id, document, {});
  }
  return to_python(document);
}

double nan_if_missing(const std::optional<double>& x) { return x ? *x : std::nan(""); }

py::tuple backtest_deu(const std::string& path, const std::vector<std::string>& models,
                       const py::object& options, const std::string& capability,
                       std::uint64_t seed) {
  if (capability != "equal" && capability != "gdp") {
    throw std::invalid_argument("capability '" + capability + "': expected equal or gdp");
  }
  const std::string text = app::read_input_file(path);
  const std::vector<DeuCase> cases =
      load_deu_tsv(text, path, capability == "gdp" ? DeuCapability::kGdp : DeuCapability::kEqual);
  if (cases.empty()) {
    throw std::invalid_argument(
        path + ": no issue with an outcome and at least 3 actors; nothing to score");
  }
  RunRequest request;
  if (models.empty()) {
    for (const ModelInfo& info : registered_models()) {
      if (info.scope == ModelInfo::Scope::kIssue) request.models.push_back(info.name);
    }
  } else {
    request.models = models;
  }
  request.options = option_strings(options);
  const RunPlan plan = plan_run(cases.front().scenario, request);
  CallState state;
  std::vector<BacktestScore> scores;
  // Per case and model, the forecast run_backtest scores: the same model, options and seed.
  std::vector<std::vector<double>> forecasts(cases.size());
  std::optional<RunStore> none;
  run_stored(state, none, 0, [&] {
    std::vector<std::unique_ptr<Model>> made;
    for (const std::string& name : plan.models) {
      const auto it = plan.options.find(name);
      made.push_back(make_model(
          name, it == plan.options.end() ? std::map<std::string, std::string>{} : it->second));
    }
    for (std::size_t c = 0; c < cases.size(); ++c) {
      if (state.stop) throw RunStopped(kInterrupted);
      const Scenario current = cases[c].scenario.current();
      for (const auto& model : made) {
        double f = std::nan("");
        if (model->applicability(current).empty()) {
          const Result r = model->run(current, RunContext{seed});
          if (!r.issues.empty()) f = nan_if_missing(r.issues.front().forecast);
        }
        forecasts[c].push_back(f);
      }
    }
    scores = run_backtest(cases, plan.models, seed, plan.options);
  });
  py::list rows;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const Issue& issue = cases[c].scenario.issues.front();
    py::dict row;
    row["issue"] = issue.id;
    row["name"] = issue.name;
    row["line"] = cases[c].line;
    row["actors"] = issue.stances.size();
    row["outcome"] = cases[c].outcome;
    for (std::size_t k = 0; k < plan.models.size(); ++k)
      row[py::str(plan.models[k])] = forecasts[c][k];
    rows.append(row);
  }
  py::list summary;
  for (const BacktestScore& sc : scores) {
    summary.append(py::dict(py::arg("model") = sc.model, py::arg("n") = sc.n,
                            py::arg("mae") = sc.mae, py::arg("rmse") = sc.rmse,
                            py::arg("beats_compromise_share") = sc.beats_compromise_share,
                            py::arg("skipped") = sc.skipped));
  }
  return py::make_tuple(rows, summary, plan.models);
}

py::list models() {
  py::list out;
  for (const ModelInfo& info : registered_models()) {
    py::list options;
    for (const OptionSpec& o : info.options) {
      const char* type = o.type == OptionSpec::Type::kNumber    ? "number"
                         : o.type == OptionSpec::Type::kInteger ? "integer"
                                                                : "string";
      options.append(py::dict(py::arg("name") = o.name, py::arg("default") = o.default_value,
                              py::arg("description") = o.description,
                              py::arg("choices") = o.choices, py::arg("type") = type));
    }
    out.append(
        py::dict(py::arg("name") = info.name, py::arg("description") = info.description,
                 py::arg("scope") = info.scope == ModelInfo::Scope::kIssue ? "issue" : "scenario",
                 py::arg("options") = options));
  }
  return out;
}

py::dict record_dict(const RunRecord& r, bool full) {
  py::dict d;
  d["id"] = r.id;
  d["kind"] = r.kind;
  d["status"] = r.abandoned ? "abandoned" : r.status;
  d["created_at"] = r.created_at;
  d["finished_at"] = r.finished_at.empty() ? py::object(py::none()) : py::str(r.finished_at);
  d["scenario_id"] = r.scenario_id;
  d["scenario_source"] = r.scenario_source;
  d["at"] = r.at_date;
  d["models"] = r.models;
  d["seed"] = r.seed;
  d["command"] = r.command;
  d["error"] = r.error.empty() ? py::object(py::none()) : py::str(r.error);
  if (full) {
    d["scenario_hash"] = r.scenario_hash;
    d["scenario_text"] = r.scenario_text;
    d["version"] = r.version;
    d["parameters"] = to_python(r.parameters);
    d["result"] = r.result.is_null() ? py::object(py::none()) : to_python(r.result);
  }
  return d;
}

// The run store, opened read-only for each call as the CLI's reading commands open it.
struct PyStore {
  std::string path;
  [[nodiscard]] RunStore open() const { return RunStore(path, RunStore::Access::kReadOnly); }
};

}  // namespace

void bind_runs(py::module_& m) {
  m.def("run", &run, py::arg("scenario"), py::arg("models"), py::arg("options"), py::arg("seed"),
        py::arg("at"), py::arg("db"), py::arg("command"));
  m.def("sweep", &sweep, py::arg("scenario"), py::arg("models"), py::arg("options"),
        py::arg("seed"), py::arg("at"), py::arg("samples"), py::arg("threads"),
        py::arg("block_size"), py::arg("arrays"), py::arg("keep_samples"), py::arg("db"),
        py::arg("command"), py::arg("progress"));
  m.def("sensitivity", &sensitivity, py::arg("scenario"), py::arg("method"), py::arg("samples"),
        py::arg("models"), py::arg("options"), py::arg("seed"), py::arg("at"), py::arg("threads"),
        py::arg("db"), py::arg("command"));
  m.def("backtest_deu", &backtest_deu, py::arg("path"), py::arg("models"), py::arg("options"),
        py::arg("capability"), py::arg("seed"));
  m.def("models", &models);
  m.attr("default_seed") = kDefaultSeed;
  m.attr("default_block_size") = Sweep::kDefaultBlockSize;

  py::class_<PyStore>(m, "Store")
      .def(py::init([](const std::string& path) {
             PyStore s{path};
             (void)s.open();  // a missing or unreadable store fails here, not at first use
             return s;
           }),
           py::arg("path"))
      .def_property_readonly("path", [](const PyStore& s) { return s.path; })
      .def(
          "list",
          [](const PyStore& s, std::size_t limit) {
            py::list out;
            for (const RunRecord& r : s.open().list_runs(limit)) out.append(record_dict(r, false));
            return out;
          },
          py::arg("limit") = 0)
      .def(
          "get",
          [](const PyStore& s, std::int64_t id) -> py::object {
            const auto r = s.open().get_run(id);
            if (!r) return py::none();
            return record_dict(*r, true);
          },
          py::arg("id"))
      .def(
          "export",
          [](const PyStore& s, std::int64_t id, const std::string& format) {
            if (format == "csv") return s.open().export_csv(id);
            if (format == "json") return s.open().export_json(id) + "\n";
            throw std::invalid_argument("format '" + format + "': expected csv or json");
          },
          py::arg("id"), py::arg("format") = "json")
      .def(
          "samples",
          [](const PyStore& s, std::int64_t id) -> py::object {
            const RunStore store = s.open();
            const auto r = store.get_run(id);
            if (!r || r->kind != "sweep" || !r->result.contains("outputs")) return py::none();
            const std::size_t n = r->result["outputs"].size();
            const auto rows = store.sweep_samples(id, n);
            py::array_t<double> out(
                {static_cast<py::ssize_t>(rows.size()), static_cast<py::ssize_t>(n)});
            auto view = out.mutable_unchecked<2>();
            for (std::size_t i = 0; i < rows.size(); ++i) {
              for (std::size_t k = 0; k < n; ++k) {
                view(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(k)) = rows[i][k];
              }
            }
            return out;
          },
          py::arg("id"));
}

}  // namespace entente::python
