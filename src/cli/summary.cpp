#include "cli/summary.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace entente::cli {

namespace {
constexpr int kStripWidth = 61;

// --- shape checks of stored documents ---
//
// A stored result is read back from a file anyone can edit (or an older or newer entente
// wrote), so nothing about its shape is assumed: nlohmann's accessors throw type_error on
// a wrong type and, for a const missing key, do not even throw. Every field a reader of
// stored runs touches is checked here first, and the first problem is reported by its path.

struct BadShape {
  std::string message;
};

enum class Kind { kObject, kArray, kString, kNumber, kUnsigned, kInteger, kBool };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
      return "a number";
    case Kind::kUnsigned:
      return "a non-negative integer";
    case Kind::kInteger:
      return "an integer";
    case Kind::kBool:
      return "true or false";
  }
  return "?";
}

bool is_kind(const nlohmann::json& j, Kind k) {
  switch (k) {
    case Kind::kObject:
      return j.is_object();
    case Kind::kArray:
      return j.is_array();
    case Kind::kString:
      return j.is_string();
    case Kind::kNumber:
      return j.is_number();
    case Kind::kUnsigned:
      return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
    case Kind::kInteger:
      return j.is_number_integer();
    case Kind::kBool:
      return j.is_boolean();
  }
  return false;
}

// `j` (at `path`) must be of kind `k`.
const nlohmann::json& expect(const nlohmann::json& j, const std::string& path, Kind k) {
  if (!is_kind(j, k)) {
    throw BadShape{fmt::format("{}: expected {}, found {}", path, kind_name(k),
                               j.is_number() ? "a number" : j.type_name())};
  }
  return j;
}

// The object `obj` (at `path`) must have `key`, of kind `k`.
const nlohmann::json& required(const nlohmann::json& obj, const std::string& path,
                               const std::string& key, Kind k) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) {
    throw BadShape{fmt::format("{}.{}: missing; expected {}", path, key, kind_name(k))};
  }
  return expect(*it, path + "." + key, k);
}

// When the object `obj` has `key`, it is of kind `k` (null is not: `value()` reads null as a
// value of the wrong type). Returns nullptr when absent.
const nlohmann::json* optional_field(const nlohmann::json& obj, const std::string& path,
                                     const std::string& key, Kind k) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) return nullptr;
  return &expect(*it, path + "." + key, k);
}

// As optional_field, but null is allowed too (fields read only after an is_number()).
void nullable_number(const nlohmann::json& obj, const std::string& path, const std::string& key) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it != obj.end() && !it->is_null()) expect(*it, path + "." + key, Kind::kNumber);
}

std::string at_index(const std::string& path, std::size_t i) {
  return fmt::format("{}[{}]", path, i);
}

// A number, or an object whose "value" is a number (a Quantity as run documents write it).
void number_or_value(const nlohmann::json& obj, const std::string& path, const std::string& key) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) {
    throw BadShape{fmt::format("{}.{}: missing; expected a number", path, key)};
  }
  if (it->is_number()) return;
  if (it->is_object()) {
    required(*it, path + "." + key, "value", Kind::kNumber);
    return;
  }
  throw BadShape{fmt::format("{}.{}: expected a number or {{\"value\": number}}, found {}", path,
                             key, it->type_name())};
}

void check_alliances(const nlohmann::json& m, const std::string& path) {
  expect(m, path, Kind::kObject);
  optional_field(m, path, "date", Kind::kString);
  const auto* alliances = optional_field(m, path, "alliances", Kind::kArray);
  if (alliances == nullptr) return;
  for (std::size_t i = 0; i < alliances->size(); ++i) {
    const std::string p = at_index(path + ".alliances", i);
    const auto& a = expect((*alliances)[i], p, Kind::kObject);
    optional_field(a, p, "id", Kind::kString);
    optional_field(a, p, "name", Kind::kString);
    optional_field(a, p, "health", Kind::kNumber);
    nullable_number(a, p, "p_honours");
    if (const auto* holds = optional_field(a, p, "p_holds", Kind::kObject)) {
      for (const auto& [h, v] : holds->items()) {
        // Horizons are years, written as object keys: "1", "5", "10".
        if (h.empty() || h.size() > 4 || h.find_first_not_of("0123456789") != std::string::npos) {
          throw BadShape{fmt::format("{}.p_holds: key '{}' is not a number of years", p, h)};
        }
        expect(v, p + ".p_holds." + h, Kind::kNumber);
      }
    }
    if (const auto* iv = optional_field(a, p, "p_holds_interval", Kind::kObject)) {
      for (const auto& [h, v] : iv->items()) {
        const std::string q = p + ".p_holds_interval." + h;
        if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number()) {
          throw BadShape{fmt::format("{}: expected [lo, hi], two numbers", q)};
        }
      }
    }
    for (const char* fear : {"abandonment", "entrapment"}) {
      if (a.contains("abandonment")) required(a, p, fear, Kind::kObject);
    }
    if (const auto* drivers = optional_field(a, p, "drivers", Kind::kArray)) {
      if (!drivers->empty()) {
        const std::string d = p + ".drivers[0]";
        optional_field(expect((*drivers)[0], d, Kind::kObject), d, "term", Kind::kString);
        optional_field((*drivers)[0], d, "value", Kind::kNumber);
      }
    }
  }
}

