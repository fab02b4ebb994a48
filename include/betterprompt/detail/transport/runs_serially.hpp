// SPDX-License-Identifier: BSL-1.0
// Whether an executor already runs one handler at a time, so that the client's operations need no
// strand of their own on it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

namespace betterprompt::detail {

/// True when `ex` never runs two handlers at once: a strand, or the executor of an io_context made
/// with concurrency hint 1 (`asio::io_context ioc{1}`: Asio's own statement that one thread runs
/// it) or with an unlocked hint. Other threads may still start operations: they only post to it.
inline bool runs_serially(const boost::asio::any_io_executor& ex) {
  namespace asio = boost::asio;
  using io_executor = asio::io_context::executor_type;
  using tracked_io_executor = asio::io_context::basic_executor_type<std::allocator<void>, 4>;
  if (ex.target<asio::strand<io_executor>>() || ex.target<asio::strand<asio::any_io_executor>>() ||
      ex.target<asio::strand<asio::thread_pool::executor_type>>())
    return true;
  asio::io_context* context = nullptr;
  if (const auto* plain = ex.target<io_executor>())
    context = &plain->context();
  else if (const auto* tracked = ex.target<tracked_io_executor>())
    context = &tracked->context();
  if (!context) return false;
  // Asio offers the hint only through its implementation's service; Boost 1.81 to today keep it.
  const int hint = asio::use_service<asio::detail::io_context_impl>(*context).concurrency_hint();
  return hint == 1 || !BOOST_ASIO_CONCURRENCY_HINT_IS_LOCKING(SCHEDULER, hint);
}

}  // namespace betterprompt::detail
