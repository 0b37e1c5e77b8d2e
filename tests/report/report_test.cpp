#include "entente/report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "entente/embedded.hpp"
#include "entente/geo.hpp"
#include "entente/report_assets.hpp"
#include "entente/runner.hpp"
#include "entente/scenario_io.hpp"
#include "entente/timeline.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

using nlohmann::json;

const Scenario& korea() {
  static const Scenario kScenario = [] {
    LoadOptions o;
    o.filename = "korea-2003.yaml";
    o.cinc = &default_cinc_table();
    return load_scenario_yaml(embedded_default_scenario(), o);
  }();
  return kScenario;
}

// The default scenario's run document, computed once.
const json& korea_run() {
  static const json kRun = [] {
    RunRequest request;
    const RunPlan plan = plan_run(korea(), request);
    return execute_run(korea(), plan, request.seed).document;
  }();
  return kRun;
}

// Every object of a layered/concatenated spec that carries inline data values.
void collect_values(const json& spec, std::vector<json>& out) {
  if (spec.is_object()) {
    if (spec.contains("data") && spec["data"].contains("values"))
      out.push_back(spec["data"]["values"]);
    for (const auto& [k, v] : spec.items()) {
      if (k != "data") collect_values(v, out);
    }
  } else if (spec.is_array()) {
    for (const auto& v : spec) collect_values(v, out);
  }
}

std::vector<json> values_of(const json& spec) {
  std::vector<json> out;
  collect_values(spec, out);
  return out;
}

// A Vega-Lite view has a mark or composes views; every chart has a title.
void expect_vega_lite_shape(const report::Chart& c) {
  SCOPED_TRACE(c.id);
  EXPECT_FALSE(c.id.empty());
  EXPECT_FALSE(c.title.empty());
  EXPECT_FALSE(c.caption.empty());
  ASSERT_TRUE(c.spec.is_object());
  EXPECT_TRUE(c.spec.contains("title"));
  EXPECT_TRUE(c.spec.contains("mark") || c.spec.contains("layer") || c.spec.contains("vconcat") ||
              c.spec.contains("facet"));
  EXPECT_FALSE(values_of(c.spec).empty());
  // Every axis title the spec names has words (the axes' titles carry units: see the
  // chart functions).
  const std::string text = c.spec.dump();
  EXPECT_EQ(text.find("\"title\":\"\""), std::string::npos);
}

TEST(ReportCharts, IssueChartHasEveryActorPositionAndEveryForecast) {
  for (const auto& issue : korea_run()["issues"]) {
    const report::Chart c = report::issue_chart(issue);
    expect_vega_lite_shape(c);
    std::set<std::string> actors;
    std::set<std::string> models;
    for (const json& values : values_of(c.spec)) {
      for (const json& row : values) {
        if (row.contains("actor")) {
          actors.insert(row["actor"].get<std::string>());
          const json& p = issue["positions"][row["actor"].get<std::string>()]["position"];
          const double want = p.is_number() ? p.get<double>() : p["value"].get<double>();
          EXPECT_DOUBLE_EQ(row["position"].get<double>(), want);
        }
        if (row.contains("model")) models.insert(row["model"].get<std::string>());
      }
    }
    for (const auto& [actor, p] : issue["positions"].items())
      EXPECT_TRUE(actors.count(actor)) << actor;
    for (const auto& [model, m] : issue["models"].items()) {
      if (m.contains("forecast") && m["forecast"].is_number()) {
        EXPECT_TRUE(models.count(model)) << model;
      }
    }
    // The anchors are labelled.
    EXPECT_NE(c.spec.dump().find(issue["scale"]["anchors"][0]["label"].get<std::string>()),
              std::string::npos);
  }
}

TEST(ReportCharts, TrajectoryHasRoundsTimesActorsPoints) {
  for (const auto& issue : korea_run()["issues"]) {
    const json& rounds = issue["models"]["bdm"]["rounds"];
    const report::Chart c = report::trajectory_chart(issue);
    expect_vega_lite_shape(c);
    const json points = c.spec["layer"][0]["data"]["values"];
    EXPECT_EQ(points.size(), rounds.size() * rounds[0]["positions"].size());
    const json& last = rounds.back();
    for (const json& row : points) {
      if (row["round"] == last["round"]) {
        EXPECT_DOUBLE_EQ(row["position"].get<double>(),
                         last["positions"][row["actor"].get<std::string>()].get<double>());
      }
    }
  }
}

