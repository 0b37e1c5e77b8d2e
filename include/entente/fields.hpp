// The settable numbers of a scenario, by field path: one table that sampling (Monte Carlo
// sweeps, sensitivity analysis), the what-if (the web app's sliders, Scenario.with_changes
// in Python) and the sweep's inputs all read, so that a number one of them can move, the
// others can too, under the same path and the same range the loader enforces. The paths
// are the ones events set (docs/scenario.md#events): `issues.ISSUE.positions.ACTOR.position`,
// `alliances.ALLIANCE.terms.MEMBER.burden.contributions`, `params.NAME`, ...
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "entente/scenario.hpp"

namespace entente {

// One settable number of a scenario.
struct NumericField {
  std::string path;   // e.g. "issues.nk-nuclear.positions.USA.position"
  std::string label;  // for people, e.g. "USA position"
  std::string group;  // what it belongs to, e.g. the name, "Forces", "Parameters"
  double lo = -std::numeric_limits<double>::infinity();  // the range the loader enforces,
  double hi = std::numeric_limits<double>::infinity();   // inclusive
  // Exactly one is set: the number is a Quantity (may carry a distribution, so it can be
  // sampled) or a plain number (a coordinate).
  Quantity* quantity = nullptr;
  double* number = nullptr;
  // What else changes when the number is set (a unit given coordinates leaves its place).
  std::function<void()> on_set;

  [[nodiscard]] double value() const { return quantity != nullptr ? quantity->value : *number; }
};

// Every settable number of `s`, in a fixed order: actors, issues (status quo, then each
// stance), alliances' terms (commitment, burden, threats, signals, episodes), forces (strength,
// lat, lon), weapons, polls, params, places (lat, lon); each in the scenario's order. Events
// set numbers by these paths too (docs/scenario.md#events): what an event can set as a
// number is what this table has.
// The fields point into `s`: they are valid until `s` is changed in shape or destroyed.
// Sampling visits the uncertain Quantities in this order, so it is part of every sweep's
// reproducibility: append new fields, never reorder.
std::vector<NumericField> numeric_fields(Scenario& s);

// Sets the number at `path` to `value` (its Quantity's nominal value; a distribution, if
// any, stays for sampling). Throws std::invalid_argument naming the path when it names no
// settable number (saying which paths exist) or the value is not finite or outside the
// field's range.
void set_numeric_field(Scenario& s, const std::string& path, double value);

// Sets the Quantity at `path` to `q`, its distribution included: what an event that gives
// a field a new uncertain value does. Throws std::invalid_argument as set_numeric_field does,
// and when the field at `path` is a plain number (a coordinate), which takes no
// distribution.
void set_quantity_field(Scenario& s, const std::string& path, const Quantity& q);

}  // namespace entente