void check_crisis(const nlohmann::json& m, const std::string& path) {
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

// A `run --json` document: what render_summary, `entente explain` and the report read.
void check_run_document(const nlohmann::json& doc, const std::string& path) {
  expect(doc, path, Kind::kObject);
  const auto& sc = required(doc, path, "scenario", Kind::kObject);
  for (const char* key : {"id", "title", "at"})
    optional_field(sc, path + ".scenario", key, Kind::kString);
  if (doc.contains("run_id") && !doc["run_id"].is_null()) {
    required(doc, path, "run_id", Kind::kInteger);
  }
  const auto& issues = required(doc, path, "issues", Kind::kArray);
  for (std::size_t i = 0; i < issues.size(); ++i) {
    const std::string p = at_index(path + ".issues", i);
    const auto& issue = expect(issues[i], p, Kind::kObject);
    required(issue, p, "id", Kind::kString);
    optional_field(issue, p, "name", Kind::kString);
    const auto& scale = required(issue, p, "scale", Kind::kObject);
    const double lo = required(scale, p + ".scale", "min", Kind::kNumber).get<double>();
    const double hi = required(scale, p + ".scale", "max", Kind::kNumber).get<double>();
    if (!(lo < hi)) {
      throw BadShape{fmt::format("{}.scale: min {} is not below max {}", p, lo, hi)};
    }
    // Anchors and positions may be absent (an issue without them is still a forecast).
    if (const auto* anchors = optional_field(scale, p + ".scale", "anchors", Kind::kArray)) {
      for (std::size_t k = 0; k < anchors->size(); ++k) {
        const std::string ap = at_index(p + ".scale.anchors", k);
        required((*anchors)[k], ap, "value", Kind::kNumber);
        required((*anchors)[k], ap, "label", Kind::kString);
      }
    }
    if (const auto* positions = optional_field(issue, p, "positions", Kind::kObject)) {
      for (const auto& [actor, pos] : positions->items()) {
        const std::string pp = p + ".positions." + actor;
        number_or_value(pos, pp, "position");
        number_or_value(pos, pp, "salience");
        optional_field(pos, pp, "capability", Kind::kNumber);
      }
    }
    const auto& models = required(issue, p, "models", Kind::kObject);
    for (const auto& [model, m] : models.items()) {
      const std::string mp = p + ".models." + model;
      expect(m, mp, Kind::kObject);
      nullable_number(m, mp, "forecast");
      if (const auto* trace = optional_field(m, mp, "trace", Kind::kArray)) {
        for (std::size_t k = 0; k < trace->size(); ++k) {
          expect((*trace)[k], at_index(mp + ".trace", k), Kind::kString);
        }
      }
      if (const auto* rounds = optional_field(m, mp, "rounds", Kind::kArray)) {
        for (std::size_t k = 0; k < rounds->size(); ++k) {
          const std::string rp = at_index(mp + ".rounds", k);
          expect((*rounds)[k], rp, Kind::kObject);
          optional_field((*rounds)[k], rp, "round", Kind::kInteger);
          optional_field((*rounds)[k], rp, "positions", Kind::kObject);
          nullable_number((*rounds)[k], rp, "median");
        }
      }
    }
  }
  if (const auto* models = optional_field(doc, path, "models", Kind::kObject)) {
    for (const auto& [model, m] : models->items()) {
      const std::string mp = path + ".models." + model;
      expect(m, mp, Kind::kObject);
      if (const auto* trace = optional_field(m, mp, "trace", Kind::kArray)) {
        for (std::size_t k = 0; k < trace->size(); ++k) {
          expect((*trace)[k], at_index(mp + ".trace", k), Kind::kString);
        }
      }
    }
    if (models->contains("alliance"))
      check_alliances((*models)["alliance"], path + ".models.alliance");
    if (models->contains("crisis")) check_crisis((*models)["crisis"], path + ".models.crisis");
  }
  if (const auto* warnings = optional_field(doc, path, "warnings", Kind::kArray)) {
    for (std::size_t k = 0; k < warnings->size(); ++k) {
      expect((*warnings)[k], at_index(path + ".warnings", k), Kind::kString);
    }
  }
}

// A `sweep --json` document: what render_sweep_table and the report's sweep charts read.
void check_sweep_document(const nlohmann::json& doc, const std::string& path) {
  expect(doc, path, Kind::kObject);
  if (const auto* sc = optional_field(doc, path, "scenario", Kind::kObject)) {
    for (const char* key : {"id", "title", "at"})
      optional_field(*sc, path + ".scenario", key, Kind::kString);
  }
  required(doc, path, "samples", Kind::kUnsigned);
  required(doc, path, "seed", Kind::kString);
  required(doc, path, "inputs", Kind::kArray);
  if (required(doc, path, "failures", Kind::kUnsigned).get<std::uint64_t>() > 0) {
    required(doc, path, "first_failure", Kind::kString);
  }
  const auto& outputs = required(doc, path, "outputs", Kind::kArray);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string p = at_index(path + ".outputs", i);
    const auto& o = expect(outputs[i], p, Kind::kObject);
    required(o, p, "id", Kind::kString);
    optional_field(o, p, "issue", Kind::kString);
    optional_field(o, p, "model", Kind::kString);
    required(o, p, "missing", Kind::kUnsigned);
    nullable_number(o, p, "mean");
    nullable_number(o, p, "sd");
    const auto& q = required(o, p, "quantiles", Kind::kObject);
    for (const char* key : {"p5", "p25", "p50", "p75", "p95"})
      nullable_number(q, p + ".quantiles", key);
    if (const auto* h = optional_field(o, p, "histogram", Kind::kArray)) {
      for (std::size_t k = 0; k < h->size(); ++k)
        expect((*h)[k], at_index(p + ".histogram", k), Kind::kNumber);
    }
    if (const auto* range = optional_field(o, p, "range", Kind::kArray)) {
      for (std::size_t k = 0; k < range->size(); ++k)
        expect((*range)[k], at_index(p + ".range", k), Kind::kNumber);
    }
  }
}

