// Geodesy for the models: distances on the WGS84 ellipsoid (GeographicLib, Karney 2013)
// and the exposure of force units to enemy weapons — which weapon systems can reach a
// unit, from their firing sites or from the front line they are deployed along.
//
// Used by the alliance model (a unit inside an enemy weapon's range is a hostage that
// commits its owner) and meant for the crisis model (the tripwire). Who counts as an
// enemy is a parameter, not a rule of this library.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "entente/scenario.hpp"

namespace entente::geo {

// Geodesic distance between two points on the WGS84 ellipsoid, in km. Precondition:
// latitudes in [-90, 90]. Accurate to well under a millimetre (Karney 2013).
double distance_km(const GeoPoint& a, const GeoPoint& b);

// Shortest geodesic distance, in km, from `p` to the polyline through `line` (segments
// are geodesics between consecutive points). A single point is a degenerate line.
// Throws std::invalid_argument when `line` is empty. Each segment is searched by golden
// section along the geodesic, which finds the nearest point exactly when the distance
// along the segment is unimodal — true for segments shorter than a quarter of the
// Earth's circumference, such as any front line.
double distance_to_polyline_km(const GeoPoint& p, const std::vector<GeoPoint>& line);

// Bounds on distance_to_polyline_km(p, line) from the distances to the line's vertices
// alone, without searching its segments (a remembered distance gives both bounds):
// lower_km <= d <= upper_km for the value d that distance_to_polyline_km returns, so a
// comparison of d with a range that the bounds decide is decided as d would decide it.
// Throws std::invalid_argument when `line` is empty.
struct DistanceBounds {
  double lower_km = 0.0;
  double upper_km = 0.0;
};
DistanceBounds polyline_bounds_km(const GeoPoint& p, const std::vector<GeoPoint>& line);

// Distance, in km, from a weapon's firing positions (the nearest site) or, when it is
// deployed along a line, from that line. Throws std::invalid_argument when the weapon has
// neither sites nor a line known to `scenario`.
double weapon_distance_km(const Scenario& scenario, const Weapon& weapon, const GeoPoint& target);

// `n` points (n >= 3) at geodesic distance `radius_km` from `center`, at equally spaced
// azimuths clockwise from north, first point repeated at the end so the ring is closed
// (n + 1 points). Geodesic, not a small circle on a sphere: a range ring drawn from it
// matches distance_km exactly. Throws std::invalid_argument for n < 3 or a negative radius.
std::vector<GeoPoint> geodesic_circle(const GeoPoint& center, double radius_km, int n);

// The outline of the points within `radius_km` of the polyline `line` (geodesic
// segments): offset curves on both sides joined by arcs at the vertices and round caps at
// the ends, `n` points per full turn of arc, clockwise, closed. A single point gives
// geodesic_circle. At a concave vertex the two offset curves cross and form a small loop
// inside the buffer, which fills the same area. Throws std::invalid_argument for an empty line, n <
// 3 or a negative radius.
std::vector<GeoPoint> geodesic_buffer(const std::vector<GeoPoint>& line, double radius_km, int n);

// Decides whether the owner of a weapon is an enemy of the owner of a unit.
using EnemyTest =
    std::function<bool(const std::string& unit_owner, const std::string& weapon_owner)>;

// The default reading: a weapon owner is an enemy unless it is the unit's owner, or both
// belong to the same state (parent chain), or their states share an alliance of the
// scenario.
EnemyTest enemies_outside_alliances(const Scenario& scenario);
// weapon_distance_km(scenario, w, target) for one target and any of the scenario's weapons,
// each front line measured once: the weapons along a line are equally far from the target.
class WeaponDistances {
 public:
  WeaponDistances(const Scenario& scenario, const GeoPoint& target)
      : scenario_(&scenario), target_(target) {}
  // Forgets what was measured and measures from `target` of `scenario` next, keeping the
  // storage: a sweep asks of every unit on every sample.
  void reset(const Scenario& scenario, const GeoPoint& target) {
    scenario_ = &scenario;
    target_ = target;
    lines_.clear();
    bounds_.clear();
  }
  double operator()(const Weapon& weapon);
  // (*this)(weapon) <= range_km, decided as that comparison would be, but searching a
  // front line's segments only when polyline_bounds_km leaves it open: exposure tests ask
  // only this, and a unit is rarely within a millimetre of a weapon's reach.
  bool within(const Weapon& weapon, double range_km);

