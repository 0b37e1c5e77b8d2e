#include "entente/procedure.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace entente {

namespace {
constexpr std::pair<VotingRule, const char*> kRuleNames[] = {
    {VotingRule::kUnanimity, "unanimity"},
    {VotingRule::kSimpleMajority, "simple-majority"},
    {VotingRule::kQualifiedMajority, "qualified-majority"},
};

// Weights and populations are sums of a few dozen decimals: a quota met exactly on paper
// (62 of 87) must not fail by a rounding error.
constexpr double kSlack = 1e-9;
}  // namespace

const char* voting_rule_name(VotingRule rule) {
  for (const auto& [r, n] : kRuleNames) {
    if (r == rule) return n;
  }
  return "unanimity";
}

std::optional<VotingRule> parse_voting_rule(const std::string& text) {
  for (const auto& [r, n] : kRuleNames) {
    if (text == n) return r;
  }
  return std::nullopt;
}

std::vector<std::string> voting_rule_names() {
  std::vector<std::string> out;
  for (const auto& rn : kRuleNames) out.emplace_back(rn.second);
  return out;
}

double DecisionBody::total_weight() const {
  double total = 0.0;
  for (const Voter& v : voters) total += v.weight;
  return total;
}

double DecisionBody::total_population() const {
  double total = 0.0;
  for (const Voter& v : voters) total += v.population.value_or(0.0);
  return total;
}

const Voter* DecisionBody::voter(const std::string& actor) const {
  auto it =
      std::find_if(voters.begin(), voters.end(), [&](const Voter& v) { return v.actor == actor; });
  return it == voters.end() ? nullptr : &*it;
}

bool DecisionBody::carries(const std::vector<bool>& in_favour) const {
  const std::size_t n = voters.size();
  if (n == 0 || in_favour.size() != n) return false;
  std::size_t yes = 0;
  double yes_weight = 0.0;
  double yes_population = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!in_favour[i]) continue;
    ++yes;
    yes_weight += voters[i].weight;
    yes_population += voters[i].population.value_or(0.0);
  }
  if (rule == VotingRule::kUnanimity) return yes == n;
  const double total = total_weight();
  // A qualified majority without a vote threshold is one of members and population alone
  // (the EU's double majority).
  bool ok = true;
  if (threshold) {
    ok = yes_weight >= *threshold - kSlack * total;
  } else if (rule == VotingRule::kSimpleMajority) {
    ok = yes_weight > total / 2 + kSlack * total;
  }
  if (member_share && static_cast<double>(yes) < *member_share * static_cast<double>(n) - kSlack) {
    ok = false;
  }
  if (population_share) {
    const double pop = total_population();
    if (yes_population < *population_share * pop - kSlack * pop) ok = false;
  }
  // Fewer opponents than a blocking minority needs: the majority is deemed attained.
  if (!ok && min_blockers > 0 && n - yes < static_cast<std::size_t>(min_blockers)) ok = true;
  return ok;
}

std::string DecisionBody::describe() const {
  if (voters.size() == 1) return "the consent of " + voters[0].actor;
  std::string out;
  switch (rule) {
    case VotingRule::kUnanimity:
      return fmt::format("unanimity of {} voters", voters.size());
    case VotingRule::kSimpleMajority:
      out = fmt::format("simple majority of {} voters", voters.size());
      break;
    case VotingRule::kQualifiedMajority:
      out = fmt::format("qualified majority of {} voters", voters.size());
      break;
  }
  if (threshold) out += fmt::format(": {:g} of {:g} votes", *threshold, total_weight());
  if (member_share) out += fmt::format(", {:g}% of members", 100 * *member_share);
  if (population_share) out += fmt::format(", {:g}% of population", 100 * *population_share);
  if (min_blockers > 0) out += fmt::format(", a blocking minority needs {} members", min_blockers);
  return out;
}

std::vector<std::string> Procedure::participants() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  for (const Voter& v : body.voters) add(v.actor);
  if (co_decision) {
    for (const Voter& v : co_decision->voters) add(v.actor);
  }
  add(agenda_setter);
  for (const std::string& v : vetoes) add(v);
  return out;
}

std::string Procedure::describe() const {
  std::string out = body.describe();
  if (!agenda_setter.empty()) out += "; agenda setter " + agenda_setter;
  if (!vetoes.empty()) {
    out += "; vetoes:";
    for (std::size_t i = 0; i < vetoes.size(); ++i) out += (i ? ", " : " ") + vetoes[i];
  }
  if (co_decision) out += "; co-decision with " + co_decision->describe();
  return out;
}

std::map<std::string, double> Procedure::formal_weights() const {
  std::map<std::string, double> out;
  auto give = [&](const std::string& id, double w) {
    double& slot = out[id];
    slot = std::max(slot, w);
  };
  double heaviest = 0.0;
  for (const Voter& v : body.voters) {
    give(v.actor, v.weight);
    heaviest = std::max(heaviest, v.weight);
  }
  if (co_decision) {
    const double scale = body.total_weight() / co_decision->total_weight();
    for (const Voter& v : co_decision->voters) give(v.actor, v.weight * scale);
  }
  if (!agenda_setter.empty()) give(agenda_setter, heaviest);
  for (const std::string& v : vetoes) give(v, heaviest);
  return out;
}

}  // namespace entente