TEST(ReportCharts, TrajectoryIsEmptyWithoutBdm) {
  const json issue = {{"id", "x"}, {"models", json::object()}};
  EXPECT_TRUE(report::trajectory_chart(issue).id.empty());
}

TEST(ReportCharts, AllianceChartFollowsTheTimeline) {
  auto [from, to] = default_timeline_range(korea());
  TimelineRequest request;
  request.from = from;
  request.to = to;
  const Timeline t = alliance_timeline(korea(), request);
  ASSERT_FALSE(t.rows.empty());
  const report::Chart c = report::alliance_chart(t.rows, "us-rok", "US–ROK");
  expect_vega_lite_shape(c);
  const json lines = c.spec["layer"][1]["data"]["values"];
  std::size_t health = 0;
  for (const json& row : lines) health += row["series"] == "health" ? 1 : 0;
  EXPECT_EQ(health, t.rows.size());
  // Every event inside the range is marked.
  const std::string events = c.spec["layer"][0]["data"]["values"].dump();
  for (const Event& e : korea().events) {
    if (!(e.date < from) && !(to < e.date)) {
      EXPECT_NE(events.find(e.id), std::string::npos) << e.id;
    }
  }
  EXPECT_TRUE(report::alliance_chart(t.rows, "no-such", "x").id.empty());
}

TEST(ReportMap, RingsAreGeodesicAndExposedUnitsHighlighted) {
  const json layers = report::map_layers(korea());
  ASSERT_FALSE(layers["forces"].empty());
  ASSERT_FALSE(layers["rings"].empty());
  ASSERT_EQ(layers["lines"].size(), korea().lines.size());
  const auto exposure = geo::force_exposure(korea(), geo::enemies_outside_alliances(korea()));
  for (std::size_t i = 0; i < exposure.size(); ++i) {
    EXPECT_EQ(layers["forces"][i]["exposed"].get<bool>(), exposure[i].exposed());
  }
  // A ring's vertices lie at the weapon's range from its front line, except where the
  // offset curves cross inside the buffer (concave vertices, segments shorter than the
  // range): none outside.
  const Line& mdl = *korea().line("mdl");
  for (const json& ring : layers["rings"]) {
    const double range = ring["properties"]["range_km"].get<double>();
    std::size_t at_range = 0;
    const json& pts = ring["geometry"]["coordinates"][0];
    for (const json& p : pts) {
      const double d =
          geo::distance_to_polyline_km({p[1].get<double>(), p[0].get<double>()}, mdl.points);
      EXPECT_LE(d, range + 0.01);
      at_range += std::abs(d - range) < 0.01 ? 1 : 0;
    }
    EXPECT_GE(at_range * 10, pts.size() * 8);
  }
  const json countries = report::topojson_features(json::parse(report::embedded_world_atlas()),
                                                   "countries", {"408", "410"});
  ASSERT_EQ(countries.size(), 2u);
  const report::Chart c = report::map_chart(layers, countries);
  expect_vega_lite_shape(c);
  EXPECT_EQ(c.spec["projection"]["type"], "mercator");
}

TEST(ReportMap, GeodesicCircleIsAtTheRadius) {
  const GeoPoint seoul{37.5665, 126.978};
  const auto ring = geo::geodesic_circle(seoul, 50.0, 36);
  ASSERT_EQ(ring.size(), 37u);
  EXPECT_DOUBLE_EQ(ring.front().lat, ring.back().lat);
  for (const GeoPoint& p : ring) EXPECT_NEAR(geo::distance_km(seoul, p), 50.0, 1e-6);
  EXPECT_THROW(geo::geodesic_circle(seoul, 50.0, 2), std::invalid_argument);
  EXPECT_THROW(geo::geodesic_buffer({}, 50.0, 36), std::invalid_argument);
}

TEST(ReportMap, TopojsonDecodesDeltaArcs) {
  // Two unit squares sharing an arc; quantized with scale 1, translate (10, 20).
  const json topo =
      json::parse(R"({"type":"Topology","transform":{"scale":[1,1],"translate":[10,20]},
    "arcs":[[[0,0],[1,0],[0,1]],[[1,1],[-1,0],[0,-1]]],
    "objects":{"c":{"type":"GeometryCollection","geometries":[
      {"type":"Polygon","id":"1","arcs":[[0,1]]},{"type":"Polygon","id":"2","arcs":[[-2,-1]]}]}}})");
  const json f = report::topojson_features(topo, "c", {"1"});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["geometry"]["coordinates"][0],
            json::parse("[[10,20],[11,20],[11,21],[10,21],[10,20]]"));
  EXPECT_THROW(report::topojson_features(topo, "nope", {}), std::invalid_argument);
}

