#include "entente/geo.hpp"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace entente::geo {

namespace {

const GeographicLib::Geodesic& wgs84() { return GeographicLib::Geodesic::WGS84(); }

// Distance from p to the geodesic segment a–b: golden-section search on the arc length
// along the segment, then the endpoints (the search never evaluates them exactly).
double search_segment_m(const GeoPoint& p, const GeoPoint& a, const GeoPoint& b) {
  const auto& g = wgs84();
  double length = 0.0;
  double azi1 = 0.0;
  double azi2 = 0.0;
  g.Inverse(a.lat, a.lon, b.lat, b.lon, length, azi1, azi2);
  double best = 0.0;
  g.Inverse(p.lat, p.lon, a.lat, a.lon, best);
  double to_b = 0.0;
  g.Inverse(p.lat, p.lon, b.lat, b.lon, to_b);
  best = std::min(best, to_b);
  if (!(length > 0.0)) return best;
  const GeographicLib::GeodesicLine line = g.Line(a.lat, a.lon, azi1);
  auto at = [&](double s) {
    double lat = 0.0;
    double lon = 0.0;
    line.Position(s, lat, lon);
    double d = 0.0;
    g.Inverse(p.lat, p.lon, lat, lon, d);
    return d;
  };
  // 80 golden-section steps shrink the bracket by 0.618^80 ≈ 2e-17 of the segment: the
  // search stops on double resolution, not on a tolerance, so results are reproducible.
  const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double lo = 0.0;
  double hi = length;
  double x1 = hi - inv_phi * (hi - lo);
  double x2 = lo + inv_phi * (hi - lo);
  double f1 = at(x1);
  double f2 = at(x2);
  for (int i = 0; i < 80; ++i) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - inv_phi * (hi - lo);
      f1 = at(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + inv_phi * (hi - lo);
      f2 = at(x2);
    }
  }
  return std::min({best, f1, f2});
}

// The same, remembered per thread: a sweep re-evaluates the same units against the same
// front lines thousands of times (locations are rarely uncertain), and each search costs
// ~160 geodesic inverses. A pure function, so the memo changes no result.
struct SegmentKey {
  std::array<double, 6> v;
  bool operator==(const SegmentKey& o) const { return v == o.v; }
};
// Mixes the bits of doubles (the splitmix64 finaliser): std::hash<double> hashes bytes
// through _Hash_bytes, which cost more than the memo saved.
std::uint64_t mix_bits(std::uint64_t h, double x) {
  std::uint64_t z = h ^ std::bit_cast<std::uint64_t>(x);
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

struct SegmentKeyHash {
  std::size_t operator()(const SegmentKey& k) const {
    std::uint64_t h = 0;
    for (double x : k.v) h = mix_bits(h, x);
    return static_cast<std::size_t>(h);
  }
};

double distance_to_segment_m(const GeoPoint& p, const GeoPoint& a, const GeoPoint& b) {
  constexpr std::size_t kMaxMemo = 100000;
  thread_local std::unordered_map<SegmentKey, double, SegmentKeyHash> memo;
  const SegmentKey key{{p.lat, p.lon, a.lat, a.lon, b.lat, b.lon}};
  if (const auto it = memo.find(key); it != memo.end()) return it->second;
  if (memo.size() >= kMaxMemo) memo.clear();
  const double d = search_segment_m(p, a, b);
  memo.emplace(key, d);
  return d;
}

}  // namespace

double distance_km(const GeoPoint& a, const GeoPoint& b) {
  double m = 0.0;
  wgs84().Inverse(a.lat, a.lon, b.lat, b.lon, m);
  return m / 1000.0;
}

std::vector<GeoPoint> geodesic_circle(const GeoPoint& center, double radius_km, int n) {
  if (n < 3) throw std::invalid_argument("geodesic_circle: need at least 3 points");
  if (radius_km < 0.0) throw std::invalid_argument("geodesic_circle: negative radius");
  std::vector<GeoPoint> ring;
  ring.reserve(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i < n; ++i) {
    const double azimuth = 360.0 * i / n;
    GeoPoint p;
    wgs84().Direct(center.lat, center.lon, azimuth, radius_km * 1000.0, p.lat, p.lon);
    ring.push_back(p);
  }
  ring.push_back(ring.front());
  return ring;
}

