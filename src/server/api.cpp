// The API's routes: each a function of the request (and the run store) to a JSON response.
#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <semaphore>
#include <set>
#include <stdexcept>
#include <thread>

#include "app/input.hpp"
#include "app/result_shape.hpp"
#include "entente/embedded.hpp"
#include "entente/games.hpp"
#include "entente/model.hpp"
#include "entente/model_views.hpp"
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
// Files the text references are read only as `access` allows; the client's name is only a
// label (its directories are dropped), so it cannot steer where references are looked up.
app::LoadedInput load_text(const std::string& text, const std::string& name,
                           const app::FileAccess& access) {
  try {
    if (name == kDefaultScenarioName ||
        (name == kBuiltinFile && text == embedded_default_scenario())) {
      return app::load_input_text(text, std::string(kDefaultScenarioName), access);
    }
    const std::string label = access.label(name);
    return app::load_input_text(text, label.empty() ? "scenario.yaml" : label, access);
  } catch (const InputError& e) {
    throw HttpError(422,
                    fmt::format("the scenario has {} error{}", e.diagnostics().size(),
                                e.diagnostics().size() == 1 ? "" : "s"),
                    {{"diagnostics", diagnostics_json(e.diagnostics())}});
  }
}

app::LoadedInput scenario_from(const json& body, const app::FileAccess& access) {
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
    return load_text(std::string(embedded_default_scenario()), std::string(kDefaultScenarioName),
                     access);
  }
  if (!has_text) {
    throw HttpError(400,
                    "the request names no scenario: give 'scenario' (a built-in id) or "
                    "'text' (YAML or a CSV actor table)");
  }
  return load_text(string_field(body, "text"), string_field(body, "name"), access);
}

// Refuses fields a route does not know: a misspelt `sead` must not silently run with the
// default seed.
void only_fields(const json& body, std::initializer_list<std::string_view> known,
                 const std::string& where = "") {
  std::vector<std::string> names(known.begin(), known.end());
  for (const auto& [key, value] : body.items()) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    const std::string near = closest_match(key, names);
    throw HttpError(
        400, fmt::format("unknown field '{}{}'{}; expected one of: {}", where, key,
                         near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), list));
  }
}

// --- what a request may ask ----------------------------------------------------------

// Nodes of the declared games, as the crisis model will build them: an inline tree has its
// root and one node (decision or terminal) per action.
std::size_t game_nodes(const Scenario& s) {
  std::size_t n = 0;
  for (const ScenarioGame& g : s.games) {
    if (g.efg && g.efg->game) {
      n += g.efg->game->nodes().size();
      continue;
    }
    n += 1;
    for (const GameNode& node : g.nodes) n += node.actions.size();
  }
  return n;
}

// 413 naming the first bound the scenario exceeds and the serve flag that sets it.
void check_limits(const Scenario& s, const RequestLimits& limits) {
  const auto over = [](std::size_t have, std::size_t most, const char* what, const char* flag) {
    if (have <= most) return;
    throw HttpError(413, fmt::format("the scenario has {} {}; this server runs at most {} per "
                                     "request (entente serve {}); `entente run` has no such limit",
                                     have, what, most, flag));
  };
  over(s.actors.size(), limits.max_actors, "actors", "--max-actors");
  over(s.issues.size(), limits.max_issues, "issues", "--max-issues");
  over(s.alliances.size(), limits.max_alliances, "alliances", "--max-alliances");
  over(s.forces.size(), limits.max_forces, "forces", "--max-forces");
  over(s.events.size(), limits.max_events, "events", "--max-events");
  over(game_nodes(s), limits.max_game_nodes, "game nodes", "--max-game-nodes");
}

// The request's models, options, date and seed, resolved against the scenario. Usage
// errors (unknown model or option) are the client's: 400.
struct Planned {
  RunRequest request;
  RunPlan plan;
};

