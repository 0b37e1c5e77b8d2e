// The crisis model's view (entente/model_views.hpp): its summary lines, its report section,
// its sweep chart and the shape check of models.crisis.
//
// The section: each game's tree and its credibility thresholds, from
// models.crisis.games: [{id, name, tree, path?, thresholds?}] (docs/report.md):
//   tree node: {player? | label?, payoffs?, children?: [{action, on_path?, probability?, node}]}
//   path: the equilibrium's actions from the root (or children flagged on_path)
//   thresholds: [{name | label, value, actual?, text?}]
//
// The tree is laid out here, in pixels, rather than left to Vega-Lite: labels are placed from
// their estimated widths so that none overlaps another and the view is sized to hold them
// all (issue 17: payoff labels overlapped at depth 5 and the right edge was clipped).
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "chart_style.hpp"
#include "entente/json_shape.hpp"
#include "entente/model_views.hpp"
#include "entente/report.hpp"
#include "summary_style.hpp"

namespace entente::report {

using nlohmann::json;

double text_width(std::string_view text, double font_size) {
  // Advance widths of a sans-serif face in em (Helvetica/Arial metrics, rounded up), so the
  // estimate errs wide: 'M' and 'W' are the widest capitals at ~0.83–0.94 em.
  double em = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: counted with its lead
      em += 0.8;
    } else if (c == 'M' || c == 'W' || c == 'm' || c == 'w') {
      em += 0.95;
    } else if (std::isupper(c)) {
      em += 0.75;
    } else if (std::isdigit(c)) {
      em += 0.58;
    } else if (c == ' ' || c == 'i' || c == 'l' || c == 'j' || c == '.' || c == ',' || c == ':' ||
               c == '\'' || c == '|') {
      em += 0.3;
    } else if (c == 'f' || c == 't' || c == 'r' || c == '-' || c == '(' || c == ')') {
      em += 0.4;
    } else {
      em += 0.6;
    }
  }
  return em * font_size;
}

namespace {

constexpr double kFont = 11;       // every label's font size (px)
constexpr double kStub = 14;       // from a decision node to its children's vertical connector
constexpr double kMargin = 12;     // around the drawing
constexpr double kGap = 8;         // between a label and a node or another label
constexpr double kNodeRadius = 5;  // half the node marker

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  std::string s = buf;
  if (s == "-0") s = "0";
  if (!s.empty() && s[0] == '-') s = "−" + s.substr(1);  // a real minus sign reads better
  return s;
}

// One node of the tree flattened: where it is and what is drawn at it.
struct Placed {
  int parent = -1;  // index in the flattened vector
  int depth = 0;
  double row = 0;       // leaves are rows 0, 1, ...; a decision node sits at its children's middle
  std::string action;   // the action from the parent that leads here
  std::string player;   // decision node: who moves
  std::string payoffs;  // outcome: the payoffs as text
  bool outcome = false;
  // The edge from the parent: on the equilibrium path; or the choice the equilibrium
  // strategy makes at an off-path node; else not chosen.
  std::string edge;
  std::vector<int> children;
};

// A string member, "" when absent or not a string: stored documents are untrusted.
std::string text_of(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : std::string();
}

