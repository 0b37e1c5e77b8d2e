// The report's JavaScript and map data, embedded into the binary at build time from the npm
// packages in web/node_modules (cmake/embed.cmake), so `entente report` works offline from
// an installed binary.
#pragma once

#include <string_view>

#include "entente/report.hpp"

namespace entente::report {

// vega, vega-lite and vega-embed (minified UMD builds, the versions web/package-lock.json
// pins).
Assets embedded_assets();

// world-atlas countries-50m.json: Natural Earth 1:50m country outlines, TopoJSON.
std::string_view embedded_world_atlas();

}  // namespace entente::report
