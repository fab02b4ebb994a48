// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: bytes from a hostile server → HTTP response parser → the operations' one
// answer reader (detail::read_answer) with every endpoint's decoder. The only acceptable outcome
// besides a value is an error code with diagnostics: any exception, a crash, a leak or undefined
// behaviour is a finding.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/detail/decisions/retry.hpp>
#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/run_answer.hpp>
#include <betterprompt/detail/prompt_versions.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bp = betterprompt;

namespace {

/// The answer read as the operations read it, by `reader`.
template <class T>
void read_with(const bp::detail::api_response& response, bp::detail::answer_reader<T> reader) {
  T value{};
  bp::diagnostics diag;
  const auto ec =
      bp::detail::read_answer({}, bp::detail::api_response(response), reader, value, diag);
  // The message a throwing token would carry, built (not thrown) from the hostile text.
  if (ec) (void)bp::error_with_diagnostics(ec, diag).what();
}

template <class T>
void read_as(const bp::detail::api_response& response) {
  bp::detail::answer_reader<T> reader;
  reader.decode = &bp::detail::decode_answer<T>;
  read_with(response, std::move(reader));
}

void read_everything(const bp::detail::api_response& response) {
  read_as<bp::prompt>(response);
  read_as<bp::run>(response);
  read_as<bp::page<bp::run>>(response);
  read_as<bp::page<bp::prompt>>(response);
  read_as<bp::page<bp::skill>>(response);
  read_as<bp::skill>(response);
  read_as<bp::credit_balance>(response);
  read_as<bp::account>(response);
  read_as<bp::resources>(response);
  bp::detail::answer_reader<bp::run> polled;
  polled.decode = &bp::detail::decode_run_answer;
  polled.context = "run-id";
  read_with(response, std::move(polled));
  bp::detail::answer_reader<std::vector<bp::prompt>> versions;
  versions.decode = &bp::detail::decode_versions;
  versions.context = "prompt-id";
  read_with(response, std::move(versions));
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
  read_everything(response);
  return 0;
}
