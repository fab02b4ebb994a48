// SPDX-License-Identifier: BSL-1.0
// Proxies: the choice of proxy (option, environment, NO_PROXY) and what is sent to it, as
// tables; then real traffic through Debian's tinyproxy, started by the test: plain http in
// absolute form, https through CONNECT with TLS to the API host, Basic credentials, a refusal.
#include "support/fixture.hpp"

#include <betterprompt/detail/client_state.hpp>
#include <betterprompt/detail/transport/proxy.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
using env_map = std::map<std::string, std::string>;

std::optional<bp::detail::proxy_config> chosen(const std::string& base_url,
                                               std::optional<std::string> option,
                                               const env_map& env) {
  return bp::detail::proxy_for(bp::detail::parse_base_url(base_url), option,
                               [&](const char* name) -> const char* {
                                 const auto it = env.find(name);
                                 return it == env.end() ? nullptr : it->second.c_str();
                               });
}

/// tinyproxy on a free loopback port, with Basic credentials user:secret, for one test.
class tinyproxy {
 public:
  tinyproxy() {
    if (::access("/usr/bin/tinyproxy", X_OK) != 0) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("bp-tinyproxy-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    // The probed port may be taken again before tinyproxy binds it (another suite runs the same
    // tests): tinyproxy then exits, and a new port is tried. A connect would not tell the two
    // apart; tinyproxy's own log does.
    for (int attempt = 0; attempt < 5; ++attempt) {
      asio::io_context ioc;
      port_ = released_loopback_port(ioc);
      start();
      if (listening()) return;
      stop();
    }
    const std::string last_log = log();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw std::runtime_error("tinyproxy is installed but did not start; its last log:\n" +
                             last_log);
  }
  ~tinyproxy() {
    stop();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  tinyproxy(const tinyproxy&) = delete;
  tinyproxy& operator=(const tinyproxy&) = delete;

  bool running() const { return pid_ > 0; }
  std::string url(const std::string& credentials = "user:secret") const {
    return "http://" + (credentials.empty() ? "" : credentials + "@") +
           "127.0.0.1:" + std::to_string(port_);
  }
  /// What tinyproxy logged so far.
  std::string log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  /// tinyproxy's log once it holds `line` (tinyproxy logs a request as it relays it, and its
  /// log reaches us through a pipe), or after 5 s without it.
  std::string log_once_it_shows(const std::string& line) const {
    std::unique_lock lock(mutex_);
    logged_.wait_for(lock, std::chrono::seconds(5),
                     [&] { return ended_ || log_.find(line) != std::string::npos; });
    return log_;
  }

 private:
  /// Starts tinyproxy in the foreground, its log (stdout and stderr) read by a thread through a
  /// pipe, so that a test waits for a line instead of polling a file.
  void start() {
    std::ofstream(dir_ / "conf") << "Port " << port_ << "\nListen 127.0.0.1\nTimeout 30\n"
                                 << "MaxClients 50\nLogLevel Info\nBasicAuth user secret\n";
    {
      std::lock_guard lock(mutex_);
      log_.clear();
      ended_ = false;
    }
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    const std::string conf = (dir_ / "conf").string();
    const char* argv[] = {"/usr/bin/tinyproxy", "-d", "-c", conf.c_str(), nullptr};
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, const_cast<char**>(argv), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);  // tinyproxy holds the only write end: its exit ends the reader
    reader_ = std::thread([this, from = out[0]] {
      char chunk[4096];
      for (;;) {
        const ssize_t n = ::read(from, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        log_.append(chunk, static_cast<std::size_t>(n));
        logged_.notify_all();
      }
      ::close(from);
      std::lock_guard lock(mutex_);
      ended_ = true;
      logged_.notify_all();
    });
  }
  /// Whether this tinyproxy says it accepts connections on port_: false when it exited (it
  /// could not bind the port) or stayed silent for 5 s.
  bool listening() const {
    return log_once_it_shows("Accepting connections").find("Accepting connections") !=
           std::string::npos;
  }
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
    if (reader_.joinable()) reader_.join();
  }
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  mutable std::condition_variable logged_;
  std::string log_;     // guarded by mutex_
  bool ended_ = false;  // guarded by mutex_: tinyproxy closed its output (it exited)
};

tinyproxy* proxy_of_test = nullptr;  // the captureless test bodies reach their proxy here
}  // namespace

