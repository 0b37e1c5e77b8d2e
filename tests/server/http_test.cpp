// The real socket: HttpServer on an ephemeral port, talked to with httplib::Client. What the
// binding adds to Api: JSON errors for what httplib refuses itself (413 before the body is
// read), headers, and a clean stop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

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
  HttpServer http(api, {"127.0.0.1", 0, {}});
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

  // A scenario posted as YAML is read whole: httplib would parse a form body as fields
  // and refuse it over 8 KiB. A form body (curl --data's default type, and what any web
  // page may send here without asking) is refused: see ServerSecurity.
  const std::string text(embedded_default_scenario());
  ASSERT_GT(text.size(), 8192U);
  auto yaml = client.Post("/api/validate?name=korea-2003.yaml", text, "text/yaml");
  ASSERT_TRUE(yaml);
  EXPECT_EQ(yaml->status, 200) << yaml->body;
  EXPECT_TRUE(json::parse(yaml->body)["valid"].get<bool>());
  auto form =
      client.Post("/api/validate?name=korea-2003.yaml", text, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415) << form->body;

  // A chunked body over the limit is refused as it streams.
  auto chunked = client.Post(
      "/api/validate",
      [sent = std::size_t{0}](std::size_t, httplib::DataSink& sink) mutable {
        const std::string chunk(1024 * 1024, 'x');
        if (sent > kMaxRequestBytes) {
          sink.done();
        } else {
          sink.write(chunk.data(), chunk.size());
          sent += chunk.size();
        }
        return true;
      },
      "text/yaml");
  ASSERT_TRUE(chunked) << httplib::to_string(chunked.error());
  EXPECT_EQ(chunked->status, 413);

  auto multipart =
      client.Post("/api/validate",
                  httplib::MultipartFormDataItems{{"file", text, "korea-2003.yaml", "text/yaml"}});
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 415);

  auto missing = client.Get("/api/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["status"], 404);

  auto malformed = client.Post("/api/run", "{", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_THAT(json::parse(malformed->body)["error"].get<std::string>(),
              ::testing::HasSubstr("not valid JSON"));

  // Sent as they are, even to a client that accepts brotli: httplib's brotli at quality 11
  // takes a second per large script.
  auto script = client.Get("/vendor/vega.min.js", {{"Accept-Encoding", "br, gzip"}});
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_FALSE(script->has_header("Content-Encoding"));
  EXPECT_GT(script->body.size(), 100000U);

  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");

  http.stop();
  serving.join();
  fs::remove_all(dir);
}

TEST(ServerHttp, LogsEachRequestAndTimesTheApi) {
  const std::string dir = test::temp_dir("server-log");
  ApiOptions options;
  options.db = dir + "/runs.db";
  const Api api(options);
  std::mutex mutex;
  std::vector<std::string> lines;
  HttpOptions http_options{"127.0.0.1", 0, [&](const std::string& line) {
                             const std::lock_guard<std::mutex> lock(mutex);
                             lines.push_back(line);
                           }};
  HttpServer http(api, http_options);
  const int port = http.bind();
  std::thread serving([&] { http.listen(); });
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(120, 0);
  auto scenarios = client.Get("/api/scenarios");
  ASSERT_TRUE(scenarios);
  // The API's own time, as a standard header the browser's devtools show.
  EXPECT_THAT(scenarios->get_header_value("Server-Timing"),
              testing::MatchesRegex("api;dur=[0-9]+\\.[0-9]"));
  auto missing = client.Get("/api/runs/999");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // Refused by httplib before the API sees it: no API time.
  auto big = client.Post("/api/validate", std::string(kMaxRequestBytes + 1, 'x'), "text/yaml");
  ASSERT_TRUE(big);
  http.stop();
  serving.join();
  const std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(lines.size(), 3U);
  const std::string time = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z";
  EXPECT_THAT(lines[0],
              testing::MatchesRegex(time + " 127\\.0\\.0\\.1 GET /api/scenarios 200 " +
                                    std::to_string(scenarios->body.size()) + " [0-9]+\\.[0-9]"));
  EXPECT_THAT(lines[1],
              testing::MatchesRegex(time + " 127\\.0\\.0\\.1 GET /api/runs/999 404 [0-9]+ "
                                           "[0-9]+\\.[0-9]"));
  EXPECT_THAT(lines[2],
              testing::MatchesRegex(time + " 127\\.0\\.0\\.1 POST /api/validate 413 [0-9]+ -"));
}

TEST(ServerHttp, StopBeforeListenReturnsAtOnce) {
  const std::string dir = test::temp_dir("server-http-stop");
  ApiOptions options;
  options.db = dir + "/runs.db";
  const Api api(options);
  HttpServer http(api, {"127.0.0.1", 0, {}});
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
  HttpServer first(api, {"127.0.0.1", 0, {}});
  const int port = first.bind();
  HttpServer second(api, {"127.0.0.1", port, {}});
  try {
    (void)second.bind();
    ADD_FAILURE() << "bound a port already bound";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("127.0.0.1:" + std::to_string(port)));
  }
  fs::remove_all(dir);
}

// `entente serve` itself: prints where it listens, stops cleanly on SIGTERM (exit 0), and
// refuses a store it cannot open (exit 1) before listening.
TEST(ServerCli, ServePrintsItsUrlAndStopsOnSigterm) {
  const std::string dir = test::temp_dir("server-cli");
  const auto r = test::run_command(
      "cd '" + dir + "' && ('" + std::string(ENTENTE_BIN) +
      "' serve --port 0 --db runs.db > out.txt 2> err.txt & pid=$!; "
      "for i in $(seq 100); do grep -q serving out.txt && break; sleep 0.1; done; "
      "kill -TERM $pid; wait $pid; echo \"exit $?\"; cat out.txt err.txt)");
  EXPECT_THAT(r.out, ::testing::ContainsRegex("entente serving http://127\\.0\\.0\\.1:[0-9]+/ "
                                              "\\(run store runs\\.db\\)"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("exit 0"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("stopped"));
  const auto bad = test::run_entente("serve --port 0 --db '" + dir + "/no/such/dir/runs.db'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("no/such/dir/runs.db"));
  EXPECT_EQ(bad.out, "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace entente::server
