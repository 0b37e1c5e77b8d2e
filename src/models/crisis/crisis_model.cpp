// The `crisis` model: solves every game a scenario declares (games:) at the scenario's date,
// reports the equilibrium path, whether each threat is credible (carried out at its node in
// the subgame-perfect equilibrium), and for each numeric input the value where that would
// flip. docs/crisis.md has the semantics.
#include <fmt/format.h>

#include <map>
#include <string>

#include "entente/crisis.hpp"
#include "entente/expression.hpp"
#include "entente/model.hpp"

namespace entente {
namespace {

const ModelInfo& crisis_info() {
  using T = OptionSpec::Type;
  static const ModelInfo kInfo{
      "crisis",
      "Crisis games: equilibrium path, credibility of threats, and the input values that "
      "flip them",
      ModelInfo::Scope::kScenario,
      {
          {"grid", "16", "grid intervals per input before bisecting a flip", {}, T::kInteger},
          {"flips", "true", "search each input for where credibility flips", {"true", "false"}},
      }};
  return kInfo;
}

nlohmann::json payoffs_json(const ScenarioGame& g, const std::vector<double>& pay) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < g.players.size() && i < pay.size(); ++i) j[g.players[i]] = pay[i];
  return j;
}

// Node `index` of `g` and everything below it: decision nodes with their player and
// actions (each flagged when the equilibrium takes it on the path), terminals with payoffs.
nlohmann::json tree_json(const ScenarioGame& g, int index, const crisis::Solution& sol,
                         const std::map<std::string, double>& values, bool on_path) {
  const GameNode& n = g.nodes[static_cast<std::size_t>(index)];
  nlohmann::json node{{"player", n.player}, {"label", n.label}};
  nlohmann::json children = nlohmann::json::array();
  for (const GameAction& a : n.actions) {
    bool taken = false;
    for (const auto& st : sol.path) taken = taken || (st.node == n.label && st.action == a.name);
    nlohmann::json child;
    if (a.child >= 0) {
      child = tree_json(g, a.child, sol, values, on_path && taken);
    } else {
      nlohmann::json p = nlohmann::json::object();
      for (const auto& [who, text] : a.payoffs) p[who] = expr::evaluate(text, values);
      child = {{"payoffs", p}};
    }
    children.push_back({{"action", a.name}, {"on_path", on_path && taken}, {"node", child}});
  }
  node["children"] = children;
  return node;
}

class CrisisModel final : public Model {
 public:
  explicit CrisisModel(const ModelOptions& options)
      : grid_(static_cast<int>(options.integer("grid"))), flips_(options.str("flips") == "true") {
    if (grid_ < 1 || grid_ > 1000) throw std::invalid_argument("crisis.grid must be in [1, 1000]");
  }

  [[nodiscard]] const ModelInfo& info() const override { return crisis_info(); }

  [[nodiscard]] std::string applicability(const Scenario& scenario) const override {
    return scenario.games.empty() ? "the scenario declares no games" : "";
  }

  [[nodiscard]] Result run(const Scenario& s, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    const auto values = crisis::game_variables(s);
    nlohmann::json games = nlohmann::json::array();
    for (const ScenarioGame& g : s.games) {
      const crisis::Solution sol = crisis::solve(g, values);
      for (const auto& t : sol.threats) {
        result.outputs.push_back(
            {g.id + "/" + t.action + "/credible", t.credible ? 1.0 : 0.0, 0.0, 1.0});
      }
      if (!context.details) continue;
      nlohmann::json j;
      j["id"] = g.id;
      j["name"] = g.name;
      j["solver"] = "backward-induction";
      nlohmann::json path = nlohmann::json::array();
      std::string path_text;
      for (const auto& st : sol.path) {
        path.push_back({{"node", st.node}, {"player", st.player}, {"action", st.action}});
        path_text += (path_text.empty() ? "" : " -> ") + st.player + ": " + st.action;
      }
      j["path"] = path;
      j["payoffs"] = payoffs_json(g, sol.payoffs);
      result.trace.push_back(fmt::format("{}: equilibrium path {}", g.id, path_text));
      // Every terminal's payoffs, so a reader can check the backward induction by hand.
      nlohmann::json terminals = nlohmann::json::array();
      for (const GameNode& n : g.nodes) {
        for (const GameAction& a : n.actions) {
          if (a.child >= 0) continue;
          nlohmann::json p = nlohmann::json::object();
          for (const auto& [who, text] : a.payoffs) p[who] = expr::evaluate(text, values);
          terminals.push_back({{"node", n.label}, {"action", a.name}, {"payoffs", p}});
        }
      }
      j["terminals"] = terminals;
      nlohmann::json vars = nlohmann::json::object();
      const auto inputs = crisis::inputs_of(s, g);
      std::vector<std::vector<crisis::Flip>> flips;
      if (flips_) flips = crisis::find_flips(s, g, inputs, grid_);
      nlohmann::json threats = nlohmann::json::array();
      for (std::size_t t = 0; t < sol.threats.size(); ++t) {
        const auto& th = sol.threats[t];
        nlohmann::json tj{{"action", th.action},   {"node", th.node},
                          {"player", th.player},   {"credible", th.credible},
                          {"reached", th.reached}, {"flips", nlohmann::json::array()}};
        result.trace.push_back(fmt::format("{}: threat '{}' at '{}' is {}{}", g.id, th.action,
                                           th.node, th.credible ? "credible" : "not credible",
                                           th.reached ? " (reached)" : " (not reached)"));
        if (t < flips.size()) {
          for (const auto& f : flips[t]) {
            nlohmann::json fj{{"input", f.input},
                              {"value", f.value},
                              {"lo", f.lo},
                              {"hi", f.hi},
                              {"text", f.text}};
            fj["flips_at"] = f.at ? nlohmann::json(*f.at) : nlohmann::json(nullptr);
            if (f.at) fj["credible_below"] = f.credible_below;
            tj["flips"].push_back(fj);
            if (f.at) result.trace.push_back(fmt::format("{}: {}: {}", g.id, th.action, f.text));
          }
        }
        threats.push_back(tj);
      }
      j["threats"] = threats;
      // The tree with the equilibrium path marked, and the flip points, in the shape the
      // report draws (docs/report.md).
      j["tree"] = tree_json(g, 0, sol, values, true);
      nlohmann::json thresholds = nlohmann::json::array();
      for (const auto& tj : threats) {
        for (const auto& fj : tj["flips"]) {
          if (fj["flips_at"].is_null()) continue;
          thresholds.push_back(
              {{"name", tj["action"].get<std::string>() + ": " + fj["input"].get<std::string>()},
               {"value", fj["flips_at"]},
               {"actual", fj["value"]},
               {"text", fj["text"]}});
        }
      }
      j["thresholds"] = thresholds;
      // Only what the game uses, to keep the report readable.
      const auto known = expr::game_variable_names(s);
      for (const GameNode& n : g.nodes) {
        for (const GameAction& a : n.actions) {
          for (const auto& [who, text] : a.payoffs) {
            for (const auto& name : expr::used_variables(text, known)) vars[name] = values.at(name);
          }
        }
      }
      j["variables"] = vars;
      games.push_back(j);
    }
    if (context.details) result.details["games"] = games;
    return result;
  }

 private:
  int grid_;
  bool flips_;
};

const ModelRegistrar kRegistrar(crisis_info(), [](const ModelOptions& options) {
  return std::make_unique<CrisisModel>(options);
});

}  // namespace
}  // namespace entente