TEST(ReportUncertainty, SweepAndSensitivityChartsCarryTheirData) {
  const json sweep = {
      {"samples", 10},
      {"outputs",
       {{{"id", "a/bdm"},
         {"issue", "a"},
         {"histogram", {1, 2, 7}},
         {"range", {0, 90}},
         {"quantiles", {{"p5", 1}, {"p25", 2}, {"p50", 3}, {"p75", 4}, {"p95", 5}}},
         {"mean", 3}},
        {{"id", "alliance/x/health"},
         {"issue", ""},
         {"histogram", {4, 6}},
         {"range", {0, 1}},
         {"quantiles", {{"p5", 0.1}, {"p25", 0.2}, {"p50", 0.3}, {"p75", 0.4}, {"p95", 0.5}}}}}}};
  const auto charts = report::sweep_charts(sweep);
  ASSERT_EQ(charts.size(), 4u);
  for (const auto& c : charts) expect_vega_lite_shape(c);
  const json bins = charts[0].spec["data"]["values"];
  ASSERT_EQ(bins.size(), 3u);
  EXPECT_DOUBLE_EQ(bins[2]["bin_start"].get<double>(), 60.0);
  EXPECT_EQ(bins[2]["count"], 7);

  const json morris = {
      {"method", "morris"},
      {"outputs",
       {{{"output", "a/bdm"},
         {"inputs",
          {{{"input", "p"}, {"mu", -2.0}, {"mu_star", 3.0}, {"sigma", 1.0}, {"rank", 1}},
           {{"input", "q"}, {"mu", 1.0}, {"mu_star", 1.0}, {"sigma", 0.0}, {"rank", 2}}}}}}}};
  const auto tornado = report::sensitivity_charts(morris, 1);
  ASSERT_EQ(tornado.size(), 1u);
  expect_vega_lite_shape(tornado[0]);
  const json rows = tornado[0].spec["data"]["values"];
  ASSERT_EQ(rows.size(), 1u);  // top 1
  EXPECT_EQ(rows[0]["input"], "p");
  EXPECT_EQ(rows[0]["direction"], "lowers the output");
}

TEST(ReportCrisis, TreeHighlightsTheEquilibriumPath) {
  const json crisis = json::parse(R"({"games":[{"id":"g","name":"Deterrence",
    "tree":{"player":"PRK","children":[
      {"action":"attack","node":{"player":"USA","children":[
        {"action":"fight","node":{"payoffs":{"PRK":-1,"USA":-1}}},
        {"action":"yield","node":{"payoffs":{"PRK":1,"USA":-1}}}]}},
      {"action":"status quo","node":{"payoffs":{"PRK":0,"USA":0}}}]},
    "path":["status quo"],
    "thresholds":[{"name":"USA resolve","value":0.4,"actual":0.6}]}]})");
  const auto charts = report::crisis_charts(crisis);
  ASSERT_EQ(charts.size(), 2u);
  for (const auto& c : charts) expect_vega_lite_shape(c);
  const json edges = charts[0].spec["layer"][0]["data"]["values"];
  ASSERT_EQ(edges.size(), 4u * 3u);  // each edge an elbow of three segments
  std::set<std::string> on_path;
  std::set<std::string> chosen_off_path;
  for (const json& e : edges) {
    if (e["edge"] == "equilibrium path") on_path.insert(e["action"].get<std::string>());
    if (e["edge"] == "chosen off the path") chosen_off_path.insert(e["action"].get<std::string>());
  }
  EXPECT_EQ(on_path, std::set<std::string>{"status quo"});
  // Issue 17: thresholds of different units shared one axis. One panel and x scale each.
  EXPECT_EQ(charts[1].spec["facet"]["row"]["field"], "name");
  EXPECT_EQ(charts[1].spec["resolve"]["scale"]["x"], "independent");
  EXPECT_EQ(charts[1].spec["data"]["values"][0]["actual"], 0.6);
  EXPECT_EQ(charts[1].spec["data"]["values"][0]["value"], 0.4);
  // No probabilities in this document: an off-path node's choice is not known.
  EXPECT_TRUE(chosen_off_path.empty());
  EXPECT_TRUE(report::crisis_charts(json()).empty());
}