std::vector<GeoPoint> geodesic_buffer(const std::vector<GeoPoint>& line, double radius_km, int n) {
  if (line.empty()) throw std::invalid_argument("geodesic_buffer: empty line");
  if (line.size() == 1) return geodesic_circle(line.front(), radius_km, n);
  if (n < 3) throw std::invalid_argument("geodesic_buffer: need at least 3 points per turn");
  if (radius_km < 0.0) throw std::invalid_argument("geodesic_buffer: negative radius");
  const double r = radius_km * 1000.0;
  const std::size_t segments = line.size() - 1;
  std::vector<double> start_azimuth(segments);
  std::vector<double> end_azimuth(segments);
  for (std::size_t i = 0; i < segments; ++i) {
    wgs84().Inverse(line[i].lat, line[i].lon, line[i + 1].lat, line[i + 1].lon, start_azimuth[i],
                    end_azimuth[i]);
  }
  std::vector<GeoPoint> out;
  auto offset = [&](const GeoPoint& c, double azimuth) {
    GeoPoint p;
    wgs84().Direct(c.lat, c.lon, azimuth, r, p.lat, p.lon);
    out.push_back(p);
  };
  // Sweeps clockwise from azimuth `from` by `delta` degrees, endpoints excluded: the offset
  // points at both ends are added by the segments. A negative sweep is a concave vertex,
  // where the offset curves cross: no arc there.
  std::vector<std::size_t> concave;  // out[k], out[k + 1]: offset points of crossing segments
  auto arc = [&](const GeoPoint& c, double from, double delta) {
    if (delta <= 0.0) {
      concave.push_back(out.size() - 1);
      return;
    }
    const int steps = static_cast<int>(std::ceil(delta / 360.0 * n));
    for (int k = 1; k < steps; ++k) offset(c, from + delta * k / steps);
  };
  auto turn = [](double from, double to) {
    double d = std::fmod(to - from, 360.0);
    if (d > 180.0) d -= 360.0;
    if (d <= -180.0) d += 360.0;
    return d;
  };
  // Left side forward (azimuth − 90), clockwise round the far end, right side back, and
  // clockwise round the near end: clockwise overall, as GeoJSON renderers (d3) expect.
  for (std::size_t i = 0; i < segments; ++i) {
    if (i > 0) arc(line[i], end_azimuth[i - 1] - 90.0, turn(end_azimuth[i - 1], start_azimuth[i]));
    offset(line[i], start_azimuth[i] - 90.0);
    offset(line[i + 1], end_azimuth[i] - 90.0);
  }
  arc(line.back(), end_azimuth.back() - 90.0, 180.0);
  for (std::size_t i = segments; i-- > 0;) {
    if (i + 1 < segments) {
      arc(line[i + 1], start_azimuth[i + 1] + 90.0, turn(start_azimuth[i + 1], end_azimuth[i]));
    }
    offset(line[i + 1], end_azimuth[i] + 90.0);
    offset(line[i], start_azimuth[i] + 90.0);
  }
  arc(line.front(), start_azimuth.front() + 90.0, 180.0);
  // At a concave vertex the offset segments before and after it cross: both end at their
  // crossing, found in a local equirectangular plane (a few km across, where it is exact
  // enough to draw), instead of looping past each other.
  for (const std::size_t k : concave) {
    if (k == 0 || k + 2 >= out.size()) continue;
    const double kx = std::cos(out[k].lat * std::numbers::pi / 180.0);
    const auto xy = [&](const GeoPoint& p) { return std::array<double, 2>{p.lon * kx, p.lat}; };
    const auto p1 = xy(out[k - 1]), p2 = xy(out[k]), q1 = xy(out[k + 1]), q2 = xy(out[k + 2]);
    const double dx = p2[0] - p1[0], dy = p2[1] - p1[1];
    const double ex = q2[0] - q1[0], ey = q2[1] - q1[1];
    const double den = dx * ey - dy * ex;
    if (std::abs(den) < 1e-15) continue;
    const double t = ((q1[0] - p1[0]) * ey - (q1[1] - p1[1]) * ex) / den;
    const double u = ((q1[0] - p1[0]) * dy - (q1[1] - p1[1]) * dx) / den;
    if (t < 0.0 || t > 1.0 || u < 0.0 || u > 1.0) continue;
    const GeoPoint x{p1[1] + t * dy, (p1[0] + t * dx) / kx};
    out[k] = x;
    out[k + 1] = x;
  }
  out.push_back(out.front());
  return out;
}