 private:
  const Scenario* scenario_;
  GeoPoint target_;
  std::vector<std::pair<const std::string*, double>> lines_;  // front line id, km
  std::vector<std::pair<const std::string*, DistanceBounds>> bounds_;
};

// False when weapon_distance_km would throw for a weapon with a positive count (an unknown
// or empty front line, no sites): force_exposure may then throw, and a faster path that
// skips some distances should let it.
bool weapon_distances_defined(const Scenario& scenario);
// enemies_outside_alliances(scenario)(unit_owner, w.owner) for every weapon w, in order,
// without building the test: what a Monte Carlo sample asks once per unit owner.
std::vector<char> hostile_weapons(const Scenario& scenario, const std::string& unit_owner);
// Only the listed owners (actor ids) are enemies, of every unit.
EnemyTest enemies_from_list(std::vector<std::string> owners);

// For each distinct unit owner asked, whether each of the scenario's weapons is an
// enemy's, computed once: a few owners hold many units. With no test, the default
// reading (hostile_weapons, which asks enemies_outside_alliances without building it);
// else is_enemy(owner, weapon owner). Rows stay valid for the table's lifetime.
class HostileWeapons {
 public:
  explicit HostileWeapons(const Scenario& scenario, EnemyTest is_enemy = {})
      : scenario_(&scenario), is_enemy_(std::move(is_enemy)) {}
  const std::vector<char>& of(const std::string& unit_owner);

 private:
  const Scenario* scenario_;
  EnemyTest is_enemy_;
  std::vector<std::string> owners_;     // copies: callers may ask with a temporary
  std::deque<std::vector<char>> rows_;  // a deque, so that rows handed out stay put
};

// One weapon that reaches a unit: its index in scenario.weapons and its distance.
struct WeaponHit {
  std::size_t weapon = 0;
  double distance_km = 0.0;
};

// The weapons that reach `force`, in scenario order, into `out` (cleared first): those
// with a positive count, hostile[k] != 0 and a distance (weapon_distance_km) at most
// their range. With `first_only`, it stops at the first, for callers that only ask
// whether the unit is exposed. Without `distances`, the hits' distance_km are NaN and
// front lines are searched only where WeaponDistances::within needs it (the same hits).
// The one exposure test that force_exposure and the models' Monte Carlo paths share.
// Precondition: hostile.size() == scenario.weapons.size(). Throws as weapon_distance_km
// does.
void weapons_reaching(const Scenario& scenario, const Force& force,
                      const std::vector<char>& hostile, bool first_only,
                      std::vector<WeaponHit>& out, bool distances = true);

// One enemy weapon system that reaches a unit.
struct Reach {
  std::string weapon;  // weapon id
  std::string owner;
  double distance_km = 0.0;  // from the weapon's sites or front line to the unit
  double range_km = 0.0;     // nominal range
  double count = 0.0;        // nominal number of launchers/tubes
};

struct UnitExposure {
  std::string force;  // force id
  std::string owner;
  double strength = 0.0;          // nominal personnel
  std::vector<Reach> reached;     // enemy weapons with count > 0 whose range covers the unit
  double weapons_in_range = 0.0;  // sum of their counts (the same gun firing two rounds, listed
                                  // as two weapons, is counted twice: see the scenario notes)
  [[nodiscard]] bool exposed() const { return !reached.empty(); }
};

// For every force unit of `scenario` (in scenario order), the enemy weapons that reach it
// with their nominal range and count. A weapon reaches a unit when its distance is at
// most its range; weapons with a zero count are not threats.
std::vector<UnitExposure> force_exposure(const Scenario& scenario, const EnemyTest& is_enemy);

}  // namespace entente::geo
