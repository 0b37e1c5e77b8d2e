// The compromise model: the capability × salience weighted mean of the actors' positions.
//
// Σ c_i s_i x_i / Σ c_i s_i. Simple, and hard to beat on EU legislative decisions
// (Thomson et al. 2006, "The European Union Decides"); it is the baseline every other
// model of this project should be compared with.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"

namespace entente {
namespace {

const ModelInfo& compromise_info() {
  static const ModelInfo kInfo{"compromise",
                               "Capability x salience weighted mean of positions",
                               ModelInfo::Scope::kIssue,
                               {{"procedure",
                                 "ignore",
                                 "use: where the issue has a decision procedure, weight "
                                 "positions by the procedure's formal weights (voting weights, "
                                 "co-decider, agenda setter, vetoes; docs/models.md) instead of "
                                 "capabilities, and actors without a formal say by 0; ignore: "
                                 "capabilities throughout",
                                 {"use", "ignore"}}}};
  return kInfo;
}

// The weighted mean of one issue. Players are summed in (position, actor) order so that
// the result does not depend on the order of actors in the file, to the last bit.
// `details` false (a Monte Carlo sample): the forecast only, without weights and trace.
IssueResult compromise_issue(const Scenario& scenario, const Issue& issue, bool use_procedure,
                             std::vector<std::string>& warnings, bool details) {
  IssueResult out;
  out.issue = issue.id;
  std::vector<Player> players = players_on(scenario, issue);
  const Procedure* procedure = use_procedure ? scenario.procedure_for(issue) : nullptr;
  if (procedure != nullptr) {
    const std::map<std::string, double> formal = procedure->formal_weights();
    for (Player& p : players) {
      auto it = formal.find(p.actor);
      p.capability = it == formal.end() ? 0.0 : it->second;
    }
    if (details) out.details["procedure"] = procedure->describe();
  }
  if (const std::string why = invalid_players(players); !why.empty()) {
    warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
    out.trace.push_back("no forecast: " + why);
    return out;
  }
  std::sort(players.begin(), players.end(), [](const Player& a, const Player& b) {
    return std::tie(a.position, a.actor) < std::tie(b.position, b.actor);
  });

  double total = 0.0;
  double moment = 0.0;
  std::optional<double> lowest;
  std::optional<double> highest;
  for (const Player& p : players) {
    const double w = p.capability * p.salience;
    total += w;
    moment += w * p.position;
    if (w > 0) {
      if (!lowest) lowest = p.position;
      highest = p.position;
    }
  }
  if (!(total > 0)) {
    out.details["total_weight"] = total;
    nlohmann::json weights = nlohmann::json::object();
    for (const Player& p : players) weights[p.actor] = 0.0;
    out.details["weights"] = weights;
    const std::string why =
        players.empty() ? "no actor takes a stance on it"
                        : "every actor has zero capability x salience, so there is nothing to "
                          "weight positions by";
    warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
    out.trace.push_back("no forecast: " + why);
    return out;
  }

  // The exact mean lies between the extreme weighted positions; rounding could put it a
  // hair outside (e.g. all positions equal), which would look like a bug downstream.
  const double mean = std::clamp(moment / total, *lowest, *highest);
  out.forecast = mean;
  if (!details) return out;
  out.details["total_weight"] = total;
  nlohmann::json weights = nlohmann::json::object();

  const Player* heaviest = nullptr;
  for (const Player& p : players) {
    weights[p.actor] = p.capability * p.salience / total;
    if (heaviest == nullptr ||
        p.capability * p.salience > heaviest->capability * heaviest->salience) {
      heaviest = &p;
    }
  }
  out.details["weights"] = weights;
  out.trace.push_back(
      fmt::format("weighted mean {:.6g}: the {} actors' positions weighted by {} x salience "
                  "(total weight {:.6g})",
                  mean, players.size(),
                  procedure != nullptr ? "the procedure's formal weight" : "capability", total));
  out.trace.push_back(fmt::format("largest weight: {} at {:.6g} ({:.1f}% of the total)",
                                  heaviest->actor, heaviest->position,
                                  100.0 * heaviest->capability * heaviest->salience / total));
  return out;
}

class CompromiseModel final : public Model {
 public:
  explicit CompromiseModel(bool use_procedure) : use_procedure_(use_procedure) {}
  [[nodiscard]] const ModelInfo& info() const override { return compromise_info(); }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    for (const Issue& issue : scenario.issues) {
      context.check_stop();
      result.issues.push_back(
          compromise_issue(scenario, issue, use_procedure_, result.warnings, context.details));
    }
    return result;
  }

 private:
  bool use_procedure_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(compromise_info(), [](const ModelOptions& options) {
  return std::make_unique<CompromiseModel>(options.str("procedure") == "use");
});

}  // namespace
}  // namespace entente
