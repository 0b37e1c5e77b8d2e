#include "cli/summary.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace entente::cli {

namespace {
constexpr int kStripWidth = 61;

std::string styled(bool color, fmt::text_style style, const std::string& text) {
  return color ? fmt::format(style, "{}", text) : text;
}

std::string num(double v) {
  if (std::fabs(v) >= 1000 || (std::fabs(v) < 0.01 && v != 0)) return fmt::format("{:.3g}", v);
  return fmt::format("{:.2f}", v);
}

// Column of value v on a strip of kStripWidth characters spanning [lo, hi].
int column(double v, double lo, double hi) {
  const double t = (v - lo) / (hi - lo);
  return std::clamp(static_cast<int>(std::lround(t * (kStripWidth - 1))), 0, kStripWidth - 1);
}

double as_number(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_object() && j.contains("value")) return j["value"].get<double>();
  return 0.0;
}

// "ROK 0.65, USA 0.49": each member's value of a per-member object of the alliance model.
std::string member_values(const nlohmann::json& per_member) {
  std::string out;
  for (const auto& [member, v] : per_member.items()) {
    if (!v.contains("value") || !v["value"].is_number()) continue;
    out += fmt::format("{}{} {:.2f}", out.empty() ? "" : ", ", member, v["value"].get<double>());
  }
  return out.empty() ? "—" : out;
}

// The alliance model's answer: health, survival and honouring, each member's fears, and
// the largest driver of the hazard.
std::string render_alliances(const nlohmann::json& doc, bool color) {
  if (!doc.contains("models") || !doc["models"].contains("alliance")) return "";
  const auto& m = doc["models"]["alliance"];
  if (!m.contains("alliances") || m["alliances"].empty()) return "";
  std::string out =
      "\n" + styled(color, fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan), "Alliances");
  out += fmt::format("  (alliance model, as of {})\n", m.value("date", std::string()));
  for (const auto& a : m["alliances"]) {
    out += fmt::format("  {} [{}]\n", styled(color, fmt::emphasis::bold, a.value("name", "")),
                       a.value("id", ""));
    std::string line = fmt::format("    health {:.2f}", a.value("health", 0.0));
    if (a.contains("p_holds") && a["p_holds"].is_object() && !a["p_holds"].empty()) {
      std::vector<std::pair<int, double>> holds;
      for (const auto& [h, p] : a["p_holds"].items())
        holds.emplace_back(std::stoi(h), p.get<double>());
      std::sort(holds.begin(), holds.end());
      std::string hs;
      std::string ps;
      for (const auto& [h, p] : holds) {
        hs += fmt::format("{}{}y", hs.empty() ? "" : "/", h);
        ps += fmt::format("{}{:.2f}", ps.empty() ? "" : "/", p);
      }
      line += fmt::format("   p(holds {}) {}", hs, ps);
      // The longest horizon's interval: estimation error compounds, so it is the widest.
      const std::string longest = std::to_string(holds.back().first);
      if (a.contains("p_holds_interval") && a["p_holds_interval"].contains(longest)) {
        const auto& iv = a["p_holds_interval"][longest];
        line += fmt::format(" ({}y 90%: {:.2f}–{:.2f})", longest, iv[0].get<double>(),
                            iv[1].get<double>());
      }
    }
    if (a.contains("p_honours") && a["p_honours"].is_number()) {
      line += fmt::format("   p(honours) {:.2f}", a["p_honours"].get<double>());
    }
    out += line + "\n";
    if (a.contains("abandonment")) {
      out += fmt::format("    fear of abandonment: {}   of entrapment: {}\n",
                         member_values(a["abandonment"]), member_values(a["entrapment"]));
    }
    if (a.contains("drivers") && !a["drivers"].empty()) {
      const auto& d = a["drivers"][0];
      out += styled(color, fmt::emphasis::faint,
                    fmt::format("    largest driver: {} ({:+.2f} on the annual hazard's logit)\n",
                                d.value("term", ""), d.value("value", 0.0)));
    }
  }
  return out;
}

