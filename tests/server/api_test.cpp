// The API's routes called as functions (no socket): every route, every refusal, a failing
// model, concurrent runs. Reference values come from the engine called directly
// (plan_run/execute_run on the same input), the bad-input corpus's .expected files and the
// report's own chart functions, never from numbers written here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "entente/embedded.hpp"
#include "entente/fields.hpp"
#include "entente/report.hpp"
#include "entente/runner.hpp"
#include "entente/scenario_io.hpp"
#include "entente/server.hpp"
#include "entente/store.hpp"
#include "support/test_support.hpp"

namespace entente::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Scenario korea() {
  LoadOptions o;
  o.filename = "korea-2003.yaml";
  o.cinc = &default_cinc_table();
  Scenario s = load_scenario_yaml(embedded_default_scenario(), o);
  s.source = std::string(kDefaultScenarioName);
  return s;
}

// The run document the engine itself makes for a request.
json engine_document(const Scenario& s, const RunRequest& request) {
  return execute_run(s, plan_run(s, request), request.seed).document;
}

// A two-actor scenario with no events, small enough to edit as text in a test.
std::string small_yaml(double usa_position) {
  return "entente: 1\nid: small\ntitle: Two actors\nas_of: 2003-03-15\nactors:\n"
         "  - {id: USA, name: United States, kind: state, capability: 10}\n"
         "  - {id: ROK, name: South Korea, kind: state, capability: 5}\n"
         "  - {id: CHN, name: China, kind: state, capability: 8}\n"
         "issues:\n  - id: talks\n    name: Talks\n    scale: {min: 0, max: 100}\n"
         "    positions:\n      USA: {position: " +
         std::to_string(usa_position) +
         ", salience: 0.8}\n      ROK: {position: 20, salience: 0.6}\n"
         "      CHN: {position: 40, salience: 0.5}\n";
}

class ServerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("server-api");
    ApiOptions o;
    o.db = dir_ + "/runs.db";
    api_ = std::make_unique<Api>(o);
  }
  void TearDown() override {
    api_.reset();
    fs::remove_all(dir_);
  }

  Response call(const std::string& method, const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> query = {}) const {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = std::move(query);
    // As the page sends them: the scenario text as YAML, everything else as JSON.
    if (method == "POST") {
      r.headers["content-type"] =
          path.rfind("/api/validate", 0) == 0 ? "text/yaml" : "application/json";
    }
    return api_->handle(r);
  }
  json call_json(const std::string& method, const std::string& path, const json& body,
                 int expected_status) const {
    const Response r = call(method, path, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, expected_status) << method << " " << path << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }
  json get(const std::string& path, int expected_status = 200) const {
    return call_json("GET", path, json(), expected_status);
  }
  json post(const std::string& path, const json& body, int expected_status = 200) const {
    return call_json("POST", path, body, expected_status);
  }

  std::string dir_;
  std::unique_ptr<Api> api_;
};

TEST_F(ServerApi, ListsAndServesTheBuiltInScenario) {
  const json list = get("/api/scenarios");
  ASSERT_EQ(list["scenarios"].size(), 1U);
  EXPECT_EQ(list["scenarios"][0]["id"], "korea-2003");
  EXPECT_EQ(list["scenarios"][0]["title"], korea().title);
  const json one = get("/api/scenarios/korea-2003");
  EXPECT_EQ(one["text"], std::string(embedded_default_scenario()));
  EXPECT_EQ(one["source"], std::string(kDefaultScenarioName));
  const Response yaml = call("GET", "/api/scenarios/korea-2003", "", {{"format", "yaml"}});
  EXPECT_EQ(yaml.status, 200);
  EXPECT_EQ(yaml.content_type, "text/yaml; charset=utf-8");
  EXPECT_EQ(yaml.body, std::string(embedded_default_scenario()));
  EXPECT_EQ(call("GET", "/api/scenarios/korea-2003", "", {{"format", "xml"}}).status, 400);
  const json missing = get("/api/scenarios/atlantis", 404);
  EXPECT_THAT(missing["error"].get<std::string>(), ::testing::HasSubstr("atlantis"));
}

