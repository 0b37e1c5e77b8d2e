// The API's routes: each a function of the request (and the run store) to a JSON response.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>

#include "cli/input.hpp"
#include "entente/embedded.hpp"
#include "entente/model.hpp"
#include "entente/report.hpp"
#include "entente/report_assets.hpp"
#include "entente/runner.hpp"
#include "entente/server.hpp"
#include "entente/store.hpp"
#include "entente/timeline.hpp"
#include "entente/version.hpp"
#include "server/assets.hpp"

namespace entente::server {

namespace {

using nlohmann::json;

// Natural Earth ids (ISO 3166 numeric) of the countries the map draws: the same as the
// report's, so the app's map is the report's map.
const std::set<std::string>& map_countries() {
  static const std::set<std::string> kIds = {"408", "410", "156", "392", "643"};
  return kIds;
}

// The built-in scenario's id in the API.
constexpr std::string_view kBuiltinId = "korea-2003";
constexpr std::string_view kBuiltinFile = "korea-2003.yaml";
// Runs listed when the request gives no limit.
constexpr std::size_t kDefaultRunLimit = 100;

// A request the API refuses; turned into a JSON error response by `handle`.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message, json extra = json::object())
      : std::runtime_error(message), status_(status), extra_(std::move(extra)) {}
  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const json& extra() const { return extra_; }

 private:
  int status_;
  json extra_;
};

// Invalid UTF-8 from an uploaded file must not make the reply itself fail.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = dump(body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response error_response(int status, const std::string& message, const json& extra = json{}) {
  json body = {{"error", message}, {"status", status}};
  if (extra.is_object()) body.update(extra);
  return json_response(status, body);
}

json diagnostics_json(const Diagnostics& diags) {
  json out = json::array();
  for (const Diagnostic& d : diags.items()) {
    out.push_back({{"file", d.where.file},
                   {"line", d.where.line},
                   {"column", d.where.column},
                   {"path", d.path},
                   {"message", d.message},
                   {"text", format_diagnostic(d)}});
  }
  return out;
}

// --- request bodies -------------------------------------------------------------------

json parse_body(const Request& request) {
  if (request.body.empty()) throw HttpError(400, "the request has no body; expected a JSON object");
  json body;
  try {
    body = json::parse(request.body);
  } catch (const json::parse_error& e) {
    // nlohmann's message names the byte and what it found; drop its "[json.exception...]"
    // prefix, which means nothing to an API user.
    std::string what = e.what();
    if (const auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    throw HttpError(400, "the request body is not valid JSON: " + what);
  }
  if (!body.is_object()) {
    throw HttpError(
        400, fmt::format("the request body is a JSON {}; expected an object", body.type_name()));
  }
  return body;
}

std::string string_field(const json& body, const char* name, const std::string& fallback = "") {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_string()) {
    throw HttpError(400,
                    fmt::format("field '{}' is a {}; expected a string", name, it->type_name()));
  }
  return it->get<std::string>();
}

std::vector<std::string> strings_field(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_array()) {
    throw HttpError(400, fmt::format("field '{}' is a {}; expected an array of strings", name,
                                     it->type_name()));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      throw HttpError(400, fmt::format("field '{}[{}]' is a {}; expected a string", name, i,
                                       (*it)[i].type_name()));
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

std::uint64_t seed_field(const json& body) {
  const auto it = body.find("seed");
  if (it == body.end() || it->is_null()) return kDefaultSeed;
  if (!it->is_number_unsigned()) {
    throw HttpError(400,
                    fmt::format("field 'seed' is {}; expected a non-negative integer", it->dump()));
  }
  return it->get<std::uint64_t>();
}

std::optional<Date> date_field(const std::string& name, const std::string& text) {
  if (text.empty()) return std::nullopt;
  const auto d = Date::parse(text);
  if (!d) {
    throw HttpError(
        400, fmt::format("field '{}': '{}' is not a valid date; expected YYYY-MM-DD", name, text));
  }
  return d;
}

std::int64_t parse_id(const std::string& text, const char* what) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw HttpError(
        400, fmt::format("{} '{}' is not a run id; expected a positive integer", what, text));
  }
  return id;
}

// --- scenarios --------------------------------------------------------------------------

