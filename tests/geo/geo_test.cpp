// Geodesy: distances against published values and hand derivations, and the exposure of
// force units to enemy weapons.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "entente/geo.hpp"

namespace entente {
namespace {

TEST(Geo, JfkToHeathrowMatchesGeographicLibDocumentation) {
  // GeographicLib's documented example (Geodesic class docs and the GeodSolve man page:
  // `echo 40.6 -73.8 51.6 -0.5 | GeodSolve -i` → s12 = 5551759.400 m), Karney (2013).
  EXPECT_NEAR(geo::distance_km({40.6, -73.8}, {51.6, -0.5}), 5551.759400319, 1e-6);
}

TEST(Geo, AntipodesOnTheEquatorAreHalfAMeridianApart) {
  // Karney (2013): the shortest path between equatorial antipodes runs over the poles, so
  // its length is half the meridian, 20003931.4586 m on WGS84.
  EXPECT_NEAR(geo::distance_km({0, 0}, {0, 180}), 20003.9314586, 1e-6);
}

TEST(Geo, DistanceIsSymmetricAndZeroOnThePoint) {
  const GeoPoint seoul{37.5665, 126.9780};
  const GeoPoint casey{37.917, 127.050};
  EXPECT_DOUBLE_EQ(geo::distance_km(seoul, casey), geo::distance_km(casey, seoul));
  EXPECT_EQ(geo::distance_km(seoul, seoul), 0.0);
}

TEST(Geo, PolylineNearestEndpointAlongTheEquator) {
  // Hand derivation: the equator is a geodesic for arcs this short, and one degree of it is
  // a·π/180 = 6378137 m · π/180 = 111319.4908 m (WGS84 a).
  const std::vector<GeoPoint> line = {{0, 1}, {0, 3}};
  EXPECT_NEAR(geo::distance_to_polyline_km({0, 0}, line), 6378.137 * M_PI / 180.0, 1e-6);
}

TEST(Geo, PolylineInteriorPointIsFoundByTheSearch) {
  // A point 1° north of the middle of an equatorial segment: the nearest point of the line
  // is straight south, along a meridian, so the distance is the meridian arc from 0° to 1°,
  // 110574.3886 m on WGS84 (the standard table value of "1° of latitude at the equator").
  const std::vector<GeoPoint> line = {{0, 0}, {0, 4}};
  EXPECT_NEAR(geo::distance_to_polyline_km({1, 2}, line), 110.5743886, 1e-4);
  // On the line itself.
  EXPECT_NEAR(geo::distance_to_polyline_km({0, 2.5}, line), 0.0, 1e-6);
  // A single point is a degenerate line.
  EXPECT_DOUBLE_EQ(geo::distance_to_polyline_km({1, 2}, {{0, 2}}),
                   geo::distance_km({1, 2}, {0, 2}));
  EXPECT_THROW((void)geo::distance_to_polyline_km({0, 0}, {}), std::invalid_argument);
}

TEST(Geo, PolylineTakesTheNearestSegment) {
  const std::vector<GeoPoint> line = {{0, 0}, {0, 1}, {1, 1}, {1, 5}};
  const GeoPoint p{2, 3};  // nearest to the last segment (lat 1), 1° of latitude south
  const double d = geo::distance_to_polyline_km(p, line);
  EXPECT_LT(d, geo::distance_km(p, {0, 1}));
  EXPECT_NEAR(d, geo::distance_km(p, {1, 3}), 0.5);  // ≈ straight south; not exact on the ellipsoid
  EXPECT_LE(d, geo::distance_km(p, {1, 3}) + 1e-9);
}

// A zigzag the size of the Korean front (eight vertices over ~250 km) and points drawn
// around it; a fixed seed, so a failure is reproducible.
std::vector<GeoPoint> zigzag_line() {
  return {{37.7, 126.1},  {37.95, 126.7}, {38.1, 127.1},  {38.3, 127.5},
          {38.25, 127.9}, {38.35, 128.2}, {38.6, 128.35}, {38.62, 128.37}};
}

std::vector<GeoPoint> points_near_the_line(unsigned seed, int n) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> lat(37.0, 39.5);
  std::uniform_real_distribution<double> lon(125.5, 129.0);
  std::vector<GeoPoint> out;
  for (int i = 0; i < n; ++i) out.push_back({lat(rng), lon(rng)});
  return out;
}

TEST(Geo, PolylineDistanceIsTheMinimumOverEverySegmentsSearch) {
  // The search skips segments whose triangle-inequality bound cannot beat the best
  // distance found; the result must be exactly what searching every segment gives (each
  // two-point line is searched whole, its bound never exceeding its nearer endpoint).
  const std::vector<GeoPoint> line = zigzag_line();
  for (const GeoPoint& p : points_near_the_line(7, 60)) {
    double every = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      every = std::min(every, geo::distance_to_polyline_km(p, {line[i], line[i + 1]}));
    }
    EXPECT_EQ(geo::distance_to_polyline_km(p, line), every) << p.lat << ", " << p.lon;
  }
}