namespace {

// A point and a whole polyline, for the per-thread memo of distance_to_polyline_km: one
// lookup per unit and front line instead of one per segment. Keys compare every
// coordinate exactly, so a hash collision cannot return another line's distance.
struct PolylineKey {
  GeoPoint p;
  std::vector<GeoPoint> line;
  std::uint64_t hash = 0;
};

std::uint64_t polyline_hash(const GeoPoint& p, const std::vector<GeoPoint>& line) {
  std::uint64_t h = mix_bits(mix_bits(line.size(), p.lat), p.lon);
  for (const GeoPoint& q : line) h = mix_bits(mix_bits(h, q.lat), q.lon);
  return h;
}

bool same_point(const GeoPoint& x, const GeoPoint& y) {
  return std::bit_cast<std::uint64_t>(x.lat) == std::bit_cast<std::uint64_t>(y.lat) &&
         std::bit_cast<std::uint64_t>(x.lon) == std::bit_cast<std::uint64_t>(y.lon);
}

bool same_points(const std::vector<GeoPoint>& a, const std::vector<GeoPoint>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same_point);
}

// What is known of one point's distance to one line: bounds (lower_km <= d <= upper_km),
// or the distance itself (exact: both equal to it).
struct PolylineEntry {
  DistanceBounds bounds;
  bool exact = false;
};
using PolylineMemo = std::unordered_multimap<std::uint64_t, std::pair<PolylineKey, PolylineEntry>>;

// Bounded so that a long-lived thread shown many places does not grow forever.
constexpr std::size_t kMaxPolylineMemo = 10000;

PolylineMemo& polyline_memo() {
  thread_local PolylineMemo memo;
  return memo;
}

// What is remembered of p and the line, if anything.
PolylineEntry* find_polyline(PolylineMemo& memo, std::uint64_t h, const GeoPoint& p,
                             const std::vector<GeoPoint>& line) {
  const auto [first, last] = memo.equal_range(h);
  for (auto it = first; it != last; ++it) {
    const PolylineKey& k = it->second.first;
    if (same_point(k.p, p) && same_points(k.line, line)) return &it->second.second;
  }
  return nullptr;
}

// One thread's buffers for polyline_bounds, kept so a search allocates nothing.
struct BoundsScratch {
  std::vector<double> to_vertex;
  std::vector<std::pair<double, std::size_t>> order;
};
BoundsScratch& bounds_scratch() {
  thread_local BoundsScratch scratch;
  return scratch;
}

// The distances from p to each vertex of `line` (into to_vertex, metres) and, per segment,
// a lower bound on the distance to it, sorted ascending (into order). For q on a segment
// a-b, d(p,q) >= d(p,a) - d(a,q) and d(p,q) >= d(p,b) - d(q,b), with d(a,q) + d(q,b) = |ab|,
// so d(p,q) >= (d(p,a) + d(p,b) - |ab|) / 2. Returns the nearest vertex's distance.
double polyline_bounds(const GeoPoint& p, const std::vector<GeoPoint>& line,
                       std::vector<double>& to_vertex,
                       std::vector<std::pair<double, std::size_t>>& order) {
  const auto& g = wgs84();
  to_vertex.resize(line.size());
  double nearest = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < line.size(); ++i) {
    g.Inverse(p.lat, p.lon, line[i].lat, line[i].lon, to_vertex[i]);
    nearest = std::min(nearest, to_vertex[i]);
  }
  order.clear();
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    double length = 0.0;
    g.Inverse(line[i].lat, line[i].lon, line[i + 1].lat, line[i + 1].lon, length);
    order.emplace_back(0.5 * (to_vertex[i] + to_vertex[i + 1] - length), i);
  }
  std::sort(order.begin(), order.end());
  return nearest;
}

// How far a lower bound must exceed a distance to prove it larger: the inverses round at
// nanometres, so a millimetre is safe and costs no search that matters.
constexpr double kBoundMarginM = 1e-3;

}  // namespace

double distance_to_polyline_km(const GeoPoint& p, const std::vector<GeoPoint>& line) {
  if (line.empty()) throw std::invalid_argument("distance to an empty line");
  if (line.size() == 1) return distance_km(p, line.front());
  PolylineMemo& memo = polyline_memo();
  const std::uint64_t h = polyline_hash(p, line);
  PolylineEntry* known = find_polyline(memo, h, p, line);
  if (known != nullptr && known->exact) return known->bounds.upper_km;
  // Most segments of a line are far from the point: a segment is searched (~80 geodesic
  // inverses) only when its lower bound leaves it a chance to hold the nearest point. A
  // segment whose bound exceeds the best distance found by more than the inverses'
  // rounding could only have given a larger distance, so the minimum, and every result,
  // is the one the search of every segment gives. (The search's endpoint distances are the
  // same inverses as the vertices' here.)
  BoundsScratch& scratch = bounds_scratch();
  double best = polyline_bounds(p, line, scratch.to_vertex, scratch.order);
  for (const auto& [bound, i] : scratch.order) {
    if (bound > best + kBoundMarginM) break;
    best = std::min(best, distance_to_segment_m(p, line[i], line[i + 1]));
  }
  const double km = best / 1000.0;
  if (known != nullptr) {
    *known = {{km, km}, true};
    return km;
  }
  if (memo.size() >= kMaxPolylineMemo) memo.clear();
  memo.emplace(h, std::make_pair(PolylineKey{p, line, h}, PolylineEntry{{km, km}, true}));
  return km;
}

