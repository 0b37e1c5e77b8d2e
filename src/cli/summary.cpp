#include "cli/summary.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "entente/model_views.hpp"

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
  // Each scenario model's lines, by its registered view (entente/model_views.hpp).
  if (const auto models = doc.find("models"); models != doc.end() && models->is_object()) {
    for (const report::ModelView& view : report::model_views()) {
      if (view.summary && models->contains(view.model))
        out += view.summary((*models)[view.model], color);
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
