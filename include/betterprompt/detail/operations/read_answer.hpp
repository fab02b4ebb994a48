// SPDX-License-Identifier: BSL-1.0
// The one place that reads an endpoint's answer (the transport's failure, the API's error, or
// the decoded value, each with its diagnostics), behind the compile wall: only the library's
// bodies include it, for it needs the envelope and Boost.JSON's parser.
#pragma once

#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/error.hpp>

#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

/// decode_data<T> in the shape answer_reader::decode takes: for answers that are just a T.
template <class T>
boost::system::error_code decode_answer(envelope&& answer, const std::string&, T& out,
                                        diagnostics& diag) {
  return decode_data<T>(std::move(answer), out, diag);
}

/// A call's completion read by `reader` into `value` and `diag`: the value, or the failure (the
/// transport's, the API's, or the decoder's) with its diagnostics, a timeout naming the run when
/// the reader names one, settled by the reader's settler when it has one. Returns the failure's
/// code. The diagnostics tell what answered on success too: status, request id, attempts.
/// Nothing is thrown on the way (but bad_alloc): an answer, whatever it says, is not an
/// exception.
template <class T>
boost::system::error_code read_answer(boost::system::error_code ec, api_response&& answer,
                                      const answer_reader<T>& reader, T& value, diagnostics& diag) {
  answer_body body = answer_body::incomplete;
  const exchange_facts facts = answer.exchange;
  if (ec) {
    diag = std::move(answer.failure);  // the transport's, attempts included
    if (ec == error::timeout && !reader.run_id.empty())
      if (auto* data = diag.data.if_object()) (*data)["runId"] = reader.run_id;
  } else if (reader.decode_raw) {
    body = answer_body::not_envelope;
    diag.attempts = answer.attempts;
    diag.http_status = answer.http_status;
    diag.request_id = answer.request_id;
    ec = reader.decode_raw(std::move(answer), reader.context, value, diag);
  } else {
    body = answer_body::not_envelope;
    diag.attempts = answer.attempts;
    envelope env;
    ec = read_envelope(std::move(answer), env, diag);
    if (!ec) {
      body = env.ok() ? answer_body::success_envelope : answer_body::error_envelope;
      diag.http_status = env.http_status;
      diag.request_id = env.request_id;
      std::optional<T> recovered;
      if (env.ok())
        ec = reader.decode(std::move(env), reader.context, value, diag);
      else if (reader.read_failed && (recovered = reader.read_failed(env)))
        value = std::move(*recovered);
      else
        ec = api_error_of(std::move(env), diag);
    }
  }
  if (ec && reader.settle) reader.settle(ec, facts, body, reader.context, diag);
  return ec;
}

}  // namespace betterprompt::detail
