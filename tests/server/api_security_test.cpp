// The server as a hostile client or another web site would try it (issue 15's security
// defects, each a regression test): files named inside a posted scenario, cross-site and
// rebinding requests, unknown fields, oversized scenarios, runs past their deadline, and
// slow or greedy connections on the real socket.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "entente/embedded.hpp"
#include "entente/server.hpp"
#include "entente/store.hpp"
#include "support/test_support.hpp"

namespace entente::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// A scenario with one game read from `efg` (tests/data/games/deterrence.efg's players and
// outcomes), so that whether the file was read shows in the answer.
std::string efg_scenario(const std::string& efg) {
  return "entente: 1\nid: efg\ntitle: Efg\nas_of: 2003-01-01\nactors:\n"
         "  - {id: CH, name: Challenger, kind: state, capability: 1}\n"
         "  - {id: DF, name: Defender, kind: state, capability: 1}\n"
         "games:\n  - id: deter\n    name: Deterrence\n    players: [CH, DF]\n    efg: '" +
         efg + "'\n";
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

class ServerSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("server-security");
    options_.db = dir_ + "/runs.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] Api& api() {
    if (!api_) api_ = std::make_unique<Api>(options_);
    return *api_;
  }

  Response request(const std::string& method, const std::string& path, const std::string& body,
                   std::map<std::string, std::string> headers,
                   std::map<std::string, std::string> query = {}) {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.headers = std::move(headers);
    r.query = std::move(query);
    return api().handle(r);
  }
  Response validate(const std::string& text) {
    return request("POST", "/api/validate", text, {{"content-type", "text/yaml"}});
  }
  Response run(const json& body) {
    return request("POST", "/api/run", body.dump(), {{"content-type", "application/json"}});
  }
  static std::string error_of(const Response& r) { return json::parse(r.body).value("error", ""); }
  static std::string diagnostics_of(const Response& r) {
    return json::parse(r.body)["diagnostics"].dump();
  }

  std::string dir_;
  ApiOptions options_;
  std::unique_ptr<Api> api_;
};

// Defect 1: `efg: /etc/shadow` answered "found 'root'"; a missing file answered otherwise
// (an existence oracle). Without --scenario-dir no file is read, and every reference gets
// the same message, whatever exists.
TEST_F(ServerSecurity, APostedScenarioReadsNoFileByDefault) {
  const std::string secret = dir_ + "/secret.efg";
  write(secret, test::read_file(test::source_path("tests/data/games/deterrence.efg")));
  const Response existing = validate(efg_scenario(secret));
  const Response passwd = validate(efg_scenario("/etc/passwd"));
  const Response missing = validate(efg_scenario(dir_ + "/no-such.efg"));
  const Response dev = validate(efg_scenario("/dev/zero"));
  for (const Response* r : {&existing, &passwd, &missing, &dev}) {
    ASSERT_EQ(r->status, 200) << r->body;
    const json v = json::parse(r->body);
    EXPECT_FALSE(v["valid"].get<bool>());
    ASSERT_EQ(v["diagnostics"].size(), 1U) << r->body;
    EXPECT_THAT(v["diagnostics"][0]["message"].get<std::string>(),
                HasSubstr("this server reads no file a scenario names"));
    EXPECT_THAT(r->body, Not(HasSubstr("root")));
    EXPECT_THAT(r->body, Not(HasSubstr("Challenger\"")));
  }
  // The messages differ only in the path the client itself wrote.
  const auto message = [](const Response& r) {
    std::string m = json::parse(r.body)["diagnostics"][0]["message"];
    return m.substr(m.find("': "));
  };
  EXPECT_EQ(message(existing), message(missing));
  EXPECT_EQ(message(passwd), message(dev));
  // The run route reads nothing either.
  const Response ran = run({{"text", efg_scenario("/etc/passwd")}, {"models", {"crisis"}}});
  EXPECT_EQ(ran.status, 422);
  EXPECT_THAT(ran.body, Not(HasSubstr("root:")));
}