// One clause per decision node of a solved game's tree: what the equilibrium strategy of
// the player to move chooses there (the most probable action), after which move, and
// whether play reaches the node. Read defensively: a stored tree is untrusted input.
struct Choice {
  std::string player;
  std::string text;
};
void collect_choices(const nlohmann::json& node, const std::string& after, bool on_path, int depth,
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
  auto action_of = [](const nlohmann::json& c) {
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
std::string render_crisis(const nlohmann::json& doc, bool color) {
  if (!doc.contains("models") || !doc["models"].contains("crisis")) return "";
  const auto& m = doc["models"]["crisis"];
  if (!m.contains("games") || m["games"].empty()) return "";
  std::string out = "\n" + styled(color, fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan),
                                  "Crisis games");
  out += "  (crisis model)\n";
  for (const auto& g : m["games"]) {
    out += fmt::format("  {} [{}]", styled(color, fmt::emphasis::bold, g.value("name", "")),
                       g.value("id", ""));
    if (g.contains("solver")) out += fmt::format("  solved by {}", g["solver"].get<std::string>());
    out += "\n";
    std::string path;
    for (const auto& step : g.value("path", nlohmann::json::array())) {
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
    for (const auto& t : g.value("threats", nlohmann::json::array())) {
      const bool credible = t.value("credible", false);
      out += fmt::format(
          "    threat {} {} at {}: {}{}\n", t.value("player", ""), t.value("action", ""),
          t.value("node", ""),
          styled(color, fmt::fg(credible ? fmt::terminal_color::green : fmt::terminal_color::red),
                 credible ? "credible" : "not credible"),
          t.value("reached", false) ? "" : " (off the equilibrium path)");
      for (const auto& f : t.value("flips", nlohmann::json::array())) {
        if (f.contains("flips_at") && !f["flips_at"].is_null()) {
          out +=
              styled(color, fmt::emphasis::faint, fmt::format("      {}\n", f.value("text", "")));
        }
      }
    }
    // The force-posture quantities the payoffs used.
    std::string exposure;
    const nlohmann::json variables = g.value("variables", nlohmann::json::object());
    for (const auto& [name, v] : variables.items()) {
      if (name.rfind("exposed_", 0) != 0 && name.rfind("weapons_in_range_", 0) != 0) continue;
      exposure += fmt::format("{}{} {:.0f}", exposure.empty() ? "" : ", ", name, v.get<double>());
    }
    if (!exposure.empty()) out += fmt::format("    exposure: {}\n", exposure);
  }
  return out;
}
}  // namespace

std::string render_summary(const nlohmann::json& doc, bool color) {
  std::string out;
  const auto& sc = doc["scenario"];
  out += styled(color, fmt::emphasis::bold, sc.value("title", std::string()));
  out +=
      fmt::format("  ({}, as of {}", sc.value("id", std::string()), sc.value("at", std::string()));
  if (doc.contains("run_id") && !doc["run_id"].is_null()) {
    out += fmt::format(", run #{}", doc["run_id"].get<long long>());
  }
  out += ")\n";

  // A run of scenario models alone (-m crisis) forecasts no issue: one line says so instead
  // of every issue's table ending "no model forecast this issue".
  const bool any_issue_model =
      std::any_of(doc["issues"].begin(), doc["issues"].end(),
                  [](const nlohmann::json& issue) { return !issue["models"].empty(); });
  if (!any_issue_model && !doc["issues"].empty()) {
    out += fmt::format(
        "\n{} issue{} not forecast: no issue model in this run (add -m compromise, -m bdm, "
        "-m smp, ... to forecast them)\n",
        doc["issues"].size(), doc["issues"].size() == 1 ? "" : "s");
  }
  for (const auto& issue : doc["issues"]) {
    if (!any_issue_model) break;
    const double lo = issue["scale"]["min"].get<double>();
    const double hi = issue["scale"]["max"].get<double>();
    out += "\n" + styled(color, fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan),
                         issue.value("name", std::string()));
    out += fmt::format("  [{}]\n", issue["id"].get<std::string>());
    for (const auto& a : issue["scale"].value("anchors", nlohmann::json::array())) {
      out += fmt::format("  {:>7}  {}\n", num(a["value"].get<double>()),
                         a["label"].get<std::string>());
    }

    // Actors sorted by position, so the table reads along the scale.
    struct Row {
      std::string actor;
      double position;
      double salience;
      double capability;
    };
    std::vector<Row> rows;
    const nlohmann::json positions = issue.value("positions", nlohmann::json::object());
    for (const auto& [actor, p] : positions.items()) {
      rows.push_back(
          {actor, as_number(p["position"]), as_number(p["salience"]), p.value("capability", 0.0)});
    }
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.position < b.position; });
    std::size_t width = 5;
    for (const auto& r : rows) width = std::max(width, r.actor.size());
    out += styled(color, fmt::emphasis::faint,
                  fmt::format("  {:<{}}  {:>8}  {:>8}  {:>10}\n", "actor", width, "position",
                              "salience", "capability"));
    for (const auto& r : rows) {
      out += fmt::format("  {:<{}}  {:>8}  {:>8}  {:>10}\n", r.actor, width, num(r.position),
                         num(r.salience), fmt::format("{:.3g}", r.capability));
    }

    // A strip of the scale: actors as '|', each model's forecast as its initial.
    std::string strip(kStripWidth, '-');
    for (const auto& r : rows) strip[static_cast<std::size_t>(column(r.position, lo, hi))] = '|';
    std::vector<std::pair<std::string, double>> forecasts;
    for (const auto& [model, m] : issue["models"].items()) {
      if (m.contains("forecast") && m["forecast"].is_number()) {
        forecasts.emplace_back(model, m["forecast"].get<double>());
      }
    }
    std::string marks(kStripWidth, ' ');
    for (const auto& [model, f] : forecasts) {
      const auto c = static_cast<std::size_t>(column(f, lo, hi));
      marks[c] = marks[c] == ' ' ? static_cast<char>(std::toupper(model[0])) : '*';
    }
    out += fmt::format("  {:>7} {} {}\n", num(lo), strip, num(hi));
    out +=
        fmt::format("  {:>7} {}\n", "", styled(color, fmt::fg(fmt::terminal_color::yellow), marks));
    if (forecasts.empty()) {
      out += "  no model forecast this issue\n";
    }
    for (const auto& [model, m] : issue["models"].items()) {
      std::string value = m.contains("forecast") && m["forecast"].is_number()
                              ? num(m["forecast"].get<double>())
                              : std::string("—");
      out += fmt::format("  {} {:<12} {:>8}",
                         styled(color, fmt::emphasis::bold,
                                std::string(1, static_cast<char>(std::toupper(model[0])))),
                         model, value);
      // The calibrated 80% interval (docs/models.md#forecast-intervals); checked here, not
      // trusted, because stored documents are read back.
      if (const auto it = m.find("interval"); it != m.end() && it->is_array() && it->size() == 2 &&
                                              (*it)[0].is_number() && (*it)[1].is_number()) {
        out += fmt::format("  80% {}–{}", num((*it)[0].get<double>()), num((*it)[1].get<double>()));
      } else if (m.contains("interval_note") && m["interval_note"].is_string()) {
        out += "  " + styled(color, fmt::emphasis::faint,
                             "no interval: " + m["interval_note"].get<std::string>());
      }
      if (m.contains("trace") && m["trace"].is_array() && !m["trace"].empty()) {
        out += "   " + styled(color, fmt::emphasis::faint, m["trace"][0].get<std::string>());
      }
      out += "\n";
    }
  }
  if (const auto fi = doc.find("forecast_intervals");
      fi != doc.end() && fi->is_object() && fi->contains("data") && (*fi)["data"].is_string()) {
    out += styled(color, fmt::emphasis::faint,
                  fmt::format("\n  80% intervals: split conformal on each model's errors on {} "
                              "(EU decisions); elsewhere an extrapolation (docs/models.md)\n",
                              (*fi)["data"].get<std::string>()));
  }
  out += render_alliances(doc, color);
  out += render_crisis(doc, color);
  if (doc.contains("warnings") && !doc["warnings"].empty()) {
    out += "\n";
    for (const auto& w : doc["warnings"]) {
      out += styled(color, fmt::fg(fmt::terminal_color::yellow), "note: ") + w.get<std::string>() +
             "\n";
    }
  }
  return out;
}

