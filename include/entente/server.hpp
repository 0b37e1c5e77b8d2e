// `entente serve`: the web app and its JSON API.
//
// Two layers. `Api` turns a request (method, path, query, body) into a response (status,
// content type, body) and knows nothing of sockets, so every route is testable by calling
// `handle`. `HttpServer` binds `Api` to a TCP socket with cpp-httplib. The API is
// documented in docs/api.md; the page it serves (web/app/) is embedded in the binary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/scenario.hpp"
#include "entente/scenario_io.hpp"

namespace entente::server {

// Request bodies larger than this are refused with 413: a scenario at its size limit plus
// room for the JSON around it.
inline constexpr std::size_t kMaxRequestBytes = kMaxScenarioBytes + std::size_t{64} * 1024;

struct Request {
  std::string method;                        // GET, POST, ...
  std::string path;                          // without the query string, e.g. /api/runs/3
  std::map<std::string, std::string> query;  // decoded query parameters
  // Header fields with lower-case names (host, origin, content-type, ...). A request
  // without `host` (a library caller, HTTP/1.0) is not checked for rebinding.
  std::map<std::string, std::string> headers;
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// What one request may ask of the server. A scenario over a size limit is refused with
// 413 before any model runs; a run past its time is stopped and answered with 503.
struct RequestLimits {
  std::size_t max_actors = 200;
  std::size_t max_issues = 50;
  std::size_t max_alliances = 50;
  std::size_t max_forces = 500;
  std::size_t max_events = 1000;
  std::size_t max_game_nodes = 5000;  // decision and terminal nodes over all declared games
  double max_seconds = 30.0;          // wall clock of one request's model runs
  // Model runs at once over all requests (0: one per hardware thread); a request waits at
  // most `queue_seconds` for its turn, then gets 503.
  std::size_t max_concurrent_runs = 0;
  double queue_seconds = 10.0;
};

struct ApiOptions {
  std::string db = "entente.db";  // the run store (SQLite); created when missing
  std::size_t max_body_bytes = kMaxRequestBytes;
  // Files a posted scenario may reference (a game's `efg:`): none when empty, else regular
  // files under this directory only.
  std::string scenario_dir;
  // Host names the API answers besides IP literals and `localhost` (DNS rebinding: a page
  // of another site reaching this server through a name it controls is refused).
  std::vector<std::string> allowed_hosts;
  RequestLimits limits;
};

// One editable number of a scenario for the what-if slider: `path` is what
// apply_input accepts; `value` is its value at the run date.
struct Input {
  std::string path;   // e.g. issues.nk-policy.positions.ROK.position, forces.2id-casey.lat
  std::string label;  // human, e.g. "North Korea policy: ROK position"
  std::string group;  // issue name, or "Forces: latitude"
  double value = 0.0;
  double min = 0.0;
  double max = 1.0;
  double step = 0.01;
};

// The numbers a what-if slider may move in `s` (events applied): every settable number of
// the scenario (include/entente/fields.hpp: capabilities, positions and saliences, status
// quos, alliance terms, forces' strengths and coordinates, weapons, polls, game
// parameters), with a slider's range: the field's own range where it is closed, else from
// its bound to twice the value's size, and ±1.5° around a unit's coordinates.
std::vector<Input> inputs_of(const Scenario& s);

// Sets the number at `path` (a path inputs_of lists) to `value` in `s`, in the field's
// range as the loader enforces it (not the slider's, which is only a view). Throws
// std::invalid_argument naming the path when it names nothing settable, or the value is
// outside the field's range.
void apply_input(Scenario& s, const std::string& path, double value);

// One forecast of a run document: an issue model's forecast, or a scenario model's
// headline number (an alliance's health and P(holds 5 years), a game's equilibrium).
struct Forecast {
  std::string key;    // stable across runs: "issue/<id>/<model>" or "<model>/<...>"
  std::string group;  // issue name or alliance/game name
  std::string model;
  std::string label;  // what the number is, e.g. "forecast", "P(holds 5 years)"
  std::optional<double> value;
};

// The forecasts of a run document, in document order.
std::vector<Forecast> forecasts_of(const nlohmann::json& document);

// Rows {key, group, model, label, a, b, diff} pairing two lists by key (diff = b - a, null
// when either is missing); keys of `a` first, then those only in `b`.
nlohmann::json compare_forecasts(const std::vector<Forecast>& a, const std::vector<Forecast>& b);

class Api {
 public:
  // Opens the run store once to fail early (StoreError naming the path) and builds the
  // route table.
  explicit Api(ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;
  Api(Api&&) = delete;
  Api& operator=(Api&&) = delete;

  // Answers one request; never throws. Safe to call from many threads at once: each call
  // opens its own store connection, and SQLite serialises the writes. Errors are JSON
  // {"error": message, ...} with status 400 (malformed request, unknown field), 403 (a
  // foreign Host or Origin), 404 (no such route or object), 405 (wrong method), 413 (body
  // or scenario too large), 415 (a body of the wrong media type), 422 (invalid scenario,
  // with "diagnostics"), 500 (a model or the store failed) or 503 (busy, time limit, or
  // shutting down). Every response carries the security headers (CSP, X-Frame-Options,
  // X-Content-Type-Options, Referrer-Policy).
  [[nodiscard]] Response handle(const Request& request) const;

  // Stops every model run in progress (they answer 503) and refuses new ones; for a
  // server shutting down. Safe from any thread.
  void stop_runs() const;

  [[nodiscard]] const ApiOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port, see HttpServer::port
  // Receives one line per request answered (access log; see HttpServer), from the server's
  // worker threads one at a time. Empty: no log.
  std::function<void(const std::string&)> log;
  // A request's line, headers and body must arrive within this many seconds of its first
  // byte (slow clients cannot hold a worker); each read or write waits at most io_seconds.
  double request_seconds = 20.0;
  double io_seconds = 5.0;
  double keep_alive_seconds = 5.0;  // an idle connection is closed after this
  std::size_t threads = 32;         // worker threads (one per open connection)
  // Connections one client address may hold open at once; more are answered 503 and
  // closed, so that one client cannot take every worker.
  std::size_t max_connections_per_client = 12;
};

// `Api` on a socket (cpp-httplib's thread pool). Bodies over the API's limit are refused
// with 413 before they are read. Every response the API makes carries a `Server-Timing:
// api;dur=MS` header; the access log line is "TIME CLIENT METHOD PATH STATUS BYTES MS"
// (UTC ISO time; MS is the API's time, "-" for requests httplib refused itself).
class HttpServer {
 public:
  HttpServer(const Api& api, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;

  // Binds the socket; returns the port (the one chosen when options.port is 0). Throws
  // std::runtime_error naming host and port when binding fails.
  int bind();
  // Serves until stop() is called (from another thread or a signal handler's thread).
  // Requires bind().
  void listen();
  // Stops listen(); safe to call from any thread, also before listen() starts.
  void stop();
  [[nodiscard]] int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace entente::server