// With --scenario-dir, files under it load; anything outside it (.., absolute, a link out
// of it, a device) gets one message, the same as a file that does not exist.
TEST_F(ServerSecurity, ScenarioDirAllowsOnlyRegularFilesInsideIt) {
  const std::string scen = dir_ + "/scenarios";
  fs::create_directories(scen + "/sub");
  const std::string game = test::read_file(test::source_path("tests/data/games/deterrence.efg"));
  write(scen + "/sub/deterrence.efg", game);
  write(dir_ + "/outside.efg", game);
  fs::create_symlink(dir_ + "/outside.efg", scen + "/link.efg");
  fs::create_directories(dir_ + "/scenarios-other");
  write(dir_ + "/scenarios-other/x.efg", game);
  options_.scenario_dir = scen;

  const Response inside = validate(efg_scenario("sub/deterrence.efg"));
  ASSERT_EQ(inside.status, 200);
  EXPECT_TRUE(json::parse(inside.body)["valid"].get<bool>()) << inside.body;
  // The client's name is a label: its directories do not move the lookup.
  const Response named = request("POST", "/api/validate", efg_scenario("sub/deterrence.efg"),
                                 {{"content-type", "text/yaml"}}, {{"name", "../../x/mine.yaml"}});
  EXPECT_TRUE(json::parse(named.body)["valid"].get<bool>()) << named.body;
  EXPECT_THAT(named.body, HasSubstr("mine.yaml"));
  EXPECT_THAT(named.body, Not(HasSubstr("../")));

  std::string refused;
  for (const std::string& ref :
       {std::string("../outside.efg"), dir_ + "/outside.efg", std::string("link.efg"),
        std::string("../scenarios-other/x.efg"), std::string("/dev/zero"), std::string("sub"),
        std::string("nothing-here.efg")}) {
    const Response r = validate(efg_scenario(ref));
    ASSERT_EQ(r.status, 200) << ref;
    const json v = json::parse(r.body);
    EXPECT_FALSE(v["valid"].get<bool>()) << ref;
    std::string m = v["diagnostics"][0]["message"];
    m = m.substr(m.find("': "));
    if (refused.empty()) refused = m;
    EXPECT_EQ(m, refused) << ref;
  }
  EXPECT_THAT(refused, HasSubstr("no such file in the server's scenario directory"));

  options_.scenario_dir = dir_ + "/not-a-dir";
  api_.reset();
  EXPECT_THROW((void)api(), std::runtime_error);
}

