#include "app/sensitivity_analysis.hpp"

#include <cmath>
#include <utility>

namespace entente::app {

namespace {

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; }

nlohmann::json morris_json(const SensitivityProblem& p, const MorrisResult& r) {
  nlohmann::json outputs = nlohmann::json::array();
  for (const MorrisOutput& o : r.outputs) {
    nlohmann::json ranked = nlohmann::json::array();
    for (std::size_t i : o.ranking) {
      const MorrisEffect& e = o.effects[i];
      ranked.push_back({{"input", p.inputs[i].name},
                        {"rank", e.rank},
                        {"mu", number(e.mu)},
                        {"mu_star", number(e.mu_star)},
                        {"sigma", number(e.sigma)},
                        {"effects_used", e.effects_used}});
    }
    outputs.push_back({{"output", o.name}, {"inputs", ranked}});
  }
  return {{"method", "morris"},           {"trajectories", r.options.trajectories},
          {"levels", r.options.levels},   {"delta", r.delta},
          {"evaluations", r.evaluations}, {"outputs", outputs}};
}

nlohmann::json sobol_json(const SensitivityProblem& p, const SobolResult& r) {
  nlohmann::json outputs = nlohmann::json::array();
  for (const SobolOutput& o : r.outputs) {
    nlohmann::json ranked = nlohmann::json::array();
    for (std::size_t i : o.ranking) {
      const SobolIndex& s = o.indices[i];
      ranked.push_back({{"input", p.inputs[i].name},
                        {"rank", s.rank},
                        {"first", number(s.first)},
                        {"first_ci", {number(s.first_ci.lo), number(s.first_ci.hi)}},
                        {"total", number(s.total)},
                        {"total_ci", {number(s.total_ci.lo), number(s.total_ci.hi)}}});
    }
    outputs.push_back({{"output", o.name},
                       {"rows_used", o.rows_used},
                       {"mean", number(o.mean)},
                       {"variance", number(o.variance)},
                       {"inputs", ranked}});
  }
  return {{"method", "sobol"},
          {"samples", r.options.samples},
          {"bootstrap", r.options.bootstrap},
          {"confidence", r.options.confidence},
          {"evaluations", r.evaluations},
          {"outputs", outputs}};
}

}  // namespace

SensitivityProblem sensitivity_problem(const Sweep& sweep, std::function<void()> check) {
  SensitivityProblem p;
  Scenario copy = sweep.applied();
  copy.for_each_quantity([&](const std::string& path, Quantity& q) {
    const Distribution d = *q.dist;
    p.inputs.push_back({path, [d](double u) { return d.quantile(u); }});
  });
  for (const SweepOutput& o : sweep.outputs()) p.outputs.push_back(o.id);
  const std::uint64_t seed = sweep.seed();
  p.model = [&sweep, seed, check = std::move(check)](const std::vector<double>& x) {
    // Outside the try below: a stop is not a point the models cannot use.
    if (check) check();
    Scenario s = sweep.applied();
    std::size_t i = 0;
    s.for_each_quantity([&](const std::string& /*path*/, Quantity& q) { q.value = x[i++]; });
    try {
      return sweep.evaluate(s, seed);
    } catch (const std::runtime_error&) {
      // A point the models cannot use counts as "no answer", as in a sweep.
      return std::vector<double>(sweep.outputs().size(), std::nan(""));
    }
  };
  return p;
}

nlohmann::json analyse_sensitivity(const Sweep& sweep, const SensitivitySettings& settings) {
  const SensitivityProblem problem = sensitivity_problem(sweep, settings.check);
  if (settings.method == "morris") {
    MorrisOptions o;
    o.trajectories = static_cast<int>(settings.samples.value_or(20));
    o.seed = settings.seed;
    o.threads = settings.threads;
    return morris_json(problem, morris(problem, o));
  }
  if (settings.method == "sobol") {
    SobolOptions o;
    o.samples = settings.samples.value_or(256);
    o.seed = settings.seed;
    o.threads = settings.threads;
    return sobol_json(problem, sobol(problem, o));
  }
  throw std::invalid_argument("method '" + settings.method + "': expected morris or sobol");
}

nlohmann::json sensitivity_document(const LoadedInput& input, const Sweep& sweep,
                                    std::uint64_t seed, const nlohmann::json& analysis) {
  nlohmann::json document = {{"scenario",
                              {{"id", input.scenario.id},
                               {"title", input.scenario.title},
                               {"source", input.source},
                               {"at", sweep.plan().at.str()}}},
                             {"kind", "sensitivity"},
                             {"seed", std::to_string(seed)},
                             {"models", sweep.plan().models},
                             {"inputs", sweep.inputs()}};
  document.update(analysis);
  return document;
}

NewRun sensitivity_record(const LoadedInput& input, const Sweep& sweep, const std::string& method,
                          const nlohmann::json& analysis, std::uint64_t seed,
                          const std::string& command) {
  NewRun rec;
  rec.kind = "sensitivity";
  rec.scenario_id = input.scenario.id;
  rec.scenario_source = input.source;
  rec.scenario_text = input.text;
  rec.at_date = sweep.plan().at.str();
  rec.models = sweep.plan().models;
  rec.parameters = {
      {"method", method},
      {"samples", analysis.contains("samples") ? analysis["samples"] : analysis["trajectories"]},
      {"options", sweep.plan().options}};
  rec.seed = seed;
  rec.command = command;
  return rec;
}

}  // namespace entente::app