TEST(Geo, PolylineBoundsHoldTheDistanceAndDecideRangesAsItWould) {
  const std::vector<GeoPoint> line = zigzag_line();
  for (const GeoPoint& p : points_near_the_line(11, 40)) {
    // Bounds first: once the distance is remembered, they collapse onto it.
    const geo::DistanceBounds b = geo::polyline_bounds_km(p, line);
    const double d = geo::distance_to_polyline_km(p, line);
    EXPECT_LE(b.lower_km, d);
    EXPECT_LE(d, b.upper_km);
    const geo::DistanceBounds again = geo::polyline_bounds_km(p, line);
    EXPECT_EQ(again.lower_km, d);
    EXPECT_EQ(again.upper_km, d);
    // Ranges at and around the distance and the bounds, each decided by within() with
    // nothing remembered: the line gets k extra copies of its last vertex, a zero-length
    // segment that moves no distance but makes a line the memo has not seen.
    const std::vector<double> ranges = {d,
                                        std::nextafter(d, 0.0),
                                        std::nextafter(d, 1e9),
                                        d - 1e-6,
                                        d + 1e-6,
                                        d - 1.0,
                                        d + 1.0,
                                        b.lower_km,
                                        b.upper_km,
                                        0.0,
                                        1e4};
    std::vector<GeoPoint> fresh = line;
    for (const double r : ranges) {
      fresh.push_back(line.back());
      Scenario s;
      s.lines.push_back({"front", "", fresh});
      Weapon gun;
      gun.id = "gun";
      gun.count = 1.0;
      gun.front_line = "front";
      geo::WeaponDistances table(s, p);
      EXPECT_EQ(table.within(gun, r), d <= r) << p.lat << ", " << p.lon << " r " << r;
    }
    EXPECT_EQ(geo::distance_to_polyline_km(p, fresh), d);  // the copies moved nothing
  }
}

// Three owners: A and B allied, C outside; C's gun at the origin reaches 20 km.
Scenario exposure_scenario() {
  Scenario s;
  for (const char* id : {"A", "B", "C"}) {
    Actor a;
    a.id = id;
    a.capability = 1.0;
    s.actors.push_back(a);
  }
  Actor sub;
  sub.id = "A-army";
  sub.parent = "A";
  s.actors.push_back(sub);
  Alliance al;
  al.id = "ab";
  al.members = {"A", "B"};
  s.alliances.push_back(al);
  Weapon gun;
  gun.id = "gun";
  gun.owner = "C";
  gun.range_km = 20.0;
  gun.count = 12.0;
  gun.sites = {{0, 0}};
  s.weapons.push_back(gun);
  Weapon ally_gun = gun;
  ally_gun.id = "ally-gun";
  ally_gun.owner = "B";
  s.weapons.push_back(ally_gun);
  Weapon none = gun;
  none.id = "not-fielded";
  none.count = 0.0;
  s.weapons.push_back(none);
  auto force = [](const char* id, const char* owner, double lat) {
    Force f;
    f.id = id;
    f.owner = owner;
    f.location = {lat, 0};
    f.strength = 100.0;
    return f;
  };
  s.forces = {force("near", "A", 0.1), force("far", "A", 0.3), force("sub", "A-army", 0.05)};
  return s;
}

TEST(Geo, ExposureCountsEnemyWeaponsInRangeOnly) {
  // 0.1° of latitude ≈ 11.06 km (inside 20 km); 0.3° ≈ 33.2 km (outside).
  const Scenario s = exposure_scenario();
  const auto e = geo::force_exposure(s, geo::enemies_outside_alliances(s));
  ASSERT_EQ(e.size(), 3U);
  EXPECT_TRUE(e[0].exposed());
  ASSERT_EQ(e[0].reached.size(), 1U);  // the ally's gun and the unfielded one do not count
  EXPECT_EQ(e[0].reached[0].weapon, "gun");
  EXPECT_EQ(e[0].weapons_in_range, 12.0);
  EXPECT_NEAR(e[0].reached[0].distance_km, geo::distance_km({0, 0}, {0.1, 0}), 1e-9);
  EXPECT_FALSE(e[1].exposed());
  // A sub-actor of A is A's: allied with B, exposed to C.
  EXPECT_TRUE(e[2].exposed());
  EXPECT_EQ(e[2].reached.size(), 1U);
}