// A `sensitivity --json` document: what render_sensitivity_table and the tornado charts read.
void check_sensitivity_document(const nlohmann::json& doc, const std::string& path) {
  expect(doc, path, Kind::kObject);
  if (const auto* sc = optional_field(doc, path, "scenario", Kind::kObject)) {
    for (const char* key : {"id", "title", "at"})
      optional_field(*sc, path + ".scenario", key, Kind::kString);
  }
  const std::string method = required(doc, path, "method", Kind::kString).get<std::string>();
  if (method != "morris" && method != "sobol") {
    throw BadShape{fmt::format("{}.method: '{}'; expected morris or sobol", path, method)};
  }
  const bool morris = method == "morris";
  required(doc, path, "evaluations", Kind::kUnsigned);
  const auto& outputs = required(doc, path, "outputs", Kind::kArray);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string p = at_index(path + ".outputs", i);
    const auto& o = expect(outputs[i], p, Kind::kObject);
    required(o, p, "output", Kind::kString);
    nullable_number(o, p, "variance");
    const auto& inputs = required(o, p, "inputs", Kind::kArray);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      const std::string ip = at_index(p + ".inputs", k);
      const auto& in = expect(inputs[k], ip, Kind::kObject);
      required(in, ip, "rank", Kind::kInteger);
      required(in, ip, "input", Kind::kString);
      for (const char* key : {"mu", "mu_star", "sigma", "first", "total"})
        nullable_number(in, ip, key);
      if (!morris) {
        const auto& ci = required(in, ip, "total_ci", Kind::kArray);
        if (ci.size() != 2) {
          throw BadShape{fmt::format("{}.total_ci: {} values; expected 2", ip, ci.size())};
        }
        for (std::size_t c = 0; c < 2; ++c) {
          if (!ci[c].is_null()) expect(ci[c], at_index(ip + ".total_ci", c), Kind::kNumber);
        }
      }
    }
  }
}

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

std::string result_shape_error(const std::string& kind, const nlohmann::json& doc) {
  try {
    if (kind == "sweep") {
      check_sweep_document(doc, "result");
    } else if (kind == "sensitivity") {
      check_sensitivity_document(doc, "result");
    } else if (kind == "run") {
      check_run_document(doc, "result");
    } else {
      return fmt::format("kind '{}' is not one this entente reads (run, sweep or sensitivity)",
                         kind);
    }
  } catch (const BadShape& e) {
    return e.message;
  }
  return "";
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
