// The `crisis` model: solves every game a scenario declares (games:, inline or from an .efg
// file) at the scenario's date — backward induction for perfect information, else lcp or
// logit (option crisis.solver) — and reports the equilibrium path, whether each threat is
// credible (played with probability >= 0.5 at its information set), and for each numeric
// input the value where that would flip. docs/crisis.md has the semantics.
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
          {"solver", "auto",
           "equilibrium solver: auto (backward-induction for perfect information, else lcp for "
           "two players, else logit), backward-induction, lcp or logit",
           crisis::solver_choices()},
      }};
  return kInfo;
}

nlohmann::json payoffs_json(const ScenarioGame& g, const std::vector<double>& pay) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < g.players.size() && i < pay.size(); ++i) j[g.players[i]] = pay[i];
  return j;
}

std::string actor_of(const ScenarioGame& g, const games::ExtensiveGame& eg, int node) {
  const int p = eg.infoset(eg.node(node).infoset).player;
  return p == 0 ? std::string("chance") : g.players[static_cast<std::size_t>(p - 1)];
}

std::string label_of(const games::ExtensiveGame& eg, int node) {
  const games::Node& n = eg.node(node);
  if (!n.label.empty()) return n.label;
  const games::Infoset& info = eg.infoset(n.infoset);
  return info.label.empty() ? "node " + std::to_string(node) : info.label;
}

nlohmann::json terminal_payoffs(const ScenarioGame& g, const games::ExtensiveGame& eg, int node) {
  nlohmann::json p = nlohmann::json::object();
  const auto pay = eg.path_payoffs(node);
  for (std::size_t i = 0; i < g.players.size(); ++i) p[g.players[i]] = pay[i].get_d();
  return p;
}

// Tree node `node` of the solved game and everything below it: decision nodes with their
// player and actions (each flagged when the most probable play takes it, with its
// equilibrium probability), terminals with the payoffs accumulated along the path.
nlohmann::json tree_json(const ScenarioGame& g, const crisis::Solution& sol, int node,
                         bool on_path) {
  const games::ExtensiveGame& eg = sol.game;
  const games::Node& n = eg.node(node);
  nlohmann::json out{{"player", actor_of(g, eg, node)}, {"label", label_of(eg, node)}};
  const games::Infoset& info = eg.infoset(n.infoset);
  if (info.nodes.size() > 1) {
    out["infoset"] = info.label.empty() ? "#" + std::to_string(info.number) : info.label;
  }
  nlohmann::json children = nlohmann::json::array();
  std::size_t taken = info.actions.size();
  double best = -1.0;
  for (std::size_t a = 0; a < info.actions.size(); ++a) {
    const double p = games::action_probability(eg, sol.profile, node, static_cast<int>(a));
    if (p > best) {
      best = p;
      taken = a;
    }
  }
  for (std::size_t a = 0; a < info.actions.size(); ++a) {
    const int c = n.children[a];
    const bool here = on_path && a == taken;
    nlohmann::json child = eg.node(c).kind == games::NodeKind::kTerminal
                               ? nlohmann::json{{"payoffs", terminal_payoffs(g, eg, c)}}
                               : tree_json(g, sol, c, here);
    children.push_back(
        {{"action", info.actions[a]},
         {"on_path", here},
         {"probability", games::action_probability(eg, sol.profile, node, static_cast<int>(a))},
         {"node", child}});
  }
  out["children"] = children;
  return out;
}

// Every terminal's payoffs, by the decision node above it (in tree order) and the action.
nlohmann::json terminals_json(const ScenarioGame& g, const games::ExtensiveGame& eg) {
  nlohmann::json out = nlohmann::json::array();
  for (int t : eg.prefix_order()) {
    const games::Node& n = eg.node(t);
    if (n.kind == games::NodeKind::kTerminal) continue;
    const games::Infoset& info = eg.infoset(n.infoset);
    for (std::size_t a = 0; a < n.children.size(); ++a) {
      const int c = n.children[a];
      if (eg.node(c).kind != games::NodeKind::kTerminal) continue;
      out.push_back({{"node", label_of(eg, t)},
                     {"action", info.actions[a]},
                     {"payoffs", terminal_payoffs(g, eg, c)}});
    }
  }
  return out;
}

