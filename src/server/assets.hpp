// Internal: the page the server sends (web/app/) and the libraries it loads (CodeMirror,
// vega, vega-lite, vega-embed), embedded in the binary at build time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace entente::server {

struct Asset {
  std::string_view content_type;
  std::string_view bytes;
};

// The asset served at `path` ("/" is the page), or nullopt.
std::optional<Asset> find_asset(const std::string& path);

}  // namespace entente::server