TEST_CASE(
    "the proxy comes from the option, else the scheme's variable unless NO_PROXY exempts "
    "the host",
    "[unit][proxy]") {
  const env_map env{{"HTTPS_PROXY", "http://upper:3128"},
                    {"https_proxy", "http://lower:3128"},
                    {"HTTP_PROXY", "plain-proxy:8080"}};
  CHECK(chosen("https://api.example/v1", std::nullopt, env)->host == "lower");
  CHECK(chosen("https://api.example/v1", std::nullopt, {{"HTTPS_PROXY", "http://up:1"}})->host ==
        "up");
  const auto plain = chosen("http://api.example/v1", std::nullopt, env);
  REQUIRE(plain);
  CHECK(plain->host == "plain-proxy");  // no scheme: http
  CHECK(plain->port == "8080");
  CHECK_FALSE(chosen("https://api.example/v1", std::nullopt, {}).has_value());
  CHECK_FALSE(chosen("https://api.example/v1", std::string(), env).has_value());  // "" = none
  CHECK(chosen("https://api.example/v1", std::string("http://opt:9"), {})->host == "opt");
  CHECK(chosen("https://api.example/v1", std::string("http://opt"), {})->port == "1080");
  for (const char* exempt : {"*", "api.example", ".example", "example", "other, API.EXAMPLE",
                             "api.example:443", " api.example "}) {
    env_map with = env;
    with["NO_PROXY"] = exempt;
    INFO(exempt);
    CHECK_FALSE(chosen("https://api.example/v1", std::nullopt, with).has_value());
  }
  for (const char* kept : {"xample", "api.example:8443", "other", "ample.com", ""}) {
    env_map with = env;
    with["no_proxy"] = kept;
    INFO(kept);
    CHECK(chosen("https://api.example/v1", std::nullopt, with).has_value());
  }
  CHECK_FALSE(bp::detail::no_proxy_matches("[::1]:443", "::1", "80"));
  CHECK(bp::detail::no_proxy_matches("[::1]", "::1", "80"));
  CHECK(bp::detail::no_proxy_matches("::1", "::1", "80"));
}

TEST_CASE("proxy URLs: credentials become Basic auth and never appear in messages",
          "[unit][proxy][security]") {
  const auto p = bp::detail::parse_proxy_url("http://us%40er:p%3Ass@proxy.local:3128/");
  CHECK(p.host == "proxy.local");
  CHECK(p.port == "3128");
  CHECK(p.authorization == "Basic " + bp::detail::base64_encode("us@er:p:ss"));
  CHECK(p.shown == "http://proxy.local:3128");
  // Each refusal names the proxy (without its credentials) and says why, once.
  const std::pair<const char*, const char*> refused[] = {
      {"https://user:hunter2@proxy:3128", "only http:// proxies are supported"},
      {"socks5://user:hunter2@proxy:1080", "only http:// proxies are supported"},
      {"http://user:hunter2@proxy:99999", "': port must be a number from 0 to 65535"},
      {"http://user:hunter2@", "': missing host"},
      {"http://user:hunter2@proxy:3128/path", "': a proxy URL has no path"},
      {"http://user:%zz@proxy", "invalid proxy '"}};
  for (const auto& [bad, why] : refused) {
    INFO(bad);
    try {
      bp::detail::parse_proxy_url(bad);
      FAIL("accepted");
    } catch (const bp::error_with_diagnostics& e) {
      const std::string message = e.what();
      CHECK(e.code() == bp::error::invalid_argument);
      CHECK(message.find("hunter2") == std::string::npos);
      CHECK(message.find(why) != std::string::npos);
      CHECK(message.find("invalid proxy '") == message.rfind("invalid proxy '"));
    }
  }
}

