// SPDX-License-Identifier: BSL-1.0
// The throughput benchmarks' server: answers POST /v1/runs and GET /v1/runs/{id} with one canned
// JSON body, over TLS or plain HTTP/1.1 keep-alive, on one thread.
//
// Why not nginx: at 64 connections over TLS the clients now go fast enough that nginx spends
// ~80 % of its core answering them (benchmarks/NOTES.md), and a server near its limit makes every
// client look alike. This server does the least a correct keep-alive server can do per request:
// level-triggered epoll, one read system call per readable event (OpenSSL's read-ahead takes
// whole records; records already buffered are drained without a system call), requests parsed
// only as far as the request line, Content-Length and Connection, and one write per batch of
// answers. It is a benchmark tool, not a general server: no chunked request bodies, no pipelining
// limits beyond a 64 KiB request bound.
//
//   canned_server --body FILE [--cert PEM --key PEM]
// prints its base URL ("https://127.0.0.1:PORT/v1") on the first line of stdout, then serves
// until killed.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

constexpr std::size_t max_request_bytes = 64 * 1024;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

/// Case-insensitive comparison of ASCII header names and tokens.
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

/// One request found at the front of the input.
struct request_frame {
  std::size_t size = 0;  ///< Header plus body bytes; 0 while the request is incomplete.
  bool known_route = false;
  bool keep_alive = true;
};

/// Frames the request at the front of `in`, if it is all there. Throws on a request no client
/// under test sends (a chunked body, an oversized header), which closes the connection.
request_frame frame_request(std::string_view in) {
  const auto header_end = in.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    if (in.size() > max_request_bytes) throw std::runtime_error("request header too large");
    return {};
  }
  const std::string_view header = in.substr(0, header_end + 2);
  const auto line_end = header.find("\r\n");
  const std::string_view line = header.substr(0, line_end);
  request_frame frame;
  frame.known_route = line.starts_with("POST /v1/runs ") || line.starts_with("GET /v1/runs/");
  std::size_t body = 0;
  for (auto pos = line_end + 2; pos < header.size();) {
    const auto end = header.find("\r\n", pos);
    const std::string_view field = header.substr(pos, end - pos);
    pos = end + 2;
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) throw std::runtime_error("malformed header field");
    const std::string_view name = field.substr(0, colon);
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (iequals(name, "content-length"))
      body = std::stoul(std::string(value));
    else if (iequals(name, "transfer-encoding"))
      throw std::runtime_error("chunked request bodies are not served");
    else if (iequals(name, "connection"))
      frame.keep_alive = !iequals(value, "close");
  }
  if (body > max_request_bytes) throw std::runtime_error("request body too large");
  const auto total = header_end + 4 + body;
  if (in.size() >= total) frame.size = total;
  return frame;
}

/// The answers: the canned body for the two routes, a JSON 404 otherwise, each with the
/// x-request-id the API's answers carry, made from the connection and request numbers.
class answers {
 public:
  explicit answers(std::string body) : body_(std::move(body)) {}

  void append(std::string& out, const request_frame& frame, unsigned long connection,
              unsigned long request) {
    refresh_date();
    static constexpr std::string_view not_found =
        R"({"status":"FAILED","message":"Not found","data":{}})";
    const std::string_view body = frame.known_route ? std::string_view(body_) : not_found;
    out += frame.known_route ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n";
    out += "Server: canned\r\nDate: ";
    out += date_;
    out += "\r\nContent-Type: application/json\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += frame.keep_alive ? "\r\nConnection: keep-alive" : "\r\nConnection: close";
    out += "\r\nx-request-id: bench-";
    out += std::to_string(connection);
    out += '-';
    out += std::to_string(request);
    out += "\r\n\r\n";
    out += body;
  }

 private:
  void refresh_date() {
    const std::time_t now = std::time(nullptr);
    if (now == date_second_) return;
    date_second_ = now;
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    date_ = text;
  }

  std::string body_;
  std::string date_;
  std::time_t date_second_ = 0;
};

/// One accepted connection: its socket, its TLS session (when serving TLS) and its buffers.
struct connection {
  int fd = -1;
  SSL* tls = nullptr;
  unsigned long number = 0;
  unsigned long requests = 0;
  bool handshaken = false;
  bool closing = false;           ///< A request asked to close: close once `out` is written.
  bool blocked_on_write = false;  ///< The last step could not write everything.
  bool watching_writes = false;   ///< epoll waits for writability rather than readability.
  std::string in;
  std::string out;

  connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() {
    if (tls) {
      SSL_shutdown(tls);  // one non-blocking try at close_notify
      SSL_free(tls);
    }
    if (fd >= 0) ::close(fd);
  }
};