DistanceBounds polyline_bounds_km(const GeoPoint& p, const std::vector<GeoPoint>& line) {
  if (line.empty()) throw std::invalid_argument("distance to an empty line");
  if (line.size() == 1) {
    const double km = distance_km(p, line.front());
    return {km, km};
  }
  // Remembered too: a sweep asks of the same units and lines on every sample.
  PolylineMemo& memo = polyline_memo();
  const std::uint64_t h = polyline_hash(p, line);
  if (const PolylineEntry* known = find_polyline(memo, h, p, line)) return known->bounds;
  BoundsScratch& scratch = bounds_scratch();
  const double nearest = polyline_bounds(p, line, scratch.to_vertex, scratch.order);
  const auto& order = scratch.order;
  // distance_to_polyline_km's minimum starts at the nearest vertex and only falls; every
  // segment value it takes is at least that segment's bound, less the inverses' rounding.
  const double lower = std::min(nearest, order.front().first) - kBoundMarginM;
  const DistanceBounds bounds{std::max(0.0, lower) / 1000.0, nearest / 1000.0};
  if (memo.size() >= kMaxPolylineMemo) memo.clear();
  memo.emplace(h, std::make_pair(PolylineKey{p, line, h}, PolylineEntry{bounds, false}));
  return bounds;
}

double weapon_distance_km(const Scenario& scenario, const Weapon& weapon, const GeoPoint& target) {
  if (!weapon.front_line.empty()) {
    const Line* l = scenario.line(weapon.front_line);
    if (l == nullptr) {
      throw std::invalid_argument("weapon " + weapon.id + " is deployed along unknown line " +
                                  weapon.front_line);
    }
    return distance_to_polyline_km(target, l->points);
  }
  if (weapon.sites.empty()) {
    throw std::invalid_argument("weapon " + weapon.id + " has neither sites nor a front line");
  }
  double best = std::numeric_limits<double>::infinity();
  for (const GeoPoint& site : weapon.sites) best = std::min(best, distance_km(site, target));
  return best;
}

EnemyTest enemies_outside_alliances(const Scenario& scenario) {
  // Copies what it needs: the test may outlive the scenario it was built from.
  std::vector<std::vector<std::string>> blocs;
  for (const Alliance& a : scenario.alliances) {
    std::vector<std::string> roots;
    roots.reserve(a.members.size());
    for (const std::string& m : a.members) roots.push_back(scenario.root_actor(m));
    blocs.push_back(std::move(roots));
  }
  std::map<std::string, std::string> roots;
  for (const Actor& a : scenario.actors) roots[a.id] = scenario.root_actor(a.id);
  return [blocs = std::move(blocs), roots = std::move(roots)](const std::string& unit_owner,
                                                              const std::string& weapon_owner) {
    auto root = [&](const std::string& id) {
      auto it = roots.find(id);
      return it == roots.end() ? id : it->second;
    };
    const std::string u = root(unit_owner);
    const std::string w = root(weapon_owner);
    if (u == w) return false;
    for (const auto& bloc : blocs) {
      const bool has_u = std::find(bloc.begin(), bloc.end(), u) != bloc.end();
      const bool has_w = std::find(bloc.begin(), bloc.end(), w) != bloc.end();
      if (has_u && has_w) return false;
    }
    return true;
  };
}

bool WeaponDistances::within(const Weapon& weapon, double range_km) {
  if (weapon.front_line.empty()) return (*this)(weapon) <= range_km;
  for (const auto& [line, km] : lines_) {
    if (*line == weapon.front_line) return km <= range_km;
  }
  const Line* l = scenario_->line(weapon.front_line);
  if (l == nullptr) return (*this)(weapon) <= range_km;  // which throws, naming the line
  const DistanceBounds* b = nullptr;
  for (const auto& [line, bounds] : bounds_) {
    if (*line == weapon.front_line) b = &bounds;
  }
  if (b == nullptr)
    b = &bounds_.emplace_back(&weapon.front_line, polyline_bounds_km(target_, l->points)).second;
  // Division by 1000 and the minimum are monotone: these decide as the distance would.
  if (b->upper_km <= range_km) return true;
  if (b->lower_km > range_km) return false;
  return (*this)(weapon) <= range_km;
}

