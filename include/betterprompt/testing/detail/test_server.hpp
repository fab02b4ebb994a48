// SPDX-License-Identifier: BSL-1.0
// What the testing servers (the emulator, the fault proxy) share: a listening socket whose accept
// loop survives running out of file descriptors, and the set of live sessions stop() closes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>

namespace betterprompt::testing::detail {

/// The live sessions of a server, weakly held, so that stop() can close them.
template <class Session>
class session_registry {
 public:
  /// Keeps `session`; false once stopped (the caller drops it).
  bool add(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    sessions_.remove_if([](const auto& weak) { return weak.expired(); });
    sessions_.push_back(session);
    return true;
  }

  /// Marks the registry stopped and hands over the sessions still alive; empty when it was
  /// stopped already.
  std::list<std::shared_ptr<Session>> stop() {
    std::list<std::weak_ptr<Session>> taken;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return {};
      stopped_ = true;
      taken.swap(sessions_);
    }
    std::list<std::shared_ptr<Session>> alive;
    for (auto& weak : taken)
      if (auto session = weak.lock()) alive.push_back(std::move(session));
    return alive;
  }

 private:
  std::mutex mutex_;
  std::list<std::weak_ptr<Session>> sessions_;
  bool stopped_ = false;
};

/// An acceptor bound and listening on `address`:`port` (0: an ephemeral port). Throws
/// boost::system::system_error when the address cannot be bound.
inline boost::asio::ip::tcp::acceptor listen_on(const boost::asio::any_io_executor& ex,
                                                const std::string& address, std::uint16_t port) {
  boost::asio::ip::tcp::acceptor acceptor(ex);
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(address), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
  return acceptor;
}

/// The pause after a failed accept (e.g. out of file descriptors) before the next one.
inline constexpr std::chrono::milliseconds accept_backoff{100};

/// Accepts connections until `acceptor` closes, each socket on a new strand of `ex`, and hands
/// each to `on_accept(socket)`. Run on the acceptor's executor; `backoff` is a timer on it.
template <class OnAccept>
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor,
                                                boost::asio::steady_timer& backoff,
                                                boost::asio::any_io_executor ex,
                                                OnAccept on_accept) {
  using boost::asio::redirect_error;
  using boost::asio::use_awaitable;
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(boost::asio::make_strand(ex),
                                                 redirect_error(use_awaitable, ec));
    if (ec == boost::asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors (EMFILE, ENFILE) or memory: the pending connection stays in the
      // backlog and accept would fail again at once. Pause, keep serving the sessions we have
      // (they run on their own strands), and try again.
      backoff.expires_after(accept_backoff);
      co_await backoff.async_wait(redirect_error(use_awaitable, ec));
      if (!acceptor.is_open()) co_return;
      continue;
    }
    if (!on_accept(std::move(socket))) co_return;
  }
}

/// A listening socket and its live sessions, for a server whose sessions are of type Session.
template <class Session>
class listener {
 public:
  /// Listens on `address`:`port` (0: an ephemeral port); sessions get strands of `ex`.
  listener(const boost::asio::any_io_executor& ex, const std::string& address, std::uint16_t port)
      : executor_(ex),
        acceptor_(listen_on(boost::asio::make_strand(ex), address, port)),
        backoff_(acceptor_.get_executor()),
        port_(acceptor_.local_endpoint().port()) {}

  std::uint16_t port() const noexcept { return port_; }

  /// Accepts connections: `make(socket)` builds each session, which is kept for stop() and then
  /// started by `serve(session)`. `owner` (the server) stays alive while the loop runs.
  template <class Owner, class Make, class Serve>
  void start(std::shared_ptr<Owner> owner, Make make, Serve serve) {
    auto on_accept = [this, owner, make, serve](boost::asio::ip::tcp::socket socket) {
      auto session = make(std::move(socket));
      if (!sessions_.add(session)) return false;
      serve(session);
      return true;
    };
    boost::asio::co_spawn(acceptor_.get_executor(),
                          accept_connections(acceptor_, backoff_, executor_, std::move(on_accept)),
                          boost::asio::detached);
  }

  /// Stops accepting, and hands every live session to `close(session)`. Idempotent.
  template <class Owner, class Close>
  void stop(std::shared_ptr<Owner> owner, Close close) {
    auto sessions = sessions_.stop();
    boost::asio::post(acceptor_.get_executor(), [this, owner] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      backoff_.cancel();
    });
    for (auto& session : sessions) close(session);
  }

 private:
  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;  // on the acceptor's strand
  std::uint16_t port_;
  session_registry<Session> sessions_;
};

}  // namespace betterprompt::testing::detail
