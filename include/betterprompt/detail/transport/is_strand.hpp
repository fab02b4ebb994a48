// SPDX-License-Identifier: BSL-1.0
// Whether an executor is a strand already, so that a thread-safe client runs its operations on
// it instead of on strands of its own (client_options::thread_safe).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

namespace betterprompt::detail {

/// True when `ex` is one of Asio's strands: of an io_context, of a thread pool, or of any
/// executor. Asio offers no query for it: these are the targets asked for by type.
inline bool is_strand(const boost::asio::any_io_executor& ex) {
  namespace asio = boost::asio;
  return ex.target<asio::strand<asio::io_context::executor_type>>() ||
         ex.target<asio::strand<asio::any_io_executor>>() ||
         ex.target<asio::strand<asio::thread_pool::executor_type>>();
}

/// Whether a client on `ex` makes strands for its operations: only when it must be thread-safe
/// and `ex` is not a strand already.
inline bool needs_own_strands(bool thread_safe, const boost::asio::any_io_executor& ex) {
  return thread_safe && !is_strand(ex);
}

}  // namespace betterprompt::detail