std::string render_sweep_table(const nlohmann::json& report) {
  std::string out =
      fmt::format("{} samples, seed {}; {} uncertain input{}\n",
                  report["samples"].get<std::uint64_t>(), report["seed"].get<std::string>(),
                  report["inputs"].size(), report["inputs"].size() == 1 ? "" : "s");
  if (report["failures"].get<std::uint64_t>() > 0) {
    out += fmt::format("{} samples failed; first: {}\n", report["failures"].get<std::uint64_t>(),
                       report["first_failure"].get<std::string>());
  }
  out += fmt::format("\n{:<34} {:>9} {:>8} {:>9} {:>9} {:>9} {:>8}\n", "output", "mean", "sd", "p5",
                     "median", "p95", "missing");
  auto number = [](const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_number() ? fmt::format("{:.2f}", it->get<double>())
                                              : std::string("—");
  };
  for (const auto& o : report["outputs"]) {
    const auto& q = o["quantiles"];
    out += fmt::format("{:<34} {:>9} {:>8} {:>9} {:>9} {:>9} {:>8}\n", o["id"].get<std::string>(),
                       number(o, "mean"), number(o, "sd"), number(q, "p5"), number(q, "p50"),
                       number(q, "p95"), o["missing"].get<std::uint64_t>());
  }
  return out;
}