Planned plan_from(const json& body, const app::LoadedInput& input) {
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

// Runs the plan; a model's failure is the server's (500), with the model's message; a run
// stopped by its deadline or a shutdown is 503.
RunOutput execute(const Scenario& scenario, const Planned& p, const StopToken& stop,
                  const char* what = "run") {
  try {
    return execute_run(scenario, p.plan, p.request.seed, &stop);
  } catch (const RunStopped& e) {
    throw HttpError(503, fmt::format("{} stopped: {}", what, e.what()));
  } catch (const std::exception& e) {
    throw HttpError(500, fmt::format("{} failed: {}", what, e.what()));
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

// What a route's body must be. Browsers let any page send text/plain, form and multipart
// bodies to any address without asking (CORS "simple" requests); requiring another media
// type makes a browser ask this server first, which it never allows, so another site's page
// cannot make the API run or store anything.
enum class Body { kNone, kJson, kScenario };

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // path segments; "*" matches one segment
  Handler handler;
  Body body = Body::kNone;
};

// The media type of a Content-Type value, lower-case, without parameters.
std::string media_type(const std::string& value) {
  std::string t = value.substr(0, value.find(';'));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  std::size_t i = 0;
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  t = t.substr(i);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

void check_body_type(const Request& request, Body body) {
  if (body == Body::kNone) return;
  const auto it = request.headers.find("content-type");
  const std::string type = it == request.headers.end() ? "" : media_type(it->second);
  if (body == Body::kJson) {
    if (type == "application/json") return;
    throw HttpError(415, fmt::format("{} {} takes a JSON body (Content-Type: application/json); "
                                     "got {}",
                                     request.method, request.path,
                                     type.empty() ? "no Content-Type" : "'" + type + "'"));
  }
  static const std::set<std::string> kScenarioTypes = {
      "text/yaml",   "application/yaml", "application/x-yaml",
      "text/x-yaml", "text/csv",         "application/xml",
      "text/xml",    "application/json", "application/octet-stream"};
  if (kScenarioTypes.count(type) != 0) return;
  throw HttpError(415, fmt::format("{} {} takes the scenario text with Content-Type text/yaml "
                                   "(or text/csv, application/xml); got {}",
                                   request.method, request.path,
                                   type.empty() ? "no Content-Type" : "'" + type + "'"));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The host of a Host header or an origin's authority: "[::1]:8080" -> "::1",
// "Localhost:80" -> "localhost".
std::string host_of(const std::string& authority) {
  std::string h = authority;
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    return lower(close == std::string::npos ? h.substr(1) : h.substr(1, close - 1));
  }
  if (const auto colon = h.rfind(':'); colon != std::string::npos) h = h.substr(0, colon);
  return lower(h);
}

bool is_ip_literal(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// DNS rebinding: a page of another site can point a name it controls at this machine and
// then read the API as if same-origin; its requests carry that name as Host. An IP literal
// or localhost cannot be rebound; other names must be ones the operator allowed. A page of
// another origin sending a request itself carries its Origin, refused unless it is this
// server.
void check_host_and_origin(const Request& request, const std::vector<std::string>& allowed) {
  const auto host_it = request.headers.find("host");
  const auto allowed_host = [&](const std::string& h) {
    return is_ip_literal(h) || h == "localhost" ||
           std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& a) { return lower(a) == h; });
  };
  if (host_it != request.headers.end()) {
    const std::string h = host_of(host_it->second);
    if (!allowed_host(h)) {
      throw HttpError(403, fmt::format("Host '{}' is not a name of this server; use its address "
                                       "or localhost (or start it with --allow-host {})",
                                       host_it->second, h));
    }
  }
  const auto origin_it = request.headers.find("origin");
  if (origin_it == request.headers.end()) return;
  const std::string& origin = origin_it->second;
  const auto scheme_end = origin.find("://");
  const std::string authority =
      scheme_end == std::string::npos ? "" : lower(origin.substr(scheme_end + 3));
  const bool same = host_it != request.headers.end() ? authority == lower(host_it->second)
                                                     : allowed_host(host_of(authority));
  if (scheme_end == std::string::npos || !same || lower(origin.substr(0, scheme_end)) != "http") {
    throw HttpError(403, fmt::format("cross-origin request from '{}' refused: the API answers "
                                     "only the page it serves itself",
                                     origin));
  }
}

// Sent with every answer: the page runs only its own scripts (vega compiles its expressions
// with Function, hence 'unsafe-eval'; vega-embed sets inline styles), talks only to this
// server, and cannot be framed by another site.
void add_security_headers(Response& r) {
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

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
  app::FileAccess access = app::FileAccess::none();
  // Model runs in progress over all requests are bounded: each holds a slot.
  std::unique_ptr<std::counting_semaphore<>> run_slots;
  std::atomic<bool> stopping{false};

  // A slot for this request's model runs, held until it goes out of scope.
  class Slot {
   public:
    explicit Slot(std::counting_semaphore<>& s) : s_(&s) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot(Slot&&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() { s_->release(); }

   private:
    std::counting_semaphore<>* s_;
  };

  // Waits for a run slot (503 after queue_seconds); refuses during shutdown.
  [[nodiscard]] std::unique_ptr<Slot> take_slot() const {
    if (stopping) throw HttpError(503, "the server is shutting down");
    const auto wait = std::chrono::duration<double>(options.limits.queue_seconds);
    if (!run_slots->try_acquire_for(wait)) {
      throw HttpError(
          503,
          fmt::format("the server is busy: every run slot stayed taken for {:g} s; try again",
                      options.limits.queue_seconds),
          {{"retry_after", 5}});
    }
    return std::make_unique<Slot>(*run_slots);
  }

  // The deadline of one request's model runs, stopped early by stop_runs().
  [[nodiscard]] std::unique_ptr<StopToken> deadline() const {
    const double secs = options.limits.max_seconds;
    auto token = std::make_unique<StopToken>(
        StopToken::Clock::now() + std::chrono::duration_cast<StopToken::Clock::duration>(
                                      std::chrono::duration<double>(secs)),
        fmt::format("it took longer than {:g} s, this server's limit per request (entente "
                    "serve --max-seconds); `entente run` has no such limit",
                    secs));
    token->link(&stopping);
    return token;
  }

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
    // Stored results are untrusted: nothing reads a field of one before its shape passes.
    if (const std::string why = app::result_shape_error(r->kind, r->result); !why.empty()) {
      throw HttpError(500, fmt::format("run {}: its stored result is malformed: {}", id, why),
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

  // The route handlers, one per route (build_routes lists them with their paths).
  [[nodiscard]] Response index(const Request& request, const Params& params) const;
  [[nodiscard]] Response models(const Request& request, const Params& params) const;
  [[nodiscard]] Response scenarios(const Request& request, const Params& params) const;
  [[nodiscard]] Response scenario(const Request& request, const Params& params) const;
  [[nodiscard]] Response validate(const Request& request, const Params& params) const;
  [[nodiscard]] Response run(const Request& request, const Params& params) const;
  [[nodiscard]] Response runs(const Request& request, const Params& params) const;
  [[nodiscard]] Response stored_run(const Request& request, const Params& params) const;
  [[nodiscard]] Response run_report(const Request& request, const Params& params) const;
  [[nodiscard]] Response compare(const Request& request, const Params& params) const;
  [[nodiscard]] Response whatif(const Request& request, const Params& params) const;

  void add(std::string method, const std::string& path,
           Response (Impl::*handler)(const Request&, const Params&) const,
           Body body = Body::kNone) {
    routes.push_back(
        {std::move(method), split_path(path),
         [this, handler](const Request& r, const Params& p) { return (this->*handler)(r, p); },
         body});
  }

  void build_routes();
  [[nodiscard]] Response dispatch(const Request& request) const;
};

void Api::Impl::build_routes() {
  add("GET", "/api", &Impl::index);
  add("GET", "/api/models", &Impl::models);
  add("GET", "/api/scenarios", &Impl::scenarios);
  add("GET", "/api/scenarios/*", &Impl::scenario);
  add("POST", "/api/validate", &Impl::validate, Body::kScenario);
  add("POST", "/api/run", &Impl::run, Body::kJson);
  add("GET", "/api/runs", &Impl::runs);
  add("GET", "/api/runs/*", &Impl::stored_run);
  add("GET", "/api/runs/*/report", &Impl::run_report);
  add("GET", "/api/compare", &Impl::compare);
  add("POST", "/api/whatif", &Impl::whatif, Body::kJson);
}

// GET /api
Response Api::Impl::index(const Request&, const Params&) const {
  return json_response(200, {{"name", "entente"},
                             {"version", std::string(version())},
                             {"max_body_bytes", kMaxRequestBytes},
                             {"docs", "docs/api.md"}});
}

// GET /api/models
Response Api::Impl::models(const Request&, const Params&) const {
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
}

// GET /api/scenarios
Response Api::Impl::scenarios(const Request&, const Params&) const {
  const auto input = load_text(std::string(embedded_default_scenario()),
                               std::string(kDefaultScenarioName), access);
  return json_response(200, {{"scenarios",
                              {{{"id", kBuiltinId},
                                {"name", kBuiltinFile},
                                {"title", input.scenario.title},
                                {"as_of", input.scenario.as_of.str()},
                                {"source", input.source}}}}});
}

// GET /api/scenarios/*
Response Api::Impl::scenario(const Request& request, const Params& p) const {
  if (p[0] != kBuiltinId) {
    throw HttpError(404,
                    fmt::format("no built-in scenario '{}'; GET /api/scenarios lists them", p[0]));
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
  const auto input = load_text(text, std::string(kDefaultScenarioName), access);
  return json_response(200, {{"id", kBuiltinId},
                             {"name", kBuiltinFile},
                             {"title", input.scenario.title},
                             {"source", input.source},
                             {"text", text}});
}

// POST /api/validate
// The body is the scenario text itself, so an editor can post what it holds.
Response Api::Impl::validate(const Request& request, const Params&) const {
  const auto name_it = request.query.find("name");
  const std::string name = name_it == request.query.end() ? "" : name_it->second;
  const auto at_it = request.query.find("at");
  const auto at = date_field("at", at_it == request.query.end() ? "" : at_it->second);
  app::LoadedInput input;
  try {
    input = load_text(request.body, name, access);
  } catch (const HttpError& e) {
    if (e.status() != 422) throw;
    return json_response(
        200, {{"valid", false}, {"message", e.what()}, {"diagnostics", e.extra()["diagnostics"]}});
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
}

// POST /api/run
Response Api::Impl::run(const Request& request, const Params&) const {
  const auto start = std::chrono::steady_clock::now();
  const json body = parse_body(request);
  only_fields(body, {"scenario", "text", "name", "models", "options", "at", "seed"});
  const app::LoadedInput input = scenario_from(body, access);
  check_limits(input.scenario, options.limits);
  const Planned p = plan_from(body, input);
  const auto slot = take_slot();
  const auto stop = deadline();

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
    output = execute(input.scenario, p, *stop);
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
    // Never left `running`: the run failed if its result could not be kept.
    try {
      db.fail_run(run_id, std::string("storing the result failed: ") + e.what());
    } catch (const StoreError&) {  // NOLINT(bugprone-empty-catch): the first error is reported
    }
    throw HttpError(500, std::string("run store: ") + e.what(), {{"run_id", run_id}});
  }
  Response r = json_response(201, {{"run_id", run_id},
                                   {"elapsed_ms", since(start)},
                                   {"forecasts", forecasts_json(forecasts_of(output.document))},
                                   {"document", output.document}});
  r.headers.emplace_back("Location", fmt::format("/api/runs/{}", run_id));
  return r;
}

// GET /api/runs
Response Api::Impl::runs(const Request& request, const Params&) const {
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
}

// GET /api/runs/*
Response Api::Impl::stored_run(const Request&, const Params& p) const {
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
  // The result goes back as stored; only the forecasts read into it, after its shape passes.
  const bool done = r->status == "done";
  const std::string why = done ? app::result_shape_error(r->kind, r->result) : "";
  if (!why.empty()) out["result_problem"] = why;
  out["forecasts"] = r->kind == "run" && done && why.empty()
                         ? forecasts_json(forecasts_of(r->result))
                         : json::array();
  return json_response(200, out);
}

// GET /api/runs/*/report
Response Api::Impl::run_report(const Request&, const Params& p) const {
  const std::int64_t id = parse_id(p[0], "run");
  const RunRecord r = finished_run(store(), id);
  app::LoadedInput input;
  try {
    // A stored scenario is untrusted too: it reads files only as a posted one may.
    input = app::load_input_text(r.scenario_text, access.label(r.scenario_source), access);
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
  check_limits(input.scenario, options.limits);
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
}

// GET /api/compare
Response Api::Impl::compare(const Request& request, const Params&) const {
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
}

// POST /api/whatif
// Not stored: a slider sends one of these per move.
Response Api::Impl::whatif(const Request& request, const Params&) const {
  const auto start = std::chrono::steady_clock::now();
  const json body = parse_body(request);
  only_fields(body,
              {"scenario", "text", "name", "models", "options", "at", "seed", "input", "charts"});
  const app::LoadedInput input = scenario_from(body, access);
  check_limits(input.scenario, options.limits);
  const auto in_it = body.find("input");
  if (in_it == body.end() || !in_it->is_object()) {
    throw HttpError(400, "field 'input' is missing; expected {\"path\": ..., \"value\": ...}");
  }
  only_fields(*in_it, {"path", "value"}, "input.");
  const std::string path = string_field(*in_it, "path");
  const auto value_it = in_it->find("value");
  if (value_it == in_it->end() || !value_it->is_number()) {
    throw HttpError(400, "field 'input.value' is missing or not a number");
  }
  const double value = value_it->get<double>();
  Planned p = plan_from(body, input);
  // Options a model's view sets for interactive runs (work a what-if does not read, such as
  // the crisis model's flip-point search), unless the request sets the option itself.
  json notes = json::array();
  for (const report::ModelView& view : report::model_views()) {
    const auto c = p.plan.options.find(view.model);
    if (c == p.plan.options.end() || view.whatif_options.empty()) continue;
    bool set = false;
    for (const auto& option : view.whatif_options) {
      const std::string& name = option.first;  // not a structured binding: clang 14 lambdas
      const bool requested = std::any_of(
          p.request.options.begin(), p.request.options.end(),
          [&name](const std::string& o) { return o.find(name + "=") != std::string::npos; });
      if (requested) continue;
      c->second[name] = option.second;
      set = true;
    }
    if (set && !view.whatif_note.empty()) notes.push_back(view.whatif_note);
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
  const auto slot = take_slot();
  const auto stop = deadline();
  const RunOutput baseline = execute(input.scenario, p, *stop);
  const RunOutput changed = execute(variant, p, *stop, "what-if run");
  json out = {
      {"input",
       {{"path", path},
        {"label", found != inputs.end() ? found->label : path},
        {"baseline", found != inputs.end() ? json(found->value) : json(nullptr)},
        {"value", value}}},
      {"rows", compare_forecasts(forecasts_of(baseline.document), forecasts_of(changed.document))},
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
      check_body_type(request, route.body);
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
  if (!impl_->options.scenario_dir.empty()) {
    impl_->access = app::FileAccess::under(impl_->options.scenario_dir);
  }
  std::size_t slots = impl_->options.limits.max_concurrent_runs;
  if (slots == 0) slots = std::max(1U, std::thread::hardware_concurrency());
  impl_->run_slots =
      std::make_unique<std::counting_semaphore<>>(static_cast<std::ptrdiff_t>(slots));
  (void)RunStore(impl_->options.db);  // fail now, naming the path, not on the first request
  impl_->countries = report::topojson_features(json::parse(report::embedded_world_atlas()),
                                               "countries", map_countries());
  impl_->build_routes();
}

Api::~Api() = default;

const ApiOptions& Api::options() const { return impl_->options; }

void Api::stop_runs() const { impl_->stopping = true; }

Response Api::handle(const Request& request) const {
  Response r;
  try {
    check_host_and_origin(request, impl_->options.allowed_hosts);
    if (request.body.size() > impl_->options.max_body_bytes) {
      throw HttpError(413, fmt::format("the request body is {} bytes; at most {} are accepted",
                                       request.body.size(), impl_->options.max_body_bytes));
    }
    r = impl_->dispatch(request);
  } catch (const HttpError& e) {
    r = error_response(e.status(), e.what(), e.extra());
    if (e.status() == 503) r.headers.emplace_back("Retry-After", "5");
  } catch (const StoreError& e) {
    r = error_response(500, std::string("run store: ") + e.what());
  } catch (const std::exception& e) {
    r = error_response(500, std::string("internal error: ") + e.what());
  }
  add_security_headers(r);
  return r;
}

}  // namespace entente::server
