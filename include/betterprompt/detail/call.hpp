// SPDX-License-Identifier: BSL-1.0
// The path every endpoint takes: one call through the transport, its envelope parsed; a failure
// becomes the exception the endpoint bodies throw.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/call_op.hpp>
#include <betterprompt/detail/client_impl.hpp>
#include <betterprompt/detail/envelope.hpp>
#include <betterprompt/detail/initiate.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <string>

namespace betterprompt::detail {

/// Sends `req` through the client's transport and parses the envelope (any status).
inline boost::asio::awaitable<envelope> call(std::shared_ptr<client_impl> impl, api_request req) {
  auto [ec, resp] = co_await async_call(std::move(impl), std::move(req),
                                        boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec) throw error_with_diagnostics(ec, std::move(resp.failure));
  co_return parse_envelope(std::move(resp));
}

}  // namespace betterprompt::detail