// Defect 2: a cross-origin text/plain POST was executed and stored. Bodies must carry a
// type no page can send without the server's consent.
TEST_F(ServerSecurity, BodiesOfTypesAnyPageCanSendAreRefused) {
  const std::string body = json{{"scenario", "korea-2003"}, {"models", {"median"}}}.dump();
  for (const std::string& type :
       {std::string("text/plain"), std::string("text/plain;charset=UTF-8"),
        std::string("application/x-www-form-urlencoded"), std::string("multipart/form-data"),
        std::string("")}) {
    std::map<std::string, std::string> headers;
    if (!type.empty()) headers["content-type"] = type;
    const Response r = request("POST", "/api/run", body, headers);
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
    EXPECT_THAT(error_of(r), HasSubstr("application/json"));
    const Response v =
        request("POST", "/api/validate", std::string(embedded_default_scenario()), headers);
    EXPECT_EQ(v.status, 415) << type;
  }
  EXPECT_TRUE(RunStore(options_.db).list_runs(0).empty());  // nothing ran, nothing stored
  const Response ok =
      request("POST", "/api/run", body, {{"content-type", "Application/JSON; charset=utf-8"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

// Defect 2: `Host: rebind.attacker.example` read stored runs (DNS rebinding), and a foreign
// Origin was obeyed.
TEST_F(ServerSecurity, ForeignHostsAndOriginsAreRefused) {
  options_.allowed_hosts = {"Entente.Example"};
  const auto get = [&](std::map<std::string, std::string> headers) {
    return request("GET", "/api/runs", "", std::move(headers));
  };
  const Response rebound = get({{"host", "rebind.attacker.example:8080"}});
  EXPECT_EQ(rebound.status, 403);
  EXPECT_THAT(error_of(rebound), HasSubstr("rebind.attacker.example"));
  EXPECT_EQ(get({{"host", "localhost.attacker.example"}}).status, 403);
  for (const char* host : {"localhost:8080", "LOCALHOST", "127.0.0.1:8080", "[::1]:8080",
                           "192.168.1.20:8080", "entente.example:8080"}) {
    EXPECT_EQ(get({{"host", host}}).status, 200) << host;
  }
  // Same-origin requests carry the page's own origin.
  EXPECT_EQ(get({{"host", "localhost:8080"}, {"origin", "http://localhost:8080"}}).status, 200);
  for (const char* origin : {"http://evil.example", "http://localhost:9999", "null",
                             "https://localhost:8080", "localhost:8080"}) {
    const Response r = get({{"host", "localhost:8080"}, {"origin", origin}});
    EXPECT_EQ(r.status, 403) << origin;
    EXPECT_THAT(error_of(r), HasSubstr("cross-origin"));
  }
  const Response post = request("POST", "/api/run", json{{"scenario", "korea-2003"}}.dump(),
                                {{"host", "127.0.0.1:8080"},
                                 {"origin", "http://evil.example"},
                                 {"content-type", "application/json"}});
  EXPECT_EQ(post.status, 403);
  EXPECT_TRUE(RunStore(options_.db).list_runs(0).empty());
}

TEST_F(ServerSecurity, EveryAnswerCarriesTheSecurityHeaders) {
  const auto header = [](const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return std::string();
  };
  for (const Response& r :
       {request("GET", "/", "", {}), request("GET", "/app.js", "", {}),
        request("GET", "/api/models", "", {}), request("GET", "/api/nothing", "", {}),
        request("GET", "/api/runs", "", {{"host", "evil.example"}})}) {
    EXPECT_THAT(header(r, "Content-Security-Policy"), HasSubstr("default-src 'none'"));
    EXPECT_THAT(header(r, "Content-Security-Policy"), HasSubstr("frame-ancestors 'none'"));
    EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
  }
}

// Defect 2: `{"sead": 5}` silently ran with seed 1.
TEST_F(ServerSecurity, UnknownRequestFieldsAreRefused) {
  const Response r = run({{"scenario", "korea-2003"}, {"sead", 5}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(error_of(r), HasSubstr("unknown field 'sead'"));
  EXPECT_THAT(error_of(r), HasSubstr("did you mean 'seed'"));
  const Response w =
      request("POST", "/api/whatif",
              json{{"scenario", "korea-2003"},
                   {"input", {{"path", "forces.2id-casey.lat"}, {"value", 37.0}, {"vale", 1}}}}
                  .dump(),
              {{"content-type", "application/json"}});
  EXPECT_EQ(w.status, 400);
  EXPECT_THAT(error_of(w), HasSubstr("unknown field 'input.vale'"));
  EXPECT_TRUE(RunStore(options_.db).list_runs(0).empty());
}

// Defect 3: a 4 KB, 300-actor table made bdm take seconds and hundreds of MB per request.
TEST_F(ServerSecurity, ScenariosOverTheLimitsAreRefusedBeforeRunning) {
  options_.limits.max_actors = 250;
  std::string csv = "actor,capability,position,salience\n";
  for (int i = 0; i < 300; ++i) {
    csv += "A" + std::to_string(i) + "," + std::to_string(1 + i % 7) + "," +
           std::to_string(i % 100) + ",0." + std::to_string(1 + i % 9) + "\n";
  }
  const Response r = run({{"text", csv}, {"name", "big.csv"}, {"models", {"bdm"}}});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_THAT(error_of(r), HasSubstr("300 actors"));
  EXPECT_THAT(error_of(r), HasSubstr("--max-actors"));
  EXPECT_TRUE(RunStore(options_.db).list_runs(0).empty());
  // Games count by their nodes: korea-2003's crisis game alone is more than two nodes.
  options_.limits.max_game_nodes = 2;
  api_.reset();
  const Response g = run({{"scenario", "korea-2003"}, {"models", {"crisis"}}});
  EXPECT_EQ(g.status, 413) << g.body;
  EXPECT_THAT(error_of(g), HasSubstr("--max-game-nodes"));
}

// Defect 3: no deadline. A run past its time is stopped, answered 503, and stored as failed
// (never left `running`).
TEST_F(ServerSecurity, ARunPastItsDeadlineIsStoppedAndStoredAsFailed) {
  options_.limits.max_seconds = 1e-9;
  const Response r = run({{"scenario", "korea-2003"}, {"models", {"bdm"}}});
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_THAT(error_of(r), HasSubstr("--max-seconds"));
  const auto runs = RunStore(options_.db).list_runs(0);
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_THAT(runs[0].error, HasSubstr("stopped"));
}

TEST_F(ServerSecurity, StoppingRefusesNewRuns) {
  api().stop_runs();
  const Response r = run({{"scenario", "korea-2003"}, {"models", {"median"}}});
  EXPECT_EQ(r.status, 503);
  EXPECT_THAT(error_of(r), HasSubstr("shutting down"));
  EXPECT_EQ(request("GET", "/api/models", "", {}).status, 200);  // reads still answered
}

// --- the socket -------------------------------------------------------------------------

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own type
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Whether the server closed `fd` (recv sees end of stream or an error) within `ms`.
bool closed_within(int fd, int ms, std::string* got = nullptr) {
  pollfd p{fd, POLLIN, 0};
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (poll(&p, 1, 50) > 0) {
      char buf[4096];
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) return true;
      if (got != nullptr) got->append(buf, static_cast<std::size_t>(n));
    }
  }
  return false;
}

class ServerSocket : public ::testing::Test {
 protected:
  void start(HttpOptions o) {
    dir_ = test::temp_dir("server-socket");
    ApiOptions options;
    options.db = dir_ + "/runs.db";
    api_ = std::make_unique<Api>(options);
    o.host = "127.0.0.1";
    o.port = 0;
    http_ = std::make_unique<HttpServer>(*api_, o);
    port_ = http_->bind();
    serving_ = std::thread([this] { http_->listen(); });
  }
  void TearDown() override {
    if (http_) http_->stop();
    if (serving_.joinable()) serving_.join();
    http_.reset();
    api_.reset();
    fs::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
  std::thread serving_;
  int port_ = 0;
};

// Defect 4: eight connections sending a byte a second blocked every other request. A
// request must arrive whole within request_seconds, however steadily its bytes trickle.
TEST_F(ServerSocket, ASlowClientIsCutOffAndOthersAreServed) {
  HttpOptions o;
  o.request_seconds = 1.0;
  o.threads = 4;
  start(o);
  std::vector<int> slow;
  for (int i = 0; i < 4; ++i) {
    const int fd = connect_to(port_);
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  // A byte every 200 ms: each read is well within io_seconds, the whole far past 1 s.
  const std::string line = "GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa";
  std::vector<bool> cut(slow.size(), false);
  for (std::size_t b = 0; b < line.size() && std::count(cut.begin(), cut.end(), false) > 0; ++b) {
    for (std::size_t i = 0; i < slow.size(); ++i) {
      if (cut[i]) continue;
      if (send(slow[i], &line[b], 1, MSG_NOSIGNAL) != 1 || closed_within(slow[i], 200)) {
        cut[i] = true;
      }
    }
  }
  for (std::size_t i = 0; i < slow.size(); ++i) {
    EXPECT_TRUE(cut[i] || closed_within(slow[i], 3000)) << "slow connection " << i;
    close(slow[i]);
  }
  // Every worker is free again.
  httplib::Client client("127.0.0.1", port_);
  auto r = client.Get("/api");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// Defect 4: one client cannot hold every worker: past its connection limit it is answered
// 503 at once while another client's requests are still served.
TEST_F(ServerSocket, OneClientsConnectionsAreBounded) {
  HttpOptions o;
  o.max_connections_per_client = 2;
  o.keep_alive_seconds = 30.0;
  o.threads = 8;
  start(o);
  const int a = connect_to(port_);
  const int b = connect_to(port_);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  // Both idle connections are being served (waiting for a request) before the third comes.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int c = connect_to(port_);
  ASSERT_GE(c, 0);
  std::string answer;
  EXPECT_TRUE(closed_within(c, 5000, &answer));
  EXPECT_THAT(answer, HasSubstr("503"));
  EXPECT_THAT(answer, HasSubstr("connections open"));
  close(c);
  close(a);
  close(b);
  // Once they are closed the client is served again.
  httplib::Client client("127.0.0.1", port_);
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    auto r = client.Get("/api");
    status = r ? r->status : 0;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
}

// Defect 4: a stop must not wait for idle or trickling connections.
TEST_F(ServerSocket, StopDoesNotWaitForIdleConnections) {
  HttpOptions o;
  o.keep_alive_seconds = 600.0;
  o.request_seconds = 600.0;
  o.io_seconds = 600.0;
  start(o);
  const int idle = connect_to(port_);
  const int partial = connect_to(port_);
  ASSERT_GE(idle, 0);
  ASSERT_GE(partial, 0);
  const std::string part = "GET /api HTTP/1.1\r\nHo";
  ASSERT_EQ(send(partial, part.data(), part.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(part.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  http_->stop();
  serving_.join();  // would hang for 600 s without the stop reaching the workers
  EXPECT_TRUE(closed_within(idle, 2000));
  EXPECT_TRUE(closed_within(partial, 2000));
  close(idle);
  close(partial);
}

}  // namespace
}  // namespace entente::server
