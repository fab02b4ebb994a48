// SPDX-License-Identifier: BSL-1.0
// The fault proxy's network side: each client connection relayed request by request over its own
// upstream connection, with the drawn fault applied to the exchange.
#pragma once

#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/testing/detail/test_server.hpp>
#include <betterprompt/testing/fault_proxy.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>

namespace betterprompt::testing::detail {

/// One client connection and the upstream connection that serves it.
struct proxy_session {
  proxy_session(boost::asio::ip::tcp::socket socket, std::uint64_t number)
      : client(std::move(socket)), upstream(client.get_executor()), number(number) {}

  /// Closes both sides; a pending step ends with an error.
  void close() {
    boost::system::error_code ignored;
    client.socket().close(ignored);
    upstream.socket().close(ignored);
  }

  boost::beast::tcp_stream client;
  boost::beast::tcp_stream upstream;
  const std::uint64_t number;
};

class fault_proxy_server : public std::enable_shared_from_this<fault_proxy_server> {
 public:
  fault_proxy_server(boost::asio::any_io_executor ex, fault_proxy_options options)
      : options_(std::move(options)),
        upstream_(betterprompt::detail::parse_base_url(options_.upstream)),
        listener_(ex, options_.address, options_.port),
        draws_(options_.seed) {
    if (upstream_.tls)
      throw std::invalid_argument("fault_proxy: the upstream must be a plain http base URL");
  }

  void start() {
    auto self = shared_from_this();
    listener_.start(
        self,
        [self](boost::asio::ip::tcp::socket socket) {
          return std::make_shared<proxy_session>(std::move(socket), ++self->connections_);
        },
        [self](const std::shared_ptr<proxy_session>& session) {
          boost::asio::co_spawn(session->client.get_executor(), relay(self, session),
                                boost::asio::detached);
        });
  }

  void stop() {
    listener_.stop(shared_from_this(), [](const std::shared_ptr<proxy_session>& session) {
      boost::asio::post(session->client.get_executor(), [session] { session->close(); });
    });
  }

  std::string base_url() const {
    const bool v6 = options_.address.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + options_.address + "]" : options_.address) + ":" +
           std::to_string(port()) + upstream_.path_prefix;
  }
  std::uint16_t port() const noexcept { return listener_.port(); }
  std::vector<proxy_fault_record> faults() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  std::size_t request_count() const { return requests_.load(); }

 private:
  using request_type = boost::beast::http::request<boost::beast::http::string_body>;
  using response_type = boost::beast::http::response<boost::beast::http::string_body>;

  /// The fault for the next request read, if any: one draw per request, in reading order.
  std::optional<proxy_fault> draw(std::uint64_t& number) {
    std::lock_guard lock(mutex_);
    number = ++requests_;
    double point = std::uniform_real_distribution<double>(0.0, 1.0)(draws_);
    for (const auto& rate : options_.faults) {
      if (point < rate.probability) return rate.kind;
      point -= rate.probability;
    }
    return std::nullopt;
  }

  /// A random delay in [0, close_delay], from the same draws.
  std::chrono::microseconds close_delay() {
    std::lock_guard lock(mutex_);
    const auto most = options_.close_delay.count();
    return std::chrono::microseconds(
        most > 0 ? std::uniform_int_distribution<std::int64_t>(0, most)(draws_) : 0);
  }

  void record(proxy_fault_record entry) {
    {
      std::lock_guard lock(mutex_);
      log_.push_back(entry);
    }
    if (!options_.on_fault) return;
    try {
      options_.on_fault(entry);
    } catch (...) {
      // A hook's failure is not the proxy's.
    }
  }

  static boost::asio::awaitable<void> relay(std::shared_ptr<fault_proxy_server> self,
                                            std::shared_ptr<proxy_session> session);

  /// The answer the proxy gives itself for gateway_error and too_many_requests.
  response_type own_answer(proxy_fault kind, unsigned status, bool keep_alive) const;

  const fault_proxy_options options_;
  const betterprompt::detail::endpoint_address upstream_;
  listener<proxy_session> listener_;
  std::atomic<std::uint64_t> connections_{0};
  mutable std::mutex mutex_;
  std::mt19937_64 draws_;                   // guarded by mutex_
  std::atomic<std::uint64_t> requests_{0};  // written under mutex_
  std::vector<proxy_fault_record> log_;     // guarded by mutex_
};

}  // namespace betterprompt::testing::detail