class server {
 public:
  server(SSL_CTX* tls, std::string body) : tls_(tls), answers_(std::move(body)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener_ < 0) fail("socket");
    const int on = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) fail("bind");
    if (::listen(listener_, 1024) < 0) fail("listen");
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) fail("epoll_create1");
    watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
  }

  unsigned short port() const { return port_; }

  [[noreturn]] void serve() {
    epoll_event events[256];
    for (;;) {
      const int n = ::epoll_wait(epoll_, events, 256, -1);
      if (n < 0 && errno != EINTR) fail("epoll_wait");
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == listener_) {
          accept_all();
          continue;
        }
        const auto found = connections_.find(fd);
        if (found != connections_.end() && !step(*found->second)) connections_.erase(found);
      }
    }
  }

 private:
  void watch(int fd, std::uint32_t events, int operation) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_, operation, fd, &event) < 0) fail("epoll_ctl");
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      auto c = std::make_unique<connection>();
      c->fd = fd;
      c->number = ++accepted_;
      if (tls_) {
        c->tls = SSL_new(tls_);
        SSL_set_fd(c->tls, fd);
        SSL_set_accept_state(c->tls);
      } else {
        c->handshaken = true;
      }
      watch(fd, EPOLLIN, EPOLL_CTL_ADD);
      connections_[fd] = std::move(c);
    }
  }

  /// Runs one readiness event on `c` and points epoll at what it waits for next; false when the
  /// connection is done.
  bool step(connection& c) {
    c.blocked_on_write = false;
    bool alive;
    try {
      alive = advance(c);
    } catch (const std::exception&) {
      alive = false;  // a request no client under test sends: drop the connection
    }
    if (alive && c.blocked_on_write != c.watching_writes) {
      watch(c.fd, c.blocked_on_write ? EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
      c.watching_writes = c.blocked_on_write;
    }
    return alive;
  }

  bool advance(connection& c) {
    if (!c.handshaken) {
      const int r = SSL_do_handshake(c.tls);
      if (r != 1) return wants_more(c, r);
      c.handshaken = true;  // read-ahead may already hold the first request: read on
    }
    const bool was_blocked = !c.out.empty();
    if (!was_blocked && !receive(c)) return false;
    for (;;) {
      const request_frame frame = frame_request(c.in);
      if (frame.size == 0) break;
      answers_.append(c.out, frame, c.number, ++c.requests);
      c.in.erase(0, frame.size);
      if (!frame.keep_alive) {
        c.closing = true;
        break;
      }
    }
    if (!flush(c)) return false;
    if (!c.out.empty()) return true;
    if (c.closing) return false;
    // After a blocked write, OpenSSL may hold records epoll cannot announce again.
    return was_blocked ? advance(c) : true;
  }

  /// One read system call, plus the TLS records it brought beyond the first.
  bool receive(connection& c) {
    char buffer[16 * 1024];
    if (!c.tls) {
      const auto n = ::read(c.fd, buffer, sizeof buffer);
      if (n > 0) c.in.append(buffer, static_cast<std::size_t>(n));
      return n > 0 || (n < 0 && errno == EAGAIN);
    }
    do {
      const int n = SSL_read(c.tls, buffer, sizeof buffer);
      if (n <= 0) return wants_more(c, n);
      c.in.append(buffer, static_cast<std::size_t>(n));
    } while (SSL_has_pending(c.tls));
    return true;
  }

  /// Writes what `c.out` holds, or as much as the socket takes.
  bool flush(connection& c) {
    while (!c.out.empty()) {
      long n;
      if (c.tls) {
        n = SSL_write(c.tls, c.out.data(), static_cast<int>(c.out.size()));
        if (n <= 0) return wants_more(c, static_cast<int>(n));
      } else {
        n = ::write(c.fd, c.out.data(), c.out.size());
        if (n < 0 && errno == EAGAIN) {
          c.blocked_on_write = true;
          return true;
        }
        if (n <= 0) return false;
      }
      c.out.erase(0, static_cast<std::size_t>(n));
    }
    return true;
  }

  /// What a non-positive OpenSSL result asks for: wait for a direction, or give up.
  bool wants_more(connection& c, int result) {
    const int error = SSL_get_error(c.tls, result);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_READ) return true;
    if (error == SSL_ERROR_WANT_WRITE) {
      c.blocked_on_write = true;
      return true;
    }
    return false;
  }

  SSL_CTX* tls_;
  answers answers_;
  int listener_ = -1;
  int epoll_ = -1;
  unsigned short port_ = 0;
  unsigned long accepted_ = 0;
  std::unordered_map<int, std::unique_ptr<connection>> connections_;
};

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

SSL_CTX* make_tls_context(const std::string& cert, const std::string& key) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
      SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::runtime_error("cannot load the certificate " + cert + " and key " + key);
  // Whole records per read system call, as nginx asks too; a retried write may come from a
  // string that grew.
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  return ctx;
}

}  // namespace

int main(int argc, char** argv) try {
  std::string body_file, cert, key;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--body")
      body_file = argv[i + 1];
    else if (flag == "--cert")
      cert = argv[i + 1];
    else if (flag == "--key")
      key = argv[i + 1];
    else
      throw std::runtime_error("unknown flag " + std::string(flag));
  }
  if (body_file.empty() || (argc - 1) % 2 != 0 || cert.empty() != key.empty())
    throw std::runtime_error("usage: canned_server --body FILE [--cert PEM --key PEM]");
  std::signal(SIGPIPE, SIG_IGN);  // a client that left is a failed write, not the end
  SSL_CTX* tls = cert.empty() ? nullptr : make_tls_context(cert, key);
  server s(tls, read_file(body_file));
  std::cout << (tls ? "https" : "http") << "://127.0.0.1:" << s.port() << "/v1" << std::endl;
  s.serve();
} catch (const std::exception& e) {
  std::cerr << "canned_server: " << e.what() << '\n';
  return 1;
}
