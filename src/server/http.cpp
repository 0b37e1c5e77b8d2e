// The socket side: cpp-httplib's server, every request handed to Api::handle.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "entente/server.hpp"

namespace entente::server {

namespace {

std::string error_body(int status, const std::string& message) {
  return nlohmann::json{{"error", message}, {"status", status}}.dump();
}

// Errors httplib raises itself, before a handler runs, as the API would word them.
std::string httplib_error(int status, std::size_t limit) {
  switch (status) {
    case 413:
      return fmt::format("the request body is larger than {} bytes", limit);
    case 400:
      return "malformed HTTP request";
    case 414:
      return "the request URI is too long";
    case 416:
      return "the requested range is not satisfiable";
    default:
      return fmt::format("HTTP error {}", status);
  }
}

// UTC, ISO 8601 to the second: the access log's first field.
std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// The address of a socket's peer or own end, as text.
std::string address_of(int sock, bool peer, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own type
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  const int rc = peer ? getpeername(sock, sa, &len) : getsockname(sock, sa, &len);
  port = 0;
  if (rc != 0) return "";
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    port = ntohs(v4->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    port = ntohs(v6->sin6_port);
  }
  return text;
}

// A connection's socket with the deadlines httplib's own stream lacks: httplib waits at most
// its read timeout for each byte, so a client sending one byte every few seconds holds a
// worker for ever. Here a request's line, headers and body must all arrive before one
// deadline; every wait is cut into slices that also notice the server stopping.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int sock, const HttpOptions& options, const std::atomic<bool>& stopping)
      : sock_(sock), options_(options), stopping_(stopping) {}

  // A new request starts: its reads must end within request_seconds.
  void begin_request() { deadline_ = Clock::now() + seconds(options_.request_seconds); }

  // Waits until the client sends something (true) or the connection has been idle for
  // keep_alive_seconds, or the server stops (false).
  bool wait_for_request() {
    if (pos_ < len_) return true;
    return wait(POLLIN, Clock::now() + seconds(options_.keep_alive_seconds));
  }

  [[nodiscard]] bool is_readable() const override { return pos_ < len_; }
  [[nodiscard]] bool is_writable() const override {
    pollfd p{sock_, POLLOUT, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) != 0;
  }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ >= len_) {
      const auto until = std::min(deadline_, Clock::now() + seconds(options_.io_seconds));
      if (!wait(POLLIN, until)) return -1;
      const ssize_t n = recv(sock_, buffer_.data(), buffer_.size(), 0);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buffer_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!wait(POLLOUT, Clock::now() + seconds(options_.io_seconds))) return -1;
    return send(sock_, ptr, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = address_of(sock_, true, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = address_of(sock_, false, port);
  }
  [[nodiscard]] socket_t socket() const override { return sock_; }

 private:
  // Polls in slices of at most 100 ms so that a stopping server is noticed.
  bool wait(short events, Clock::time_point until) const {
    for (;;) {
      if (stopping_) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{sock_, events, 0};
      const int rc = poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 100)));
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) return false;
    }
  }

  int sock_;
  const HttpOptions& options_;
  const std::atomic<bool>& stopping_;
  Clock::time_point deadline_ = Clock::now();
  std::array<char, 16 * 1024> buffer_{};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

// httplib's server with each connection served through a GuardedStream, and a bound on the
// connections one client address holds.
class GuardedServer final : public httplib::Server {
 public:
  GuardedServer(const HttpOptions& options, const std::atomic<bool>& stopping)
      : options_(options), stopping_(stopping) {
    const std::size_t n = std::max<std::size_t>(1, options.threads);
    new_task_queue = [n] { return new httplib::ThreadPool(n); };
  }

 private:
  // Overrides httplib's own per-connection loop (the same keep-alive protocol: at most
  // keep_alive_max_count_ requests, the last one closing).
  bool process_and_close_socket(socket_t sock) override {
    int port = 0;
    const std::string client = address_of(sock, true, port);
    bool admitted = false;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      std::size_t& open = open_[client];
      if (open < options_.max_connections_per_client) {
        ++open;
        admitted = true;
      }
    }
    bool ok = false;
    if (!admitted) {
      refuse(sock);
    } else {
      GuardedStream stream(sock, options_, stopping_);
      for (std::size_t left = keep_alive_max_count_; left > 0 && !stopping_; --left) {
        if (!stream.wait_for_request()) break;
        stream.begin_request();
        bool closed = false;
        ok = process_request(stream, left == 1, closed, nullptr);
        if (!ok || closed) break;
      }
      const std::lock_guard<std::mutex> lock(mutex_);
      if (--open_[client] == 0) open_.erase(client);
    }
    shutdown(sock, SHUT_RDWR);
    close(sock);
    return ok;
  }

  void refuse(int sock) const {
    const std::string body = error_body(
        503, fmt::format("this client already has {} connections open; close some and retry",
                         options_.max_connections_per_client));
    const std::string answer = fmt::format(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{}",
        body.size(), body);
    (void)send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  const HttpOptions& options_;
  const std::atomic<bool>& stopping_;
  std::mutex mutex_;
  std::map<std::string, std::size_t> open_;
};

}  // namespace

struct HttpServer::Impl {
  const Api& api;
  HttpOptions options;
  // Set once by stop(): listen() then does not start, and every connection's waits end.
  std::atomic<bool> stopped{false};
  GuardedServer server{options, stopped};
  int port = -1;
  std::atomic<bool> listening{false};
  std::mutex log_mutex;