bool flag(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

struct Flattener {
  const json& path;
  std::vector<std::string> player_order;
  std::vector<Placed> nodes;
  int leaves = 0;

  int add(const json& node, int parent, int depth, bool on_path, const std::string& action,
          const std::string& edge) {
    const int me = static_cast<int>(nodes.size());
    nodes.push_back({});
    nodes[me].parent = parent;
    nodes[me].depth = depth;
    nodes[me].action = action;
    nodes[me].edge = edge;
    const json children = node.is_object() ? node.value("children", json::array()) : json();
    if (!children.is_array() || children.empty()) {
      nodes[me].outcome = true;
      nodes[me].row = leaves++;
      if (node.is_object() && node.contains("payoffs"))
        nodes[me].payoffs = payoff_text(node["payoffs"]);
      if (nodes[me].payoffs.empty() && node.is_object() && node.contains("label") &&
          node["label"].is_string())
        nodes[me].payoffs = node["label"].get<std::string>();
      return me;
    }
    std::string player;
    if (node.contains("player") && node["player"].is_string()) {
      player = node["player"].get<std::string>();
    } else if (node.contains("label") && node["label"].is_string()) {
      player = node["label"].get<std::string>();
    }
    nodes[me].player = player;
    if (!player.empty() &&
        std::find(player_order.begin(), player_order.end(), player) == player_order.end())
      player_order.push_back(player);
    // The strategy's choice here: the most probable action (the first on ties), else the
    // child flagged on_path, else the path's action at this depth.
    std::size_t chosen = children.size();
    double best = -1;
    for (std::size_t k = 0; k < children.size(); ++k) {
      const json& c = children[k];
      if (c.contains("probability") && c["probability"].is_number() &&
          c["probability"].get<double>() > best) {
        best = c["probability"].get<double>();
        chosen = k;
      }
    }
    if (chosen == children.size()) {
      for (std::size_t k = 0; k < children.size(); ++k) {
        const std::string a = text_of(children[k], "action");
        if (flag(children[k], "on_path") ||
            (on_path && path.is_array() && static_cast<std::size_t>(depth) < path.size() &&
             (path[static_cast<std::size_t>(depth)] == a ||
              (path[static_cast<std::size_t>(depth)].is_object() &&
               text_of(path[static_cast<std::size_t>(depth)], "action") == a)))) {
          chosen = k;
          break;
        }
      }
    }
    double first_row = -1, last_row = -1;
    for (std::size_t k = 0; k < children.size(); ++k) {
      const json& c = children[k];
      const std::string a = text_of(c, "action");
      const bool taken = k == chosen;
      const bool path_step = on_path && (taken || flag(c, "on_path"));
      const std::string e = path_step ? "equilibrium path"
                            : taken   ? "chosen off the path"
                                      : "not chosen";
      const json& next = c.contains("node") ? c["node"] : c;
      const int child = add(next, me, depth + 1, path_step, a, e);
      nodes[me].children.push_back(child);
      if (first_row < 0) first_row = nodes[child].row;
      last_row = nodes[child].row;
    }
    nodes[me].row = (first_row + last_row) / 2;
    return me;
  }

  std::string payoff_text(const json& p) {
    if (!p.is_object()) return p.dump();
    std::vector<std::string> order = player_order;
    for (const auto& [who, v] : p.items()) {
      if (std::find(order.begin(), order.end(), who) == order.end()) order.push_back(who);
    }
    std::string s;
    for (const std::string& who : order) {
      if (!p.contains(who)) continue;
      const json& v = p[who];
      s += (s.empty() ? "" : " · ") + who + " " +
           (v.is_number() ? number_text(v.get<double>()) : v.dump());
    }
    return s;
  }
};

struct TreeLayout {
  json edges = json::array();   // {x, y, x2, y2, edge, action}
  json nodes = json::array();   // {x, y, kind, edge, label}
  json labels = json::array();  // {x, y, text, role, x0, y0, x1, y1}: role action|player|payoff
  double width = 0;
  double height = 0;
  std::string path_text;  // the equilibrium path in words
  std::string off_text;   // the off-path choices in words
};

// The payoff label appears after a player's subtree is complete, so payoff texts use the
// order in which players first move in the whole tree: a second pass fixes them.
TreeLayout layout_tree(const json& tree, const json& path) {
  Flattener first{path, {}, {}, 0};
  first.add(tree, -1, 0, true, "", "");
  Flattener f{path, first.player_order, {}, 0};
  f.add(tree, -1, 0, true, "", "");
  std::vector<Placed>& n = f.nodes;

  int depth_max = 0;
  for (const Placed& p : n) depth_max = std::max(depth_max, p.depth);
  // Column d holds the nodes of depth d. The stretch into column d carries, left to right:
  // the stub and vertical connector, the action label, the player label of a decision node
  // (drawn above and left of it). Each column is as wide as its widest such pair.
  std::vector<double> need(static_cast<std::size_t>(depth_max) + 1, 0.0);
  double root_player = 0;
  double payoff_max = 0;
  for (const Placed& p : n) {
    const double player_w = p.player.empty() ? 0 : text_width(p.player, kFont);
    if (p.parent < 0) {
      root_player = player_w;
      continue;
    }
    const double w = kStub + kGap / 2 + text_width(p.action, kFont) + kGap + player_w + kGap;
    need[static_cast<std::size_t>(p.depth)] = std::max(need[static_cast<std::size_t>(p.depth)], w);
  }
  std::vector<double> x(static_cast<std::size_t>(depth_max) + 1, 0.0);
  x[0] = kMargin + root_player + kGap;
  for (int d = 1; d <= depth_max; ++d)
    x[static_cast<std::size_t>(d)] =
        x[static_cast<std::size_t>(d) - 1] + std::max(60.0, need[static_cast<std::size_t>(d)]);

  // Row height: the smallest from 30 px up at which no two label boxes overlap (the boxes
  // are checked, not assumed; tests check the result too).
  TreeLayout out;
  for (double row_h = 30; row_h <= 120; row_h += 4) {
    out = TreeLayout{};
    const double top = kMargin + kFont + 6;
    auto px = [&](const Placed& p) { return x[static_cast<std::size_t>(p.depth)]; };
    auto py = [&](const Placed& p) { return top + p.row * row_h; };
    auto label = [&](double lx, double ly, const std::string& text, const std::string& role,
                     double x0, double y0) {
      const double w = text_width(text, kFont);
      out.labels.push_back({{"x", lx},
                            {"y", ly},
                            {"text", text},
                            {"role", role},
                            {"x0", x0},
                            {"y0", y0},
                            {"x1", x0 + w},
                            {"y1", y0 + kFont * 1.25}});
    };
    for (const Placed& p : n) {
      const double cx = px(p), cy = py(p);
      if (p.parent >= 0) {
        const Placed& q = n[static_cast<std::size_t>(p.parent)];
        const double bx = px(q) + kStub, qy = py(q);
        // Parent stub, vertical connector, horizontal run into the child: an elbow, so the
        // action label sits on a horizontal line and never crosses another edge.
        for (const auto& seg :
             {std::array<double, 4>{px(q), qy, bx, qy}, std::array<double, 4>{bx, qy, bx, cy},
              std::array<double, 4>{bx, cy, cx, cy}}) {
          out.edges.push_back({{"x", seg[0]},
                               {"y", seg[1]},
                               {"x2", seg[2]},
                               {"y2", seg[3]},
                               {"edge", p.edge},
                               {"action", p.action},
                               {"player", q.player}});
        }
        // Action: above the horizontal run, from the connector on (baseline bottom).
        label(bx + kGap / 2, cy - 3, p.action, "action", bx + kGap / 2, cy - 3 - kFont * 1.25);
      }
      if (p.outcome) {
        // Payoffs: right of the outcome, vertically centred (baseline middle).
        label(cx + kNodeRadius + kGap, cy, p.payoffs, "payoff", cx + kNodeRadius + kGap,
              cy - kFont * 0.625);
        payoff_max = std::max(payoff_max, text_width(p.payoffs, kFont));
      } else {
        // Player: above the node, ending left of it (align right, baseline bottom).
        const double w = text_width(p.player, kFont);
        label(cx - kNodeRadius, cy - 3, p.player, "player", cx - kNodeRadius - w,
              cy - 3 - kFont * 1.25);
      }
      out.nodes.push_back({{"x", cx},
                           {"y", cy},
                           {"kind", p.outcome ? "outcome" : "decision"},
                           {"edge", p.edge.empty() ? "equilibrium path" : p.edge},
                           {"label", p.outcome ? p.payoffs : p.player}});
    }
    bool overlap = false;
    for (std::size_t i = 0; i < out.labels.size() && !overlap; ++i) {
      for (std::size_t k = i + 1; k < out.labels.size() && !overlap; ++k) {
        const json& a = out.labels[i];
        const json& b = out.labels[k];
        overlap = a["x0"].get<double>() < b["x1"].get<double>() &&
                  b["x0"].get<double>() < a["x1"].get<double>() &&
                  a["y0"].get<double>() < b["y1"].get<double>() &&
                  b["y0"].get<double>() < a["y1"].get<double>();
      }
    }
    double right = 0, bottom = 0;
    for (const json& l : out.labels) {
      right = std::max(right, l["x1"].get<double>());
      bottom = std::max(bottom, l["y1"].get<double>());
    }
    for (const json& nd : out.nodes) bottom = std::max(bottom, nd["y"].get<double>() + kNodeRadius);
    out.width = std::ceil(right + kMargin);
    out.height = std::ceil(bottom + kMargin);
    if (!overlap) break;
  }
  // On-path edges last, so they are drawn over the gray ones that share a connector.
  std::stable_sort(out.edges.begin(), out.edges.end(), [](const json& a, const json& b) {
    auto rank = [](const json& e) {
      const std::string s = e["edge"].get<std::string>();
      return s == "equilibrium path" ? 2 : s == "chosen off the path" ? 1 : 0;
    };
    return rank(a) < rank(b);
  });

  // The same facts in words, for the caption (the chart's text alternative).
  for (const Placed& p : n) {
    if (p.parent < 0 || p.edge == "not chosen") continue;
    const Placed& q = n[static_cast<std::size_t>(p.parent)];
    if (p.edge == "equilibrium path") {
      out.path_text += (out.path_text.empty() ? "" : " → ") + q.player + " " + p.action;
    } else {
      out.off_text += (out.off_text.empty() ? "" : "; ") + q.player + " " + p.action + " (after " +
                      (q.parent >= 0 ? n[static_cast<std::size_t>(q.parent)].player + " " + q.action
                                     : std::string("the start")) +
                      ")";
    }
  }
  return out;
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
      const json path =
          game.contains("path") ? game["path"] : game.value("equilibrium_path", json());
      const TreeLayout t = layout_tree(game["tree"], path);
      Chart c;
      c.id = "crisis-tree-" + id;
      c.title = name + ": game tree";
      // Pixel coordinates: the scales map [0, width] and [0, height] onto the view as is.
      const json x = {{"field", "x"},
                      {"type", "quantitative"},
                      {"axis", nullptr},
                      {"scale", {{"domain", {0, t.width}}, {"range", {0, t.width}}}}};
      const json y = {{"field", "y"},
                      {"type", "quantitative"},
                      {"axis", nullptr},
                      {"scale", {{"domain", {0, t.height}}, {"range", {0, t.height}}}}};
      const json edge_domain = {"equilibrium path", "chosen off the path", "not chosen"};
      auto text_layer = [&](const std::string& role, const json& mark) {
        json rows = json::array();
        for (const json& l : t.labels) {
          if (l["role"] == role) rows.push_back(l);
        }
        json m = mark;
        m["type"] = "text";
        m["fontSize"] = kFont;
        return json{{"data", {{"values", rows}}},
                    {"mark", m},
                    {"encoding", {{"x", x}, {"y", y}, {"text", {{"field", "text"}}}}}};
      };
      c.spec = {
          {"title",
           {{"text", c.title},
            {"anchor", "start"},
            {"subtitle",
             "Thick orange: the equilibrium path. Dashed orange: what each "
             "player would choose off the path. Gray: not chosen."}}},
          {"width", t.width},
          {"height", t.height},
          {"view", {{"stroke", nullptr}}},
          {"layer",
           {{{"data", {{"values", t.edges}}},
             {"mark", {{"type", "rule"}, {"strokeCap", "round"}}},
             {"encoding",
              {{"x", x},
               {"y", y},
               {"x2", {{"field", "x2"}}},
               {"y2", {{"field", "y2"}}},
               {"color",
                {{"field", "edge"},
                 {"type", "ordinal"},
                 {"sort", edge_domain},
                 {"title", "Edge"},
                 {"scale", {{"domain", edge_domain}, {"range", {"#D55E00", "#E69F00", "#AAAAAA"}}}},
                 {"legend", {{"orient", "bottom"}, {"direction", "horizontal"}}}}},
               {"strokeWidth",
                {{"field", "edge"},
                 {"type", "ordinal"},
                 {"title", "Edge"},
                 {"sort", edge_domain},
                 {"legend", {{"orient", "bottom"}, {"direction", "horizontal"}}},
                 {"scale", {{"domain", edge_domain}, {"range", {4.5, 2.5, 1.2}}}}}},
               {"strokeDash",
                {{"field", "edge"},
                 {"type", "ordinal"},
                 {"title", "Edge"},
                 {"sort", edge_domain},
                 {"legend", {{"orient", "bottom"}, {"direction", "horizontal"}}},
                 {"scale",
                  {{"domain", edge_domain},
                   {"range", json::array({json::array({1, 0}), json::array({5, 3}),
                                          json::array({1, 0})})}}}}},
               {"tooltip",
                {{{"field", "player"}, {"title", "Player"}},
                 {{"field", "action"}, {"title", "Action"}},
                 {{"field", "edge"}, {"title", "Edge"}}}}}}},
            {{"data", {{"values", t.nodes}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 60}, {"opacity", 1}}},
             {"encoding",
              {{"x", x},
               {"y", y},
               {"shape",
                {{"field", "kind"},
                 {"type", "nominal"},
                 {"title", "Node"},
                 {"scale", {{"domain", {"decision", "outcome"}}, {"range", {"circle", "square"}}}},
                 {"legend", {{"orient", "bottom"}, {"direction", "horizontal"}}}}},
               {"color", {{"value", "#333"}}},
               {"tooltip", {{{"field", "label"}, {"title", "Node"}}}}}}},
            text_layer("action", {{"align", "left"}, {"baseline", "bottom"}, {"color", "#333"}}),
            text_layer("player",
                       {{"align", "right"}, {"baseline", "bottom"}, {"fontWeight", "bold"}}),
            text_layer("payoff", {{"align", "left"}, {"baseline", "middle"}, {"color", "#222"}})}}};
      c.caption = "The crisis game " + name +
                  " in extensive form, read left to right: decision nodes (circles) name the "
                  "player to move, outcomes (squares) list every player's payoff. Equilibrium "
                  "path: " +
                  (t.path_text.empty() ? std::string("—") : t.path_text) + ". " +
                  (t.off_text.empty()
                       ? std::string()
                       : "Off the path, the equilibrium strategies choose: " + t.off_text + ".");
      out.push_back(std::move(c));
    }
    json thresholds = json::array();
    for (const auto& t : game.value("thresholds", json::array())) {
      if (!t.contains("value") || !t["value"].is_number()) continue;
      std::string label = text_of(t, "name");
      if (label.empty()) label = text_of(t, "label");
      if (label.empty()) label = "threshold";
      json row = {{"name", label}, {"value", t["value"]}, {"text", text_of(t, "text")}};
      if (t.contains("actual") && t["actual"].is_number()) row["actual"] = t["actual"];
      thresholds.push_back(row);
    }
    if (!thresholds.empty()) {
      Chart c;
      c.id = "crisis-thresholds-" + id;
      c.title = name + ": credibility thresholds";
      // Inputs of different units (a cost of 10, a cost per soldier of 0.01): one panel and
      // one x scale per input, so neither value vanishes on another's axis (issue 17).
      const json x_title = "Value of the input (its own units)";
      const json tooltip = {{{"field", "name"}, {"title", "Input"}},
                            {{"field", "actual"}, {"title", "Today"}, {"format", ".4~g"}},
                            {{"field", "value"}, {"title", "Flip point"}, {"format", ".4~g"}},
                            {{"field", "text"}, {"title", "Condition"}}};
      const json x_actual = {{"field", "actual"},
                             {"type", "quantitative"},
                             {"title", x_title},
                             {"scale", {{"zero", false}, {"padding", 12}}}};
      c.spec = {
          {"title",
           {{"text", c.title},
            {"anchor", "start"},
            {"subtitle",
             "One panel and scale per input. Black dot: the scenario's value today; orange "
             "bar: the flip point, where the threat's credibility changes."}}},
          {"data", {{"values", thresholds}}},
          {"facet",
           {{"row",
             {{"field", "name"},
              {"type", "nominal"},
              {"title", nullptr},
              {"header",
               {{"labelAngle", 0},
                {"labelOrient", "top"},
                {"labelAlign", "left"},
                {"labelAnchor", "start"},
                {"labelLimit", 640},
                {"labelFontSize", 12}}}}}}},
          {"spec",
           {{"width", 420},
            {"height", 26},
            {"layer",
             {{{"mark", {{"type", "rule"}, {"color", "#999"}, {"strokeDash", {3, 2}}}},
               {"encoding", {{"x", x_actual}, {"x2", {{"field", "value"}}}, {"tooltip", tooltip}}}},
              {{"mark", {{"type", "tick"}, {"color", "#D55E00"}, {"thickness", 3}, {"size", 22}}},
               {"encoding",
                {{"x", {{"field", "value"}, {"type", "quantitative"}, {"title", x_title}}},
                 {"tooltip", tooltip}}}},
              {{"mark", {{"type", "point"}, {"filled", true}, {"color", "#000"}, {"size", 70}}},
               {"encoding", {{"x", x_actual}, {"tooltip", tooltip}}}}}}}},
          {"resolve", {{"scale", {{"x", "independent"}}}}}};
      c.caption = "For each input on which a threat's credibility in " + name +
                  " turns, its value in the scenario today (dot) and the value at which the "
                  "threat would flip between credible and not (bar), each on the input's own "
                  "scale:";
      for (const json& r : thresholds) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.4g", r.value("actual", std::nan("")));
        c.caption += " " + r["name"].get<std::string>() + " is " +
                     (r.contains("actual") ? std::string(buf) : std::string("unknown")) +
                     " today; " +
                     (r["text"].get<std::string>().empty()
                          ? "flips at " + number_text(r["value"].get<double>())
                          : r["text"].get<std::string>()) +
                     ".";
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

namespace {

// One clause per decision node of a solved game's tree: what the equilibrium strategy of
// the player to move chooses there (the most probable action), after which move, and
// whether play reaches the node. Read defensively: a stored tree is untrusted input.
struct Choice {
  std::string player;
  std::string text;
};
void collect_choices(const json& node, const std::string& after, bool on_path, int depth,
                     std::vector<Choice>& out) {
  if (!node.is_object() || depth > 64) return;
  const auto it = node.find("children");
  if (it == node.end() || !it->is_array() || it->empty()) return;
  const std::string player = node.contains("player") && node["player"].is_string()
                                 ? node["player"].get<std::string>()
                                 : std::string("?");
  std::size_t chosen = it->size();
  double best = -1;
  for (std::size_t k = 0; k < it->size(); ++k) {
    const auto& c = (*it)[k];
    if (!c.is_object()) continue;
    const double p = c.contains("probability") && c["probability"].is_number()
                         ? c["probability"].get<double>()
                     : c.value("on_path", false) ? 1.0
                                                 : 0.0;
    if (p > best) {
      best = p;
      chosen = k;
    }
  }
  auto action_of = [](const json& c) {
    return c.contains("action") && c["action"].is_string() ? c["action"].get<std::string>()
                                                           : std::string("?");
  };
  if (chosen < it->size()) {
    std::string text = action_of((*it)[chosen]);
    if (best < 1.0 && best > 0.0) text += fmt::format(" (p {:.2f})", best);
    if (!after.empty()) text += " if " + after;
    text += on_path ? " [on the path]" : " [off the path]";
    out.push_back({player, text});
  }
  for (std::size_t k = 0; k < it->size(); ++k) {
    const auto& c = (*it)[k];
    if (c.is_object() && c.contains("node"))
      collect_choices(c["node"], player + " " + action_of(c), on_path && k == chosen, depth + 1,
                      out);
  }
}

// The crisis model's answer: each game's equilibrium path, each threat's credibility and
// the one-input conditions under which it holds (the model's flip texts, e.g. "credible if
// X < v"), and the exposure figures behind them (troops and weapons are counts).
std::string summary(const json& m, bool color) {
  if (!m.contains("games") || m["games"].empty()) return "";
  std::string out = summary_heading(color, "Crisis games");
  out += "  (crisis model)\n";
  for (const auto& g : m["games"]) {
    out += fmt::format("  {} [{}]", styled(color, fmt::emphasis::bold, g.value("name", "")),
                       g.value("id", ""));
    if (g.contains("solver")) out += fmt::format("  solved by {}", g["solver"].get<std::string>());
    out += "\n";
    std::string path;
    for (const auto& step : g.value("path", json::array())) {
      path += fmt::format("{}{} {}", path.empty() ? "" : " → ", step.value("player", ""),
                          step.value("action", ""));
    }
    out += fmt::format("    equilibrium path: {}\n", path.empty() ? "—" : path);
    // Each player's strategy, on and off the path: what it would do at every node it moves.
    std::vector<Choice> choices;
    if (g.contains("tree")) collect_choices(g["tree"], "", true, 0, choices);
    std::vector<std::string> players;
    for (const Choice& c : choices) {
      if (std::find(players.begin(), players.end(), c.player) == players.end())
        players.push_back(c.player);
    }
    if (!players.empty()) out += "    what each player does (equilibrium strategies):\n";
    for (const std::string& who : players) {
      std::string line;
      for (const Choice& c : choices) {
        if (c.player == who) line += (line.empty() ? "" : "; ") + c.text;
      }
      out += fmt::format("      {}: {}\n", who, line);
    }
    for (const auto& t : g.value("threats", json::array())) {
      const bool credible = t.value("credible", false);
      out += fmt::format(
          "    threat {} {} at {}: {}{}\n", t.value("player", ""), t.value("action", ""),
          t.value("node", ""),
          styled(color, fmt::fg(credible ? fmt::terminal_color::green : fmt::terminal_color::red),
                 credible ? "credible" : "not credible"),
          t.value("reached", false) ? "" : " (off the equilibrium path)");
      for (const auto& f : t.value("flips", json::array())) {
        if (f.contains("flips_at") && !f["flips_at"].is_null()) {
          out +=
              styled(color, fmt::emphasis::faint, fmt::format("      {}\n", f.value("text", "")));
        }
      }
    }
    // The force-posture quantities the payoffs used.
    std::string exposure;
    const json variables = g.value("variables", json::object());
    for (const auto& [name, v] : variables.items()) {
      if (name.rfind("exposed_", 0) != 0 && name.rfind("weapons_in_range_", 0) != 0) continue;
      exposure += fmt::format("{}{} {:.0f}", exposure.empty() ? "" : ", ", name, v.get<double>());
    }
    if (!exposure.empty()) out += fmt::format("    exposure: {}\n", exposure);
  }
  return out;
}

void check(const json& m, const std::string& path) {
  using namespace shape;
  expect(m, path, Kind::kObject);
  const auto* games = optional_field(m, path, "games", Kind::kArray);
  if (games == nullptr) return;
  for (std::size_t i = 0; i < games->size(); ++i) {
    const std::string p = at_index(path + ".games", i);
    const auto& g = expect((*games)[i], p, Kind::kObject);
    for (const char* key : {"id", "name", "solver"}) optional_field(g, p, key, Kind::kString);
    if (const auto* steps = optional_field(g, p, "path", Kind::kArray)) {
      for (std::size_t k = 0; k < steps->size(); ++k) {
        const std::string sp = at_index(p + ".path", k);
        expect((*steps)[k], sp, Kind::kObject);
        for (const char* key : {"player", "action"})
          optional_field((*steps)[k], sp, key, Kind::kString);
      }
    }
    if (const auto* threats = optional_field(g, p, "threats", Kind::kArray)) {
      for (std::size_t k = 0; k < threats->size(); ++k) {
        const std::string tp = at_index(p + ".threats", k);
        const auto& t = expect((*threats)[k], tp, Kind::kObject);
        for (const char* key : {"player", "action", "node"})
          optional_field(t, tp, key, Kind::kString);
        for (const char* key : {"credible", "reached"}) optional_field(t, tp, key, Kind::kBool);
        if (const auto* flips = optional_field(t, tp, "flips", Kind::kArray)) {
          for (std::size_t f = 0; f < flips->size(); ++f) {
            const std::string fp = at_index(tp + ".flips", f);
            optional_field(expect((*flips)[f], fp, Kind::kObject), fp, "text", Kind::kString);
          }
        }
      }
    }
    if (const auto* vars = optional_field(g, p, "variables", Kind::kObject)) {
      for (const auto& [name, v] : vars->items()) {
        if (name.rfind("exposed_", 0) == 0 || name.rfind("weapons_in_range_", 0) == 0) {
          expect(v, p + ".variables." + name, Kind::kNumber);
        }
      }
    }
  }
}

std::vector<Section> sections(const json& m, const ReportInput&) {
  Section s;
  s.id = "crisis";
  s.title = "Crisis games";
  s.charts = crisis_charts(m);
  s.intro = s.charts.empty() ? "The run has crisis results, but no games in the shape this "
                               "report reads (docs/report.md)."
                             : "Each crisis as a game tree, the equilibrium path highlighted, "
                               "with the credibility thresholds.";
  return {std::move(s)};
}

// The threats' outputs are 0/1 (credible or not): one bar each, the share of draws in which
// the threat is credible.
std::vector<Chart> sweep(const json& outputs, std::uint64_t samples) {
  std::vector<Chart> out;
  json credible = json::array();
  for (const auto& o : outputs) {
    const std::string id = o.value("id", std::string());
    if (id.rfind("crisis/", 0) == 0 && o.contains("mean") && o["mean"].is_number())
      credible.push_back({{"output", id.substr(7)}, {"share", o["mean"]}});
  }
  if (!credible.empty()) {
    Chart c;
    c.id = "sweep-crisis";
    c.title = "Crisis threats: how often credible";
    c.spec = {{"title", title(c.title, "Share of the " + std::to_string(samples) +
                                           " draws in which each threat is credible")},
              {"data", {{"values", credible}}},
              {"width", 420},
              {"height", {{"step", 22}}},
              {"mark", {{"type", "bar"}, {"color", kExposedColor}}},
              {"encoding",
               {{"y", {{"field", "output"}, {"type", "nominal"}, {"title", "Game/threat"}}},
                {"x",
                 {{"field", "share"},
                  {"type", "quantitative"},
                  {"title", "Share of draws credible (0–1)"},
                  {"scale", {{"domain", {0, 1}}}}}},
                {"tooltip",
                 {{{"field", "output"}, {"title", "Threat"}},
                  {{"field", "share"}, {"title", "Share credible"}, {"format", ".3f"}}}}}}};
    c.caption = "For each threat of the crisis games, the share of the sweep's " +
                std::to_string(samples) +
                " draws of the uncertain inputs in which the equilibrium makes it credible.";
    for (const json& r : credible) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f", r["share"].get<double>());
      c.caption += " " + r["output"].get<std::string>() + ": " + buf + ".";
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

ModelView crisis_view() {
  ModelView v;
  v.model = "crisis";
  v.section_id = "crisis";
  v.section_title = "Crisis games";
  v.check = check;
  v.summary = summary;
  v.sections = sections;
  v.sweep_charts = sweep;
  // The search for where each threat's credibility flips is most of a run's time (about 85
  // of 125 ms on korea-2003) and a what-if compares credibility, not the flip points.
  v.whatif_options = {{"flips", "false"}};
  v.whatif_note = "crisis.flips=false: the flip-point search is skipped in what-if runs";
  return v;
}

}  // namespace entente::report
