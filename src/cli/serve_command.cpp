#include "cli/serve_command.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/runs.hpp"
#include "entente/server.hpp"
#include "entente/store.hpp"

namespace entente::cli {

namespace {

constexpr int kExitFailure = 1;

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db;
  bool quiet = false;
  std::string scenario_dir;
  std::vector<std::string> allow_hosts;
  server::RequestLimits limits;
};

// How long a stop waits for requests in progress before the process exits anyway.
constexpr auto kStopGrace = std::chrono::seconds(10);

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int cmd_serve(const ServeArgs& args) {
  // SIGINT and SIGTERM go to one thread that stops the server; blocked before any other
  // thread starts, so httplib's workers inherit the mask and never take them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A browser that closes a connection mid-answer must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);

  std::optional<server::Api> api;
  try {
    server::ApiOptions options;
    options.db = args.db;
    options.scenario_dir = args.scenario_dir;
    options.allowed_hosts = args.allow_hosts;
    options.limits = args.limits;
    api.emplace(options);
  } catch (const StoreError& e) {
    std::cerr << "error: " << e.what() << "\n";  // the message names the store
    return kExitFailure;
  } catch (const std::runtime_error& e) {
    std::cerr << "error: --scenario-dir: " << e.what() << "\n";
    return kExitFailure;
  }
  server::HttpOptions http_options{args.host, args.port, {}};
  if (!args.quiet) {
    http_options.log = [](const std::string& line) { std::cerr << line << '\n' << std::flush; };
  }
  server::HttpServer http(*api, http_options);
  int port = 0;
  try {
    port = http.bind();
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
  if (!is_loopback(args.host)) {
    std::cerr << fmt::format(
        "warning: serving on {}: the API has no authentication; anyone who can reach this "
        "address can run models and read the run store\n",
        args.host);
  }
  // The browser test reads the port from this line when it asked for port 0.
  std::cout << fmt::format(
                   "entente serving http://{}:{}/ (run store {}); Ctrl-C stops\n",
                   args.host.find(':') != std::string::npos ? "[" + args.host + "]" : args.host,
                   port, args.db)
            << std::flush;

  std::atomic<bool> signalled{false};
  std::atomic<bool> stopped{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    // Runs in progress stop at their next check; reads and keep-alive waits within 100 ms.
    api->stop_runs();
    http.stop();
    // A request that still does not end (a model between checks) must not keep the
    // process alive: the store's writes are transactions, so exiting loses nothing stored.
    const auto until = std::chrono::steady_clock::now() + kStopGrace;
    while (!stopped && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!stopped) {
      std::cerr << "stopping: requests still running after 10 s; exiting\n";
      std::_Exit(kExitFailure);
    }
  });
  http.listen();
  // listen() also returns when the socket fails; the waiter then still waits for a signal.
  // SIGTERM is blocked in every thread, so the process-directed signal goes to its sigwait.
  stopped = true;
  if (!signalled) kill(getpid(), SIGTERM);
  waiter.join();
  std::cout << "stopped\n";
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& code) {
  static ServeArgs args;
  args.db = app::default_db();
  auto* cmd = app.add_subcommand(
      "serve", "Serve the web app: edit a scenario, run models, what-if sliders, stored runs");
  cmd->add_option("--port", args.port, "TCP port (default 8080; 0: any free port, printed)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--host", args.host,
                  "Address to listen on (default 127.0.0.1: this machine only)");
  cmd->add_option("--db", args.db, "Run store (SQLite); default $ENTENTE_DB or ./entente.db");
  cmd->add_option("--scenario-dir", args.scenario_dir,
                  "Directory whose files posted scenarios may reference (a game's efg:); "
                  "default: none, posted scenarios read no files");
  cmd->add_option("--allow-host", args.allow_hosts,
                  "A host name the server answers to besides its IP addresses and localhost "
                  "(repeatable); requests naming another Host are refused (DNS rebinding)");
  cmd->add_option("--max-actors", args.limits.max_actors, "Actors one posted scenario may have")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-issues", args.limits.max_issues, "Issues one posted scenario may have")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-game-nodes", args.limits.max_game_nodes,
                  "Nodes over a posted scenario's games")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  cmd->add_option("--max-seconds", args.limits.max_seconds,
                  "Wall-clock seconds one request's model runs may take")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--max-runs", args.limits.max_concurrent_runs,
                  "Model runs at once over all requests (default: one per hardware thread)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--quiet", args.quiet,
                "No access log (default: one line per request on stderr: time, client, "
                "method, path, status, bytes, milliseconds)");
  cmd->callback([&code] { code = cmd_serve(args); });
}

}  // namespace entente::cli