// A scenario from the built-in list by id, or from text the client sent. The built-in text is
// stored under the same source name as `entente run` uses, so its runs are the CLI's runs.
cli::LoadedInput load_text(const std::string& text, const std::string& name) {
  try {
    if (name == kDefaultScenarioName ||
        (name == kBuiltinFile && text == embedded_default_scenario())) {
      return cli::load_input_text(text, std::string(kDefaultScenarioName));
    }
    return cli::load_input_text(text, name.empty() ? "scenario.yaml" : name);
  } catch (const InputError& e) {
    throw HttpError(422,
                    fmt::format("the scenario has {} error{}", e.diagnostics().size(),
                                e.diagnostics().size() == 1 ? "" : "s"),
                    {{"diagnostics", diagnostics_json(e.diagnostics())}});
  }
}

cli::LoadedInput scenario_from(const json& body) {
  const std::string id = string_field(body, "scenario");
  const bool has_text = body.contains("text") && !body["text"].is_null();
  if (!id.empty() && has_text) {
    throw HttpError(400, "give either 'scenario' (a built-in id) or 'text', not both");
  }
  if (!id.empty()) {
    if (id != kBuiltinId) {
      throw HttpError(404,
                      fmt::format("no built-in scenario '{}'; GET /api/scenarios lists them", id));
    }
    return load_text(std::string(embedded_default_scenario()), std::string(kDefaultScenarioName));
  }
  if (!has_text) {
    throw HttpError(400,
                    "the request names no scenario: give 'scenario' (a built-in id) or "
                    "'text' (YAML or a CSV actor table)");
  }
  return load_text(string_field(body, "text"), string_field(body, "name"));
}

// The request's models, options, date and seed, resolved against the scenario. Usage
// errors (unknown model or option) are the client's: 400.
struct Planned {
  RunRequest request;
  RunPlan plan;
};

Planned plan_from(const json& body, const cli::LoadedInput& input) {
  Planned p;
  p.request.models = strings_field(body, "models");
  p.request.options = input.options;
  const auto options = strings_field(body, "options");
  p.request.options.insert(p.request.options.end(), options.begin(), options.end());
  p.request.at = date_field("at", string_field(body, "at"));
  p.request.seed = seed_field(body);
  try {
    p.plan = plan_run(input.scenario, p.request);
  } catch (const std::invalid_argument& e) {
    throw HttpError(400, e.what());
  }
  return p;
}

// Runs the plan; a model's failure is the server's (500), with the model's message.
RunOutput execute(const cli::LoadedInput& input, const Planned& p) {
  try {
    return execute_run(input.scenario, p.plan, p.request.seed);
  } catch (const std::exception& e) {
    throw HttpError(500, std::string("run failed: ") + e.what());
  }
}

json inputs_json(const std::vector<Input>& inputs) {
  json out = json::array();
  for (const Input& i : inputs) {
    out.push_back({{"path", i.path},
                   {"label", i.label},
                   {"group", i.group},
                   {"value", i.value},
                   {"min", i.min},
                   {"max", i.max},
                   {"step", i.step}});
  }
  return out;
}

json forecasts_json(const std::vector<Forecast>& list) {
  json out = json::array();
  for (const Forecast& f : list) {
    out.push_back({{"key", f.key},
                   {"group", f.group},
                   {"model", f.model},
                   {"label", f.label},
                   {"value", f.value ? json(*f.value) : json(nullptr)}});
  }
  return out;
}

// The model options a run was made with, as "model.name=value" (what `options` takes).
std::vector<std::string> options_of(const RunRecord& r) {
  std::vector<std::string> out;
  const json options =
      r.parameters.is_object() ? r.parameters.value("options", json::object()) : json::object();
  if (!options.is_object()) return out;
  for (const auto& [model, values] : options.items()) {
    if (!values.is_object()) continue;
    for (const auto& [name, value] : values.items()) {
      out.push_back(model + "." + name + "=" +
                    (value.is_string() ? value.get<std::string>() : value.dump()));
    }
  }
  return out;
}

json run_summary(const RunRecord& r) {
  return {{"id", r.id},
          {"kind", r.kind},
          {"status", r.status},
          {"created_at", r.created_at},
          {"finished_at", r.finished_at},
          {"scenario_id", r.scenario_id},
          {"scenario_source", r.scenario_source},
          {"at", r.at_date},
          {"models", r.models},
          {"options", options_of(r)},
          {"seed", r.seed},
          {"error", r.error}};
}

