// The crisis model's section. The model is being written in parallel; this reads the shape
// documented in docs/report.md and skips what it does not find:
//   models.crisis.games: [{id, name, tree, path?, thresholds?}]
//   tree node: {player? | label?, payoffs?, children?: [{action, on_path?, node}]}
//   path: the equilibrium's actions from the root (or children flagged on_path)
//   thresholds: [{name | label, value, actual?}]
#include <string>
#include <vector>

#include "entente/report.hpp"

namespace entente::report {

using nlohmann::json;

namespace {

struct Layout {
  json nodes = json::array();
  json edges = json::array();
  int leaves = 0;
};

std::string node_label(const json& node) {
  if (node.contains("player") && node["player"].is_string())
    return node["player"].get<std::string>();
  if (node.contains("label") && node["label"].is_string()) return node["label"].get<std::string>();
  if (node.contains("payoffs")) {
    const json& p = node["payoffs"];
    std::string s;
    if (p.is_object()) {
      for (const auto& [who, v] : p.items()) {
        s += (s.empty() ? "" : ", ") + who + " " + (v.is_number() ? json(v).dump() : v.dump());
      }
    } else {
      s = p.dump();
    }
    return s;
  }
  return "";
}

// Leaves get consecutive x; a decision node sits above the middle of its children. Returns
// the node's x.
double place(const json& node, int depth, bool on_path, const json& path, Layout& out) {
  const json& children = node.value("children", json::array());
  double x = 0;
  if (!children.is_array() || children.empty()) {
    x = out.leaves++;
  } else {
    double sum = 0;
    std::vector<std::size_t> mine;  // this node's edges, interleaved with its descendants'
    for (const auto& child : children) {
      const std::string action = child.value("action", std::string());
      const bool path_step =
          on_path && ((child.contains("on_path") && child["on_path"].is_boolean() &&
                       child["on_path"].get<bool>()) ||
                      (path.is_array() && static_cast<std::size_t>(depth) < path.size() &&
                       path[static_cast<std::size_t>(depth)] == action));
      const json& next = child.contains("node") ? child["node"] : child;
      const double cx = place(next, depth + 1, path_step, path, out);
      sum += cx;
      mine.push_back(out.edges.size());
      out.edges.push_back({{"x", 0.0},
                           {"y", depth},
                           {"x2", cx},
                           {"y2", depth + 1},
                           {"action", action},
                           {"path", path_step ? "equilibrium path" : "off the path"}});
    }
    x = sum / static_cast<double>(children.size());
    // The parent's x was unknown while the children were placed: fill it in now.
    for (const std::size_t k : mine) out.edges[k]["x"] = x;
  }
  out.nodes.push_back({{"x", x},
                       {"y", depth},
                       {"label", node_label(node)},
                       {"kind", children.empty() ? "outcome" : "decision"},
                       {"on_path", on_path}});
  return x;
}

}  // namespace

std::vector<Chart> crisis_charts(const json& crisis) {
  std::vector<Chart> out;
  if (!crisis.is_object()) return out;
  int n = 0;
  for (const auto& game : crisis.value("games", json::array())) {
    ++n;
    const std::string id = game.value("id", "game-" + std::to_string(n));
    const std::string name = game.value("name", id);
    if (game.contains("tree") && game["tree"].is_object()) {
      Layout layout;
      const json path =
          game.contains("path") ? game["path"] : game.value("equilibrium_path", json());
      place(game["tree"], 0, true, path, layout);
      Chart c;
      c.id = "crisis-tree-" + id;
      c.title = name + ": game tree";
      const json x = {{"field", "x"}, {"type", "quantitative"}, {"axis", nullptr}};
      const json y = {{"field", "y"},
                      {"type", "quantitative"},
                      {"title", "Move (depth in the tree)"},
                      {"scale", {{"reverse", true}}},
                      {"axis", {{"tickMinStep", 1}, {"format", "d"}}}};
      c.spec = {{"title",
                 {{"text", c.title},
                  {"anchor", "start"},
                  {"subtitle", "Thick orange: the equilibrium path"}}},
                {"width", std::max(320, 110 * std::max(1, layout.leaves))},
                {"height", 260},
                {"layer",
                 {{{"data", {{"values", layout.edges}}},
                   {"mark", {{"type", "rule"}}},
                   {"encoding",
                    {{"x", x},
                     {"y", y},
                     {"x2", {{"field", "x2"}}},
                     {"y2", {{"field", "y2"}}},
                     {"color",
                      {{"field", "path"},
                       {"type", "nominal"},
                       {"title", "Edge"},
                       {"scale",
                        {{"domain", {"equilibrium path", "off the path"}},
                         {"range", {"#D55E00", "#999999"}}}}}},
                     {"strokeWidth",
                      {{"field", "path"},
                       {"type", "ordinal"},
                       {"legend", nullptr},
                       {"scale",
                        {{"domain", {"equilibrium path", "off the path"}}, {"range", {4, 1.5}}}}}},
                     {"tooltip", {{{"field", "action"}, {"title", "Action"}}}}}}},
                  {{"data", {{"values", layout.edges}}},
                   {"transform",
                    {{{"calculate", "(datum.x + datum.x2) / 2"}, {"as", "mx"}},
                     {{"calculate", "(datum.y + datum.y2) / 2"}, {"as", "my"}}}},
                   {"mark",
                    {{"type", "text"},
                     {"fontSize", 10},
                     {"dx", 4},
                     {"align", "left"},
                     {"color", "#333"}}},
                   // Same axis definitions as the other layers (explicit titles), so
                   // vega-lite merges the layers' axes instead of their field titles.
                   {"encoding",
                    {{"x", {{"field", "mx"}, {"type", "quantitative"}, {"axis", nullptr}}},
                     {"y",
                      {{"field", "my"},
                       {"type", "quantitative"},
                       {"title", "Move (depth in the tree)"},
                       {"scale", {{"reverse", true}}},
                       {"axis", {{"tickMinStep", 1}, {"format", "d"}}}}},
                     {"text", {{"field", "action"}}}}}},
                  {{"data", {{"values", layout.nodes}}},
                   {"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
                   {"encoding",
                    {{"x", x},
                     {"y", y},
                     {"shape", {{"field", "kind"}, {"type", "nominal"}, {"title", "Node"}}},
                     {"color", {{"value", "#333"}}},
                     {"tooltip", {{{"field", "label"}, {"title", "Node"}}}}}}},
                  {{"data", {{"values", layout.nodes}}},
                   {"mark", {{"type", "text"}, {"fontSize", 10}, {"dy", -10}}},
                   {"encoding", {{"x", x}, {"y", y}, {"text", {{"field", "label"}}}}}}}}};
      c.caption = "The crisis game " + name +
                  " in extensive form: decision nodes name the player to move, outcomes their "
                  "payoffs; the thick orange edges are the equilibrium path the model computed.";
      out.push_back(std::move(c));
    }
    json thresholds = json::array();
    for (const auto& t : game.value("thresholds", json::array())) {
      if (!t.contains("value") || !t["value"].is_number()) continue;
      json row = {{"name", t.value("name", t.value("label", std::string("threshold")))},
                  {"value", t["value"]}};
      if (t.contains("actual") && t["actual"].is_number()) row["actual"] = t["actual"];
      thresholds.push_back(row);
    }
    if (!thresholds.empty()) {
      Chart c;
      c.id = "crisis-thresholds-" + id;
      c.title = name + ": credibility thresholds";
      const json y = {{"field", "name"}, {"type", "nominal"}, {"title", "Threshold"}};
      c.spec = {
          {"title",
           {{"text", c.title},
            {"anchor", "start"},
            {"subtitle", "Bars: the threshold; black ticks: the scenario's value"}}},
          {"data", {{"values", thresholds}}},
          {"width", 420},
          {"height", {{"step", 22}}},
          {"layer",
           {{{"mark", {{"type", "bar"}, {"color", "#56B4E9"}}},
             {"encoding",
              {{"y", y},
               {"x",
                {{"field", "value"},
                 {"type", "quantitative"},
                 {"title", "Probability or ratio (model units)"}}}}}},
            {{"mark", {{"type", "tick"}, {"color", "#000"}, {"thickness", 3}}},
             {"encoding", {{"y", y}, {"x", {{"field", "actual"}, {"type", "quantitative"}}}}}}}}};
      c.caption = "The values a threat or promise must exceed to be credible in " + name +
                  " (bars), against the scenario's values (ticks): a tick past its bar is a "
                  "credible move.";
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace entente::report
