// The table of a scenario's settable numbers (include/entente/fields.hpp). The ranges are
// the loader's: a number set here passes the checks the same number would pass in a file.
#include "entente/fields.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace entente {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const std::string& name_or_id(const std::string& name, const std::string& id) {
  return name.empty() ? id : name;
}

// The table, or only its part under `head`.`id` (the first two components of a path) when
// `head` is given: setting one number by path needs only the fields that could be it, and
// the scenario's events set numbers one at a time on every Scenario::at.
std::vector<NumericField> build_fields(Scenario& s, std::string_view head, std::string_view id) {
  auto want = [&](std::string_view group, const std::string& item) {
    return head.empty() || (head == group && id == item);
  };
  std::vector<NumericField> out;
  auto add = [&](std::string path, std::string label, std::string group, double lo, double hi,
                 Quantity& q) {
    out.push_back({std::move(path), std::move(label), std::move(group), lo, hi, &q, nullptr, {}});
  };
  for (Actor& a : s.actors) {
    if (!want("actors", a.id)) continue;
    const std::string base = "actors." + a.id;
    const std::string& who = name_or_id(a.name, a.id);
    add(base + ".capability", who + " capability", "Actors", 0, kInf, a.capability);
    if (a.risk) add(base + ".risk", who + " risk attitude", "Actors", -1, 1, *a.risk);
  }
  for (Issue& is : s.issues) {
    if (!want("issues", is.id)) continue;
    const std::string& group = name_or_id(is.name, is.id);
    if (is.status_quo) {
      add("issues." + is.id + ".status_quo", "status quo", group, is.scale.min, is.scale.max,
          *is.status_quo);
    }
    for (Stance& st : is.stances) {
      const std::string base = "issues." + is.id + ".positions." + st.actor;
      add(base + ".position", st.actor + " position", group, is.scale.min, is.scale.max,
          st.position);
      add(base + ".salience", st.actor + " salience", group, 0, 1, st.salience);
    }
  }
  for (Alliance& a : s.alliances) {
    if (!want("alliances", a.id)) continue;
    const std::string group = "Alliance " + name_or_id(a.name, a.id);
    for (AllianceTerms& t : a.terms) {
      const std::string base = "alliances." + a.id + ".terms." + t.member;
      if (t.commitment) {
        add(base + ".commitment", t.member + " commitment", group, 0, 1, *t.commitment);
      }
      if (t.troops_abroad) {
        add(base + ".burden.troops_abroad", t.member + " troops abroad", group, 0, kInf,
            *t.troops_abroad);
      }
      if (t.host_nation_support) {
        add(base + ".burden.host_nation_support", t.member + " host-nation support", group, 0, kInf,
            *t.host_nation_support);
      }
      if (t.contributions) {
        add(base + ".burden.contributions", t.member + " contributions", group, 0, kInf,
            *t.contributions);
      }
      if (t.defence_spending) {
        add(base + ".burden.defence_spending", t.member + " defence spending", group, 0, kInf,
            *t.defence_spending);
      }
      for (Threat& th : t.threats) {
        add(base + ".threats." + th.target, t.member + " threat from " + th.target, group, 0, 1,
            th.level);
      }
      for (Signal& sg : t.signals) {
        const std::string sb = base + ".signals." + sg.id;
        const std::string who = t.member + " " + sg.id;
        if (sg.contributions) {
          add(sb + ".contributions", who + " contributions", group, 0, kInf, *sg.contributions);
        }
        if (sg.troops_abroad) {
          add(sb + ".troops_abroad", who + " troops abroad", group, 0, kInf, *sg.troops_abroad);
        }
        if (sg.host_nation_support) {
          add(sb + ".host_nation_support", who + " host-nation support", group, 0, kInf,
              *sg.host_nation_support);
        }
        if (sg.commitment)
          add(sb + ".commitment", who + " commitment", group, -1, 1, *sg.commitment);
      }
      for (Episode& e : t.episodes) {
        add(base + ".episodes." + e.id + ".shares_risk", t.member + " " + e.id + " risk sharing",
            group, 0, 1, e.shares_risk);
      }
    }
  }
  for (Force& f : s.forces) {
    if (!want("forces", f.id)) continue;
    add("forces." + f.id + ".strength", f.id + " strength", "Forces", 0, kInf, f.strength);
    // Coordinates are plain numbers, never sampled; a unit given coordinates of its own
    // no longer stands at the named place.
    Force* force = &f;
    out.push_back({"forces." + f.id + ".lat", f.id + " latitude (°N)", "Forces", -90, 90, nullptr,
                   &f.location.lat, [force] { force->place.clear(); }});
    out.push_back({"forces." + f.id + ".lon", f.id + " longitude (°E)", "Forces", -180, 180,
                   nullptr, &f.location.lon, [force] { force->place.clear(); }});
  }
  for (Weapon& w : s.weapons) {
    if (!want("weapons", w.id)) continue;
    // The loader refuses a range of 0 (nothing would be in range); the smallest positive
    // number is the closed bound nearest to that.
    add("weapons." + w.id + ".range_km", w.id + " range (km)", "Weapons", std::nextafter(0.0, 1.0),
        kInf, w.range_km);
    add("weapons." + w.id + ".count", w.id + " count", "Weapons", 0, kInf, w.count);
  }
  for (Poll& p : s.polls) {
    if (!want("polls", p.id)) continue;
    add("polls." + p.id + ".support", p.id + " support", "Polls", 0, 1, p.support);
  }
  for (Param& p : s.params) {
    if (want("params", p.id)) add("params." + p.id, p.id, "Parameters", -kInf, kInf, p.value);
  }
  // Appended after params, as the order above is part of every sweep's reproducibility.
  // Moving a place moves the units that stand at it.
  for (Place& pl : s.places) {
    if (!want("places", pl.id)) continue;
    const std::string& name = name_or_id(pl.name, pl.id);
    auto follow = [&s, id = pl.id] {
      const Place* place = s.place(id);
      for (Force& f : s.forces) {
        if (f.place == id) f.location = place->at;
      }
    };
    out.push_back({"places." + pl.id + ".lat", name + " latitude (°N)", "Places", -90, 90, nullptr,
                   &pl.at.lat, follow});
    out.push_back({"places." + pl.id + ".lon", name + " longitude (°E)", "Places", -180, 180,
                   nullptr, &pl.at.lon, follow});
  }
  return out;
}

}  // namespace