// Issue 17: the tree's payoff labels overlapped at depth 5 and the right edge was clipped.
// The labels' boxes are computed from the generated layout (position, alignment and the
// estimated width of each text), not read off a picture.
TEST(ReportCrisis, KoreaTreeLabelsNeverOverlapAndLieInsideTheView) {
  const json& crisis = korea_run()["models"]["crisis"];
  ASSERT_FALSE(crisis["games"].empty());
  for (const report::Chart& c : report::crisis_charts(crisis)) {
    if (c.id.rfind("crisis-tree-", 0) != 0) continue;
    SCOPED_TRACE(c.id);
    const double width = c.spec["width"].get<double>();
    const double height = c.spec["height"].get<double>();
    struct Box {
      std::string text;
      double x0, y0, x1, y1;
    };
    std::vector<Box> boxes;
    for (const json& layer : c.spec["layer"]) {
      if (layer["mark"]["type"] != "text") continue;
      const double size = layer["mark"]["fontSize"].get<double>();
      const std::string align = layer["mark"]["align"];
      const std::string baseline = layer["mark"]["baseline"];
      // The view maps data to pixels one to one (checked here, since the boxes rely on it).
      EXPECT_EQ(layer["encoding"]["x"]["scale"]["domain"], json({0.0, width}));
      EXPECT_EQ(layer["encoding"]["x"]["scale"]["range"], json({0.0, width}));
      EXPECT_EQ(layer["encoding"]["y"]["scale"]["range"], json({0.0, height}));
      for (const json& l : layer["data"]["values"]) {
        const std::string text = l["text"];
        const double w = report::text_width(text, size);
        const double x = l["x"].get<double>(), y = l["y"].get<double>();
        const double x0 = align == "left" ? x : align == "right" ? x - w : x - w / 2;
        const double h = size * 1.2;  // ascent + descent of a sans-serif face
        const double y0 = baseline == "bottom" ? y - h : baseline == "top" ? y : y - h / 2;
        boxes.push_back({text, x0, y0, x0 + w, y0 + h});
      }
    }
    // Every player, action and outcome has its label: 1 root player + 3 per edge's child.
    EXPECT_GE(boxes.size(), 15u);
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      const Box& a = boxes[i];
      EXPECT_GE(a.x0, 0) << a.text;
      EXPECT_GE(a.y0, 0) << a.text;
      EXPECT_LE(a.x1, width) << a.text;
      EXPECT_LE(a.y1, height) << a.text;
      for (std::size_t k = i + 1; k < boxes.size(); ++k) {
        const Box& b = boxes[k];
        const bool overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        EXPECT_FALSE(overlap) << "'" << a.text << "' and '" << b.text << "'";
      }
    }
    // The path and each player's off-path choices are drawn (the strategies of the solved
    // game: every decision node has exactly one chosen action).
    std::set<std::string> kinds;
    for (const json& e : c.spec["layer"][0]["data"]["values"])
      kinds.insert(e["edge"].get<std::string>());
    EXPECT_EQ(kinds,
              (std::set<std::string>{"equilibrium path", "chosen off the path", "not chosen"}));
    EXPECT_NE(c.caption.find("Equilibrium path: USA"), std::string::npos) << c.caption;
    EXPECT_NE(c.caption.find("JPN "), std::string::npos) << c.caption;
  }
}