json sections_json(const std::vector<report::Section>& sections) {
  json out = json::array();
  for (const report::Section& s : sections) {
    json charts = json::array();
    for (const report::Chart& c : s.charts) {
      charts.push_back(
          {{"id", c.id}, {"title", c.title}, {"caption", c.caption}, {"spec", c.spec}});
    }
    out.push_back(
        {{"id", s.id}, {"title", s.title}, {"intro", s.intro}, {"charts", std::move(charts)}});
  }
  return out;
}

// Milliseconds since `start`, for the `elapsed_ms` the run routes report.
double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

using Params = std::vector<std::string>;
using Handler = std::function<Response(const Request&, const Params&)>;

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // path segments; "*" matches one segment
  Handler handler;
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string::npos ? path.size() : j;
    if (end > i) out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace

struct Api::Impl {
  ApiOptions options;
  std::vector<Route> routes;
  // The map's country outlines, decoded once: the world atlas is large and never changes.
  json countries;

  [[nodiscard]] RunStore store() const {
    try {
      return RunStore(options.db);
    } catch (const StoreError& e) {
      throw HttpError(500, std::string("run store: ") + e.what());
    }
  }

  [[nodiscard]] RunRecord finished_run(const RunStore& store, std::int64_t id) const {
    auto r = store.get_run(id);
    if (!r) throw HttpError(404, fmt::format("no run {} in the store", id));
    if (r->status != "done") {
      throw HttpError(409,
                      fmt::format("run {} is {}; only finished runs have results", id, r->status),
                      {{"run", run_summary(*r)}});
    }
    return *r;
  }

  // The report's sections (issues, alliances, crisis, map, uncertainty) for a scenario and
  // the documents made from it. The alliance timeline costs one alliance run per month:
  // `timeline` false leaves it out (what-if answers, which must be quick).
  [[nodiscard]] json sections(const Scenario& s, Date at, report::ReportInput in,
                              bool timeline) const {
    if (timeline && !s.alliances.empty()) {
      auto [from, to] = default_timeline_range(s);
      TimelineRequest request;
      request.from = from;
      request.to = at < from ? from : at;
      in.timeline = alliance_timeline(s, request).rows;
    }
    if (!s.forces.empty()) in.map = report::map_layers(s.at(at));
    return sections_json(report::build_sections(in, s.forces.empty() ? json::array() : countries));
  }

  void add(std::string method, const std::string& path, Handler handler) {
    routes.push_back({std::move(method), split_path(path), std::move(handler)});
  }

  void build_routes();
  [[nodiscard]] Response dispatch(const Request& request) const;
};