TEST(Geo, EnemyListIsAParameter) {
  const Scenario s = exposure_scenario();
  const auto e = geo::force_exposure(s, geo::enemies_from_list({"B"}));
  ASSERT_EQ(e[0].reached.size(), 1U);
  EXPECT_EQ(e[0].reached[0].weapon, "ally-gun");
  EXPECT_TRUE(geo::force_exposure(s, geo::enemies_from_list({}))[0].reached.empty());
}

TEST(Geo, FrontLineWeaponsMeasureFromTheLine) {
  Scenario s = exposure_scenario();
  s.lines.push_back(Line{"front", "front", {{0.2, -1}, {0.2, 1}}});
  s.weapons[0].sites.clear();
  s.weapons[0].front_line = "front";
  // "far" at 0.3° is 0.1° (≈ 11 km) from the line at 0.2°: now inside 20 km.
  const auto e = geo::force_exposure(s, geo::enemies_outside_alliances(s));
  EXPECT_TRUE(e[1].exposed());
  // The geodesic between the line's ends bulges a few metres poleward of the parallel.
  EXPECT_NEAR(e[1].reached[0].distance_km, geo::distance_km({0.3, 0}, {0.2, 0}), 0.01);
  EXPECT_TRUE(geo::weapon_distances_defined(s));
  s.weapons[0].front_line = "nowhere";
  EXPECT_THROW((void)geo::force_exposure(s, geo::enemies_outside_alliances(s)),
               std::invalid_argument);
  EXPECT_FALSE(geo::weapon_distances_defined(s));
  s.weapons[0].count = 0.0;  // not fielded: never measured
  EXPECT_TRUE(geo::weapon_distances_defined(s));
}

TEST(Geo, HostileWeaponsAsksTheAllianceTest) {
  Scenario s = exposure_scenario();
  Actor outsider;
  outsider.id = "D";
  s.actors.push_back(outsider);
  Weapon sub_gun = s.weapons[0];
  sub_gun.id = "sub-gun";
  sub_gun.owner = "A-army";
  s.weapons.push_back(sub_gun);
  const geo::EnemyTest test = geo::enemies_outside_alliances(s);
  for (const char* owner : {"A", "B", "C", "A-army", "D", "unknown"}) {
    std::vector<char> want;
    for (const Weapon& w : s.weapons) want.push_back(test(owner, w.owner) ? 1 : 0);
    EXPECT_EQ(geo::hostile_weapons(s, owner), want) << owner;
  }
}

TEST(Geo, WeaponsReachingIsForceExposuresTest) {
  // Two enemy guns reach "near" (0.1° ≈ 11 km): C's at 20 km and a second C gun, listed
  // after the ally's and the unfielded one; first_only stops at C's first.
  Scenario s = exposure_scenario();
  Weapon second = s.weapons[0];
  second.id = "second-gun";
  second.range_km = 15.0;
  s.weapons.push_back(second);
  geo::HostileWeapons hostile(s);
  const std::vector<char>& row_a = hostile.of("A");
  const std::vector<char>& row_sub = hostile.of("A-army");
  EXPECT_EQ(&hostile.of("A"), &row_a);  // asked once per owner, rows stay put
  EXPECT_EQ(row_a, geo::hostile_weapons(s, "A"));
  EXPECT_EQ(row_sub, geo::hostile_weapons(s, "A-army"));
  std::vector<geo::WeaponHit> hits;
  geo::weapons_reaching(s, s.forces[0], row_a, false, hits);
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].weapon, 0U);
  EXPECT_EQ(hits[1].weapon, 3U);
  EXPECT_NEAR(hits[0].distance_km, geo::distance_km({0, 0}, {0.1, 0}), 1e-9);
  geo::weapons_reaching(s, s.forces[0], row_a, true, hits);
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].weapon, 0U);
  geo::weapons_reaching(s, s.forces[1], row_a, false, hits);  // 33 km: out of range
  EXPECT_TRUE(hits.empty());
  // force_exposure reports the same weapons and distances.
  const auto e = geo::force_exposure(s, geo::enemies_outside_alliances(s));
  ASSERT_EQ(e[0].reached.size(), 2U);
  EXPECT_EQ(e[0].reached[1].weapon, "second-gun");
  EXPECT_EQ(e[0].weapons_in_range, 24.0);
}
}  // namespace
}  // namespace entente