  Impl(const Api& a, HttpOptions o) : api(a), options(std::move(o)) {}
};

HttpServer::HttpServer(const Api& api, HttpOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {
  Impl& s = *impl_;
  const std::size_t limit = api.options().max_body_bytes;
  auto respond = [&api](const httplib::Request& req, std::string body, httplib::Response& res) {
    Request r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.query[k] = v;
    for (const auto& [k, v] : req.headers) {
      std::string name = k;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      r.headers.emplace(std::move(name), v);  // the first of repeated fields counts
    }
    r.body = std::move(body);
    const auto start = std::chrono::steady_clock::now();
    Response out = api.handle(r);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    res.set_header("Server-Timing", fmt::format("api;dur={:.1f}", took.count()));
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    if (out.body.empty()) {
      res.set_content(out.body, out.content_type);
      return;
    }
    // A body of known length from a provider is sent as it is: httplib compresses set_content
    // bodies with brotli at quality 11 when the browser accepts it, which takes 1.1 s for
    // vega.min.js and as long for a what-if's charts, every time.
    auto bytes = std::make_shared<const std::string>(std::move(out.body));
    res.set_content_provider(
        bytes->size(), out.content_type,
        [bytes](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return sink.write(bytes->data() + offset, length);
        });
  };
  // Bodies are read through a content reader, not into httplib's req.body: httplib would
  // parse an application/x-www-form-urlencoded body (curl's default for --data) into query
  // parameters and refuse one over 8 KiB, so a scenario posted by curl would fail.
  auto with_body = [respond, limit](const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader) {
    if (req.is_multipart_form_data()) {
      res.status = 415;
      res.set_header("Connection", "close");  // the unread body must not be taken for a request
      res.set_content(error_body(415,
                                 "multipart bodies are not accepted; send the scenario "
                                 "text or the JSON request itself"),
                      "application/json");
      return;
    }
    std::string body;
    bool too_large = false;
    const bool read = reader([&](const char* data, std::size_t n) {
      // A chunked body has no Content-Length for httplib to refuse early.
      if (body.size() + n > limit) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (!read) {
      // httplib sets 413 itself when the Content-Length alone is over the limit.
      const int status = too_large || res.status == 413 ? 413 : 400;
      too_large = status == 413;
      res.status = status;
      res.set_header("Connection", "close");
      res.set_content(error_body(status, too_large ? httplib_error(413, limit)
                                                   : "the request body could not be read"),
                      "application/json");
      return;
    }
    respond(req, std::move(body), res);
  };
  auto without_body = [respond](const httplib::Request& req, httplib::Response& res) {
    respond(req, std::string(), res);
  };
  s.server.Get(".*", without_body);
  s.server.Options(".*", without_body);
  s.server.Post(".*", with_body);
  s.server.Put(".*", with_body);
  s.server.Patch(".*", with_body);
  s.server.Delete(".*", with_body);
  // httplib's default also sets SO_REUSEPORT, which lets a second `entente serve` on the
  // same port start and take half the connections; SO_REUSEADDR alone still allows a restart
  // while old connections linger in TIME_WAIT.
  s.server.set_socket_options([](socket_t sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // httplib answers 413 from the Content-Length, before reading a byte of the body.
  s.server.set_payload_max_length(limit);
  s.server.set_error_handler([limit](const httplib::Request&, httplib::Response& res) {
    if (res.has_header("Content-Type")) return;  // an API error, already JSON
    res.set_content(error_body(res.status, httplib_error(res.status, limit)), "application/json");
  });
  if (s.options.log) {
    s.server.set_logger([&s](const httplib::Request& req, const httplib::Response& res) {
      std::string ms = "-";
      const std::string timing = res.get_header_value("Server-Timing");
      if (const auto at = timing.find("dur="); at != std::string::npos) ms = timing.substr(at + 4);
      // Bodies from a content provider are not in res.body; their length is in the header.
      std::string bytes = res.get_header_value("Content-Length");
      if (bytes.empty()) bytes = std::to_string(res.body.size());
      const std::string line = fmt::format("{} {} {} {} {} {} {}", utc_now(), req.remote_addr,
                                           req.method, req.path, res.status, bytes, ms);
      const std::lock_guard<std::mutex> lock(s.log_mutex);
      s.options.log(line);
    });
  }
  s.server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {  // NOLINT(bugprone-empty-catch): reported as "unknown exception"
        }
        res.status = 500;
        res.set_content(error_body(500, "internal error: " + what), "application/json");
      });
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind() {
  Impl& s = *impl_;
  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port < 0) {
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{} (in use, or not an address of "
                    "this machine)",
                    s.options.host, s.options.port));
  }
  return s.port;
}

void HttpServer::listen() {
  Impl& s = *impl_;
  if (s.port < 0) throw std::logic_error("HttpServer::listen before bind");
  s.listening = true;
  if (!s.stopped) s.server.listen_after_bind();
  s.listening = false;
}

void HttpServer::stop() {
  Impl& s = *impl_;
  s.stopped = true;
  // httplib's stop only acts on a server already running: a listen() that has not yet
  // checked `stopped` sees it; one past the check is stopped once its loop runs.
  while (s.listening) {
    s.server.stop();
    if (s.listening) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int HttpServer::port() const { return impl_->port; }

}  // namespace entente::server
