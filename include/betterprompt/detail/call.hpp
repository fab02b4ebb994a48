// The path every endpoint takes: send through the client's transport, parse the envelope.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/client_impl.hpp>
#include <betterprompt/detail/envelope.hpp>
#include <betterprompt/detail/initiate.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace betterprompt::detail {


/// Sends `req` through the client's transport and parses the envelope (any status).
inline boost::asio::awaitable<envelope> call(std::shared_ptr<client_impl> impl, api_request req) {
  api_response resp = co_await impl->send(std::move(req));
  co_return parse_envelope(std::move(resp));
}

}  // namespace betterprompt::detail