void Api::Impl::build_routes() {
  add("GET", "/api", [](const Request&, const Params&) {
    return json_response(200, {{"name", "entente"},
                               {"version", std::string(version())},
                               {"max_body_bytes", kMaxRequestBytes},
                               {"docs", "docs/api.md"}});
  });

  add("GET", "/api/models", [](const Request&, const Params&) {
    json out = json::array();
    for (const ModelInfo& info : registered_models()) {
      json option_list = json::array();
      for (const OptionSpec& o : info.options) {
        option_list.push_back({{"name", o.name},
                               {"default", o.default_value},
                               {"description", o.description},
                               {"choices", o.choices}});
      }
      out.push_back({{"name", info.name},
                     {"description", info.description},
                     {"scope", info.scope == ModelInfo::Scope::kIssue ? "issue" : "scenario"},
                     {"options", option_list}});
    }
    return json_response(200, {{"models", out}});
  });

  add("GET", "/api/scenarios", [](const Request&, const Params&) {
    const auto input =
        load_text(std::string(embedded_default_scenario()), std::string(kDefaultScenarioName));
    return json_response(200, {{"scenarios",
                                {{{"id", kBuiltinId},
                                  {"name", kBuiltinFile},
                                  {"title", input.scenario.title},
                                  {"as_of", input.scenario.as_of.str()},
                                  {"source", input.source}}}}});
  });

  add("GET", "/api/scenarios/*", [](const Request& request, const Params& p) {
    if (p[0] != kBuiltinId) {
      throw HttpError(
          404, fmt::format("no built-in scenario '{}'; GET /api/scenarios lists them", p[0]));
    }
    const std::string text(embedded_default_scenario());
    // ?format=yaml: the file itself, for curl -o.
    if (const auto f = request.query.find("format"); f != request.query.end()) {
      if (f->second != "yaml" && f->second != "json") {
        throw HttpError(400, fmt::format("format '{}': expected yaml or json", f->second));
      }
      if (f->second == "yaml") {
        Response r;
        r.content_type = "text/yaml; charset=utf-8";
        r.body = text;
        return r;
      }
    }
    const auto input = load_text(text, std::string(kDefaultScenarioName));
    return json_response(200, {{"id", kBuiltinId},
                               {"name", kBuiltinFile},
                               {"title", input.scenario.title},
                               {"source", input.source},
                               {"text", text}});
  });

  // The body is the scenario text itself, so an editor can post what it holds.
  add("POST", "/api/validate", [](const Request& request, const Params&) {
    const auto name_it = request.query.find("name");
    const std::string name = name_it == request.query.end() ? "" : name_it->second;
    const auto at_it = request.query.find("at");
    const auto at = date_field("at", at_it == request.query.end() ? "" : at_it->second);
    cli::LoadedInput input;
    try {
      input = load_text(request.body, name);
    } catch (const HttpError& e) {
      if (e.status() != 422) throw;
      return json_response(
          200,
          {{"valid", false}, {"message", e.what()}, {"diagnostics", e.extra()["diagnostics"]}});
    }
    const Scenario& s = input.scenario;
    const Date date = at.value_or(s.as_of);
    Scenario applied;
    try {
      applied = s.at(date);
    } catch (const std::exception& e) {
      throw HttpError(422, std::string("applying the events: ") + e.what());
    }
    return json_response(200, {{"valid", true},
                               {"diagnostics", json::array()},
                               {"scenario",
                                {{"id", s.id},
                                 {"title", s.title},
                                 {"as_of", s.as_of.str()},
                                 {"at", date.str()},
                                 {"source", input.source}}},
                               {"inputs", inputs_json(inputs_of(applied))}});
  });

  add("POST", "/api/run", [this](const Request& request, const Params&) {
    const auto start = std::chrono::steady_clock::now();
    const json body = parse_body(request);
    const cli::LoadedInput input = scenario_from(body);
    const Planned p = plan_from(body, input);

    RunStore db = store();
    std::int64_t run_id = 0;
    try {
      NewRun rec;
      rec.scenario_id = input.scenario.id;
      rec.scenario_source = input.source;
      rec.scenario_text = input.text;
      rec.at_date = p.plan.at.str();
      rec.models = p.plan.models;
      rec.parameters = {{"options", p.plan.options}, {"at", p.plan.at.str()}};
      rec.seed = p.request.seed;
      rec.command = "POST /api/run";
      run_id = db.begin_run(rec);
    } catch (const StoreError& e) {
      throw HttpError(500, std::string("run store: ") + e.what());
    }
    RunOutput output;
    try {
      output = execute(input, p);
    } catch (const HttpError& e) {
      try {
        db.fail_run(run_id, e.what());
      } catch (const StoreError&) {
        // The run's own failure is the one to report; the row stays `running`.
      }
      throw HttpError(e.status(), e.what(), {{"run_id", run_id}});
    }
    output.document["run_id"] = run_id;
    std::vector<ForecastRow> rows;
    for (const Result& r : output.results) {
      for (const IssueResult& ir : r.issues) rows.push_back({r.model, ir.issue, ir.forecast});
    }
    try {
      db.finish_run(run_id, output.document, rows);
    } catch (const StoreError& e) {
      throw HttpError(500, std::string("run store: ") + e.what(), {{"run_id", run_id}});
    }
    Response r = json_response(201, {{"run_id", run_id},
                                     {"elapsed_ms", since(start)},
                                     {"forecasts", forecasts_json(forecasts_of(output.document))},
                                     {"document", output.document}});
    r.headers.emplace_back("Location", fmt::format("/api/runs/{}", run_id));
    return r;
  });

  add("GET", "/api/runs", [this](const Request& request, const Params&) {
    std::size_t limit = kDefaultRunLimit;
    if (const auto it = request.query.find("limit"); it != request.query.end()) {
      const auto [end, ec] =
          std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
      if (ec != std::errc() || end != it->second.data() + it->second.size()) {
        throw HttpError(
            400, fmt::format("limit '{}' is not a count; expected 0 (all) or more", it->second));
      }
    }
    json runs = json::array();
    for (const RunRecord& r : store().list_runs(limit)) runs.push_back(run_summary(r));
    return json_response(200, {{"runs", runs}});
  });

  add("GET", "/api/runs/*", [this](const Request&, const Params& p) {
    const std::int64_t id = parse_id(p[0], "run");
    const auto r = store().get_run(id);
    if (!r) throw HttpError(404, fmt::format("no run {} in the store", id));
    json out = run_summary(*r);
    out["scenario_hash"] = r->scenario_hash;
    out["scenario_text"] = r->scenario_text;
    out["parameters"] = r->parameters;
    out["version"] = r->version;
    out["command"] = r->command;
    out["result"] = r->result;
    out["forecasts"] = r->kind == "run" && r->result.is_object()
                           ? forecasts_json(forecasts_of(r->result))
                           : json::array();
    return json_response(200, out);
  });

  add("GET", "/api/runs/*/report", [this](const Request&, const Params& p) {
    const std::int64_t id = parse_id(p[0], "run");
    const RunRecord r = finished_run(store(), id);
    cli::LoadedInput input;
    try {
      input = cli::load_input_text(r.scenario_text, r.scenario_source);
    } catch (const InputError& e) {
      throw HttpError(500, fmt::format("run {}: its stored scenario no longer loads", id),
                      {{"diagnostics", diagnostics_json(e.diagnostics())}});
    }
    report::ReportInput in;
    if (r.kind == "sweep") {
      in.sweep = r.result;
    } else if (r.kind == "sensitivity") {
      in.sensitivity = r.result;
    } else {
      in.run = r.result;
    }
    const Date at = Date::parse(r.at_date).value_or(input.scenario.as_of);
    try {
      return json_response(200, {{"run_id", id},
                                 {"kind", r.kind},
                                 {"title", input.scenario.title},
                                 {"at", at.str()},
                                 {"sections", sections(input.scenario, at, in, true)}});
    } catch (const HttpError&) {
      throw;
    } catch (const std::exception& e) {
      throw HttpError(500, fmt::format("run {}: building the charts: {}", id, e.what()));
    }
  });

  add("GET", "/api/compare", [this](const Request& request, const Params&) {
    const auto a_it = request.query.find("a");
    const auto b_it = request.query.find("b");
    if (a_it == request.query.end() || b_it == request.query.end()) {
      throw HttpError(400, "give the two runs to compare as ?a=ID&b=ID");
    }
    const RunStore db = store();
    const RunRecord a = finished_run(db, parse_id(a_it->second, "a"));
    const RunRecord b = finished_run(db, parse_id(b_it->second, "b"));
    for (const RunRecord* r : {&a, &b}) {
      if (r->kind != "run") {
        throw HttpError(
            409, fmt::format("run {} is a {}; only model runs can be compared", r->id, r->kind));
      }
    }
    return json_response(
        200, {{"a", run_summary(a)},
              {"b", run_summary(b)},
              {"rows", compare_forecasts(forecasts_of(a.result), forecasts_of(b.result))}});
  });

  // Not stored: a slider sends one of these per move.
  add("POST", "/api/whatif", [this](const Request& request, const Params&) {
    const auto start = std::chrono::steady_clock::now();
    const json body = parse_body(request);
    const cli::LoadedInput input = scenario_from(body);
    const auto in_it = body.find("input");
    if (in_it == body.end() || !in_it->is_object()) {
      throw HttpError(400, "field 'input' is missing; expected {\"path\": ..., \"value\": ...}");
    }
    const std::string path = string_field(*in_it, "path");
    const auto value_it = in_it->find("value");
    if (value_it == in_it->end() || !value_it->is_number()) {
      throw HttpError(400, "field 'input.value' is missing or not a number");
    }
    const double value = value_it->get<double>();
    Planned p = plan_from(body, input);
    // The crisis model's search for where each threat's credibility flips is most of a run's
    // time (about 85 of 125 ms on korea-2003) and a what-if compares credibility, not the
    // flip points: skipped unless the request sets crisis.flips itself.
    json notes = json::array();
    if (const auto c = p.plan.options.find("crisis");
        c != p.plan.options.end() &&
        std::none_of(p.request.options.begin(), p.request.options.end(),
                     [](const std::string& o) { return o.find("flips=") != std::string::npos; })) {
      c->second["flips"] = "false";
      notes.push_back("crisis.flips=false: the flip-point search is skipped in what-if runs");
    }
    bool charts = true;
    if (const auto c = body.find("charts"); c != body.end()) {
      if (!c->is_boolean()) throw HttpError(400, "field 'charts' is not a boolean");
      charts = c->get<bool>();
    }

    // The slider's value replaces the input as it stands on the run date, after the events:
    // an event dated before the run would otherwise overwrite it.
    Scenario variant;
    try {
      variant = input.scenario.at(p.plan.at);
    } catch (const std::exception& e) {
      throw HttpError(422, std::string("applying the events: ") + e.what());
    }
    const auto inputs = inputs_of(variant);
    const auto found =
        std::find_if(inputs.begin(), inputs.end(), [&](const Input& i) { return i.path == path; });
    try {
      apply_input(variant, path, value);
    } catch (const std::invalid_argument& e) {
      throw HttpError(400, std::string("field 'input.path': ") + e.what());
    }
    const RunOutput baseline = execute(input, p);
    RunOutput changed;
    try {
      changed = execute_run(variant, p.plan, p.request.seed);
    } catch (const std::exception& e) {
      throw HttpError(500, std::string("what-if run failed: ") + e.what());
    }
    json out = {{"input",
                 {{"path", path},
                  {"label", found != inputs.end() ? found->label : path},
                  {"baseline", found != inputs.end() ? json(found->value) : json(nullptr)},
                  {"value", value}}},
                {"rows", compare_forecasts(forecasts_of(baseline.document),
                                           forecasts_of(changed.document))},
                {"notes", notes},
                {"document", changed.document}};
    if (charts) {
      try {
        report::ReportInput in;
        in.run = changed.document;
        out["sections"] = sections(variant, p.plan.at, in, false);
      } catch (const std::exception& e) {
        throw HttpError(500, std::string("what-if: building the charts: ") + e.what());
      }
    }
    out["elapsed_ms"] = since(start);
    return json_response(200, out);
  });
}