class CrisisModel final : public Model {
 public:
  explicit CrisisModel(const ModelOptions& options)
      : grid_(static_cast<int>(options.integer("grid"))),
        flips_(options.str("flips") == "true"),
        solver_(options.str("solver")) {
    if (grid_ < 1 || grid_ > 1000) throw std::invalid_argument("crisis.grid must be in [1, 1000]");
  }

  [[nodiscard]] const ModelInfo& info() const override { return crisis_info(); }

  [[nodiscard]] std::string applicability(const Scenario& scenario) const override {
    return scenario.games.empty() ? "the scenario declares no games" : "";
  }

  [[nodiscard]] Result run(const Scenario& s, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    if (!context.details && !s.games.empty()) {
      // A Monte Carlo sample reads only whether each threat is credible.
      for (const ScenarioGame& g : s.games) {
        for (const auto& t : crisis::threat_credibility(s, g, solver_)) {
          result.outputs.push_back(
              {g.id + "/" + t.action + "/credible", t.credible ? 1.0 : 0.0, 0.0, 1.0, "", ""});
        }
      }
      return result;
    }
    const auto values = crisis::game_variables(s);
    nlohmann::json games = nlohmann::json::array();
    for (const ScenarioGame& g : s.games) {
      context.check_stop();
      crisis::Solution sol;
      try {
        // The solver cannot check the stop token inside itself: what is left of the
        // deadline becomes its time budget, and running out of it is the deadline's stop.
        sol = crisis::solve(g, values, solver_,
                            context.stop != nullptr ? context.stop->seconds_left() : std::nullopt);
      } catch (const std::runtime_error&) {
        context.check_stop();
        throw;
      }
      for (const auto& t : sol.threats) {
        Output o{g.id + "/" + t.action + "/credible", t.credible ? 1.0 : 0.0, 0.0, 1.0, "", ""};
        if (context.details) {
          o.label = "threat '" + t.action + "' credible (1 yes, 0 no)";
          o.group = g.name.empty() ? g.id : g.name;
        }
        result.outputs.push_back(std::move(o));
      }
      if (!context.details) continue;
      nlohmann::json j;
      j["id"] = g.id;
      j["name"] = g.name;
      j["solver"] = sol.solver;
      nlohmann::json path = nlohmann::json::array();
      std::string path_text;
      for (const auto& st : sol.path) {
        path.push_back({{"node", st.node},
                        {"player", st.player},
                        {"action", st.action},
                        {"probability", st.probability}});
        path_text += (path_text.empty() ? "" : " -> ") + st.player + ": " + st.action;
        if (st.probability < 1.0) path_text += fmt::format(" ({:.3g})", st.probability);
      }
      j["path"] = path;
      j["payoffs"] = payoffs_json(g, sol.payoffs);
      result.trace.push_back(
          fmt::format("{}: solved by {}; equilibrium path {}", g.id, sol.solver, path_text));
      // Every terminal's payoffs, so a reader can check the solution by hand.
      j["terminals"] = terminals_json(g, sol.game);
      nlohmann::json vars = nlohmann::json::object();
      const auto inputs = crisis::inputs_of(s, g);
      std::vector<std::vector<crisis::Flip>> flips;
      if (flips_) flips = crisis::find_flips(s, g, inputs, grid_, 1e-7, solver_);
      nlohmann::json threats = nlohmann::json::array();
      for (std::size_t t = 0; t < sol.threats.size(); ++t) {
        const auto& th = sol.threats[t];
        nlohmann::json tj{{"action", th.action},
                          {"node", th.node},
                          {"player", th.player},
                          {"credible", th.credible},
                          {"reached", th.reached},
                          {"probability", th.probability},
                          {"flips", nlohmann::json::array()}};
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
      j["tree"] = tree_json(g, sol, 0, true);
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
      for (const std::string& text : crisis::game_expressions(g)) {
        for (const auto& name : expr::used_variables(text, known)) vars[name] = values.at(name);
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
  std::string solver_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(crisis_info(), [](const ModelOptions& options) {
  return std::make_unique<CrisisModel>(options);
});

}  // namespace
}  // namespace entente
