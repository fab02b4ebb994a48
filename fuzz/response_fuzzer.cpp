// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: bytes from a hostile server → HTTP response parser → envelope → every model
// mapping. The only acceptable outcome besides success is error_with_diagnostics (a typed
// error); any other exception, a crash, a leak or undefined behaviour is a finding.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/detail/decisions/retry.hpp>
#include <betterprompt/detail/prompt_versions.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace bp = betterprompt;

namespace {

template <class T>
void decode_as(const bp::detail::envelope& env) {
  try {
    bp::detail::decode_data<T>(bp::detail::envelope(env));
  } catch (const bp::error_with_diagnostics& e) {
    (void)e.what();
  }
}

void decode_everything(bp::detail::api_response response) {
  bp::detail::envelope env;
  try {
    env = bp::detail::parse_envelope(std::move(response));
  } catch (const bp::error_with_diagnostics& e) {
    (void)e.what();
    return;
  }
  decode_as<bp::prompt>(env);
  decode_as<bp::run>(env);
  decode_as<bp::page<bp::run>>(env);
  decode_as<bp::page<bp::prompt>>(env);
  decode_as<bp::credit_balance>(env);
  decode_as<boost::json::value>(env);
  try {
    bp::detail::decode_versions(bp::detail::envelope(env), "prompt-id");
  } catch (const bp::error_with_diagnostics& e) {
    (void)e.what();
  }
  if (!env.ok()) {
    try {
      bp::detail::throw_api_error(bp::detail::envelope(env));
    } catch (const bp::error_with_diagnostics& e) {
      (void)e.what();
    }
  }
}

using parser_type = boost::beast::http::response_parser<boost::beast::http::string_body>;

// The transport's limits, smaller: a fuzz input is at most a few KB anyway.
void fresh_parser(std::optional<parser_type>& parser) {
  parser.emplace();
  parser->eager(true);
  parser->body_limit(1024 * 1024);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  std::optional<parser_type> parser;
  fresh_parser(parser);
  boost::system::error_code ec;
  std::size_t offset = 0;
  // Feed the bytes as the transport sees them, skipping interim 1xx answers as it does.
  for (int interim = 0; offset < size && !parser->is_done();) {
    const auto used = parser->put(boost::asio::buffer(data + offset, size - offset), ec);
    offset += used;
    if (ec == http::error::need_more) {
      if (used == 0) break;
      ec = {};
      continue;
    }
    if (ec) return 0;
    if (parser->is_done() && parser->get().result_int() < 200) {
      if (parser->get().result_int() == 101 || ++interim > 8) return 0;
      fresh_parser(parser);
    }
  }
  if (!parser->is_done()) {
    parser->put_eof(ec);
    if (ec || !parser->is_done()) return 0;
  }
  auto message = parser->release();
  bp::detail::api_response response;
  response.http_status = message.result_int();
  response.request_id = std::string(message["x-request-id"]);
  response.retry_after_seconds = bp::detail::parse_retry_after(message[http::field::retry_after]);
  response.body = std::move(message.body());
  response.what = "GET /v1/fuzz";
  decode_everything(std::move(response));
  return 0;
}
