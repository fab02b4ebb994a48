// SPDX-License-Identifier: BSL-1.0
// HTTPS against the emulator's generated CA: verification on, failures named.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
emulator_options tls_options(const char* address = "127.0.0.1") {
  emulator_options opts;
  opts.tls = true;
  opts.address = address;
  return opts;
}
}  // namespace

TEST_CASE("over TLS the core awaitables work end to end with the emulator's CA", "[tls]") {
  fixture f(tls_options());
  REQUIRE(f.emu.base_url().rfind("https://", 0) == 0);
  REQUIRE(f.emu.ca_certificate_pem().find("BEGIN CERTIFICATE") != std::string::npos);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    bp::run created = co_await bp::create_run(c, topic_request(p.prompt_version_id, "tls"));
    bp::run done = co_await bp::wait_for_run(c, created.run_id, {.poll_interval = 10ms});
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(done.text().find("tls") != std::string::npos);
    CHECK(f.emu.connection_count() == 1);  // one handshake, kept alive
  });
}

TEST_CASE("TLS with a CA that did not sign the server's certificate is error::tls_error", "[tls]") {
  fixture f(tls_options());
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::testing::emulator other(f.ioc, tls_options());  // a different throwaway CA
    auto opts = f.client_options();
    opts.tls.ca_pem = other.ca_certificate_pem();
    other.stop();
    bp::client c{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::tls_error);
    CHECK(e.get_diagnostics().message.find("certificate verification failed") != std::string::npos);
  });
}

TEST_CASE("TLS to an address the certificate does not name is error::tls_error", "[tls]") {
  fixture f(tls_options("127.0.0.2"));  // the certificate names localhost, 127.0.0.1 and ::1
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::tls_error);
    CHECK(e.get_diagnostics().message.find("mismatch") != std::string::npos);
  });
}

TEST_CASE("TLS by host name verifies against the name", "[tls]") {
  fixture f(tls_options());
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.base_url = "https://localhost:" + std::to_string(f.emu.port()) + "/v1";
    bp::client c{f.ioc, opts};
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("a plain-HTTP client talking to the TLS emulator fails with a clear error", "[tls]") {
  fixture f(tls_options());
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.base_url = loopback_base_url(f.emu.port());
    opts.timeouts.total = 3s;
    bp::client c{f.ioc, opts};
    auto outcome = co_await bp::as_result(bp::get_prompt(c, demo::text_prompt_id));
    REQUIRE_FALSE(outcome.has_value());
    CHECK((outcome.error() == bp::error::bad_response ||
           outcome.error() == bp::error::connection_closed ||
           outcome.error() == bp::error::timeout));
  });
}
