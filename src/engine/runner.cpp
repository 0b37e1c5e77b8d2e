#include "entente/runner.hpp"

#include <algorithm>
#include <stdexcept>

#include "entente/forecast_intervals.hpp"

namespace entente {

namespace {
nlohmann::json quantity_json(const Quantity& q) {
  if (!q.dist) return q.value;
  return nlohmann::json{{"value", q.value}, {"distribution", q.dist->str()}};
}

// Adds the calibrated interval around an issue forecast to the model's entry `m`, or says
// why there is none. The calibration was fitted with default options: a run with other
// options gets the interval with a note that it may not fit.
void add_interval(nlohmann::json& m, const std::string& model, const std::optional<double>& f,
                  const Scale& scale, bool custom_options) {
  const ForecastIntervalCalibration& cal = embedded_forecast_interval_calibration();
  if (!f) return;
  if (const auto interval = forecast_interval(cal, model, *f, scale)) {
    m["interval"] = {(*interval)[0], (*interval)[1]};
    if (custom_options) {
      m["interval_note"] =
          "calibrated with the model's default options; these options' errors were not measured";
    }
  } else {
    m["interval"] = nullptr;
    m["interval_note"] = "no calibration for " + model + " in " + cal.source +
                         "; run `entente fit intervals` and rebuild";
  }
}

nlohmann::json body_json(const DecisionBody& b) {
  nlohmann::json voters = nlohmann::json::object();
  for (const Voter& v : b.voters) {
    nlohmann::json one = {{"weight", v.weight}};
    if (v.population) one["population"] = *v.population;
    voters[v.actor] = std::move(one);
  }
  nlohmann::json j = {{"rule", voting_rule_name(b.rule)}, {"voters", std::move(voters)}};
  if (b.threshold) j["threshold"] = *b.threshold;
  if (b.member_share) j["members"] = *b.member_share;
  if (b.population_share) j["population_share"] = *b.population_share;
  if (b.min_blockers > 0) j["min_blockers"] = b.min_blockers;
  return j;
}

// The procedure that decides an issue, as the run document shows it (docs/scenario.md).
nlohmann::json procedure_json(const Procedure& p) {
  nlohmann::json j = body_json(p.body);
  j["summary"] = p.describe();
  if (!p.agenda_setter.empty()) j["agenda_setter"] = p.agenda_setter;
  if (!p.vetoes.empty()) j["vetoes"] = p.vetoes;
  if (p.co_decision) j["co_decision"] = body_json(*p.co_decision);
  if (!p.basis.empty()) j["basis"] = p.basis;
  return j;
}
}  // namespace

RunPlan plan_run(const Scenario& scenario, const RunRequest& request) {
  RunPlan plan;
  plan.at = request.at.value_or(scenario.as_of);
  if (request.models.empty()) {
    for (const ModelInfo& info : registered_models()) {
      const std::string why = make_model(info.name)->applicability(scenario);
      if (why.empty()) {
        plan.models.push_back(info.name);
      } else {
        plan.skipped.push_back(info.name + ": " + why);
      }
    }
  } else {
    for (const std::string& name : request.models) {
      if (std::find(plan.models.begin(), plan.models.end(), name) != plan.models.end()) continue;
      const std::string why = make_model(name)->applicability(scenario);  // throws if unknown
      if (!why.empty()) {
        throw std::invalid_argument("model '" + name + "' cannot run on this scenario: " + why);
      }
      plan.models.push_back(name);
    }
  }
  for (const std::string& raw : request.options) {
    const auto eq = raw.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::invalid_argument("--option '" + raw +
                                  "': expected NAME=VALUE or MODEL.NAME=VALUE");
    }
    std::string key = raw.substr(0, eq);
    const std::string value = raw.substr(eq + 1);
    const auto dot = key.find('.');
    if (dot != std::string::npos) {
      const std::string model = key.substr(0, dot);
      if (std::find(plan.models.begin(), plan.models.end(), model) == plan.models.end()) {
        throw std::invalid_argument("--option '" + raw + "': model '" + model +
                                    "' is not among the models of this run");
      }
      // Stored under the model's own spelling, whichever of '-' and '_' the user typed.
      std::string name = key.substr(dot + 1);
      if (const ModelInfo* info = find_model(model); info != nullptr) {
        for (const OptionSpec& o : info->options) {
          if (same_option_name(o.name, name)) name = o.name;
        }
      }
      plan.options[model][name] = value;
      continue;
    }
    bool used = false;
    for (const std::string& model : plan.models) {
      const ModelInfo* info = find_model(model);
      if (info == nullptr) continue;
      if (const auto o = std::find_if(
              info->options.begin(), info->options.end(),
              [&](const OptionSpec& spec) { return same_option_name(spec.name, key); });
          o != info->options.end()) {
        plan.options[model][o->name] = value;
        used = true;
      }
    }
    if (!used) {
      throw std::invalid_argument("--option '" + raw + "': no model of this run has an option '" +
                                  key + "' (see `entente models`)");
    }
  }
  // Validate every option set now, before anything runs or is stored.
  for (const auto& model : plan.models) (void)make_model(model, plan.options[model]);
  return plan;
}