Response Api::Impl::dispatch(const Request& request) const {
  const std::vector<std::string> segments = split_path(request.path);
  std::vector<std::string> allowed;
  for (const Route& route : routes) {
    if (route.pattern.size() != segments.size()) continue;
    Params params;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      if (route.pattern[i] == "*") {
        params.push_back(segments[i]);
      } else {
        match = route.pattern[i] == segments[i];
      }
    }
    if (!match) continue;
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      return route.handler(request, params);
    }
    allowed.push_back(route.method);
  }
  if (!allowed.empty()) {
    std::string list;
    for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
    Response r = error_response(
        405, fmt::format("{} is not allowed on {}; use {}", request.method, request.path, list));
    r.headers.emplace_back("Allow", list);
    return r;
  }
  // The page and its scripts.
  if (request.method == "GET" || request.method == "HEAD") {
    if (const auto asset = find_asset(request.path)) {
      Response r;
      r.content_type = asset->content_type;
      r.body = std::string(asset->bytes);
      r.headers.emplace_back("Cache-Control", "no-cache");
      return r;
    }
  }
  throw HttpError(404, fmt::format("no route {} {}; the API is described in docs/api.md",
                                   request.method, request.path));
}

Api::Api(ApiOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  (void)RunStore(impl_->options.db);  // fail now, naming the path, not on the first request
  impl_->countries = report::topojson_features(json::parse(report::embedded_world_atlas()),
                                               "countries", map_countries());
  impl_->build_routes();
}

Api::~Api() = default;

const ApiOptions& Api::options() const { return impl_->options; }

Response Api::handle(const Request& request) const {
  try {
    if (request.body.size() > impl_->options.max_body_bytes) {
      throw HttpError(413, fmt::format("the request body is {} bytes; at most {} are accepted",
                                       request.body.size(), impl_->options.max_body_bytes));
    }
    return impl_->dispatch(request);
  } catch (const HttpError& e) {
    return error_response(e.status(), e.what(), e.extra());
  } catch (const StoreError& e) {
    return error_response(500, std::string("run store: ") + e.what());
  } catch (const std::exception& e) {
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace entente::server