std::vector<NumericField> numeric_fields(Scenario& s) { return build_fields(s, {}, {}); }

namespace {

// The field at `path` of `fields`; throws std::invalid_argument saying what exists instead.
const NumericField& field_at(const Scenario& s, const std::vector<NumericField>& fields,
                             const std::string& path) {
  const auto it = std::find_if(fields.begin(), fields.end(),
                               [&](const NumericField& f) { return f.path == path; });
  if (it == fields.end()) {
    // A stance that does not exist: say which part is missing.
    const std::size_t a = path.find('.');
    const std::size_t b = a == std::string::npos ? a : path.find('.', a + 1);
    if (path.rfind("issues.", 0) == 0 && b != std::string::npos &&
        path.compare(b, 11, ".positions.") == 0) {
      const std::string issue = path.substr(a + 1, b - a - 1);
      const std::string rest = path.substr(b + 11);
      const std::string actor = rest.substr(0, rest.find('.'));
      if (s.issue(issue) == nullptr) {
        throw std::invalid_argument(fmt::format("{}: no issue '{}'", path, issue));
      }
      if (s.issue(issue)->stance(actor) == nullptr) {
        throw std::invalid_argument(
            fmt::format("{}: '{}' takes no position on issue '{}'", path, actor, issue));
      }
    }
    // Name the kind of path that exists, from the first component given.
    const std::string head = path.substr(0, path.find('.'));
    std::vector<std::string> same_head;
    for (const NumericField& f : fields) {
      if (f.path.rfind(head + ".", 0) == 0 && same_head.size() < 3) same_head.push_back(f.path);
    }
    throw std::invalid_argument(
        same_head.empty()
            ? fmt::format("'{}' is not a settable number of this scenario; settable numbers are "
                          "under actors, issues, alliances, forces, weapons, polls, params and "
                          "places",
                          path)
            : fmt::format("'{}' is not a settable number of this scenario; e.g. {}", path,
                          fmt::join(same_head, ", ")));
  }
  return *it;
}

// The part of the table that could hold `path` (its first two components name the
// section and the item), or the whole table when that part has no such field: an id with
// a dot in it, or no field at all, whose message field_at builds from the whole table.
std::vector<NumericField> fields_for(Scenario& s, const std::string& path) {
  const std::string_view p(path);
  if (const std::size_t a = p.find('.'); a != std::string_view::npos) {
    const std::size_t b = p.find('.', a + 1);
    std::vector<NumericField> part =
        build_fields(s, p.substr(0, a),
                     b == std::string_view::npos ? p.substr(a + 1) : p.substr(a + 1, b - a - 1));
    if (std::any_of(part.begin(), part.end(),
                    [&](const NumericField& f) { return f.path == path; })) {
      return part;
    }
  }
  return numeric_fields(s);
}

}  // namespace

void set_numeric_field(Scenario& s, const std::string& path, double value) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument(fmt::format("{}: the value is not a finite number", path));
  }
  const std::vector<NumericField> fields = fields_for(s, path);
  const NumericField* it = &field_at(s, fields, path);
  if (value < it->lo || value > it->hi) {
    throw std::invalid_argument(
        fmt::format("{}: {} is outside [{}, {}]", path, value, it->lo, it->hi));
  }
  if (it->quantity != nullptr) {
    it->quantity->value = value;
  } else {
    *it->number = value;
  }
  if (it->on_set) it->on_set();
}

void set_quantity_field(Scenario& s, const std::string& path, const Quantity& q) {
  const std::vector<NumericField> fields = fields_for(s, path);
  const NumericField& f = field_at(s, fields, path);
  if (f.quantity == nullptr) {
    throw std::invalid_argument(
        fmt::format("{}: a plain number (a coordinate), which takes no distribution", path));
  }
  if (!std::isfinite(q.value) || q.value < f.lo || q.value > f.hi) {
    throw std::invalid_argument(
        fmt::format("{}: {} is outside [{}, {}]", path, q.value, f.lo, f.hi));
  }
  *f.quantity = q;
  if (f.on_set) f.on_set();
}

}  // namespace entente