RunOutput execute_run(const Scenario& scenario, const RunPlan& plan, std::uint64_t seed,
                      const StopToken* stop) {
  RunOutput out;
  out.applied = scenario.at(plan.at);
  RunContext context{seed};
  context.stop = stop;
  for (const std::string& name : plan.models) {
    context.check_stop();
    auto it = plan.options.find(name);
    auto model = make_model(
        name, it == plan.options.end() ? std::map<std::string, std::string>{} : it->second);
    Result r = model->run(out.applied, context);
    r.model = name;
    out.results.push_back(std::move(r));
  }

  const Scenario& s = out.applied;
  nlohmann::json doc;
  doc["scenario"] = {{"id", s.id},
                     {"title", s.title},
                     {"source", s.source},
                     {"as_of", s.as_of.str()},
                     {"at", plan.at.str()}};
  doc["run_id"] = nullptr;
  doc["seed"] = seed;
  nlohmann::json issues = nlohmann::json::array();
  for (const Issue& is : s.issues) {
    nlohmann::json j;
    j["id"] = is.id;
    j["name"] = is.name;
    j["scale"] = {{"min", is.scale.min}, {"max", is.scale.max}};
    if (!is.scale.unit.empty()) j["scale"]["unit"] = is.scale.unit;
    nlohmann::json anchors = nlohmann::json::array();
    for (const Anchor& a : is.scale.anchors)
      anchors.push_back({{"value", a.value}, {"label", a.label}});
    j["scale"]["anchors"] = anchors;
    if (is.status_quo) j["status_quo"] = quantity_json(*is.status_quo);
    nlohmann::json positions = nlohmann::json::object();
    for (const Stance& st : is.stances) {
      const Actor* a = s.actor(st.actor);
      positions[st.actor] = {{"position", quantity_json(st.position)},
                             {"salience", quantity_json(st.salience)},
                             {"capability", a != nullptr ? a->capability.value : 0.0}};
    }
    j["positions"] = positions;
    if (const Procedure* proc = s.procedure_for(is)) j["procedure"] = procedure_json(*proc);
    j["models"] = nlohmann::json::object();
    issues.push_back(std::move(j));
  }
  nlohmann::json scenario_models = nlohmann::json::object();
  nlohmann::json warnings = nlohmann::json::array();
  for (const std::string& w : plan.skipped) warnings.push_back("skipped " + w);
  // What the loader found suspicious (e.g. a burden field given for one member only).
  for (const Diagnostic& d : s.warnings) warnings.push_back("scenario: " + format_diagnostic(d));
  bool any_forecast = false;
  for (const Result& r : out.results) {
    for (const std::string& w : r.warnings) warnings.push_back(r.model + ": " + w);
    for (const IssueResult& ir : r.issues) {
      auto it = std::find_if(issues.begin(), issues.end(),
                             [&](const nlohmann::json& j) { return j["id"] == ir.issue; });
      if (it == issues.end()) {
        throw std::logic_error("model " + r.model + " reported an unknown issue " + ir.issue);
      }
      nlohmann::json m = ir.details.is_object() ? ir.details : nlohmann::json::object();
      m["forecast"] = ir.forecast ? nlohmann::json(*ir.forecast) : nlohmann::json(nullptr);
      const auto issue = std::find_if(s.issues.begin(), s.issues.end(),
                                      [&](const Issue& is) { return is.id == ir.issue; });
      const auto options = plan.options.find(r.model);
      add_interval(m, r.model, ir.forecast, issue->scale,
                   options != plan.options.end() && !options->second.empty());
      any_forecast = any_forecast || ir.forecast.has_value();
      if (!ir.trace.empty()) m["trace"] = ir.trace;
      (*it)["models"][r.model] = std::move(m);
    }
    if (!r.details.empty() || !r.trace.empty() || !r.outputs.empty()) {
      nlohmann::json m = r.details.is_object() ? r.details : nlohmann::json::object();
      if (!r.trace.empty()) m["trace"] = r.trace;
      // The model's headline numbers in one generic form, so that readers (the CSV export)
      // need not know each model's details.
      if (!r.outputs.empty()) {
        nlohmann::json outputs = nlohmann::json::array();
        for (const Output& o : r.outputs) {
          nlohmann::json j = {{"name", o.name}, {"value", o.value}, {"lo", o.lo}, {"hi", o.hi}};
          if (!o.label.empty()) j["label"] = o.label;
          if (!o.group.empty()) j["group"] = o.group;
          outputs.push_back(std::move(j));
        }
        m["outputs"] = std::move(outputs);
      }
      scenario_models[r.model] = std::move(m);
    }
  }
  doc["issues"] = std::move(issues);
  if (any_forecast) {
    // Where the issue forecasts' intervals come from, so a reader can judge them.
    const ForecastIntervalCalibration& cal = embedded_forecast_interval_calibration();
    doc["forecast_intervals"] = {
        {"level", cal.level}, {"data", cal.data}, {"source", cal.source}, {"method", cal.method}};
  }
  doc["models"] = std::move(scenario_models);
  doc["warnings"] = std::move(warnings);
  out.document = std::move(doc);
  return out;
}

}  // namespace entente
