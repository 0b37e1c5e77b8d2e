// The alliance model evaluated date by date: the computation behind `entente timeline` and
// the report's alliance chart, so both show the same numbers.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/date.hpp"
#include "entente/scenario.hpp"

namespace entente {

struct TimelineRequest {
  Date from;
  Date to;
  int step_months = 1;  // step: months when > 0, else days
  int step_days = 0;
  std::vector<std::string> alliances;          // only these (empty: all)
  std::map<std::string, std::string> options;  // alliance model options
  bool events = true;  // add every event and poll date inside the range to the grid
};

struct Timeline {
  // One row per date, ascending: {"date", "events": [event ids, "poll <id>"], "alliances":
  // [the alliance model's per-alliance details on that date]}.
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::string> warnings;  // the model's warnings, each once
};

// The default range: from the day before the first event that precedes as_of (or twelve
// months before as_of when none does) to as_of.
std::pair<Date, Date> default_timeline_range(const Scenario& s);

// Evaluates the alliance model on the step grid from `from` to `to` (plus `to`, plus every
// event and poll date in range when `events`), each date on the scenario with its events
// applied through that date. Throws std::invalid_argument for bad options, an unknown
// alliance or a scenario the model does not apply to; rethrows the model's failures.
Timeline alliance_timeline(const Scenario& s, const TimelineRequest& request);

}  // namespace entente