std::string render_sensitivity_table(const nlohmann::json& a, std::size_t shown_inputs) {
  const bool morris = a["method"] == "morris";
  std::string out =
      fmt::format("{} ({} model evaluations); the {} most influential inputs per output\n",
                  morris ? "Morris elementary effects" : "Sobol indices",
                  a["evaluations"].get<std::uint64_t>(), shown_inputs);
  auto f = [](const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_number() ? fmt::format("{:.3f}", it->get<double>())
                                              : std::string("—");
  };
  for (const auto& o : a["outputs"]) {
    const auto variance = o.find("variance");
    if (!morris && variance != o.end() && variance->is_number() && variance->get<double>() == 0.0) {
      out += fmt::format("\n{}: does not vary\n", o["output"].get<std::string>());
      continue;
    }
    out += fmt::format("\n{}\n", o["output"].get<std::string>());
    std::size_t shown = 0;
    for (const auto& in : o["inputs"]) {
      if (shown++ == shown_inputs) break;
      if (morris) {
        out += fmt::format("  {:>2}. {:<52} μ* {:>9}  σ {:>9}\n", in["rank"].get<std::int64_t>(),
                           in["input"].get<std::string>(), f(in, "mu_star"), f(in, "sigma"));
      } else {
        const auto& ci = in["total_ci"];
        auto g = [](const nlohmann::json& j) {
          return j.is_number() ? fmt::format("{:.3f}", j.get<double>()) : std::string("—");
        };
        out += fmt::format("  {:>2}. {:<52} ST {} [{}, {}]  S {}\n", in["rank"].get<std::int64_t>(),
                           in["input"].get<std::string>(), f(in, "total"), g(ci[0]), g(ci[1]),
                           f(in, "first"));
      }
    }
  }
  return out;
}

}  // namespace entente::cli
