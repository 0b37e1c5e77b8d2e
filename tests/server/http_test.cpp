// The real socket: HttpServer on an ephemeral port, talked to with httplib::Client. What the
// binding adds to Api: JSON errors for what httplib refuses itself (413 before the body is
// read), headers, and a clean stop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <thread>

#include "entente/embedded.hpp"
#include "entente/server.hpp"
#include "support/test_support.hpp"

namespace entente::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ServerHttp, ServesTheApiOnAnEphemeralPort) {
  const std::string dir = test::temp_dir("server-http");
  ApiOptions options;
  options.db = dir + "/runs.db";
  const Api api(options);
  HttpServer http(api, {"127.0.0.1", 0});
  const int port = http.bind();
  ASSERT_GT(port, 0);
  std::thread serving([&] { http.listen(); });

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(120, 0);

  auto scenarios = client.Get("/api/scenarios");
  ASSERT_TRUE(scenarios) << httplib::to_string(scenarios.error());
  EXPECT_EQ(scenarios->status, 200);
  EXPECT_EQ(scenarios->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(scenarios->body)["scenarios"][0]["id"], "korea-2003");

  // The same answer over the socket as from Api::handle.
  const std::string body = json{{"scenario", "korea-2003"}, {"models", {"median"}}}.dump();
  auto run = client.Post("/api/run", body, "application/json");
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, 201);
  EXPECT_EQ(run->get_header_value("Location"), "/api/runs/1");
  Request direct;
  direct.method = "GET";
  direct.path = "/api/runs/1";
  auto stored = client.Get("/api/runs/1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(json::parse(stored->body), json::parse(api.handle(direct).body));

  // Query parameters reach the API.
  auto runs = client.Get("/api/runs?limit=1");
  ASSERT_TRUE(runs);
  EXPECT_EQ(json::parse(runs->body)["runs"].size(), 1U);

  // httplib's own refusal, from Content-Length alone, is JSON too.
  auto big = client.Post("/api/validate", std::string(kMaxRequestBytes + 1, 'x'), "text/yaml");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_THAT(json::parse(big->body)["error"].get<std::string>(),
              ::testing::HasSubstr("larger than"));

  auto missing = client.Get("/api/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["status"], 404);

  auto malformed = client.Post("/api/run", "{", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_THAT(json::parse(malformed->body)["error"].get<std::string>(),
              ::testing::HasSubstr("not valid JSON"));

  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");

  http.stop();
  serving.join();
  fs::remove_all(dir);
}

TEST(ServerHttp, StopBeforeListenReturnsAtOnce) {
  const std::string dir = test::temp_dir("server-http-stop");
  ApiOptions options;
  options.db = dir + "/runs.db";
  const Api api(options);
  HttpServer http(api, {"127.0.0.1", 0});
  (void)http.bind();
  http.stop();
  http.listen();  // must not block
  SUCCEED();
  fs::remove_all(dir);
}

TEST(ServerHttp, BindingAPortInUseFailsNamingIt) {
  const std::string dir = test::temp_dir("server-http-busy");
  ApiOptions options;
  options.db = dir + "/runs.db";
  const Api api(options);
  HttpServer first(api, {"127.0.0.1", 0});
  const int port = first.bind();
  HttpServer second(api, {"127.0.0.1", port});
  try {
    (void)second.bind();
    ADD_FAILURE() << "bound a port already bound";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("127.0.0.1:" + std::to_string(port)));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace entente::server
