// The pivot model: the outcome an agenda setter obtains under an issue's decision procedure,
// in the one-dimensional procedural models of EU legislation (Steunenberg 1994; Crombez
// 1996; Tsebelis & Garrett 2000) and of pivotal politics (Krehbiel 1998).
//
// Every actor prefers points closer to its position (symmetric, single-peaked utility) and
// accepts a proposal x against the status quo q when |x - a| <= |q - a|. A proposal passes
// when the deciding body's rule is met by the voters who accept it, every veto player
// accepts it and, under co-decision, the second body's rule is met too. On one dimension
// each actor's acceptance set is an interval around q, so the passable set is an interval
// [l, r] containing q whose ends are reflections 2a - q of some actor's position: the
// pivots. The setter proposes the passable point closest to its own position. When the
// setter's proposal can be amended only by unanimity of the deciding body (the EU rule,
// EC Art. 250(1)), the outcome must also lie in that body's unanimity core, the interval
// between its outermost voters, or they would amend it together (Crombez 1996).
// docs/models.md#pivot says where this reading is a choice.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"

namespace entente {
namespace {

// Reflections are computed from decimal inputs: a proposal exactly at a voter's
// indifference point must count as accepted whatever the last bit.
constexpr double kTolerance = 1e-9;

const ModelInfo& pivot_info() {
  static const ModelInfo kInfo{
      "pivot",
      "Outcome of the issue's decision procedure: the agenda setter's best proposal that the "
      "pivotal voters, veto players and co-deciders prefer to the status quo",
      ModelInfo::Scope::kIssue,
      {{"amendment",
        "unanimity",
        "unanimity: the deciding body can amend the setter's proposal by unanimity (EU "
        "Council, EC Art. 250), so the outcome lies between its outermost voters; none: the "
        "setter's proposal is voted up or down as it stands",
        {"unanimity", "none"}}}};
  return kInfo;
}

struct Config {
  bool unanimous_amendment = true;
};

class Acceptance {
 public:
  Acceptance(const Issue& issue, double status_quo) : issue_(issue), q_(status_quo) {}
  // Actors without a stance on the issue are indifferent and go along: a vote that needs
  // them is not blocked by their silence.
  [[nodiscard]] bool accepts(const std::string& actor, double x) const {
    const Stance* st = issue_.stance(actor);
    if (st == nullptr) return true;
    const double a = st->position.value;
    const double scale = std::max(1.0, issue_.scale.max - issue_.scale.min);
    return std::abs(x - a) <= std::abs(q_ - a) + kTolerance * scale;
  }
  [[nodiscard]] bool carried(const DecisionBody& body, double x) const {
    std::vector<bool> yes;
    yes.reserve(body.voters.size());
    for (const Voter& v : body.voters) yes.push_back(accepts(v.actor, x));
    return body.carries(yes);
  }
  [[nodiscard]] bool passes(const Procedure& p, double x) const {
    if (!carried(p.body, x)) return false;
    for (const std::string& v : p.vetoes) {
      if (!accepts(v, x)) return false;
    }
    return !p.co_decision || carried(*p.co_decision, x);
  }

