// The terminal summary of `entente run`: what it shows of the scenario models. The
// documents are written here by hand, so every expected line follows from them.
#include "cli/summary.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace entente::cli {
namespace {

nlohmann::json document() {
  return nlohmann::json::parse(R"({
    "scenario": {"title": "T", "id": "t", "at": "2003-03-15"},
    "issues": [],
    "models": {
      "alliance": {"date": "2003-03-15", "alliances": [{
        "id": "ab", "name": "A-B pact", "health": 0.4156,
        "p_holds": {"10": 0.75, "1": 0.97, "5": 0.86}, "p_honours": 0.624,
        "abandonment": {"A": {"value": 0.61}, "B": {"value": 0.55}},
        "entrapment": {"A": {"value": 0.65}, "B": {"value": 0.49}},
        "drivers": [{"term": "structure: log_age", "value": -0.944}]}]},
      "crisis": {"games": [{
        "id": "g", "name": "Strike game", "solver": "backward-induction",
        "path": [{"player": "A", "action": "threaten"}, {"player": "B", "action": "freeze"}],
        "threats": [
          {"player": "A", "action": "strike", "node": "a-strikes", "credible": true,
           "reached": false,
           "flips": [{"flips_at": 0.005, "text": "credible if params.cost < 0.005"},
                     {"flips_at": null, "text": "never flips in [0, 1]"}]},
          {"player": "B", "action": "resist", "node": "b-resists", "credible": false,
           "reached": true, "flips": []}],
        "variables": {"exposed_troops_A": 21666.7, "weapons_in_range_A": 800, "cost": 0.01}}]}
    }
  })");
}