TEST(ReportHtml, ContainsEverySpecTheLibrariesAndNoRemoteReference) {
  report::ReportInput in;
  in.run = korea_run();
  auto [from, to] = default_timeline_range(korea());
  TimelineRequest request;
  request.from = from;
  request.to = to;
  in.timeline = alliance_timeline(korea(), request).rows;
  in.map = report::map_layers(korea());
  const json countries = report::topojson_features(json::parse(report::embedded_world_atlas()),
                                                   "countries", {"408", "410", "156", "392"});
  const auto sections = report::build_sections(in, countries);
  report::ReportMeta meta;
  meta.title = "Korea <2003>";
  meta.scenario_id = "korea-2003";
  const report::Assets assets = report::embedded_assets();
  ASSERT_GT(assets.vega.size(), 100000u);
  const std::string html = report::render_html(meta, sections, assets);

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Korea &lt;2003&gt;"), std::string::npos);
  EXPECT_NE(html.find(std::string(assets.vega_embed.substr(0, 200))), std::string::npos);
  // Every chart's spec is in the page, parses back and equals the generated one.
  std::size_t charts = 0;
  for (const auto& s : sections) {
    EXPECT_NE(html.find("id=\"" + s.id + "\""), std::string::npos);
    for (const auto& c : s.charts) {
      ++charts;
      const std::string open = "<script type=\"application/json\" id=\"spec-" + c.id + "\">";
      const auto at = html.find(open);
      ASSERT_NE(at, std::string::npos) << c.id;
      const auto end = html.find("</script>", at);
      const std::string text = html.substr(at + open.size(), end - at - open.size());
      EXPECT_EQ(json::parse(text), c.spec) << c.id;
      EXPECT_NE(html.find("<figcaption>"), std::string::npos);
    }
  }
  EXPECT_GE(charts, 3u * 2u + 3u + 1u);  // issues × 2, alliances, map
  // Offline: no script, stylesheet or image is fetched from anywhere.
  EXPECT_FALSE(std::regex_search(
      html, std::regex(R"(<(script|link|img|iframe)[^>]*(src|href)\s*=\s*["']?(https?:)?//)",
                       std::regex::icase)));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(@import\s+url)", std::regex::icase)));
  // Exactly the libraries' and the render script's closing tags: no payload closes early.
  std::size_t scripts = 0;
  for (auto p = html.find("</script>"); p != std::string::npos; p = html.find("</script>", p + 1))
    ++scripts;
  EXPECT_EQ(scripts, 3u + charts + 1u);
}

