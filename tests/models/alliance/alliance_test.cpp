// The alliance model's components on two- and three-member toy alliances (every expected
// value derived by hand in the comment beside it), its monotonicity properties, and the
// directions the korea-2003 scenario's inputs imply.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "entente/alliance.hpp"
#include "entente/embedded.hpp"
#include "entente/model.hpp"
#include "entente/scenario_io.hpp"
#include "entente/sweep.hpp"

namespace entente {
namespace {

using alliance::Weights;
using Options = std::map<std::string, std::string>;

Actor actor(const std::string& id, double capability, const std::string& parent = "") {
  Actor a;
  a.id = id;
  a.name = id;
  a.capability = capability;
  a.parent = parent;
  return a;
}

Issue issue(const std::string& id, std::vector<Stance> stances) {
  Issue is;
  is.id = id;
  is.scale.min = 0;
  is.scale.max = 100;
  is.stances = std::move(stances);
  return is;
}

// Two members: US capability 3, ROK 1 (shares 3/4 and 1/4), an outside threat C.
Scenario two_member() {
  Scenario s;
  s.id = "toy";
  s.as_of = {2003, 3, 15};
  s.actors = {actor("US", 3), actor("ROK", 1), actor("ROK-public", 0.2, "ROK"), actor("C", 1)};
  // i1: 60 points apart, saliences 1 and 0.25 → weight √0.25 = 0.5.
  // i2: 40 apart, but the US does not care (salience 0) → weight 0.
  s.issues = {issue("i1", {{"US", 80.0, 1.0}, {"ROK", 20.0, 0.25}}),
              issue("i2", {{"US", 50.0, 0.0}, {"ROK", 10.0, 1.0}})};
  Alliance a;
  a.id = "pact";
  a.type = "defence";
  a.members = {"US", "ROK"};
  a.since = Date{1953, 10, 1};
  AllianceTerms us;
  us.member = "US";
  us.commitment = 0.9;
  us.troops_abroad = 100.0;
  us.host_nation_support = 0.0;
  us.threats = {{"X", 0.8}, {"Y", 0.4}};
  AllianceTerms rok;
  rok.member = "ROK";
  rok.troops_abroad = 0.0;
  rok.host_nation_support = 30.0;
  rok.support_polls = {"stay"};
  rok.threats = {{"X", 0.4}};
  a.terms = {us, rok};
  s.alliances = {a};
  // C's gun at (38, 127) reaching 20 km; a US unit 0.1° north (≈ 11 km) and one 0.5° north.
  Weapon gun;
  gun.id = "gun";
  gun.owner = "C";
  gun.range_km = 20.0;
  gun.count = 10.0;
  gun.sites = {{38.0, 127.0}};
  s.weapons = {gun};
  Force near;
  near.id = "near";
  near.owner = "US";
  near.location = {38.1, 127.0};
  near.strength = 1000.0;
  Force far = near;
  far.id = "far";
  far.location = {38.5, 127.0};
  far.strength = 3000.0;
  s.forces = {near, far};
  // Two competing polls on one day, and an older one.
  s.polls = {Poll{"p1", "ROK-public", "stay", {2003, 3, 15}, 0.4, ""},
             Poll{"p2", "ROK-public", "stay", {2003, 3, 15}, 0.6, ""},
             Poll{"other", "ROK-public", "leave", {2003, 3, 15}, 0.9, ""}};
  s.applied_through = s.as_of;
  return s;
}

TEST(AllianceCongruence, TwoMembersByHand) {
  const Scenario s = two_member();
  const auto c = alliance::congruence(s, s.alliances[0], Weights{});
  // Issues: 1 − (0.5 × 0.6 + 0 × 0.4) / (0.5 + 0) = 0.4.
  ASSERT_TRUE(c.issues);
  EXPECT_NEAR(*c.issues, 0.4, 1e-12);
  ASSERT_EQ(c.by_issue.size(), 2U);
  EXPECT_NEAR(c.by_issue[0].distance, 0.6, 1e-12);
  EXPECT_NEAR(c.by_issue[0].weight, 0.5, 1e-12);
  EXPECT_NEAR(c.by_issue[0].share, 0.6, 1e-12);  // the whole gap comes from i1
  EXPECT_NEAR(c.by_issue[1].share, 0.0, 1e-12);
  // Threats: Σ min / Σ max = min(0.8, 0.4) / (0.8 + 0.4) = 1/3 (Y is the US's alone).
  ASSERT_TRUE(c.threats);
  EXPECT_NEAR(*c.threats, 1.0 / 3.0, 1e-12);
  // Combined with threat weight 0.5: 0.5 × 0.4 + 0.5 × 1/3 = 0.36667.
  EXPECT_NEAR(c.value, 0.5 * 0.4 + 0.5 / 3.0, 1e-12);
}

TEST(AllianceCongruence, ThreeMembersAveragePairs) {
  Scenario s;
  s.actors = {actor("A", 1), actor("B", 1), actor("C", 2)};
  // Positions 0, 50, 100, salience 1: pair distances 0.5, 1, 0.5 → 1 − 2/3 = 1/3.
  s.issues = {issue("i", {{"A", 0.0, 1.0}, {"B", 50.0, 1.0}, {"C", 100.0, 1.0}})};
  Alliance a;
  a.id = "three";
  a.members = {"A", "B", "C"};
  s.alliances = {a};
  const auto c = alliance::congruence(s, a, Weights{});
  EXPECT_NEAR(*c.issues, 1.0 / 3.0, 1e-12);
  EXPECT_FALSE(c.threats);
  EXPECT_NEAR(c.value, 1.0 / 3.0, 1e-12);  // issues alone when no threats are given
  // Asymmetry: shares 1/4, 1/4, 1/2 → (1/2 − 1/3) / (1 − 1/3) = 1/4.
  const auto asym = alliance::asymmetry(s, a);
  EXPECT_NEAR(asym.index, 0.25, 1e-12);
  EXPECT_NEAR(asym.autonomy.at("C"), 0.5 - 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(asym.security.at("A"), 0.75, 1e-12);
}

TEST(AllianceCongruence, SubActorsFormTheMembersStand) {
  Scenario s;
  s.actors = {actor("A", 3), actor("A-leader", 1, "A"), actor("B", 1)};
  // A's stand: (3·1·40 + 1·1·80) / (3 + 1) = 50; salience (3·1 + 1·1)/(3 + 1) = 1.
  s.issues = {issue("i", {{"A", 40.0, 1.0}, {"A-leader", 80.0, 1.0}, {"B", 50.0, 1.0}})};
  const auto st = alliance::member_stand(s, s.issues[0], "A");
  ASSERT_TRUE(st);
  EXPECT_NEAR(st->position, 50.0, 1e-12);
  EXPECT_NEAR(st->salience, 1.0, 1e-12);
  EXPECT_FALSE(alliance::member_stand(s, s.issues[0], "nobody"));
}

TEST(AllianceRiskSharing, TwoMembersByHand) {
  const Scenario s = two_member();
  const auto r = alliance::risk_sharing(s, s.alliances[0], Weights{});
  ASSERT_EQ(r.size(), 2U);
  // Shares 3/4 (US), 1/4 (ROK). Troops: US does all → r = 1/(3/4) = 4/3 → 4/7; ROK 0.
  // Host-nation support: ROK does all → r = 1/(1/4) = 4 → 4/5; US 0.
  EXPECT_NEAR(*r[0].burden, (4.0 / 7.0 + 0.0) / 2.0, 1e-12);
  EXPECT_NEAR(*r[1].burden, (0.0 + 0.8) / 2.0, 1e-12);
  // Exposure: 1000 of 4000 US personnel within 20 km of the gun.
  EXPECT_NEAR(*r[0].exposure, 0.25, 1e-12);
  EXPECT_FALSE(r[1].exposure);  // ROK has no forces in the scenario
  // Support: the two same-day "stay" polls average to 0.5; "leave" is not listed.
  EXPECT_NEAR(*r[1].support, 0.5, 1e-12);
  EXPECT_EQ(r[1].polls.size(), 2U);
  EXPECT_FALSE(r[0].support);
  // US: mean of commitment 0.9, burden 2/7, exposure 0.25.
  EXPECT_NEAR(r[0].value, (0.9 + 2.0 / 7.0 + 0.25) / 3.0, 1e-12);
  // ROK: no commitment given: mean of support 0.5 and burden 0.4.
  EXPECT_NEAR(r[1].value, 0.45, 1e-12);
  EXPECT_EQ(r[1].missing, (std::vector<std::string>{"commitment", "exposure"}));
}

TEST(AllianceRiskSharing, OlderPollsCountLess) {
  Scenario s = two_member();
  // A poll one half-life older counts half: (0.5 · 0.8 + 1 · 0.5) / 1.5 = 0.6.
  s.polls = {Poll{"old", "ROK-public", "stay", {2002, 3, 15}, 0.8, ""},
             Poll{"new", "ROK-public", "stay", {2003, 3, 15}, 0.5, ""}};
  Weights w;
  w.poll_half_life_days = 365;  // 2002-03-15 → 2003-03-15 is 365 days
  const auto r = alliance::risk_sharing(s, s.alliances[0], w);
  EXPECT_NEAR(*r[1].support, 0.6, 1e-12);
}

TEST(AllianceFears, AbandonmentAndEntrapmentByHand) {
  const Scenario s = two_member();
  const Weights w;
  const auto c = alliance::congruence(s, s.alliances[0], w);
  const auto r = alliance::risk_sharing(s, s.alliances[0], w);
  const auto asym = alliance::asymmetry(s, s.alliances[0]);
  const auto ab = alliance::abandonment(s.alliances[0], c, r, asym);
  // ROK: dependence 3/4, threat 0.4, partners unwilling 1 − R_US, divergence 1 − C.
  const double div = 1.0 - c.value;
  EXPECT_NEAR(ab[1].value, (0.75 + 0.4 + (1.0 - r[0].value) + div) / 4.0, 1e-12);
  EXPECT_EQ(ab[1].terms.front().name, "dependence");  // largest first
  const auto en = alliance::entrapment(s.alliances[0], c, r);
  // ROK: unshared US threats (0.8 − 0.4 + 0.4) / 1.2 = 2/3; no commitment; divergence.
  EXPECT_NEAR(en[1].value, (2.0 / 3.0 + div) / 2.0, 1e-12);
  // US: ROK's threat X is shared → 0; own commitment 0.9; divergence; exposure 0.25.
  EXPECT_NEAR(en[0].value, (0.0 + 0.9 + div + 0.25) / 4.0, 1e-12);
}

TEST(AllianceFears, ThreeMembersByHand) {
  Scenario s;
  s.actors = {actor("A", 2), actor("B", 1), actor("C", 1)};
  Alliance a;
  a.id = "three";
  a.members = {"A", "B", "C"};
  AllianceTerms ta;
  ta.member = "A";
  ta.troops_abroad = 10.0;
  ta.threats = {{"X", 1.0}};
  AllianceTerms tb;
  tb.member = "B";
  tb.troops_abroad = 10.0;
  tb.threats = {{"X", 0.5}};
  AllianceTerms tc;
  tc.member = "C";
  tc.troops_abroad = 0.0;
  a.terms = {ta, tb, tc};
  s.alliances = {a};
  const Weights w;
  // Capability shares 1/2, 1/4, 1/4; troop shares 1/2, 1/2, 0 → fair-share ratios 1, 2, 0
  // → burden 1/2, 2/3, 0 (the only component, so also each member's risk sharing).
  const auto r = alliance::risk_sharing(s, a, w);
  EXPECT_NEAR(r[0].value, 0.5, 1e-12);
  EXPECT_NEAR(r[1].value, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r[2].value, 0.0, 1e-12);
  // Threat overlap: only the pair A–B lists threats: 0.5 / 1 = 0.5; no issues → C = 0.5.
  const auto c = alliance::congruence(s, a, w);
  EXPECT_NEAR(*c.threats, 0.5, 1e-12);
  EXPECT_NEAR(c.value, 0.5, 1e-12);
  const auto en = alliance::entrapment(a, c, r);
  // C shares none of its partners' threats: (1 + 0.5) / 1.5 = 1; terms: that, divergence.
  EXPECT_NEAR(en[2].value, (1.0 + 0.5) / 2.0, 1e-12);
  EXPECT_EQ(en[2].terms.front().name, "unshared_threats");
  // B: of A's threat 1, B fears 0.5 → 0.5 unshared of 1.
  EXPECT_NEAR(en[1].value, (0.5 + 0.5) / 2.0, 1e-12);
  const auto ab = alliance::abandonment(a, c, r, alliance::asymmetry(s, a));
  // C: dependence 3/4; no threats; partners unwilling 1 − (1/2 + 2/3)/2 = 5/12; divergence 1/2.
  EXPECT_NEAR(ab[2].value, (0.75 + 5.0 / 12.0 + 0.5) / 3.0, 1e-12);
}

TEST(AllianceDurability, HealthShiftAndHorizonsByHand) {
  Weights w;  // shift weights 2 and 2
  EXPECT_NEAR(alliance::health(0.4, 0.6, w), 0.5, 1e-12);
  EXPECT_NEAR(alliance::hazard_shift(0.4, 0.6, w), 2 * 0.1 + 2 * -0.1, 1e-12);
  EXPECT_NEAR(alliance::hazard_shift(0.25, 0.5, w), 0.5, 1e-12);
  // A flat hazard of 0.1 a year: P(holds 5 years) = 0.9^5.
  alliance::HazardModel h;
  h.beta = {std::log(0.1 / 0.9), 0, 0, 0, 0, 0};
  h.base = {0, 0, 0, 0, 0};
  EXPECT_NEAR(alliance::p_holds(h, {0, 0, 0, 0, 0}, 0.0, 5), std::pow(0.9, 5), 1e-12);
  // A shift of +ln 2 on the logit doubles the odds: hazard 2/11.
  EXPECT_NEAR(alliance::p_holds(h, {0, 0, 0, 0, 0}, std::log(2.0), 1), 1 - 2.0 / 11.0, 1e-12);
}

TEST(AllianceCalibration, TypicalAllianceHonoursAtTheLeedsLongMitchellRate) {
  // Leeds, Long & Mitchell (2000): alliance commitments honoured in 74.5% of the cases
  // that invoked them. The typical alliance (the fit's covariate means) with a neutral
  // scenario (congruence = risk sharing = 0.5, so shift 0) must honour at that rate.
  const alliance::HazardModel& h = alliance::default_hazard();
  ASSERT_FALSE(h.empty()) << "data/models/alliance-hazard.json is not embedded";
  const Weights w;
  EXPECT_NEAR(alliance::p_honours(h, h.base, alliance::hazard_shift(0.5, 0.5, w), w), 0.745, 1e-12);
  // Worse interests or less risk sharing lower it; a higher structural hazard too.
  EXPECT_LT(alliance::p_honours(h, h.base, alliance::hazard_shift(0.3, 0.5, w), w), 0.745);
  std::vector<double> worse = h.base;
  worse[1] += 1.0;  // capability change raises the hazard (positive coefficient in the fit)
  EXPECT_EQ(alliance::p_honours(h, worse, 0, w) < 0.745, h.beta[2] > 0);
}

TEST(AllianceModel, RunReportsEveryFieldOfTheIssue) {
  const Scenario s = two_member();
  const auto r = make_model("alliance")->run(s, RunContext{});
  ASSERT_EQ(r.details["alliances"].size(), 1U);
  const auto& a = r.details["alliances"][0];
  for (const char* k : {"members", "congruence", "risk_sharing", "health", "p_holds", "abandonment",
                        "entrapment", "drivers", "asymmetry"}) {
    EXPECT_TRUE(a.contains(k)) << k;
  }
  EXPECT_TRUE(a["p_holds"].contains("1"));
  EXPECT_TRUE(a["p_holds"].contains("10"));
  // Drivers are sorted by absolute size.
  double prev = 1e300;
  for (const auto& d : a["drivers"]) {
    EXPECT_LE(std::fabs(d["value"].get<double>()), prev);
    prev = std::fabs(d["value"].get<double>());
  }
  // Health: (2 C + 2 R_min) / 4 with the least willing member (ROK, 0.45).
  const double c = a["congruence"]["value"].get<double>();
  EXPECT_NEAR(a["health"].get<double>(), (c + 0.45) / 2.0, 1e-12);
}

TEST(AllianceModel, EstimationErrorGivesAnIntervalAroundPHolds) {
  const Scenario s = two_member();
  const auto r = make_model("alliance")->run(s, RunContext{5});
  const auto& a = r.details["alliances"][0];
  ASSERT_TRUE(a.contains("p_holds_interval"));
  for (const char* h : {"1", "5", "10"}) {
    const double p = a["p_holds"][h].get<double>();
    const double lo = a["p_holds_interval"][h][0].get<double>();
    const double hi = a["p_holds_interval"][h][1].get<double>();
    EXPECT_LT(lo, p) << h;  // the estimate lies inside its 90% interval, which has width
    EXPECT_GT(hi, p) << h;
  }
  // Longer horizons compound the estimation error.
  const auto width = [&](const char* h) {
    return a["p_holds_interval"][h][1].get<double>() - a["p_holds_interval"][h][0].get<double>();
  };
  EXPECT_GT(width("10"), width("1"));
  // Same seed, same interval; no draws, no interval.
  EXPECT_EQ(
      make_model("alliance")->run(s, RunContext{5}).details["alliances"][0]["p_holds_interval"],
      a["p_holds_interval"]);
  const auto none = make_model("alliance", {{"estimation_draws", "0"}})->run(s, RunContext{5});
  EXPECT_FALSE(none.details["alliances"][0].contains("p_holds_interval"));
  EXPECT_THROW((void)make_model("alliance", {{"estimation_uncertainty", "maybe"}}),
               std::invalid_argument);
}

TEST(AllianceModel, ASweepSampleDrawsTheCoefficients) {
  // A scenario without one uncertain input: a sweep's p_holds still spreads, because each
  // sample draws the hazard's coefficients; with estimation_uncertainty=off it does not.
  const Scenario s = two_member();
  RunContext sample{11, false};
  sample.sample_parameters = true;
  const auto value = [&](const std::map<std::string, std::string>& o, const RunContext& c) {
    const auto r = make_model("alliance", o)->run(s, c);
    for (const auto& out : r.outputs) {
      if (out.name.find("p_holds/10y") != std::string::npos) return out.value;
    }
    return -1.0;
  };
  const double nominal = value({}, RunContext{11, false});
  RunContext other = sample;
  other.seed = 12;
  EXPECT_NE(value({}, sample), nominal);
  EXPECT_NE(value({}, sample), value({}, other));
  EXPECT_EQ(value({}, sample), value({}, sample));
  EXPECT_EQ(value({{"estimation_uncertainty", "off"}}, sample), nominal);
}

TEST(AllianceModel, OptionsAreCheckedAndHazardCanBeReplaced) {
  EXPECT_THROW((void)make_model("alliance", {{"threat_weight", "2"}}), std::invalid_argument);
  EXPECT_THROW((void)make_model("alliance", {{"horizons", "1,x"}}), std::invalid_argument);
  EXPECT_THROW((void)make_model("alliance", {{"hazard", "{}"}}), std::invalid_argument);
  alliance::HazardModel h = alliance::default_hazard();
  h.beta = {std::log(0.1 / 0.9), 0, 0, 0, 0, 0};
  const Scenario s = two_member();
  const auto r = make_model("alliance", {{"hazard", h.to_json().dump()},
                                         {"shift_congruence", "0"},
                                         {"shift_risk", "0"},
                                         {"horizons", "3"}})
                     ->run(s, RunContext{});
  EXPECT_NEAR(r.details["alliances"][0]["p_holds"]["3"].get<double>(), std::pow(0.9, 3), 1e-12);
}

// --- properties ----------------------------------------------------------------------

double congruence_of(const Scenario& s) {
  return alliance::congruence(s, s.alliances[0], Weights{}).value;
}

RC_GTEST_PROP(AllianceProperties, MoreDistanceOnASalientIssueNeverRaisesCongruence, ()) {
  Scenario s = two_member();
  const auto k = *rc::gen::inRange<std::size_t>(0, s.issues.size());
  for (Issue& is : s.issues) {
    for (Stance& st : is.stances) {
      st.position = *rc::gen::inRange(0, 101);
      st.salience = *rc::gen::inRange(0, 101) / 100.0;
    }
  }
  const double before = congruence_of(s);
  // Move ROK away from the US on issue k (toward the far end from the US).
  Issue& is = s.issues[k];
  const double us = is.stances[0].position.value;
  double& rok = is.stances[1].position.value;
  const double step = *rc::gen::inRange(0, 101);
  rok = rok >= us ? std::min(100.0, rok + step) : std::max(0.0, rok - step);
  RC_ASSERT(congruence_of(s) <= before + 1e-12);
}

RC_GTEST_PROP(AllianceProperties, MorePublicSupportNeverLowersRiskSharing, ()) {
  Scenario s = two_member();
  for (Poll& p : s.polls) p.support = *rc::gen::inRange(0, 101) / 100.0;
  const auto k = *rc::gen::inRange<std::size_t>(0, s.polls.size());
  const double before = alliance::risk_sharing(s, s.alliances[0], Weights{})[1].value;
  s.polls[k].support = std::min(1.0, s.polls[k].support.value + *rc::gen::inRange(0, 101) / 100.0);
  RC_ASSERT(alliance::risk_sharing(s, s.alliances[0], Weights{})[1].value >= before - 1e-12);
}

RC_GTEST_PROP(AllianceProperties, MovingAUnitOutOfRangeLowersItsOwnersExposure, ()) {
  Scenario s = two_member();
  for (Force& f : s.forces) {
    // Anywhere from the gun's site to 0.4° north: inside or outside its 20 km.
    f.location.lat = 38.0 + *rc::gen::inRange(0, 41) / 100.0;
    f.strength = *rc::gen::inRange(1, 5000);
  }
  const auto before = alliance::risk_sharing(s, s.alliances[0], Weights{})[0].exposure;
  RC_PRE(before.has_value() && *before > 0);
  // Move the first exposed unit 1° north, far out of range.
  for (Force& f : s.forces) {
    if (f.location.lat <= 38.17) {  // 0.17° ≈ 18.9 km: certainly inside 20 km
      f.location.lat = 39.0;
      const auto after = alliance::risk_sharing(s, s.alliances[0], Weights{})[0].exposure;
      RC_ASSERT(*after < *before);
      return;
    }
  }
}

// --- korea-2003: directions the scenario's inputs imply --------------------------------

const Scenario& korea() {
  static const Scenario kScenario = [] {
    LoadOptions o;
    o.filename = "korea-2003.yaml";
    o.cinc = &default_cinc_table();
    return load_scenario_yaml(embedded_default_scenario(), o);
  }();
  return kScenario;
}

nlohmann::json us_rok_at(const Date& d) {
  const Result r = make_model("alliance")->run(korea().at(d), RunContext{});
  for (const auto& a : r.details["alliances"]) {
    if (a["id"] == "us-rok") return a;
  }
  ADD_FAILURE() << "no us-rok";
  return {};
}

Date event_date(const std::string& id) {
  for (const Event& e : korea().events) {
    if (e.id == id) return e.date;
  }
  ADD_FAILURE() << "no event " << id;
  return {};
}

Date day_before(const Date& d) { return Date::from_days_since_epoch(d.days_since_epoch() - 1); }

TEST(AllianceKorea, ElectionLowersCongruence) {
  // The roh-elected event moves the presidency's positions away from Washington's and
  // lowers Seoul's perceived threat from the North: congruence must fall.
  const Date e = event_date("roh-elected");
  const auto before = us_rok_at(day_before(e));
  const auto after = us_rok_at(e);
  EXPECT_LT(after["congruence"]["value"].get<double>(),
            before["congruence"]["value"].get<double>());
  EXPECT_LT(after["congruence"]["threats"].get<double>(),
            before["congruence"]["threats"].get<double>());
  // The neutrality remark lowers ROK's stated commitment, hence its risk sharing.
  EXPECT_LT(after["risk_sharing"]["ROK"]["value"].get<double>(),
            before["risk_sharing"]["ROK"]["value"].get<double>());
  EXPECT_LT(after["health"].get<double>(), before["health"].get<double>());
}

TEST(AllianceKorea, RelocationMovesUsRokHealthNotUsJapan) {
  // Issue 17's check: move the two relocation events (2nd ID and USFK headquarters to
  // Camp Humphreys, 2018) to before as_of. The units back the US–ROK alliance
  // (`serves: [us-rok]`), so the US exposure changes there and nowhere else: US–Japan
  // health stays within 0.02 (exactly equal: nothing else in those events touches it).
  Scenario moved = korea();
  for (Event& e : moved.events) {
    if (e.id == "2id-to-humphreys" || e.id == "usfk-hq-to-humphreys") e.date = Date{2003, 3, 1};
  }
  std::stable_sort(moved.events.begin(), moved.events.end(),
                   [](const Event& a, const Event& b) { return a.date < b.date; });
  const auto health = [](const Scenario& s, const char* id) {
    const Result r = make_model("alliance")->run(s.at(s.as_of), RunContext{});
    for (const auto& a : r.details["alliances"]) {
      if (a["id"] == id) return std::make_pair(a["health"].get<double>(), a["risk_sharing"]["USA"]);
    }
    ADD_FAILURE() << "no " << id;
    return std::make_pair(0.0, nlohmann::json());
  };
  const auto rok_before = health(korea(), "us-rok");
  const auto rok_after = health(moved, "us-rok");
  const auto jpn_before = health(korea(), "us-japan");
  const auto jpn_after = health(moved, "us-japan");
  // South of the Han, fewer US troops sit in North Korean artillery range: exposure falls.
  EXPECT_LT(rok_after.second["exposure"].get<double>(),
            rok_before.second["exposure"].get<double>());
  EXPECT_NE(rok_after.first, rok_before.first);
  EXPECT_NEAR(jpn_after.first, jpn_before.first, 0.02);
  // No unit backs US–Japan, so exposure is missing there, not borrowed from Korea.
  EXPECT_TRUE(jpn_before.second["exposure"].is_null());
}

TEST(AllianceKorea, UndeclaredForcesAreCountedEverywhereWithAWarning) {
  Scenario s = korea();
  for (Force& f : s.forces) f.serves.clear();
  const Result r = make_model("alliance")->run(s.at(s.as_of), RunContext{});
  bool warned = false;
  for (const auto& w : r.warnings)
    warned = warned || w.find("declares no `serves`") != std::string::npos;
  EXPECT_TRUE(warned);
  for (const auto& a : r.details["alliances"]) {
    if (a["id"] == "us-japan") {
      EXPECT_TRUE(a["risk_sharing"]["USA"]["exposure"].is_number());
    }
  }
}

TEST(AllianceKorea, RelocationRemarksLowerUsRiskSharingAndHealth) {
  const Date e = event_date("rumsfeld-relocation-remarks");
  const auto before = us_rok_at(day_before(e));
  const auto after = us_rok_at(e);
  EXPECT_LT(after["risk_sharing"]["USA"]["value"].get<double>(),
            before["risk_sharing"]["USA"]["value"].get<double>());
  EXPECT_LT(after["health"].get<double>(), before["health"].get<double>());
  EXPECT_LT(after["p_holds"]["5"].get<double>(), before["p_holds"]["5"].get<double>());
}

const Signal& korea_signal(const std::string& id) {
  for (const AllianceTerms& t : korea().alliance("us-rok")->terms) {
    for (const Signal& sg : t.signals) {
      if (sg.id == id) return sg;
    }
  }
  throw std::logic_error("no signal " + id);
}

TEST(AllianceKorea, IraqOfferRaisesRokBurdenAndRiskSharing) {
  // The offer (20 Mar 2003) raises Seoul's stated commitment; the Assembly's approval (2 Apr)
  // adds its 700 personnel to the contributions. Each raises ROK's risk sharing.
  const Date offer = korea_signal("iraq-offer").date;
  const Date approved = korea_signal("iraq-dispatch-approved").date;
  const auto before = us_rok_at(day_before(offer));
  const auto offered = us_rok_at(offer);
  EXPECT_GT(offered["risk_sharing"]["ROK"]["commitment"].get<double>(),
            before["risk_sharing"]["ROK"]["commitment"].get<double>());
  EXPECT_GT(offered["risk_sharing"]["ROK"]["value"].get<double>(),
            before["risk_sharing"]["ROK"]["value"].get<double>());
  const auto pending = us_rok_at(day_before(approved));
  const auto sent = us_rok_at(approved);
  EXPECT_GT(sent["risk_sharing"]["ROK"]["burden"].get<double>(),
            pending["risk_sharing"]["ROK"]["burden"].get<double>());
  // Issue 17: the US leads the operation Seoul joins, so Seoul's contribution does not make
  // the US look like a free-rider: its burden falls by less than 0.01, where it fell from
  // 0.268 to 0.179 when the US had no contributions.
  EXPECT_NEAR(sent["risk_sharing"]["USA"]["burden"].get<double>(),
              pending["risk_sharing"]["USA"]["burden"].get<double>(), 0.01);
}

// --- timing (issue 17) ------------------------------------------------------------------

// The toy alliance with a decision on 1 Jan 2003 and one ROK signal `k` days after it
// (as_of 15 Mar 2003: visible for k <= 73).
Scenario with_signal(int days_late) {
  Scenario s = two_member();
  s.decisions = {Decision{"d", Date{2003, 1, 1}, "the decision", {}}};
  Alliance& a = s.alliances[0];
  for (AllianceTerms& t : a.terms) {
    if (t.member == "US") t.contributions = 1000.0;
    if (t.member == "ROK") {
      t.commitment = 0.0;
      t.contributions = 0.0;
      Signal sg;
      sg.id = "offer";
      sg.date = Date::from_days_since_epoch(Date{2003, 1, 1}.days_since_epoch() + days_late);
      sg.needed_by = "d";
      sg.contributions = 500.0;
      sg.commitment = 0.4;
      t.signals = {sg};
    }
  }
  return s;
}

TEST(AllianceTiming, LatenessDiscountByHand) {
  Weights w;  // exponential, half-life 30 days
  EXPECT_EQ(alliance::lateness_discount(0, w), 1.0);
  EXPECT_EQ(alliance::lateness_discount(-5, w), 1.0);  // early counts fully
  EXPECT_DOUBLE_EQ(alliance::lateness_discount(30, w), 0.5);
  EXPECT_DOUBLE_EQ(alliance::lateness_discount(60, w), 0.25);
  w.lateness = Weights::Lateness::kNone;
  EXPECT_EQ(alliance::lateness_discount(60, w), 1.0);
}

TEST(AllianceTiming, LaterSignalsRaiseRiskSharingAndHealthLess) {
  const Weights w;
  double prev_health = 2.0;
  double prev_risk = 2.0;
  double first_health = 0.0;
  for (int late : {0, 10, 30, 60, 73}) {
    const Scenario s = with_signal(late);
    const alliance::ScenarioIndex index(s);
    const auto c = alliance::congruence(s, s.alliances[0], w, index);
    const auto r = alliance::risk_sharing(s, s.alliances[0], w, index);
    const double rok = r[1].value;
    const double h = alliance::health_of(c, r, w);
    // ROK, the signaller, is the least willing member throughout, so health follows it.
    // (Were its partner the least willing, a later signal could raise health: burden is
    // relative, and the partner's share grows as the signal is discounted.)
    ASSERT_LT(rok, r[0].value);
    // ROK's commitment: 0 + 0.4 × 0.5^(late/30), by hand.
    EXPECT_NEAR(*r[1].commitment, 0.4 * std::pow(0.5, late / 30.0), 1e-12);
    EXPECT_LT(rok, prev_risk);
    EXPECT_LE(h, prev_health);
    if (late == 0) first_health = h;
    prev_risk = rok;
    prev_health = h;
  }
  EXPECT_LT(prev_health, first_health);  // over the whole range health strictly falls
  // With lateness=none every date counts the same.
  Weights none;
  none.lateness = Weights::Lateness::kNone;
  const Scenario early = with_signal(0);
  const Scenario late = with_signal(60);
  EXPECT_EQ(alliance::risk_sharing(early, early.alliances[0], none)[1].value,
            alliance::risk_sharing(late, late.alliances[0], none)[1].value);
  // After the evaluation date a signal is not seen at all.
  const Scenario future = with_signal(80);
  EXPECT_EQ(*alliance::risk_sharing(future, future.alliances[0], w)[1].commitment, 0.0);
}

TEST(AllianceTiming, HowMuchEarlierIsConsistentWithRerunningAtThatDate) {
  // korea-2003 on 15 Apr 2003: both Iraq signals seen, both late for the war decision.
  const Scenario s = korea().at(Date{2003, 4, 15});
  const Alliance& a = *s.alliance("us-rok");
  const Weights w;
  const alliance::ScenarioIndex index(s);
  const auto full = alliance::search_signal_timing(s, a, w, index, {}, "ROK", "iraq-offer", 1.0);
  ASSERT_GT(full.on_time, full.health);  // on time it would have counted more
  EXPECT_FALSE(full.latest);             // no date raises health by a whole 1.0
  // A target that can be reached: half of what coming on time would add.
  const double target = (full.on_time - full.health) / 2;
  const auto t = alliance::search_signal_timing(s, a, w, index, {}, "ROK", "iraq-offer", target);
  ASSERT_TRUE(t.latest);
  EXPECT_EQ(t.days_earlier,
            korea_signal("iraq-offer").date.days_since_epoch() - t.latest->days_since_epoch());
  // Rerun the whole model with the signal moved to that date, and to the day after.
  auto health_with_offer_on = [&](const Date& d) {
    Scenario moved = s;
    for (AllianceTerms& tm : moved.alliances[0].terms) {
      for (Signal& sg : tm.signals) {
        if (sg.id == "iraq-offer") sg.date = d;
      }
    }
    const Result r = make_model("alliance")->run(moved, RunContext{});
    for (const auto& j : r.details["alliances"]) {
      if (j["id"] == "us-rok") return j["health"].get<double>();
    }
    ADD_FAILURE();
    return 0.0;
  };
  EXPECT_GE(health_with_offer_on(*t.latest), t.health + target - 1e-12);
  EXPECT_LT(health_with_offer_on(Date::from_days_since_epoch(t.latest->days_since_epoch() + 1)),
            t.health + target);
}

TEST(AllianceTiming, TheRunReportsTheSearchForEverySignal) {
  const Result r = make_model("alliance")->run(korea().at(Date{2003, 4, 15}), RunContext{});
  for (const auto& j : r.details["alliances"]) {
    if (j["id"] != "us-rok") continue;
    ASSERT_EQ(j["signals"].size(), 2U);
    const auto& offer = j["signals"][0];
    EXPECT_EQ(offer["id"], "iraq-offer");
    EXPECT_EQ(offer["needed_by"], "us-iraq-war");
    EXPECT_EQ(offer["days_late"], 3);  // 20 Mar against 17 Mar
    EXPECT_DOUBLE_EQ(offer["discount"].get<double>(), std::pow(0.5, 3.0 / 30));
    EXPECT_EQ(offer["target"], 0.05);
    return;
  }
  ADD_FAILURE() << "no us-rok";
}

// --- conduct: crisis choices and past episodes (issue 17) ---------------------------------

nlohmann::json us_japan(const Scenario& s, const Options& options = {}) {
  const Result r = make_model("alliance", options)->run(s.at(s.as_of), RunContext{});
  for (const auto& a : r.details["alliances"]) {
    if (a["id"] == "us-japan") return a;
  }
  ADD_FAILURE() << "no us-japan";
  return {};
}

Scenario korea_with(const std::string& param, double value) {
  Scenario s = korea();
  for (Param& p : s.params) {
    if (p.id == param) p.value = value;
  }
  return s;
}

TEST(AllianceConduct, JapansChoiceInTheCrisisGameMovesItsRiskSharingTheDeclaredWay) {
  // Make supporting a strike a large gain or a large cost for Japan: its equilibrium choice
  // at jpn-decides flips between the actions tagged shares_risk 1 (support) and 0 (decline).
  // At as_of the US does not threaten, so Japan's node is off the path: counted here with
  // crisis_off_path_weight=1 (the default, 0, is checked below).
  const Options off_path = {{"crisis_off_path_weight", "1"}};
  const auto sup = us_japan(korea_with("jpn_support_cost", -1000), off_path);
  const auto dec = us_japan(korea_with("jpn_support_cost", 1000), off_path);
  ASSERT_EQ(sup["crisis_choices"].size(), 1U);
  ASSERT_EQ(dec["crisis_choices"].size(), 1U);
  EXPECT_EQ(sup["crisis_choices"][0]["choice"], "support");
  EXPECT_EQ(dec["crisis_choices"][0]["choice"], "decline");
  EXPECT_EQ(sup["crisis_choices"][0]["member"], "JPN");
  const double r_sup = sup["risk_sharing"]["JPN"]["value"].get<double>();
  const double r_dec = dec["risk_sharing"]["JPN"]["value"].get<double>();
  EXPECT_GT(r_sup, r_dec);
  // Conduct by hand: the 1994 episode (shares_risk 0.2, dated 21 Oct 1994) weighs
  // 0.5^(age / 3650 days) at as_of; the game choice weighs 1.
  const double age =
      static_cast<double>(korea().as_of.days_since_epoch() - Date{1994, 10, 21}.days_since_epoch());
  const double w94 = std::pow(0.5, age / 3650.0);
  EXPECT_NEAR(sup["risk_sharing"]["JPN"]["conduct"].get<double>(), (w94 * 0.2 + 1.0) / (w94 + 1),
              1e-12);
  EXPECT_NEAR(dec["risk_sharing"]["JPN"]["conduct"].get<double>(), (w94 * 0.2) / (w94 + 1), 1e-12);
  EXPECT_FALSE(sup["crisis_choices"][0]["on_path"].get<bool>());
  // By default an off-path choice is reported with weight 0 and moves nothing.
  const auto dflt = us_japan(korea_with("jpn_support_cost", 1000));
  EXPECT_EQ(dflt["crisis_choices"][0]["weight"], 0.0);
  EXPECT_EQ(dflt["crisis_choices"][0]["risk_sharing"],
            dflt["crisis_choices"][0]["risk_sharing_without"]);
  EXPECT_NEAR(dflt["risk_sharing"]["JPN"]["conduct"].get<double>(), 0.2, 1e-12);  // 1994 alone
  // The choice counts in US–Japan only: China–DPRK and US–ROK have no crisis choices.
  const Result r = make_model("alliance")->run(korea().current(), RunContext{});
  for (const auto& a : r.details["alliances"]) {
    if (a["id"] != "us-japan") {
      EXPECT_FALSE(a.contains("crisis_choices")) << a["id"];
    }
  }
}

TEST(AllianceConduct, WithoutTagsOrEpisodesNothingChanges) {
  // The toy alliance declares no conduct: no conduct component, nothing listed missing.
  const Scenario s = two_member();
  for (const auto& r : alliance::risk_sharing(s, s.alliances[0], Weights{})) {
    EXPECT_FALSE(r.conduct);
    EXPECT_EQ(std::find(r.missing.begin(), r.missing.end(), "conduct"), r.missing.end());
  }
}

TEST(AllianceKorea, UsForcesNorthOfTheHanAreHostages) {
  // In 2003 the 2nd Infantry Division sits within North Korean artillery range of the MDL;
  // the US therefore has positive exposure, and ROK none (no ROK units in the scenario).
  const auto a = us_rok_at(korea().as_of);
  EXPECT_GT(a["risk_sharing"]["USA"]["exposure"].get<double>(), 0.0);
  EXPECT_LT(a["risk_sharing"]["USA"]["exposure"].get<double>(), 1.0);  // Osan, Kunsan are not
  EXPECT_TRUE(a["risk_sharing"]["ROK"]["exposure"].is_null());
}

TEST(AllianceKorea, CompetingPollsAreAllUsed) {
  // At as_of the ROK public's support averages the Gallup/Chosun poll and the unverified
  // "seven in ten" claim; the Dong-A poll of 29 March is not yet visible.
  const auto a = us_rok_at(korea().as_of);
  std::vector<std::string> polls;
  for (const auto& p : a["risk_sharing"]["ROK"]["polls"]) polls.push_back(p["poll"]);
  EXPECT_NE(std::find(polls.begin(), polls.end(), "gallup-chosun-2002-stay"), polls.end());
  EXPECT_NE(std::find(polls.begin(), polls.end(), "seven-in-ten-claim"), polls.end());
  EXPECT_EQ(std::find(polls.begin(), polls.end(), "donga-2003-03"), polls.end());
}

// The one-pass p_holds over several horizons forms each horizon's product exactly as the
// single-horizon call does, whatever the order of the horizons.
TEST(AllianceDurability, HorizonsInOnePassEqualEachAlone) {
  const alliance::HazardModel& h = alliance::default_hazard();
  if (h.empty()) GTEST_SKIP() << "no embedded hazard fit";
  const std::vector<double> x = {0.3, 0.2, std::log(1.0 + 49.6), 1.0, std::log(2.0)};
  const std::vector<int> years = {10, 1, 5, 5, 37};
  const auto all = alliance::p_holds(h, x, 0.25, years);
  ASSERT_EQ(all.size(), years.size());
  for (std::size_t k = 0; k < years.size(); ++k) {
    EXPECT_EQ(all[k], alliance::p_holds(h, x, 0.25, years[k])) << years[k];
  }
}

// The ScenarioIndex overloads read the index instead of looking actors up; on korea-2003
// draws (exposure, capabilities and stances all uncertain) they agree to the bit.
TEST(AllianceKorea, IndexedComponentsEqualThePlainOnes) {
  const Weights w;
  for (const Scenario& base : {korea().current(), korea().at(Date{2018, 6, 30})}) {
    for (std::uint64_t i = 0; i < 50; ++i) {
      const Scenario s = draw_sample(base, sample_seed(3, i));
      const alliance::ScenarioIndex index(s);
      for (const Alliance& a : s.alliances) {
        const auto c = alliance::congruence(s, a, w);
        const auto ci = alliance::congruence(s, a, w, index);
        EXPECT_EQ(ci.value, c.value);
        EXPECT_EQ(ci.issues, c.issues);
        EXPECT_EQ(ci.threats, c.threats);
        ASSERT_EQ(ci.by_issue.size(), c.by_issue.size());
        for (std::size_t k = 0; k < c.by_issue.size(); ++k) {
          EXPECT_EQ(ci.by_issue[k].distance, c.by_issue[k].distance);
          EXPECT_EQ(ci.by_issue[k].share, c.by_issue[k].share);
        }
        const auto r = alliance::risk_sharing(s, a, w);
        const auto ri = alliance::risk_sharing(s, a, w, index);
        ASSERT_EQ(ri.size(), r.size());
        for (std::size_t k = 0; k < r.size(); ++k) {
          EXPECT_EQ(ri[k].value, r[k].value);
          EXPECT_EQ(ri[k].exposure, r[k].exposure);
          EXPECT_EQ(ri[k].support, r[k].support);
          EXPECT_EQ(ri[k].missing, r[k].missing);
        }
      }
    }
  }
}

}  // namespace
}  // namespace entente