TEST(Summary, ShowsEachAllianceWithItsHorizonsInOrder) {
  const std::string out = render_summary(document(), false);
  EXPECT_NE(out.find("A-B pact [ab]"), std::string::npos) << out;
  // Horizons sorted numerically (1, 5, 10), not as the JSON object's string keys.
  EXPECT_NE(out.find("health 0.42   p(holds 1y/5y/10y) 0.97/0.86/0.75   p(honours) 0.62"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("fear of abandonment: A 0.61, B 0.55   of entrapment: A 0.65, B 0.49"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("largest driver: structure: log_age (-0.94"), std::string::npos) << out;
}

TEST(Summary, ShowsTheLongestHorizonsEstimationInterval) {
  nlohmann::json doc = document();
  doc["models"]["alliance"]["alliances"][0]["p_holds_interval"] =
      nlohmann::json::parse(R"({"1": [0.95, 0.99], "10": [0.61, 0.86]})");
  const std::string out = render_summary(doc, false);
  EXPECT_NE(out.find("0.97/0.86/0.75 (10y 90%: 0.61–0.86)"), std::string::npos) << out;
  doc["models"]["alliance"]["alliances"][0]["p_holds_interval"]["10"] = {0.6};
  EXPECT_EQ(app::result_shape_error("run", doc),
            "result.models.alliance.alliances[0].p_holds_interval.10: expected [lo, hi], two "
            "numbers");
}

TEST(Summary, ShowsEachThreatWithTheConditionsThatFlipIt) {
  const std::string out = render_summary(document(), false);
  EXPECT_NE(out.find("equilibrium path: A threaten → B freeze"), std::string::npos) << out;
  EXPECT_NE(out.find("threat A strike at a-strikes: credible (off the equilibrium path)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("credible if params.cost < 0.005"), std::string::npos) << out;
  // An input that never flips the result within its range is not worth a line.
  EXPECT_EQ(out.find("never flips"), std::string::npos) << out;
  EXPECT_NE(out.find("threat B resist at b-resists: not credible\n"), std::string::npos) << out;
  // Only force-posture quantities, counts as whole numbers.
  EXPECT_NE(out.find("exposure: exposed_troops_A 21667, weapons_in_range_A 800\n"),
            std::string::npos)
      << out;
}

TEST(Summary, LeavesOutModelsThatDidNotRun) {
  nlohmann::json doc = document();
  doc["models"].erase("alliance");
  doc["models"].erase("crisis");
  const std::string out = render_summary(doc, false);
  EXPECT_EQ(out.find("Alliances"), std::string::npos);
  EXPECT_EQ(out.find("Crisis games"), std::string::npos);
}

// Issue 17: `-m crisis` alone printed every issue's table, each ending "no model forecast
// this issue". One line says why instead; a run with an issue model still shows the tables.
TEST(Summary, ARunOfScenarioModelsAloneSaysWhyNoIssueIsForecast) {
  nlohmann::json doc = document();
  const nlohmann::json issue = nlohmann::json::parse(R"({
    "id": "i", "name": "Issue I", "scale": {"min": 0, "max": 100, "anchors": []},
    "positions": {"A": {"position": 10, "salience": 0.5, "capability": 1}}, "models": {}})");
  doc["issues"] = {issue, issue};
  doc["issues"][1]["id"] = "j";
  const std::string alone = render_summary(doc, false);
  EXPECT_NE(alone.find("2 issues not forecast: no issue model in this run"), std::string::npos)
      << alone;
  EXPECT_EQ(alone.find("no model forecast this issue"), std::string::npos) << alone;
  EXPECT_EQ(alone.find("[i]"), std::string::npos) << alone;
  EXPECT_NE(alone.find("Strike game"), std::string::npos) << alone;

  doc["issues"][0]["models"]["median"] = {{"forecast", 10.0}};
  const std::string mixed = render_summary(doc, false);
  EXPECT_EQ(mixed.find("not forecast: no issue model"), std::string::npos) << mixed;
  EXPECT_NE(mixed.find("[i]"), std::string::npos) << mixed;
  EXPECT_NE(mixed.find("[j]"), std::string::npos) << mixed;
  EXPECT_NE(mixed.find("no model forecast this issue"), std::string::npos) << mixed;
}

// Stored results are checked before the summary reads them (issue 15): what it reads must
// have the type it reads it as, and the first problem is named by its path.
TEST(Summary, StoredRunDocumentsAreCheckedFieldByField) {
  nlohmann::json doc = document();
  EXPECT_EQ(app::result_shape_error("run", doc), "");
  // An issue without anchors or positions (older documents) still renders.
  doc["issues"] = nlohmann::json::parse(R"([{"id": "deal", "scale": {"min": 0, "max": 10},
      "models": {"median": {"forecast": 4}}}])");
  EXPECT_EQ(app::result_shape_error("run", doc), "");
  EXPECT_NE(render_summary(doc, false).find("[deal]"), std::string::npos);

  nlohmann::json bad = doc;
  bad["issues"][0]["scale"]["max"] = 0;
  EXPECT_EQ(app::result_shape_error("run", bad),
            "result.issues[0].scale: min 0 is not below max 0");
  bad = document();
  bad["models"]["alliance"]["alliances"][0]["p_holds"]["soon"] = 0.5;
  EXPECT_EQ(app::result_shape_error("run", bad),
            "result.models.alliance.alliances[0].p_holds: key 'soon' is not a number of years");
  bad = document();
  bad["models"]["crisis"]["games"][0]["threats"][0]["credible"] = "yes";
  EXPECT_EQ(app::result_shape_error("run", bad),
            "result.models.crisis.games[0].threats[0].credible: expected true or false, found "
            "string");
  bad = document();
  bad["models"]["alliance"]["alliances"][0].erase("entrapment");
  EXPECT_EQ(app::result_shape_error("run", bad),
            "result.models.alliance.alliances[0].entrapment: missing; expected an object");
  EXPECT_EQ(app::result_shape_error("run", nullptr), "result: expected an object, found null");
}

// Issue 17: Japan's choice appeared only in the JSON and the report's tree. The summary
// says what each player's equilibrium strategy does at each of its nodes, on the path and
// off it. The tree is written by hand: at the root the US does not threaten (probability
// 1); after a threat the ally would support; after its support the US would strike.
TEST(Summary, SaysWhatEachPlayerDoesOnAndOffThePath) {
  nlohmann::json doc = document();
  doc["models"]["crisis"]["games"][0]["tree"] = nlohmann::json::parse(R"({
    "player": "USA", "children": [
      {"action": "threaten", "on_path": false, "probability": 0, "node": {
        "player": "JPN", "children": [
          {"action": "support", "on_path": false, "probability": 1, "node": {
            "player": "USA", "children": [
              {"action": "strike", "probability": 1, "node": {"payoffs": {"USA": 1, "JPN": 0}}},
              {"action": "back-down", "probability": 0, "node": {"payoffs": {"USA": 0, "JPN": 0}}}]}},
          {"action": "free-ride", "on_path": false, "probability": 0,
           "node": {"payoffs": {"USA": -1, "JPN": 1}}}]}},
      {"action": "no-threat", "on_path": true, "probability": 1,
       "node": {"payoffs": {"USA": 2, "JPN": 0}}}]})");
  const std::string out = render_summary(doc, false);
  EXPECT_NE(out.find("      USA: no-threat [on the path]; strike if JPN support [off the path]\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("      JPN: support if USA threaten [off the path]\n"), std::string::npos)
      << out;
  // A mixed strategy says how likely the chosen action is.
  doc["models"]["crisis"]["games"][0]["tree"]["children"][0]["node"]["children"][0]["probability"] =
      0.7;
  EXPECT_NE(render_summary(doc, false).find("JPN: support (p 0.70) if USA threaten"),
            std::string::npos);
  // A malformed tree is skipped, never a crash.
  doc["models"]["crisis"]["games"][0]["tree"] = nlohmann::json::parse(R"({"children": [7]})");
  EXPECT_NO_THROW(render_summary(doc, false));
}

}  // namespace
}  // namespace entente::cli
