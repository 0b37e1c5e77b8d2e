// Decision procedures: who decides an issue, and by which rule (docs/scenario.md#procedure).
//
// A procedure is part of a scenario (a default for every issue) or of one issue. It names a
// deciding body (voters with weights and a rule: unanimity, simple or qualified majority,
// with optional member and population quotas and a minimum blocking minority, as in the
// EU Council), an agenda setter who proposes first, veto players who must all consent, and
// a second body whose consent is also needed (co-decision). Models read it; the loader
// guarantees every actor it names exists and every number is in range.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace entente {

enum class VotingRule { kUnanimity, kSimpleMajority, kQualifiedMajority };
const char* voting_rule_name(VotingRule rule);
std::optional<VotingRule> parse_voting_rule(const std::string& text);
std::vector<std::string> voting_rule_names();

struct Voter {
  std::string actor;
  double weight = 1.0;               // > 0; votes it casts
  std::optional<double> population;  // > 0, any unit; needed when a population quota is set
};

// One body that votes on a proposal, e.g. the EU Council.
struct DecisionBody {
  VotingRule rule = VotingRule::kUnanimity;
  std::vector<Voter> voters;  // distinct actors, in file order
  bool weighted = false;      // weights were given (written back as a map, else as a list)
  // Weighted votes needed in favour (qualified majority: required; simple majority: default
  // more than half of the total weight). Not used by unanimity.
  std::optional<double> threshold;
  std::optional<double> member_share;      // (0, 1]: at least this share of voters in favour
  std::optional<double> population_share;  // (0, 1]: in favour represent at least this share
  // A blocking minority needs at least this many voters, failing which the qualified
  // majority is deemed attained (TEU Art. 16(4)); 0 = no such rule.
  int min_blockers = 0;

  [[nodiscard]] double total_weight() const;
  [[nodiscard]] double total_population() const;
  // Whether the voters with in_favour[i] true (same order as `voters`) carry the decision.
  // Requires in_favour.size() == voters.size().
  [[nodiscard]] bool carries(const std::vector<bool>& in_favour) const;
  // One line, e.g. "qualified majority of 15 voters: 62 of 87 votes".
  [[nodiscard]] std::string describe() const;
  [[nodiscard]] const Voter* voter(const std::string& actor) const;
};

struct Procedure {
  DecisionBody body;
  std::string agenda_setter;                // actor id; "" when nobody proposes first
  std::vector<std::string> vetoes;          // actor ids that must all consent
  std::optional<DecisionBody> co_decision;  // a second body whose consent is needed
  std::string basis;  // free text: the legal basis or source of the rule (e.g. "EC Art. 205")

  // Every actor the procedure gives a formal say (voters of both bodies, setter, vetoes),
  // each once, in that order.
  [[nodiscard]] std::vector<std::string> participants() const;
  // One line summarising the rule, for traces and the run document.
  [[nodiscard]] std::string describe() const;
  // The formal weight the procedure gives each participant, for weighting positions (the
  // procedure-aware compromise, docs/models.md): a voter its voting weight; a second body's
  // voters their weights scaled so the body totals as much as the first (co-decision makes
  // the two equal); the agenda setter and veto players who do not vote the weight of the
  // first body's heaviest voter. An actor with several roles gets the largest.
  [[nodiscard]] std::map<std::string, double> formal_weights() const;
};

}  // namespace entente