TEST_CASE(
    "through a proxy: absolute-form requests for http, CONNECT for https, credentials to "
    "the proxy only",
    "[unit][proxy][security]") {
  asio::io_context ioc;
  bp::client_options opts;
  opts.api_key = "sk-test";
  opts.proxy = "http://user:secret@127.0.0.1:3128";
  opts.base_url = "http://127.0.0.1:8080/v1";
  bp::detail::client_state plain(ioc.get_executor(), opts);
  bp::detail::api_request req =
      bp::detail::api_request::get(bp::detail::routes::get_run, "/runs/x");
  req.what = "GET /v1/runs/x";
  const std::string wire = plain.serialize(req);
  CHECK(wire.rfind("GET http://127.0.0.1:8080/v1/runs/x HTTP/1.1\r\n", 0) == 0);
  CHECK(wire.find("Proxy-Authorization: Basic " + bp::detail::base64_encode("user:secret")) !=
        std::string::npos);
  CHECK(plain.api_origin().tunnel_request.empty());

  opts.base_url = "https://api.example:8443/v1";
  bp::detail::client_state tls(ioc.get_executor(), opts);
  const std::string inside = tls.serialize(req);
  CHECK(inside.rfind("GET /v1/runs/x HTTP/1.1\r\n", 0) == 0);
  CHECK(inside.find("Proxy-Authorization") == std::string::npos);  // never inside the tunnel
  CHECK(tls.api_origin().tunnel_request.rfind("CONNECT api.example:8443 HTTP/1.1\r\n", 0) == 0);
  CHECK(tls.api_origin().tunnel_request.find("Proxy-Authorization: Basic") != std::string::npos);
  CHECK(tls.api_origin().tunnel_request.find("sk-test") ==
        std::string::npos);  // the API key neither
  CHECK(tls.api_origin().connect_host() == "127.0.0.1");
  CHECK(tls.api_origin().connect_port() == "3128");
}

TEST_CASE(
    "another host's origin (SKILL.md) decides its own proxy, NO_PROXY included, and carries none "
    "of the API's fields",
    "[unit][proxy][security]") {
  asio::io_context ioc;
  bp::client_options opts;
  opts.api_key = "sk-test";
  opts.proxy = "http://127.0.0.1:3128";
  opts.base_url = "https://api.example/v1";
  bp::detail::client_state pool(ioc.get_executor(), opts);
  const auto md = bp::detail::parse_base_url(
      "https://raw.githubusercontent.com/BetterPromptme/skills/0123/skills/x/SKILL.md");
  auto origin_of = [&md](bp::detail::client_state& state) -> bp::detail::origin& {
    bp::detail::origin* found = nullptr;
    bp::diagnostics diag;
    const auto ec = state.origin_for(md, found, diag);
    REQUIRE_FALSE(ec);
    REQUIRE(found != nullptr);
    return *found;
  };
  bp::detail::origin& o = origin_of(pool);
  CHECK(&origin_of(pool) == &o);  // one per host: its idle connections are its own
  CHECK_FALSE(o.is_api);
  REQUIRE(o.proxy);
  CHECK(o.tunnel_request.rfind("CONNECT raw.githubusercontent.com:443 HTTP/1.1\r\n", 0) == 0);
  CHECK(o.tls != nullptr);
  bp::detail::api_request req = bp::detail::api_request::get(bp::detail::routes::fetch_skillmd, "");
  req.what = "GET " + md.path_prefix;
  req.to = &o;
  const std::string wire = pool.serialize(req, "X-Trace: 1\r\n");
  CHECK(wire.find("Host: raw.githubusercontent.com\r\n") != std::string::npos);
  CHECK(wire.find("sk-test") == std::string::npos);
  CHECK(wire.find("Authorization") == std::string::npos);
  CHECK(wire.find("X-Trace") == std::string::npos);
  CHECK(wire.find("cli-agent") == std::string::npos);
  req.to = nullptr;  // the API
  CHECK(pool.serialize(req, "X-Trace: 1\r\n").find("X-Trace: 1") != std::string::npos);

  // From the environment: NO_PROXY exempts the SKILL.md host, not the API's.
  opts.proxy.reset();
  ::setenv("https_proxy", "http://127.0.0.1:3128", 1);
  ::setenv("no_proxy", "githubusercontent.com", 1);
  bp::detail::client_state from_env(ioc.get_executor(), opts);
  const bool api_proxied = from_env.api_origin().proxy.has_value();
  const bool md_proxied = origin_of(from_env).proxy.has_value();
  ::unsetenv("https_proxy");
  ::unsetenv("no_proxy");
  CHECK(api_proxied);
  CHECK_FALSE(md_proxied);
}