double WeaponDistances::operator()(const Weapon& weapon) {
  if (weapon.front_line.empty()) return weapon_distance_km(*scenario_, weapon, target_);
  for (const auto& [line, km] : lines_) {
    if (*line == weapon.front_line) return km;
  }
  const double km = weapon_distance_km(*scenario_, weapon, target_);
  lines_.emplace_back(&weapon.front_line, km);
  return km;
}

bool weapon_distances_defined(const Scenario& scenario) {
  for (const Weapon& w : scenario.weapons) {
    if (!(w.count.value > 0)) continue;
    if (w.front_line.empty()) {
      if (w.sites.empty()) return false;
    } else {
      const Line* l = scenario.line(w.front_line);
      if (l == nullptr || l->points.empty()) return false;
    }
  }
  return true;
}

std::vector<char> hostile_weapons(const Scenario& scenario, const std::string& unit_owner) {
  // The test above, asked directly: root_actor() is what its table of roots holds.
  std::vector<char> out;
  out.reserve(scenario.weapons.size());
  const std::string& u = scenario.root_actor(unit_owner);
  // The members' roots of the alliances that hold u's, once: only those make allies.
  std::vector<std::vector<const std::string*>> blocs;
  for (const Alliance& a : scenario.alliances) {
    std::vector<const std::string*> roots;
    bool has_u = false;
    for (const std::string& m : a.members) {
      roots.push_back(&scenario.root_actor(m));
      has_u = has_u || *roots.back() == u;
    }
    if (has_u) blocs.push_back(std::move(roots));
  }
  for (const Weapon& weapon : scenario.weapons) {
    const std::string& w = scenario.root_actor(weapon.owner);
    bool enemy = u != w;
    for (const auto& bloc : blocs) {
      for (const std::string* r : bloc) enemy = enemy && *r != w;
    }
    out.push_back(enemy ? 1 : 0);
  }
  return out;
}

EnemyTest enemies_from_list(std::vector<std::string> owners) {
  return [owners = std::move(owners)](const std::string& /*unit_owner*/,
                                      const std::string& weapon_owner) {
    return std::find(owners.begin(), owners.end(), weapon_owner) != owners.end();
  };
}

const std::vector<char>& HostileWeapons::of(const std::string& unit_owner) {
  for (std::size_t k = 0; k < owners_.size(); ++k) {
    if (owners_[k] == unit_owner) return rows_[k];
  }
  owners_.push_back(unit_owner);
  if (!is_enemy_) return rows_.emplace_back(hostile_weapons(*scenario_, unit_owner));
  std::vector<char>& row = rows_.emplace_back();
  row.reserve(scenario_->weapons.size());
  for (const Weapon& w : scenario_->weapons) row.push_back(is_enemy_(unit_owner, w.owner) ? 1 : 0);
  return row;
}

void weapons_reaching(const Scenario& scenario, const Force& force,
                      const std::vector<char>& hostile, bool first_only,
                      std::vector<WeaponHit>& out, bool distances) {
  out.clear();
  thread_local WeaponDistances km_tl(scenario, force.location);
  WeaponDistances& km = km_tl;
  km.reset(scenario, force.location);
  for (std::size_t k = 0; k < scenario.weapons.size(); ++k) {
    const Weapon& w = scenario.weapons[k];
    if (!(w.count.value > 0) || hostile[k] == 0) continue;
    if (!distances) {
      if (km.within(w, w.range_km.value)) {
        out.push_back({k, std::numeric_limits<double>::quiet_NaN()});
        if (first_only) return;
      }
      continue;
    }
    const double d = km(w);
    if (d <= w.range_km.value) {
      out.push_back({k, d});
      if (first_only) return;
    }
  }
}

std::vector<UnitExposure> force_exposure(const Scenario& scenario, const EnemyTest& is_enemy) {
  std::vector<UnitExposure> out;
  out.reserve(scenario.forces.size());
  HostileWeapons hostile(scenario, is_enemy);
  std::vector<WeaponHit> hits;
  for (const Force& f : scenario.forces) {
    UnitExposure u;
    u.force = f.id;
    u.owner = f.owner;
    u.strength = f.strength.value;
    weapons_reaching(scenario, f, hostile.of(f.owner), false, hits);
    for (const WeaponHit& h : hits) {
      const Weapon& w = scenario.weapons[h.weapon];
      u.reached.push_back(Reach{w.id, w.owner, h.distance_km, w.range_km.value, w.count.value});
      u.weapons_in_range += w.count.value;
    }
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace entente::geo
