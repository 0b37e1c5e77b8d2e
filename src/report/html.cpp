// The report's sections and the single HTML file that holds them.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "entente/model_views.hpp"
#include "entente/report.hpp"

namespace entente::report {

using nlohmann::json;

namespace {

// Inside <script>, "</script" (any case) ends the element early and "<!--" can switch the
// HTML parser into its escaped state; both become "<\/script" and "<\!--", which in JavaScript
// strings denote the same characters (the libraries contain neither today). A blanket "</" → "<\/"
// would break regular expressions such as /</g in the libraries.
std::string script_safe(std::string_view text) {
  auto starts = [&](std::size_t i, std::string_view what) {
    if (i + what.size() > text.size()) return false;
    for (std::size_t k = 0; k < what.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(text[i + k])) != what[k]) return false;
    }
    return true;
  };
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && starts(i, "</script")) {
      out += "<\\/";
      ++i;
    } else if (text[i] == '<' && starts(i, "<!--")) {
      out += "<\\!";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// JSON for a <script type="application/json">: '<' only occurs inside JSON strings, where
// "\u003c" denotes it, so no spec text can end the element or open a comment.
std::string json_script_safe(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size() + 64);
  for (const char c : json_text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"css(
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fafafa; }
header { background: #fff; border-bottom: 1px solid var(--rule); padding: 24px 32px 16px; }
header h1 { margin: 0 0 6px; font-size: 24px; }
header dl { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; color: var(--muted); font-size: 13px; }
header dt { font-weight: 600; } header dd { margin: 0 0 0 4px; }
header dl div { display: flex; }
.layout { display: flex; align-items: flex-start; max-width: 1240px; margin: 0 auto; }
nav { position: sticky; top: 0; flex: 0 0 230px; padding: 24px 16px; font-size: 13px; max-height: 100vh; overflow: auto; }
nav h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; }
nav ol { padding-left: 18px; margin: 0; } nav li { margin: 2px 0; }
nav a { color: var(--accent); text-decoration: none; } nav a:hover { text-decoration: underline; }
main { flex: 1; min-width: 0; padding: 8px 32px 48px; }
section { margin-top: 28px; }
section > h2 { font-size: 20px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
figure { background: #fff; border: 1px solid var(--rule); border-radius: 6px; margin: 16px 0; padding: 16px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 8px; max-width: 760px; }
.note { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 12px; padding: 16px 32px; border-top: 1px solid var(--rule); }
@media print { nav { display: none; } figure { break-inside: avoid; } }
)css";

// Renders every chart; records the outcome on the page so a test can wait for it. Errors
// are reported on the console, where the browser test looks for them.
constexpr const char* kRender = R"js(
(function () {
  var charts = document.querySelectorAll('div.chart');
  var pending = charts.length;
  function done() {
    pending -= 1;
    if (pending === 0) document.body.setAttribute('data-rendered', 'true');
  }
  if (pending === 0) document.body.setAttribute('data-rendered', 'true');
  charts.forEach(function (el) {
    var spec = JSON.parse(document.getElementById('spec-' + el.id.slice(6)).textContent);
    vegaEmbed(el, spec, {
      mode: 'vega-lite', renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false }
    }).then(function () { el.setAttribute('data-rendered', 'true'); done(); })
      .catch(function (err) { console.error('chart ' + el.id + ': ' + err); el.setAttribute('data-rendered', 'error'); done(); });
  });
})();
)js";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<Section> build_sections(const ReportInput& in, const json& countries) {
  std::vector<Section> out;
  auto missing = [&](const std::string& model) {
    return std::find(in.missing_models.begin(), in.missing_models.end(), model) !=
           in.missing_models.end();
  };
  if (!in.missing_models.empty() || !in.notes.empty()) {
    Section s;
    s.id = "about";
    s.title = in.missing_models.empty() ? "About this report" : "Models not in this run";
    for (const std::string& n : in.notes) s.intro += (s.intro.empty() ? "" : " ") + n;
    if (!in.missing_models.empty()) {
      std::string names;
      for (const std::string& m : in.missing_models) names += (names.empty() ? "" : ", ") + m;
      s.intro += std::string(s.intro.empty() ? "" : " ") + "This run did not include " +
                 std::to_string(in.missing_models.size()) +
                 " model(s) that apply to the scenario: " + names +
                 ". Their forecasts and sections are missing from this report.";
      if (!in.missing_hint.empty()) s.intro += " To add them: " + in.missing_hint + ".";
    }
    out.push_back(std::move(s));
  }
  if (in.run.is_object()) {
    for (const auto& issue : in.run.value("issues", json::array())) {
      Section s;
      const std::string id = issue.value("id", std::string("issue"));
      s.id = "issue-section-" + id;
      s.title = "Issue: " + issue.value("name", id);
      s.intro =
          "Scale " +
          std::to_string(static_cast<int>(issue.value("scale", json::object()).value("min", 0.0))) +
          "–" +
          std::to_string(
              static_cast<int>(issue.value("scale", json::object()).value("max", 100.0))) +
          "; the models' forecasts are positions on it.";
      s.charts.push_back(issue_chart(issue));
      Chart t = trajectory_chart(issue);
      if (!t.id.empty()) s.charts.push_back(std::move(t));
      out.push_back(std::move(s));
    }
    // Each scenario model's sections, by its registered view (entente/model_views.hpp).
    const json& models = in.run.value("models", json::object());
    for (const ModelView& view : model_views()) {
      if (models.contains(view.model)) {
        if (view.sections) {
          for (Section& s : view.sections(models[view.model], in)) out.push_back(std::move(s));
        }
      } else if (missing(view.model) && !view.section_id.empty()) {
        out.push_back({view.section_id,
                       view.section_title,
                       "Not in this run: the " + view.model +
                           " model did not run (see \"Models not in this run\" above).",
                       {}});
      }
    }
  }
  if (in.map.is_object() && !in.map.value("forces", json::array()).empty()) {
    Section s;
    s.id = "map";
    s.title = "Map";
    s.charts.push_back(map_chart(in.map, countries, in.map_after, in.map_after_date));
    out.push_back(std::move(s));
  }
  Section u;
  u.id = "uncertainty";
  u.title = "Uncertainty";
  if (in.sweep.is_object()) {
    for (Chart& c : sweep_charts(in.sweep)) u.charts.push_back(std::move(c));
  }
  if (in.sensitivity.is_object()) {
    for (Chart& c : sensitivity_charts(in.sensitivity)) u.charts.push_back(std::move(c));
  }
  std::string intro;
  if (in.sweep.is_object())
    intro += "Monte Carlo sweep run " + in.sweep.value("run_id", json("")).dump() + ". ";
  if (in.sensitivity.is_object())
    intro += "Sensitivity run " + in.sensitivity.value("run_id", json("")).dump() + " (" +
             in.sensitivity.value("method", std::string()) + "). ";
  if (in.sensitivity.is_object()) {
    std::string names;
    for (const std::string& o : unmoved_outputs(in.sensitivity))
      names += (names.empty() ? "" : ", ") + o;
    if (!names.empty())
      intro += "Nothing moves " + names +
               ": every input's effect on them is 0 over its sampled range, so no tornado chart "
               "is drawn for them. ";
  }
  if (!in.sweep.is_object())
    intro +=
        "No sweep of this scenario in the run store: run `entente sweep` to add histograms of the "
        "forecasts. ";
  if (!in.sensitivity.is_object())
    intro +=
        "No sensitivity analysis of this scenario in the run store: run `entente sensitivity` to "
        "add tornado charts.";
  u.intro = intro;
  out.push_back(std::move(u));
  return out;
}