TEST_CASE("plain http through tinyproxy goes in absolute form with Basic credentials", "[proxy]") {
  tinyproxy proxy;
  if (!proxy.running()) {
    WARN("tinyproxy is not installed (scripts/setup installs it): skipped");
    return;
  }
  proxy_of_test = &proxy;
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.proxy = proxy_of_test->url();
    // tinyproxy closes a plain-http connection after each answer without saying
    // "Connection: close": a reused one races its close, and a create that loses the race is
    // (rightly) not resent. What this test checks is the request form, on a new connection each.
    opts.max_idle_connections = 0;
    auto c = f.make_client(opts);
    bp::credit_balance balance = co_await bp::get_credits(c);
    CHECK(balance.credits > 0);
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "proxy"));
    CHECK(r.status == bp::run_status::succeeded);
  });
  const std::string log = proxy.log_once_it_shows("POST " + f.emu.base_url() + "/runs");
  INFO(log);
  CHECK(log.find("GET " + f.emu.base_url() + "/me/credits") != std::string::npos);
  CHECK(log.find("POST " + f.emu.base_url() + "/runs") != std::string::npos);
}

TEST_CASE("https through tinyproxy: CONNECT, then TLS verified against the API host", "[proxy]") {
  tinyproxy proxy;
  if (!proxy.running()) {
    WARN("tinyproxy is not installed (scripts/setup installs it): skipped");
    return;
  }
  proxy_of_test = &proxy;
  fixture f(emulator_options{.tls = true});
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.proxy = proxy_of_test->url();
    auto c = f.make_client(opts);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.title == "Haiku writer");
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "tunnel"));
    CHECK(r.status == bp::run_status::succeeded);
    CHECK(f.emu.run_count() == 1);

    // Wrong credentials: the proxy's refusal, as its own error; the password is not repeated.
    opts.proxy = proxy_of_test->url("user:wrong-password");
    auto refused_client = f.make_client(opts);
    auto refused = co_await expect_error(bp::get_credits(refused_client));
    CHECK(refused.code() == bp::error::proxy_refused);
    // tinyproxy answers 407 without credentials and 401 for wrong ones: the proxy's own status.
    const unsigned status = refused.get_diagnostics().http_status;
    CHECK((status == 407 || status == 401));
    CHECK(refused.get_diagnostics().message.find("HTTP " + std::to_string(status)) !=
          std::string::npos);
    CHECK(std::string(refused.what()).find("wrong-password") == std::string::npos);

    // No proxy listening: a connection failure naming the proxy.
    opts.proxy = "http://127.0.0.1:" + std::to_string(1);
    opts.retry.max_retries = 0;
    auto nowhere_client = f.make_client(opts);
    auto nowhere = co_await expect_error(bp::get_credits(nowhere_client));
    INFO(nowhere.get_diagnostics().message);
    CHECK(nowhere.code() == bp::error::connection_failed);
    CHECK(nowhere.get_diagnostics().message.find("proxy http://127.0.0.1:1") != std::string::npos);
  });
  const std::string connect = "CONNECT 127.0.0.1:" + std::to_string(f.emu.port());
  const std::string log = proxy.log_once_it_shows(connect);
  INFO(log);
  CHECK(log.find(connect) != std::string::npos);
}

TEST_CASE("HTTPS_PROXY from the environment is used, and NO_PROXY bypasses it", "[proxy]") {
  tinyproxy proxy;
  if (!proxy.running()) {
    WARN("tinyproxy is not installed (scripts/setup installs it): skipped");
    return;
  }
  proxy_of_test = &proxy;
  const std::map<std::string, std::string> saved = [] {
    std::map<std::string, std::string> out;
    for (const char* name : {"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"})
      if (const char* v = std::getenv(name)) out[name] = v;
    return out;
  }();
  for (const char* name : {"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"}) ::unsetenv(name);
  ::setenv("HTTPS_PROXY", proxy.url().c_str(), 1);
  fixture f(emulator_options{.tls = true});
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.proxy.reset();  // the default: the environment
    auto through = f.make_client(opts);
    co_await bp::get_account(through);
    ::setenv("NO_PROXY", "localhost,127.0.0.1", 1);
    auto direct = f.make_client(opts);
    co_await bp::get_account(direct);
  });
  for (const char* name : {"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"}) ::unsetenv(name);
  for (const auto& [name, value] : saved) ::setenv(name.c_str(), value.c_str(), 1);
  const std::string connect = "CONNECT 127.0.0.1:" + std::to_string(f.emu.port());
  const std::string log = proxy.log_once_it_shows(connect);
  INFO(log);
  const auto first = log.find(connect);
  CHECK(first != std::string::npos);
  CHECK(log.find(connect, first + 1) == std::string::npos);  // the second client went direct
}