TEST(ReportHtml, EscapesText) {
  EXPECT_EQ(report::html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST(ReportCli, WritesTheDefaultScenariosReport) {
  const std::string dir = test::temp_dir("report");
  const auto r = test::run_entente_in(dir, "report -o out.html", "ENTENTE_DB=" + dir + "/e.db");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("out.html"), std::string::npos);
  const std::string html = test::read_file(dir + "/out.html");
  EXPECT_NE(html.find("id=\"spec-map\""), std::string::npos);
  EXPECT_NE(html.find("id=\"spec-bdm-nk-nuclear\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/e.db"));  // reading never creates a store

  const auto bad =
      test::run_entente_in(dir, "report --run 5 -o x.html", "ENTENTE_DB=" + dir + "/e.db");
  EXPECT_EQ(bad.exit_code, 1);
  std::filesystem::remove_all(dir);
}

TEST(ReportCli, ReportsAStoredSweepRun) {
  const std::string dir = test::temp_dir("report-sweep");
  const std::string env = "ENTENTE_DB=" + dir + "/e.db";
  ASSERT_EQ(test::run_entente_in(dir, "sweep -n 8 -q -m bdm", env).exit_code, 0);
  const auto r = test::run_entente_in(dir, "report --run 1 -o s.html", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = test::read_file(dir + "/s.html");
  EXPECT_NE(html.find("<dd>1 (sweep)</dd>"), std::string::npos);
  EXPECT_NE(html.find("id=\"spec-sweep-hist-issues\""), std::string::npos);
  EXPECT_NE(html.find("id=\"spec-issue-nk-nuclear\""), std::string::npos);  // a run computed now
  EXPECT_EQ(test::run_entente_in(dir, "report s.yaml --run 1", env).exit_code, 2);
  // The run computed for it has every applicable model: the crisis games are in (issue 17).
  EXPECT_NE(html.find("id=\"spec-crisis-tree-yongbyon\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Issue 17: a report of a run of one model said nothing of the models it lacked.
TEST(ReportCli, AOneModelRunsReportSaysWhatIsMissingAndHowToGetIt) {
  const std::string dir = test::temp_dir("report-partial");
  const std::string env = "ENTENTE_DB=" + dir + "/e.db";
  ASSERT_EQ(test::run_entente_in(dir, "run -m bdm", env).exit_code, 0);
  const auto r = test::run_entente_in(dir, "report --run 1 -o p.html", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = test::read_file(dir + "/p.html");
  EXPECT_NE(html.find("<h2>Models not in this run</h2>"), std::string::npos);
  // Every model that applies to korea-2003 and did not run is named (`entente models`).
  EXPECT_NE(html.find("alliance, compromise, crisis, exchange, median, nash, pivot, smp."),
            std::string::npos);
  EXPECT_NE(html.find("run every model with `entente run`"), std::string::npos);
  // The alliance and crisis sections are there, saying they were not run.
  EXPECT_NE(html.find("Not in this run: the alliance model did not run"), std::string::npos);
  EXPECT_NE(html.find("Not in this run: the crisis model did not run"), std::string::npos);

  // Without --run, the newest run with every model is preferred and the passed-over one named.
  ASSERT_EQ(test::run_entente_in(dir, "run", env).exit_code, 0);
  ASSERT_EQ(test::run_entente_in(dir, "run -m median", env).exit_code, 0);
  const auto latest = test::run_entente_in(dir, "report -o l.html", env);
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  const std::string lhtml = test::read_file(dir + "/l.html");
  EXPECT_NE(lhtml.find("<dd>2 (run)</dd>"), std::string::npos);
  EXPECT_NE(lhtml.find("Stored run 3 of this scenario ran only median; this report uses run 2"),
            std::string::npos);
  EXPECT_EQ(lhtml.find("Models not in this run"), std::string::npos);
  EXPECT_NE(lhtml.find("id=\"spec-crisis-tree-yongbyon\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace entente

namespace entente {
namespace {

// Issue 17: a tornado of ten inputs of effect 0 listed arbitrary inputs as "most influential".
TEST(ReportUncertainty, AnOutputNothingMovesGetsNoTornadoAndIsNamed) {
  const json sens = json::parse(R"({"method": "morris", "outputs": [
    {"output": "flat", "inputs": [{"input": "a", "mu": 0, "mu_star": 0, "sigma": 0, "rank": 1},
                                  {"input": "b", "mu": 0, "mu_star": 0, "sigma": 0, "rank": 2}]},
    {"output": "moved", "inputs": [{"input": "a", "mu": 0.5, "mu_star": 0.5, "sigma": 0, "rank": 1}]}]})");
  const auto charts = report::sensitivity_charts(sens);
  ASSERT_EQ(charts.size(), 1u);
  EXPECT_EQ(charts[0].id, "tornado-moved");
  EXPECT_EQ(report::unmoved_outputs(sens), std::vector<std::string>{"flat"});
  report::ReportInput in;
  in.sensitivity = sens;
  const auto sections = report::build_sections(in, json::array());
  EXPECT_NE(sections.back().intro.find("Nothing moves flat:"), std::string::npos);
}

// Issue 17: a histogram of one bar (every draw equal) becomes an interval in the ranges chart.
TEST(ReportUncertainty, AOneBarHistogramIsLeftToTheIntervalPlot) {
  const json sweep = json::parse(R"({"samples": 10, "outputs": [
    {"id": "a/p", "model": "alliance", "range": [0, 1], "histogram": [0, 10, 0], "mean": 0.4,
     "quantiles": {"p5": 0.4, "p25": 0.4, "p50": 0.4, "p75": 0.4, "p95": 0.4}},
    {"id": "b/p", "model": "alliance", "range": [0, 1], "histogram": [3, 4, 3], "mean": 0.5,
     "quantiles": {"p5": 0.1, "p25": 0.3, "p50": 0.5, "p75": 0.7, "p95": 0.9}},
    {"id": "crisis/g/strike/credible", "range": [0, 1], "histogram": [7, 0, 3], "mean": 0.3,
     "quantiles": {"p5": 0, "p25": 0, "p50": 0, "p75": 1, "p95": 1}}]})");
  const auto charts = report::sweep_charts(sweep);
  std::map<std::string, report::Chart> by_id;
  for (const auto& c : charts) by_id[c.id] = c;
  ASSERT_TRUE(by_id.count("sweep-hist-alliances"));
  std::set<std::string> drawn;
  for (const json& b : by_id["sweep-hist-alliances"].spec["data"]["values"])
    drawn.insert(b["output"].get<std::string>());
  EXPECT_EQ(drawn, std::set<std::string>{"b/p"});
  ASSERT_TRUE(by_id.count("sweep-quantiles-alliances"));
  EXPECT_EQ(by_id["sweep-quantiles-alliances"].spec["data"]["values"].size(), 2u);
  // The crisis threat: the share of draws it is credible, its own chart.
  ASSERT_TRUE(by_id.count("sweep-crisis"));
  EXPECT_EQ(by_id["sweep-crisis"].spec["data"]["values"][0]["share"], 0.3);
}

// Issue 17: anchors cut to the same text stayed indistinct; nash under the status quo's rule.
TEST(ReportCharts, AnchorLabelsStayDistinctAndCoincidingForecastsAreStacked) {
  const json& issue = korea_run()["issues"][1];
  ASSERT_EQ(issue["id"], "us-troops");
  const report::Chart c = report::issue_chart(issue);
  const json anchors = c.spec["vconcat"][0]["data"]["values"];
  std::set<std::string> shorts;
  for (const json& a : anchors) {
    const std::string s = a["short"];
    // The value leads, so the renderer's cut keeps labels apart.
    char value[32];
    std::snprintf(value, sizeof value, "%g ", a["value"].get<double>());
    EXPECT_EQ(s.rfind(value, 0), 0u) << s;
    shorts.insert(s);
  }
  EXPECT_EQ(shorts.size(), anchors.size());
  // Every forecast has a name label; names of coinciding forecasts sit at different heights.
  const json layers = c.spec["vconcat"][1]["layer"];
  const json rules = layers[0]["data"]["values"];
  EXPECT_EQ(rules[0]["model"], "status quo");  // drawn first, under the models
  const json labels = layers[1]["data"]["values"];
  ASSERT_EQ(labels.size(), rules.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t k = i + 1; k < labels.size(); ++k) {
      if (labels[i]["forecast"] == labels[k]["forecast"]) {
        EXPECT_NE(labels[i]["stack"], labels[k]["stack"])
            << labels[i]["model"] << " " << labels[k]["model"];
      }
    }
  }
}

}  // namespace
}  // namespace entente

namespace entente {
namespace {

// Issue 17: the map had no legend naming the rings, no place labels, no before/after.
TEST(ReportMap, LabelsComeFromTheScenarioAndTheRingsAreNamed) {
  const json layers = report::map_layers(korea());
  std::set<std::string> names;
  for (const Place& p : korea().places) names.insert(p.name);
  for (const Line& l : korea().lines) names.insert(l.name.substr(0, l.name.find(" (")));
  std::set<std::string> labels;
  for (const json& l : layers["labels"]) {
    EXPECT_TRUE(names.count(l["text"].get<std::string>())) << l["text"];
    labels.insert(l["text"].get<std::string>());
  }
  // The scenario's places near the forces, where no force stands (Beijing and Tokyo are
  // farther than 300 km from every force and line: korea-2003.yaml's coordinates).
  for (const char* want : {"Pyongyang", "Yongbyon nuclear complex", "Han River through Seoul",
                           "Military Demarcation Line"})
    EXPECT_TRUE(labels.count(want)) << want;
  EXPECT_FALSE(labels.count("Beijing"));
  // A force is labelled by its place: Seoul is named through the Yongsan garrison.
  bool seoul = false;
  for (const json& f : layers["forces"]) seoul = seoul || f["label"] == "Yongsan Garrison (Seoul)";
  EXPECT_TRUE(seoul);
  // Every ring's legend entry names its owner, its weapon and its range.
  for (const json& r : layers["rings"]) {
    const std::string label = r["properties"]["label"];
    const Weapon* w = nullptr;
    for (const Weapon& x : korea().weapons)
      if (x.id == r["properties"]["weapon"]) w = &x;
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(label.rfind(w->owner + ": " + w->system.substr(0, w->system.find(',')), 0), 0u);
    EXPECT_NE(label.find(std::to_string(std::lround(w->range_km.value)) + " km"),
              std::string::npos);
  }
  // Before and after the events that move forces: one radio parameter, both postures' units.
  const Scenario after = korea().at(*Date::parse("2018-06-29"));
  const report::Chart c =
      report::map_chart(layers, json::array(), report::map_layers(after), "2018-06-29");
  ASSERT_TRUE(c.spec.contains("params"));
  EXPECT_EQ(c.spec["params"][0]["bind"]["input"], "radio");
  std::set<std::string> postures;
  for (const json& values : values_of(c.spec)) {
    for (const json& row : values) {
      if (row.is_object() && row.contains("posture") && row.contains("unit"))
        postures.insert(row["posture"].get<std::string>());
    }
  }
  EXPECT_EQ(postures.size(), 2u);
  EXPECT_FALSE(report::map_chart(layers, json::array()).spec.contains("params"));
}

}  // namespace
}  // namespace entente
