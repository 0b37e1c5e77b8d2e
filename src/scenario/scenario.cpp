#include "entente/scenario.hpp"

#include "entente/fields.hpp"

#include <algorithm>
#include <stdexcept>

namespace entente {

namespace {
constexpr std::pair<ActorKind, const char*> kKindNames[] = {
    {ActorKind::kState, "state"},       {ActorKind::kLeader, "leader"},
    {ActorKind::kMilitary, "military"}, {ActorKind::kPublic, "public"},
    {ActorKind::kParty, "party"},       {ActorKind::kOrganisation, "organisation"},
    {ActorKind::kGroup, "group"},
};

template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const char* actor_kind_name(ActorKind kind) {
  for (const auto& [k, n] : kKindNames) {
    if (k == kind) return n;
  }
  return "state";
}

std::optional<ActorKind> parse_actor_kind(const std::string& text) {
  for (const auto& [k, n] : kKindNames) {
    if (text == n) return k;
  }
  return std::nullopt;
}

std::vector<std::string> actor_kind_names() {
  std::vector<std::string> out;
  for (const auto& kn : kKindNames) out.emplace_back(kn.second);
  return out;
}

const Stance* Issue::stance(const std::string& actor) const {
  auto it = std::find_if(stances.begin(), stances.end(),
                         [&](const Stance& s) { return s.actor == actor; });
  return it == stances.end() ? nullptr : &*it;
}

const Actor* Scenario::actor(const std::string& wanted) const { return find_by_id(actors, wanted); }
const Issue* Scenario::issue(const std::string& wanted) const { return find_by_id(issues, wanted); }

const Procedure* Scenario::procedure_for(const Issue& is) const {
  if (is.procedure) return &*is.procedure;
  return procedure ? &*procedure : nullptr;
}

const std::string& Scenario::root_actor(const std::string& actor) const {
  // Walks at most actors.size() steps instead of remembering the visited ids: alliance and
  // exposure code call this in every Monte Carlo sample, and a set per call dominated them.
  const std::string* at = &actor;
  for (std::size_t steps = 0; steps <= actors.size(); ++steps) {
    const Actor* a = this->actor(*at);
    if (a == nullptr || a->parent.empty()) break;
    at = &a->parent;
  }
  return *at;
}
const Alliance* Scenario::alliance(const std::string& wanted) const {
  return find_by_id(alliances, wanted);
}
const Force* Scenario::force(const std::string& wanted) const { return find_by_id(forces, wanted); }
const Place* Scenario::place(const std::string& wanted) const { return find_by_id(places, wanted); }
const Line* Scenario::line(const std::string& wanted) const { return find_by_id(lines, wanted); }

const Param* Scenario::param(const std::string& wanted) const { return find_by_id(params, wanted); }
const Decision* Scenario::decision(const std::string& wanted) const {
  return find_by_id(decisions, wanted);
}

const Threat* AllianceTerms::threat(const std::string& wanted) const {
  for (const Threat& t : threats) {
    if (t.target == wanted) return &t;
  }
  return nullptr;
}

const AllianceTerms* Alliance::terms_of(const std::string& wanted) const {
  for (const AllianceTerms& t : terms) {
    if (t.member == wanted) return &t;
  }
  return nullptr;
}

Scenario Scenario::at(Date date) const {
  if (applied_through && date < *applied_through) {
    throw std::logic_error("scenario already at " + applied_through->str() +
                           "; events cannot be undone to reach " + date.str());
  }
  Scenario out = *this;
  for (const Event& e : events) {
    if (e.date > date) break;
    if (applied_through && e.date <= *applied_through) continue;
    for (const Change& c : e.changes) c.apply(out);
  }
  out.polls.erase(std::remove_if(out.polls.begin(), out.polls.end(),
                                 [&](const Poll& p) { return p.date > date; }),
                  out.polls.end());
  out.applied_through = date;
  return out;
}

void Scenario::for_each_quantity(
    const std::function<void(const std::string& path, Quantity&)>& fn) {
  // The one table of settable numbers decides which numbers exist and in what order.
  for (NumericField& f : numeric_fields(*this)) {
    if (f.quantity != nullptr && f.quantity->uncertain()) fn(f.path, *f.quantity);
  }
}

}  // namespace entente
