#include "server/assets.hpp"

#include <array>
#include <utility>

#include "entente/report_assets.hpp"

extern "C" {
// Defined by the assembler stubs cmake/embed.cmake generates from web/app and
// web/node_modules/codemirror.
// NOLINTBEGIN(readability-identifier-naming)
extern const char app_index_html[];
extern const char app_index_html_end[];
extern const char app_app_js[];
extern const char app_app_js_end[];
extern const char app_app_css[];
extern const char app_app_css_end[];
extern const char codemirror_js[];
extern const char codemirror_js_end[];
extern const char codemirror_css[];
extern const char codemirror_css_end[];
extern const char codemirror_yaml_js[];
extern const char codemirror_yaml_js_end[];
extern const char codemirror_lint_js[];
extern const char codemirror_lint_js_end[];
extern const char codemirror_lint_css[];
extern const char codemirror_lint_css_end[];
// NOLINTEND(readability-identifier-naming)
}

namespace entente::server {

namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kJs = "text/javascript; charset=utf-8";
constexpr std::string_view kCss = "text/css; charset=utf-8";

std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::optional<Asset> find_asset(const std::string& path) {
  const report::Assets vega = report::embedded_assets();
  const std::array<std::pair<std::string_view, Asset>, 12> assets = {{
      {"/", {kHtml, view(app_index_html, app_index_html_end)}},
      {"/index.html", {kHtml, view(app_index_html, app_index_html_end)}},
      {"/app.js", {kJs, view(app_app_js, app_app_js_end)}},
      {"/app.css", {kCss, view(app_app_css, app_app_css_end)}},
      {"/vendor/codemirror.js", {kJs, view(codemirror_js, codemirror_js_end)}},
      {"/vendor/codemirror.css", {kCss, view(codemirror_css, codemirror_css_end)}},
      {"/vendor/yaml.js", {kJs, view(codemirror_yaml_js, codemirror_yaml_js_end)}},
      {"/vendor/lint.js", {kJs, view(codemirror_lint_js, codemirror_lint_js_end)}},
      {"/vendor/lint.css", {kCss, view(codemirror_lint_css, codemirror_lint_css_end)}},
      {"/vendor/vega.min.js", {kJs, vega.vega}},
      {"/vendor/vega-lite.min.js", {kJs, vega.vega_lite}},
      {"/vendor/vega-embed.min.js", {kJs, vega.vega_embed}},
  }};
  for (const auto& [p, asset] : assets) {
    if (p == path) return asset;
  }
  return std::nullopt;
}

}  // namespace entente::server
