// libFuzzer target for the web app's API: arbitrary bytes become one request to Api::handle
// (no socket). The first byte picks the route, the second the headers (a valid or a hostile
// Content-Type, Host and Origin); the rest is the body, or the path's id and query. The API
// must answer every request with a JSON body and a status it documents, never throw, and
// never report an internal error; requests run under small limits (20 actors, 2 s).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "entente/server.hpp"

namespace {

entente::server::Api& api() {
  static std::unique_ptr<entente::server::Api> instance = [] {
    entente::server::ApiOptions o;
    const auto dir =
        std::filesystem::temp_directory_path() / ("entente-fuzz-api-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    o.db = (dir / "runs.db").string();
    o.limits.max_actors = 20;
    o.limits.max_issues = 5;
    o.limits.max_game_nodes = 200;
    o.limits.max_seconds = 2.0;
    return std::make_unique<entente::server::Api>(o);
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer's bytes as text
  const std::string rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  entente::server::Request r;
  switch (data[0] % 8) {
    case 0:
      r.method = "POST";
      r.path = "/api/validate";
      r.body = rest;
      break;
    case 1:
      r.method = "POST";
      r.path = "/api/run";
      r.body = rest;
      break;
    case 2:
      r.method = "POST";
      r.path = "/api/whatif";
      r.body = rest;
      break;
    case 3:
      r.method = "GET";
      r.path = "/api/runs/" + rest;
      break;
    case 4:
      r.method = "GET";
      r.path = "/api/runs/" + rest + "/report";
      break;
    case 5:
      r.method = "GET";
      r.path = "/api/compare";
      r.query = {{"a", rest.substr(0, rest.size() / 2)}, {"b", rest.substr(rest.size() / 2)}};
      break;
    case 6:
      r.method = "GET";
      r.path = "/" + rest;
      break;
    default:
      r.method = rest.substr(0, rest.find(' '));
      r.path = rest.substr(std::min(rest.size(), rest.find(' ')));
      break;
  }
  const unsigned h = data[1];
  const bool yaml = r.path == "/api/validate";
  static const char* const kTypes[] = {"application/json", "text/yaml", "text/plain", ""};
  const char* type = (h & 3U) == 0 ? (yaml ? "text/yaml" : "application/json") : kTypes[h & 3U];
  if (*type != '\0') r.headers["content-type"] = type;
  if ((h & 4U) != 0) r.headers["host"] = (h & 8U) != 0 ? "evil.example" : "localhost:8080";
  if ((h & 16U) != 0) r.headers["origin"] = (h & 32U) != 0 ? "http://evil.example" : "null";

  const entente::server::Response out = api().handle(r);
  static const std::set<int> kDocumented = {200, 201, 400, 403, 404, 405,
                                            409, 413, 415, 422, 500, 503};
  if (kDocumented.count(out.status) == 0) {
    std::fprintf(stderr, "undocumented status %d for %s %s\n", out.status, r.method.c_str(),
                 r.path.c_str());
    std::abort();
  }
  if (out.content_type == "application/json") {
    const auto j = nlohmann::json::parse(out.body, nullptr, false);
    if (j.is_discarded()) {
      std::fprintf(stderr, "answer is not JSON: %s\n", out.body.c_str());
      std::abort();
    }
    if (out.status == 500 && j.value("error", "").rfind("internal error", 0) == 0) {
      std::fprintf(stderr, "internal error for %s %s: %s\n", r.method.c_str(), r.path.c_str(),
                   out.body.c_str());
      std::abort();
    }
  }
  return 0;
}