TEST_F(ServerApi, ListsEveryRegisteredModel) {
  const json models = get("/api/models")["models"];
  const auto registered = registered_models();
  ASSERT_EQ(models.size(), registered.size());
  for (std::size_t i = 0; i < registered.size(); ++i) {
    EXPECT_EQ(models[i]["name"], registered[i].name);
    EXPECT_EQ(models[i]["options"].size(), registered[i].options.size());
  }
  EXPECT_EQ(get("/api")["name"], "entente");
}

TEST_F(ServerApi, ValidateListsTheInputsOfAValidScenario) {
  const Response r = call("POST", "/api/validate", std::string(embedded_default_scenario()),
                          {{"name", "korea-2003.yaml"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json v = json::parse(r.body);
  EXPECT_TRUE(v["valid"].get<bool>());
  EXPECT_TRUE(v["diagnostics"].empty());
  // Every settable number of the scenario at as_of (include/entente/fields.hpp), in the
  // table's order, with the field's range as the slider's where it is closed.
  Scenario s = korea().current();
  const std::vector<NumericField> fields = numeric_fields(s);
  ASSERT_EQ(v["inputs"].size(), fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(v["inputs"][i]["path"], fields[i].path);
  const Issue& first = s.issues.front();
  const std::string first_position =
      "issues." + first.id + ".positions." + first.stances[0].actor + ".position";
  const auto at = std::find_if(v["inputs"].begin(), v["inputs"].end(),
                               [&](const json& i) { return i["path"] == first_position; });
  ASSERT_NE(at, v["inputs"].end());
  const json& in = *at;
  EXPECT_EQ(in["value"].get<double>(), first.stances[0].position.value);
  EXPECT_EQ(in["min"].get<double>(), first.scale.min);
  EXPECT_EQ(in["max"].get<double>(), first.scale.max);
}

// Every case of the bad-input corpus gives, line for line, the diagnostics `entente
// validate` prints for it (the .expected files).
TEST_F(ServerApi, ValidateGivesTheCorpusDiagnostics) {
  const std::string bad = test::source_path("tests/data/bad");
  std::size_t cases = 0;
  for (const auto& entry : fs::directory_iterator(bad)) {
    const fs::path p = entry.path();
    if (p.extension() != ".yaml" && p.extension() != ".csv") continue;
    const std::string name = p.filename().string();
    const Response r = call("POST", "/api/validate", test::read_file(p.string()), {{"name", name}});
    ASSERT_EQ(r.status, 200) << name << ": " << r.body;
    const json v = json::parse(r.body);
    EXPECT_FALSE(v["valid"].get<bool>()) << name;
    std::string text;
    for (const json& d : v["diagnostics"]) {
      text += d["text"].get<std::string>() + "\n";
      EXPECT_EQ(d["file"], name);
    }
    const std::size_t n = v["diagnostics"].size();
    text += std::to_string(n) + (n == 1 ? " error found\n" : " errors found\n");
    EXPECT_EQ(text, test::read_file(bad + "/" + p.stem().string() + ".expected")) << name;
    ++cases;
  }
  EXPECT_GT(cases, 50U);
}

TEST_F(ServerApi, RunStoresAndReturnsTheEngineDocument) {
  const json reply = post(
      "/api/run", {{"scenario", "korea-2003"}, {"models", {"median", "nash"}}, {"seed", 7}}, 201);
  const std::int64_t id = reply["run_id"].get<std::int64_t>();
  EXPECT_GT(id, 0);
  RunRequest request;
  request.models = {"median", "nash"};
  request.seed = 7;
  json expected = engine_document(korea(), request);
  expected["run_id"] = id;
  EXPECT_EQ(reply["document"], expected);

  // Stored: listed, readable, and the store's own record agrees.
  const json runs = get("/api/runs")["runs"];
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0]["id"], id);
  EXPECT_EQ(runs[0]["status"], "done");
  const json run = get("/api/runs/" + std::to_string(id));
  EXPECT_EQ(run["result"], expected);
  EXPECT_EQ(run["scenario_text"], std::string(embedded_default_scenario()));
  const RunStore store(dir_ + "/runs.db");
  EXPECT_EQ(store.get_run(id)->result, expected);
  EXPECT_EQ(store.get_run(id)->scenario_source, std::string(kDefaultScenarioName));
  // The forecast list holds every issue model's forecast of the document.
  std::size_t issue_forecasts = 0;
  for (const json& f : run["forecasts"]) {
    if (f["key"].get<std::string>().rfind("issue/", 0) == 0) ++issue_forecasts;
  }
  EXPECT_EQ(issue_forecasts, 2 * korea().issues.size());
}

// A stored result is untrusted input (docs/store.md): edited by hand into a shape the
// readers do not expect, it must be refused naming the run and the field, never read.
TEST_F(ServerApi, StoredResultsOfTheWrongShapeAreRefusedNamingTheField) {
  const json reply = post("/api/run", {{"scenario", "korea-2003"}, {"models", {"median"}}}, 201);
  const std::string id = std::to_string(reply["run_id"].get<std::int64_t>());
  test::run_sql(dir_ + "/runs.db",
                "UPDATE runs SET result = json_set(result, '$.issues[0].scale.min', 'low') "
                "WHERE id = " +
                    id);
  const std::string problem = "result.issues[0].scale.min: expected a number, found string";
  // The record itself is still served (the data can be rescued), without forecasts.
  const json run = get("/api/runs/" + id);
  EXPECT_EQ(run["result_problem"], problem);
  EXPECT_EQ(run["forecasts"], json::array());
  const json report = get("/api/runs/" + id + "/report", 500);
  EXPECT_THAT(
      report["error"].get<std::string>(),
      ::testing::AllOf(::testing::HasSubstr("run " + id + ": its stored result is malformed"),
                       ::testing::HasSubstr(problem)));
  const Response compare = call("GET", "/api/compare", "", {{"a", id}, {"b", id}});
  EXPECT_EQ(compare.status, 500);
  EXPECT_THAT(json::parse(compare.body)["error"].get<std::string>(), ::testing::HasSubstr(problem));
}

TEST_F(ServerApi, RunAcceptsScenarioTextWithAtAndOptions) {
  const std::string text = small_yaml(90);
  const json reply = post("/api/run",
                          {{"text", text},
                           {"name", "small.yaml"},
                           {"models", {"bdm"}},
                           {"options", {"bdm.q=0.5"}},
                           {"at", "2003-04-01"}},
                          201);
  LoadOptions o;
  o.filename = "small.yaml";
  Scenario s = load_scenario_yaml(text, o);
  RunRequest request;
  request.models = {"bdm"};
  request.options = {"bdm.q=0.5"};
  request.at = Date::parse("2003-04-01");
  json expected = engine_document(s, request);
  expected["run_id"] = reply["run_id"];
  EXPECT_EQ(reply["document"], expected);
  EXPECT_EQ(reply["document"]["scenario"]["source"], "small.yaml");
}

TEST_F(ServerApi, ReportHasTheReportChartsOfTheRun) {
  const json reply = post("/api/run", {{"scenario", "korea-2003"}}, 201);
  const json report = get("/api/runs/" + std::to_string(reply["run_id"].get<int>()) + "/report");
  const json& sections = report["sections"];
  ASSERT_FALSE(sections.empty());
  // The first chart is the first issue's chart, exactly as the report draws it.
  const report::Chart expected = report::issue_chart(reply["document"]["issues"][0]);
  EXPECT_EQ(sections[0]["charts"][0]["id"], expected.id);
  EXPECT_EQ(sections[0]["charts"][0]["spec"], expected.spec);
  std::set<std::string> ids;
  for (const json& s : sections) ids.insert(s["id"].get<std::string>());
  EXPECT_TRUE(ids.count("map")) << report.dump().substr(0, 400);
  EXPECT_TRUE(ids.count("alliances"));
}

TEST_F(ServerApi, CompareLinesUpTwoRunsForecasts) {
  const json a = post("/api/run", {{"scenario", "korea-2003"}, {"models", {"bdm", "median"}}}, 201);
  const json b = post(
      "/api/run",
      {{"scenario", "korea-2003"}, {"models", {"bdm", "median"}}, {"options", {"bdm.q=0.5"}}}, 201);
  EXPECT_THAT(get("/api/compare", 400)["error"].get<std::string>(),
              ::testing::HasSubstr("?a=ID&b=ID"));
  Request r;
  r.method = "GET";
  r.path = "/api/compare";
  r.query = {{"a", std::to_string(a["run_id"].get<int>())},
             {"b", std::to_string(b["run_id"].get<int>())}};
  const Response resp = api_->handle(r);
  ASSERT_EQ(resp.status, 200) << resp.body;
  const json cmp = json::parse(resp.body);
  EXPECT_TRUE(cmp["a"]["options"].empty());
  EXPECT_EQ(cmp["b"]["options"], json({"bdm.q=0.5"}));
  const json rows = cmp["rows"];
  ASSERT_EQ(rows.size(), 2 * korea().issues.size());
  bool any_differs = false;
  for (const json& row : rows) {
    // Each row's numbers are the two documents' forecasts for that issue and model.
    const std::string key = row["key"];
    const std::string issue = key.substr(6, key.rfind('/') - 6);
    const std::string model = row["model"];
    auto forecast = [&](const json& doc) {
      for (const json& i : doc["issues"]) {
        if (i["id"] == issue) return i["models"][model]["forecast"].get<double>();
      }
      ADD_FAILURE() << "no issue " << issue;
      return 0.0;
    };
    const double fa = forecast(a["document"]);
    const double fb = forecast(b["document"]);
    EXPECT_EQ(row["a"].get<double>(), fa);
    EXPECT_EQ(row["b"].get<double>(), fb);
    EXPECT_DOUBLE_EQ(row["diff"].get<double>(), fb - fa);
    any_differs = any_differs || fa != fb;
  }
  EXPECT_TRUE(any_differs) << "bdm.q should move some bdm forecast";
}

TEST_F(ServerApi, WhatIfEqualsARunOnTheEditedText) {
  // Moving USA from 90 to 30 through the slider must give what running the scenario written
  // with 30 gives.
  const json reply = post(
      "/api/whatif", {{"text", small_yaml(90)},
                      {"models", {"compromise", "median", "bdm"}},
                      {"input", {{"path", "issues.talks.positions.USA.position"}, {"value", 30}}}});
  LoadOptions o;
  o.filename = "scenario.yaml";
  RunRequest request;
  request.models = {"compromise", "median", "bdm"};
  const json base = engine_document(load_scenario_yaml(small_yaml(90), o), request);
  const json edited = engine_document(load_scenario_yaml(small_yaml(30), o), request);
  EXPECT_EQ(reply["document"]["issues"], edited["issues"]);
  EXPECT_EQ(reply["input"]["baseline"].get<double>(), 90.0);
  ASSERT_EQ(reply["rows"].size(), 3U);
  for (const json& row : reply["rows"]) {
    const std::string model = row["model"];
    EXPECT_EQ(row["a"], base["issues"][0]["models"][model]["forecast"]) << model;
    EXPECT_EQ(row["b"], edited["issues"][0]["models"][model]["forecast"]) << model;
    EXPECT_NE(row["diff"].get<double>(), 0.0) << model;
  }
  EXPECT_FALSE(reply["sections"].empty());
  // Nothing is stored.
  EXPECT_TRUE(get("/api/runs")["runs"].empty());
}

TEST_F(ServerApi, WhatIfMovesAUnitAndTheScenarioModelsWithIt) {
  const Scenario s = korea();
  const Scenario now = s.current();
  const Force& unit = now.forces.front();
  const double south = unit.location.lat - 1.0;
  const json reply =
      post("/api/whatif", {{"scenario", "korea-2003"},
                           {"models", {"alliance", "crisis"}},
                           {"input", {{"path", "forces." + unit.id + ".lat"}, {"value", south}}}});
  // The reference: the same unit moved in the applied scenario by hand, the crisis model
  // without its flip search (what-if runs skip it, and say so).
  Scenario moved = now;
  moved.forces.front().location.lat = south;
  moved.forces.front().place.clear();
  RunRequest request;
  request.models = {"alliance", "crisis"};
  request.options = {"crisis.flips=false"};
  ASSERT_EQ(reply["notes"].size(), 1U);
  EXPECT_THAT(reply["notes"][0].get<std::string>(), ::testing::HasSubstr("crisis.flips=false"));
  const json expected = execute_run(moved, plan_run(moved, request), request.seed).document;
  EXPECT_EQ(reply["document"]["models"], expected["models"]);
  bool has_map = false;
  for (const json& sec : reply["sections"]) has_map = has_map || sec["id"] == "map";
  EXPECT_TRUE(has_map);
}

// Any settable number is a what-if input, a game parameter among them: the answer is the
// run of the scenario with that number set through the same table.
TEST_F(ServerApi, WhatIfMovesAGameParameter) {
  Scenario s = korea().current();
  ASSERT_FALSE(s.params.empty());
  const Param& p = s.params.front();
  const double value = p.value.value + 1;
  const json reply =
      post("/api/whatif", {{"scenario", "korea-2003"},
                           {"models", {"crisis"}},
                           {"options", {"crisis.flips=false"}},
                           {"charts", false},
                           {"input", {{"path", "params." + p.id}, {"value", value}}}});
  EXPECT_EQ(reply["input"]["baseline"].get<double>(), p.value.value);
  EXPECT_EQ(reply["input"]["label"], p.id);
  set_numeric_field(s, "params." + p.id, value);
  RunRequest request;
  request.models = {"crisis"};
  request.options = {"crisis.flips=false"};
  json expected = engine_document(s, request);
  EXPECT_EQ(reply["document"]["models"], expected["models"]);
}

TEST_F(ServerApi, WhatIfRefusesInputsItCannotSet) {
  const json base = {{"text", small_yaml(50)}};
  auto with = [&](const json& input) {
    json b = base;
    b["input"] = input;
    return b;
  };
  EXPECT_THAT(
      post("/api/whatif", with({{"path", "issues.talks.positions.USA.position"}, {"value", 150}}),
           400)["error"]
          .get<std::string>(),
      ::testing::HasSubstr("outside [0, 100]"));
  EXPECT_THAT(
      post("/api/whatif", with({{"path", "issues.talks.positions.JPN.position"}, {"value", 1}}),
           400)["error"]
          .get<std::string>(),
      ::testing::HasSubstr("'JPN' takes no position"));
  EXPECT_THAT(post("/api/whatif", with({{"path", "actors.USA.name"}, {"value", 1}}), 400)["error"]
                  .get<std::string>(),
              ::testing::HasSubstr("is not a settable number of this scenario"));
  EXPECT_EQ(post("/api/whatif", base, 400)["error"].get<std::string>().find("field 'input'"), 0U);
}

TEST_F(ServerApi, RefusesMalformedRequestsNamingTheProblem) {
  auto error_of = [&](const Response& r) {
    return json::parse(r.body)["error"].get<std::string>();
  };
  // Malformed JSON: the parser's position and what it found.
  Response r = call("POST", "/api/run", "{\"scenario\": korea}");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(error_of(r), ::testing::HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of(r), ::testing::HasSubstr("line 1, column"));
  r = call("POST", "/api/run", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(error_of(r), ::testing::HasSubstr("no body"));
  r = call("POST", "/api/run", "[1, 2]");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(error_of(r), ::testing::HasSubstr("JSON array; expected an object"));
  EXPECT_THAT(post("/api/run", {{"scenario", "korea-2003"}, {"models", "median"}}, 400)["error"]
                  .get<std::string>(),
              ::testing::HasSubstr("field 'models' is a string; expected an array"));
  EXPECT_THAT(
      post("/api/run", {{"scenario", "korea-2003"}, {"models", {"median", 3}}}, 400)["error"]
          .get<std::string>(),
      ::testing::HasSubstr("field 'models[1]' is a number"));
  EXPECT_THAT(
      post("/api/run", {{"scenario", "korea-2003"}, {"seed", -1}}, 400)["error"].get<std::string>(),
      ::testing::HasSubstr("field 'seed'"));
  EXPECT_THAT(post("/api/run", {{"scenario", "korea-2003"}, {"at", "2003-13-01"}}, 400)["error"]
                  .get<std::string>(),
              ::testing::HasSubstr("'2003-13-01' is not a valid date"));
  EXPECT_THAT(post("/api/run", {{"models", {"median"}}}, 400)["error"].get<std::string>(),
              ::testing::HasSubstr("names no scenario"));
  // An unknown model: the engine's own usage message.
  RunRequest request;
  request.models = {"medain"};
  std::string engine_message;
  try {
    (void)plan_run(korea(), request);
  } catch (const std::invalid_argument& e) {
    engine_message = e.what();
  }
  ASSERT_FALSE(engine_message.empty());
  EXPECT_EQ(post("/api/run", {{"scenario", "korea-2003"}, {"models", {"medain"}}}, 400)["error"],
            engine_message);
  // None of these stored anything.
  EXPECT_TRUE(get("/api/runs")["runs"].empty());
}

TEST_F(ServerApi, InvalidScenarioIs422WithDiagnostics) {
  std::string text = small_yaml(50);
  text.replace(text.find("salience: 0.6"), 13, "salience: 6");
  const json reply = post("/api/run", {{"text", text}, {"name", "mine.yaml"}}, 422);
  LoadOptions o;
  o.filename = "mine.yaml";
  try {
    (void)load_scenario_yaml(text, o);
    FAIL() << "the loader accepted the edited text";
  } catch (const InputError& e) {
    ASSERT_EQ(reply["diagnostics"].size(), e.diagnostics().size());
    EXPECT_EQ(reply["diagnostics"][0]["text"], format_diagnostic(e.diagnostics().items()[0]));
    EXPECT_EQ(reply["diagnostics"][0]["line"], e.diagnostics().items()[0].where.line);
  }
}

TEST_F(ServerApi, UnknownRoutesAndObjectsAre404AndWrongMethods405) {
  EXPECT_EQ(get("/api/nothing", 404)["status"], 404);
  EXPECT_THAT(get("/nothing.html", 404)["error"].get<std::string>(),
              ::testing::HasSubstr("GET /nothing.html"));
  EXPECT_THAT(get("/api/runs/42", 404)["error"].get<std::string>(),
              ::testing::HasSubstr("no run 42"));
  EXPECT_EQ(get("/api/runs/42/report", 404)["status"], 404);
  EXPECT_THAT(get("/api/runs/abc", 400)["error"].get<std::string>(),
              ::testing::HasSubstr("'abc' is not a run id"));
  EXPECT_EQ(call("GET", "/api/runs", "", {{"limit", "many"}}).status, 400);
  const Response r = call("DELETE", "/api/runs");
  EXPECT_EQ(r.status, 405);
  EXPECT_THAT(r.headers, ::testing::Contains(std::pair<std::string, std::string>("Allow", "GET")));
  EXPECT_EQ(call("GET", "/api/run").status, 405);
}

TEST_F(ServerApi, BodiesOverTheLimitAre413) {
  const Response r = call("POST", "/api/validate", std::string(kMaxRequestBytes + 1, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_THAT(json::parse(r.body)["error"].get<std::string>(),
              ::testing::HasSubstr(std::to_string(kMaxRequestBytes)));
  // At the limit it is read (and refused as a scenario, not as a request).
  EXPECT_NE(call("POST", "/api/validate", std::string(kMaxRequestBytes, 'x')).status, 413);
}

TEST_F(ServerApi, ServesThePageAndItsLibraries) {
  const Response page = call("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(page.body, ::testing::HasSubstr("<html"));
  for (const char* path :
       {"/app.js", "/app.css", "/vendor/codemirror.js", "/vendor/yaml.js", "/vendor/lint.js",
        "/vendor/vega.min.js", "/vendor/vega-lite.min.js", "/vendor/vega-embed.min.js"}) {
    const Response r = call("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_GT(r.body.size(), 100U) << path;
    // Every file the page loads is one the server has.
    EXPECT_THAT(page.body, ::testing::HasSubstr(std::string(path).substr(1))) << path;
  }
}

// A model that throws: 500 with its message, the run stored as failed, and the API still
// answering.
TEST_F(ServerApi, AFailingModelIs500AndTheServerKeepsServing) {
  const std::vector<std::string> options = {"smp.accommodation=USA:ROK=0.5"};
  RunRequest request;
  request.models = {"smp"};
  request.options = options;
  std::string engine_message;
  try {
    (void)engine_document(korea(), request);
  } catch (const std::runtime_error& e) {
    engine_message = e.what();
  }
  ASSERT_FALSE(engine_message.empty()) << "the accommodation rates should make smp throw";

  const json reply = post(
      "/api/run", {{"scenario", "korea-2003"}, {"models", {"smp"}}, {"options", options}}, 500);
  EXPECT_EQ(reply["error"], "run failed: " + engine_message);
  const std::int64_t id = reply["run_id"].get<std::int64_t>();
  const json stored = get("/api/runs/" + std::to_string(id));
  EXPECT_EQ(stored["status"], "failed");
  EXPECT_EQ(stored["error"], "run failed: " + engine_message);
  EXPECT_EQ(get("/api/runs/" + std::to_string(id) + "/report", 409)["status"], 409);
  // What-if on the same request fails the same way.
  EXPECT_EQ(post("/api/whatif",
                 {{"scenario", "korea-2003"},
                  {"models", {"smp"}},
                  {"options", options},
                  {"input", {{"path", "forces.2id-casey.lat"}, {"value", 37.5}}}},
                 500)["error"],
            "run failed: " + engine_message);
  // Still serving.
  post("/api/run", {{"scenario", "korea-2003"}, {"models", {"median"}}}, 201);
  EXPECT_EQ(get("/api/runs")["runs"].size(), 2U);
}

TEST_F(ServerApi, ConcurrentRunsAreStoredSeparately) {
  constexpr int kThreads = 4;
  constexpr int kRunsEach = 3;
  std::vector<std::vector<json>> replies(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRunsEach; ++i) {
        Request r;
        r.method = "POST";
        r.path = "/api/run";
        r.headers["content-type"] = "application/json";
        // Distinct seeds, so each stored document is told apart by its seed.
        r.body = json{{"scenario", "korea-2003"},
                      {"models", {"bdm", "median"}},
                      {"seed", 100 + t * kRunsEach + i}}
                     .dump();
        const Response resp = api_->handle(r);
        replies[t].push_back(json{{"status", resp.status}, {"body", json::parse(resp.body)}});
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::int64_t> ids;
  for (const auto& list : replies) {
    for (const json& r : list) {
      ASSERT_EQ(r["status"], 201) << r["body"].dump();
      ids.insert(r["body"]["run_id"].get<std::int64_t>());
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kRunsEach));
  const RunStore store(dir_ + "/runs.db");
  const Scenario s = korea();
  for (const std::int64_t id : ids) {
    const auto rec = store.get_run(id);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->status, "done");
    RunRequest request;
    request.models = {"bdm", "median"};
    request.seed = rec->seed;
    json expected = engine_document(s, request);
    expected["run_id"] = id;
    EXPECT_EQ(rec->result, expected) << "run " << id;
  }
}

TEST(ServerForecasts, CompareRowsPairByKey) {
  const std::vector<Forecast> a = {{"issue/x/m", "X", "m", "forecast", 1.0},
                                   {"issue/y/m", "Y", "m", "forecast", std::nullopt}};
  const std::vector<Forecast> b = {{"issue/y/m", "Y", "m", "forecast", 2.0},
                                   {"issue/x/m", "X", "m", "forecast", 4.0},
                                   {"issue/z/m", "Z", "m", "forecast", 3.0}};
  const json rows = compare_forecasts(a, b);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0]["diff"].get<double>(), 3.0);
  EXPECT_TRUE(rows[1]["diff"].is_null());
  EXPECT_EQ(rows[2]["key"], "issue/z/m");
  EXPECT_TRUE(rows[2]["a"].is_null());
}

// Scenario models' forecasts come from their typed outputs alone: a model the server has
// never heard of is listed as the alliance and crisis models are, in the model's order,
// with its labels (an unlabelled output, as stored by an older entente, by its name).
TEST(ServerForecasts, AnyScenarioModelsOutputsAreListedWithTheirLabels) {
  const json doc = {
      {"issues", json::array()},
      {"models",
       {{"vote",
         {{"outputs",
           {{{"name", "council/pass"}, {"value", 0.25}, {"label", "P(passes)"}, {"group", "EU"}},
            {{"name", "council/turnout"}, {"value", 0.5}},
            {{"name", "bad"}, {"value", "x"}}}}}}}}};
  const auto f = forecasts_of(doc);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].key, "vote/council/pass");
  EXPECT_EQ(f[0].group, "EU");
  EXPECT_EQ(f[0].label, "P(passes)");
  EXPECT_EQ(f[0].value, 0.25);
  EXPECT_EQ(f[1].key, "vote/council/turnout");
  EXPECT_EQ(f[1].group, "council");
  EXPECT_EQ(f[1].label, "turnout");
}

// The alliance model labels its horizons itself, in numeric order.
TEST(ServerForecasts, AllianceOutputsCarryTheirLabels) {
  RunRequest request;
  request.models = {"alliance"};
  const json doc = engine_document(korea(), request);
  std::vector<std::string> keys;
  std::vector<std::string> labels;
  for (const Forecast& f : forecasts_of(doc)) {
    if (f.key.rfind("alliance/us-rok/", 0) == 0) {
      keys.push_back(f.key);
      labels.push_back(f.label);
    }
  }
  EXPECT_EQ(keys,
            (std::vector<std::string>{"alliance/us-rok/health", "alliance/us-rok/p_holds/1y",
                                      "alliance/us-rok/p_holds/5y", "alliance/us-rok/p_holds/10y",
                                      "alliance/us-rok/p_honours"}));
  EXPECT_EQ(labels, (std::vector<std::string>{"health", "P(holds 1 year)", "P(holds 5 years)",
                                              "P(holds 10 years)", "P(honours obligations)"}));
}

TEST(ServerApiStore, AnUnopenableStoreFailsAtStart) {
  ApiOptions o;
  o.db = "/nonexistent-dir/for/sure/runs.db";
  EXPECT_THROW(Api api(o), StoreError);
}

}  // namespace
}  // namespace entente::server
