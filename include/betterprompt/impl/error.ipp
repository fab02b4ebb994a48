// SPDX-License-Identifier: BSL-1.0
// Out-of-line bodies for <betterprompt/error.hpp>.
#pragma once

#include <betterprompt/detail/api_error_table.hpp>
#include <betterprompt/detail/printable.hpp>
#include <betterprompt/error.hpp>

#include <iterator>
#include <string_view>
#include <utility>

namespace betterprompt {
namespace detail {

class api_error_category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "betterprompt.api"; }
  std::string message(int ev) const override {
    if (const api_error_row* row = api_error_of(ev)) return std::string(row->message);
    return "unknown betterprompt.api error";
  }
};

class client_error_category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "betterprompt.client"; }
  std::string message(int ev) const override {
    using namespace betterprompt::error;  // the enumerators
    switch (static_cast<client_errc>(ev)) {
      case timeout:
        return "request timed out";
      case wait_timeout:
        return "run did not finish before the wait deadline";
      case bad_response:
        return "unexpected response from the server";
      case response_too_large:
        return "response body exceeds the configured limit";
      case tls_error:
        return "TLS handshake or certificate verification failed";
      case connection_failed:
        return "could not connect to the server";
      case connection_closed:
        return "connection closed before a complete response";
      case invalid_argument:
        return "invalid argument";
      case invalid_input:
        return "run inputs do not match the prompt's input configuration";
      case file_error:
        return "file cannot be used";
      case client_closed:
        return "client closed";
      case proxy_refused:
        return "the proxy refused the connection";
      case create_outcome_unknown:
        return "the create was sent and its outcome is unknown: the run may exist";
      case created_answer_lost:
        return "the run was created, but its answer was lost";
      case create_held:
        return "the create was held for a reconciliation and never sent: no run";
      case reconcile_failed:
        return "the runs could not be listed: the create is not reconciled";
    }
    return "unknown betterprompt.client error";
  }
};

}  // namespace detail

namespace error {

BETTERPROMPT_DECL const boost::system::error_category& get_api_category() noexcept {
  static const detail::api_error_category category;
  return category;
}

BETTERPROMPT_DECL const boost::system::error_category& get_client_category() noexcept {
  static const detail::client_error_category category;
  return category;
}

BETTERPROMPT_DECL api_errc api_error_from_status(std::string_view status) noexcept {
  return detail::api_error_from_status_text(status);
}

BETTERPROMPT_DECL std::string code_name(const boost::system::error_code& ec) {
  static constexpr const char* client_names[] = {"",
                                                 "timeout",
                                                 "wait_timeout",
                                                 "bad_response",
                                                 "response_too_large",
                                                 "tls_error",
                                                 "connection_failed",
                                                 "connection_closed",
                                                 "invalid_argument",
                                                 "invalid_input",
                                                 "file_error",
                                                 "client_closed",
                                                 "proxy_refused",
                                                 "create_outcome_unknown",
                                                 "created_answer_lost",
                                                 "create_held",
                                                 "reconcile_failed"};
  if (!ec) return "";
  const int value = ec.value();
  if (ec.category() == get_api_category())
    if (const detail::api_error_row* row = detail::api_error_of(value))
      return std::string(row->name);
  if (ec.category() == get_client_category() && value > 0 &&
      value < static_cast<int>(std::size(client_names)))
    return client_names[value];
  if (ec == boost::system::errc::operation_canceled) return "operation_aborted";
  return std::string(ec.category().name()) + ":" + std::to_string(value);
}

}  // namespace error

namespace detail {

/// `message` fit for what(): control characters (ESC, CR, LF, NUL…) shown as \xNN so that a
/// server cannot forge log lines or cut the text short, and at most max_what_message bytes kept
/// (on a UTF-8 boundary). diagnostics::message keeps the raw text.
inline std::string printable_message(std::string_view message) {
  std::string out;
  std::size_t kept = 0;
  for (; kept < message.size() && out.size() < max_what_message; ++kept) {
    const auto c = static_cast<unsigned char>(message[kept]);
    if (is_control(c))
      append_hex_escape(out, c);
    else
      out += static_cast<char>(c);
  }
  if (kept < message.size()) {
    // Do not end inside a UTF-8 sequence: drop continuation bytes and their lead byte.
    while (kept > 0 && (static_cast<unsigned char>(message[kept]) & 0xC0) == 0x80) {
      --kept;
      out.pop_back();
    }
    out += "... (" + std::to_string(message.size() - kept) + " more bytes)";
  }
  return out;
}

inline std::string describe(const diagnostics& diag) {
  std::string text =
      diag.message.empty() ? std::string("request failed") : printable_message(diag.message);
  if (diag.http_status != 0 || !diag.request_id.empty()) {
    text += " [";
    if (diag.http_status != 0) {
      text += "HTTP " + std::to_string(diag.http_status);
      if (!diag.api_status.empty()) text += " " + printable_message(diag.api_status.substr(0, 64));
    }
    if (!diag.request_id.empty()) {
      if (diag.http_status != 0) text += ", ";
      text += "request id " + printable_message(diag.request_id.substr(0, 128));
    }
    text += "]";
  }
  return text;
}

BETTERPROMPT_DECL boost::system::error_code client_refusal(error::client_errc e,
                                                           std::string message, diagnostics& diag) {
  diag.message = std::move(message);
  return make_error_code(e);
}

BETTERPROMPT_DECL void throw_client_error(error::client_errc e, std::string message) {
  diagnostics diag;
  diag.message = std::move(message);
  throw error_with_diagnostics(make_error_code(e), std::move(diag));
}

BETTERPROMPT_DECL void throw_if_refused(boost::system::error_code ec, diagnostics&& diag) {
  if (ec) throw error_with_diagnostics(ec, std::move(diag));
}

}  // namespace detail

BETTERPROMPT_DECL error_with_diagnostics::error_with_diagnostics(boost::system::error_code ec,
                                                                 diagnostics diag)
    : boost::system::system_error(ec, detail::describe(diag)), diag_(std::move(diag)) {}

}  // namespace betterprompt
