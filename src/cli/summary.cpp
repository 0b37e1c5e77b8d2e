#include "cli/summary.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

  for (const auto& issue : doc["issues"]) {
    const double lo = issue["scale"]["min"].get<double>();
    const double hi = issue["scale"]["max"].get<double>();
    out += "\n" + styled(color, fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan),
                         issue.value("name", std::string()));
    out += fmt::format("  [{}]\n", issue["id"].get<std::string>());
    for (const auto& a : issue["scale"]["anchors"]) {
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
    for (const auto& [actor, p] : issue["positions"].items()) {
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
      if (m.contains("trace") && m["trace"].is_array() && !m["trace"].empty()) {
        out += "   " + styled(color, fmt::emphasis::faint, m["trace"][0].get<std::string>());
      }
      out += "\n";
    }
  }
  if (doc.contains("warnings") && !doc["warnings"].empty()) {
    out += "\n";
    for (const auto& w : doc["warnings"]) {
      out += styled(color, fmt::fg(fmt::terminal_color::yellow), "note: ") + w.get<std::string>() +
             "\n";
    }
  }
  return out;
}

}  // namespace entente::cli
