#include "entente/timeline.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>

#include "entente/model.hpp"

namespace entente {

std::pair<Date, Date> default_timeline_range(const Scenario& s) {
  Date from = s.as_of.add_months(-12);
  if (!s.events.empty() && s.events.front().date < s.as_of) {
    from = Date::from_days_since_epoch(s.events.front().date.days_since_epoch() - 1);
  }
  return {from, s.as_of};
}

Timeline alliance_timeline(const Scenario& s, const TimelineRequest& request) {
  for (const std::string& id : request.alliances) {
    if (s.alliance(id) == nullptr) {
      throw std::invalid_argument("no alliance '" + id + "' in " + s.id);
    }
  }
  const std::unique_ptr<Model> model = make_model("alliance", request.options);
  if (const std::string why = model->applicability(s); !why.empty()) {
    throw std::invalid_argument(why);
  }

  // The dates: the step grid, plus every event date inside the range (so each event's
  // effect shows on its own row).
  std::set<Date> dates;
  for (int i = 0;; ++i) {
    Date d = request.step_months > 0
                 ? request.from.add_months(i * request.step_months)
                 : Date::from_days_since_epoch(request.from.days_since_epoch() +
                                               static_cast<long>(i) * request.step_days);
    if (request.to < d) break;
    dates.insert(d);
    if (i > 5000) break;  // a 1-day step over centuries: stop rather than flood
  }
  dates.insert(request.to);
  if (request.events) {
    for (const Event& e : s.events) {
      if (!(e.date < request.from) && !(request.to < e.date)) dates.insert(e.date);
    }
    // Polls are events too: a run sees a poll from its fieldwork date on.
    for (const Poll& p : s.polls) {
      if (!(p.date < request.from) && !(request.to < p.date)) dates.insert(p.date);
    }
    // So are signals (dated offers in alliance terms) and the decisions they are timed to.
    for (const Alliance& a : s.alliances) {
      for (const AllianceTerms& t : a.terms) {
        for (const Signal& sg : t.signals) {
          if (!(sg.date < request.from) && !(request.to < sg.date)) dates.insert(sg.date);
        }
      }
    }
    for (const Decision& dc : s.decisions) {
      if (!(dc.date < request.from) && !(request.to < dc.date)) dates.insert(dc.date);
    }
  }

  Timeline out;
  for (const Date& d : dates) {
    const Scenario applied = s.at(d);
    const Result r = model->run(applied, RunContext{});
    for (const auto& w : r.warnings) {
      if (std::find(out.warnings.begin(), out.warnings.end(), w) == out.warnings.end()) {
        out.warnings.push_back(w);
      }
    }
    nlohmann::json events = nlohmann::json::array();
    for (const Event& e : s.events) {
      if (e.date == d) events.push_back(e.id);
    }
    for (const Poll& p : s.polls) {
      if (p.date == d) events.push_back("poll " + p.id);
    }
    for (const Alliance& a : s.alliances) {
      for (const AllianceTerms& t : a.terms) {
        for (const Signal& sg : t.signals) {
          if (sg.date == d) events.push_back("signal " + sg.id);
        }
      }
    }
    for (const Decision& dc : s.decisions) {
      if (dc.date == d) events.push_back("decision " + dc.id);
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : r.details["alliances"]) {
      if (request.alliances.empty() ||
          std::find(request.alliances.begin(), request.alliances.end(),
                    a["id"].get<std::string>()) != request.alliances.end()) {
        list.push_back(a);
      }
    }
    out.rows.push_back({{"date", d.str()}, {"events", events}, {"alliances", list}});
  }
  return out;
}

}  // namespace entente