 private:
  const Issue& issue_;
  double q_;
};

// The weighted median of the deciding body's voters with a stance (the proposer when no
// agenda setter is named): the midpoint of the median interval when the weights split evenly.
std::optional<double> body_median(const Issue& issue, const DecisionBody& body) {
  std::vector<std::pair<double, double>> pts;
  double total = 0.0;
  for (const Voter& v : body.voters) {
    if (const Stance* st = issue.stance(v.actor)) {
      pts.emplace_back(st->position.value, v.weight);
      total += v.weight;
    }
  }
  if (pts.empty()) return std::nullopt;
  std::sort(pts.begin(), pts.end());
  double below = 0.0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    below += pts[i].second;
    if (std::abs(below - total / 2) <= kTolerance * total && i + 1 < pts.size()) {
      return (pts[i].first + pts[i + 1].first) / 2;
    }
    if (below > total / 2) return pts[i].first;
  }
  return pts.back().first;
}

IssueResult pivot_issue(const Scenario& scenario, const Issue& issue, const Config& config,
                        std::vector<std::string>& warnings, bool details) {
  IssueResult out;
  out.issue = issue.id;
  auto no_forecast = [&](const std::string& why) {
    warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
    out.trace.push_back("no forecast: " + why);
    return out;
  };
  const Procedure* procedure = scenario.procedure_for(issue);
  if (procedure == nullptr) return no_forecast("no decision procedure declared for it");
  if (!issue.status_quo) {
    return no_forecast("no status quo: a vote compares each proposal with the reference point");
  }
  const double q = issue.status_quo->value;
  const Acceptance acc(issue, q);

  // Candidate ends of the passable interval: the scale's ends and every reflection of a
  // position through q that lies on the scale.
  std::vector<double> right{issue.scale.max};
  std::vector<double> left{issue.scale.min};
  std::map<double, std::string> reflected_by;
  for (const Stance& st : issue.stances) {
    const double r = 2 * st.position.value - q;
    if (r > q && r < issue.scale.max) right.push_back(r);
    if (r < q && r > issue.scale.min) left.push_back(r);
    reflected_by.emplace(r, st.actor);
  }
  // Passing is monotone along each side of q (accepting x means accepting everything
  // between q and x), so the end is the farthest candidate that passes.
  double hi = q;
  for (double c : right) {
    if (acc.passes(*procedure, c)) hi = std::max(hi, c);
  }
  double lo = q;
  for (double c : left) {
    if (acc.passes(*procedure, c)) lo = std::min(lo, c);
  }

  std::string proposer;
  std::optional<double> ideal;
  if (!procedure->agenda_setter.empty()) {
    if (const Stance* st = issue.stance(procedure->agenda_setter)) {
      proposer = procedure->agenda_setter;
      ideal = st->position.value;
    }
  }
  if (!ideal) {
    ideal = body_median(issue, procedure->body);
    proposer = "the deciding body's weighted median";
  }
  if (!ideal) return no_forecast("no voter of the deciding body takes a stance on it");

  double core_lo = lo;
  double core_hi = hi;
  const bool amendable = config.unanimous_amendment && !procedure->agenda_setter.empty() &&
                         proposer == procedure->agenda_setter;
  if (amendable) {
    std::optional<double> m;
    std::optional<double> mx;
    for (const Voter& v : procedure->body.voters) {
      if (const Stance* st = issue.stance(v.actor)) {
        m = std::min(m.value_or(st->position.value), st->position.value);
        mx = std::max(mx.value_or(st->position.value), st->position.value);
      }
    }
    // Never empty: when q lies outside [m, mx], every voter accepts moving q to m (or mx).
    if (m) {
      core_lo = std::max(lo, *m);
      core_hi = std::min(hi, *mx);
      if (core_lo > core_hi) core_lo = core_hi = std::clamp(q, lo, hi);
    }
  }
  const double outcome = std::clamp(*ideal, core_lo, core_hi);
  out.forecast = outcome;
  if (!details) return out;

  auto pivot_at = [&](double end) -> nlohmann::json {
    if (end == q) return nullptr;
    auto it = reflected_by.find(end);
    return it == reflected_by.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
  };
  out.details["procedure"] = procedure->describe();
  out.details["status_quo"] = q;
  out.details["winset"] = {lo, hi};
  out.details["pivots"] = {{"left", pivot_at(lo)}, {"right", pivot_at(hi)}};
  out.details["proposer"] = proposer;
  out.details["proposer_position"] = *ideal;
  if (amendable) out.details["unanimity_core"] = {core_lo, core_hi};
  out.trace.push_back("procedure: " + procedure->describe());
  out.trace.push_back(fmt::format(
      "proposals that pass against the status quo {:.6g}: [{:.6g}, {:.6g}]", q, lo, hi));
  if (amendable) {
    out.trace.push_back(
        fmt::format("the deciding body could amend by unanimity anything outside [{:.6g}, {:.6g}]",
                    core_lo, core_hi));
  }
  out.trace.push_back(fmt::format("{} proposes the passable point closest to {:.6g}: {:.6g}",
                                  proposer, *ideal, outcome));
  return out;
}

class PivotModel final : public Model {
 public:
  explicit PivotModel(Config config) : config_(config) {}
  [[nodiscard]] const ModelInfo& info() const override { return pivot_info(); }

  [[nodiscard]] std::string applicability(const Scenario& scenario) const override {
    for (const Issue& is : scenario.issues) {
      if (scenario.procedure_for(is) != nullptr) return "";
    }
    return "no issue has a decision procedure (docs/scenario.md#procedure)";
  }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    for (const Issue& issue : scenario.issues) {
      context.check_stop();
      result.issues.push_back(
          pivot_issue(scenario, issue, config_, result.warnings, context.details));
    }
    return result;
  }

 private:
  Config config_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(pivot_info(), [](const ModelOptions& options) {
  Config c;
  c.unanimous_amendment = options.str("amendment") == "unanimity";
  return std::make_unique<PivotModel>(c);
});

}  // namespace
}  // namespace entente
