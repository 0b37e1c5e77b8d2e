#include "entente/report_assets.hpp"

extern "C" {
// Defined by the assembler stubs cmake/embed.cmake generates from web/node_modules.
// NOLINTBEGIN(readability-identifier-naming)
extern const char vega_min_js[];
extern const char vega_min_js_end[];
extern const char vega_lite_min_js[];
extern const char vega_lite_min_js_end[];
extern const char vega_embed_min_js[];
extern const char vega_embed_min_js_end[];
extern const char world_atlas_countries_json[];
extern const char world_atlas_countries_json_end[];
// NOLINTEND(readability-identifier-naming)
}

namespace entente::report {

namespace {

std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

Assets embedded_assets() {
  return {view(vega_min_js, vega_min_js_end), view(vega_lite_min_js, vega_lite_min_js_end),
          view(vega_embed_min_js, vega_embed_min_js_end)};
}

std::string_view embedded_world_atlas() {
  return view(world_atlas_countries_json, world_atlas_countries_json_end);
}

}  // namespace entente::report