std::string render_html(const ReportMeta& meta, const std::vector<Section>& sections,
                        const Assets& assets) {
  std::string h;
  h.reserve(assets.vega.size() + assets.vega_lite.size() + assets.vega_embed.size() + (1 << 20));
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"generator\" content=\"entente " + html_escape(meta.version) + "\">\n";
  h += "<title>" + html_escape(meta.title.empty() ? meta.scenario_id : meta.title) +
       " — entente report</title>\n";
  h += "<style>" + std::string(kStyle) + "</style>\n";
  h += "<script id=\"lib-vega\">" + script_safe(assets.vega) + "</script>\n";
  h += "<script id=\"lib-vega-lite\">" + script_safe(assets.vega_lite) + "</script>\n";
  h += "<script id=\"lib-vega-embed\">" + script_safe(assets.vega_embed) + "</script>\n";
  h += "</head>\n<body>\n<header>\n<h1>" +
       html_escape(meta.title.empty() ? meta.scenario_id : meta.title) + "</h1>\n<dl>\n";
  auto fact = [&](const char* name, const std::string& value) {
    if (!value.empty())
      h += "<div><dt>" + std::string(name) + "</dt><dd>" + html_escape(value) + "</dd></div>\n";
  };
  fact("Scenario", meta.scenario_id);
  fact("Evaluated at", meta.at);
  fact("Run", meta.run_id.empty() ? "computed for this report (not stored)"
                                  : meta.run_id + " (" + meta.kind + ")");
  fact("Created", meta.created);
  fact("Seed", meta.seed);
  fact("Engine", meta.version.empty() ? "" : "entente " + meta.version);
  h += "</dl>\n</header>\n<div class=\"layout\">\n<nav "
       "aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n";
  for (const Section& s : sections) {
    h += "<li><a href=\"#" + html_escape(s.id) + "\">" + html_escape(s.title) + "</a>";
    if (s.charts.size() > 1) {
      h += "<ol>";
      for (const Chart& c : s.charts)
        h += "<li><a href=\"#fig-" + html_escape(c.id) + "\">" + html_escape(c.title) + "</a></li>";
      h += "</ol>";
    }
    h += "</li>\n";
  }
  h += "</ol>\n</nav>\n<main>\n";
  for (const Section& s : sections) {
    h += "<section id=\"" + html_escape(s.id) + "\">\n<h2>" + html_escape(s.title) + "</h2>\n";
    if (!s.intro.empty())
      h += "<p" + std::string(s.charts.empty() ? " class=\"note\"" : "") + ">" +
           html_escape(s.intro) + "</p>\n";
    for (const Chart& c : s.charts) {
      h += "<figure id=\"fig-" + html_escape(c.id) + "\">\n";
      h += "<div class=\"chart\" id=\"chart-" + html_escape(c.id) +
           "\" role=\"img\" aria-label=\"" + html_escape(c.title) + "\"></div>\n";
      h += "<figcaption>" + html_escape(c.caption) + "</figcaption>\n";
      h += "<script type=\"application/json\" id=\"spec-" + html_escape(c.id) + "\">" +
           json_script_safe(c.spec.dump()) + "</script>\n";
      h += "</figure>\n";
    }
    h += "</section>\n";
  }
  h += "</main>\n</div>\n<footer>Generated by entente " + html_escape(meta.version) +
       ". Charts: Vega-Lite specifications rendered by vega, vega-lite and vega-embed, inlined in "
       "this file; map data: Natural Earth via world-atlas. Opens offline.</footer>\n";
  h += "<script>" + std::string(kRender) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace entente::report
