// SPDX-License-Identifier: BSL-1.0
// One client handle: its options (with() overrides included), the shared client state and the
// shared accounting of creates. Handles made by client::with() share both; clients of the same
// base URL and key share the accounting (shared_accounting). Calls go through
// async_call (detail/operations/call_op.hpp).
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/client_state.hpp>
#include <betterprompt/detail/create_accounting.hpp>
#include <betterprompt/detail/extra_headers.hpp>
#include <betterprompt/events.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <iostream>
#include <memory>

namespace betterprompt::detail {

class client_handle {
 public:
  /// A new client: its own state. Throws as client_state's constructor.
  client_handle(boost::asio::any_io_executor ex, client_options opts)
      : state_(std::make_shared<client_state>(std::move(ex), opts)),
        accounting_(shared_accounting(opts.base_url, opts.api_key, opts.timeouts.total)),
        options_(std::move(opts)),
        extra_fields_(render_extra_headers(options_.extra_headers)) {
    if (!options_.on_event)
      if (const auto level = log_level_from_environment())
        options_.on_event = make_stream_logger(std::cerr, *level);
  }

  /// A handle on `base`'s state with `overrides` applied to its options.
  client_handle(const client_handle& base, const call_options& overrides)
      : state_(base.state_), accounting_(base.accounting_), options_(base.options_) {
    if (overrides.retry) options_.retry = *overrides.retry;
    if (overrides.timeouts) options_.timeouts = *overrides.timeouts;
    if (!overrides.extra_headers.empty()) {
      check_extra_headers(overrides.extra_headers);
      options_.extra_headers = merge_extra_headers(options_.extra_headers, overrides.extra_headers);
      extra_fields_ = render_extra_headers(options_.extra_headers);
    }
    accounting_->cover_creates_of(options_.timeouts.total);
  }

  const boost::asio::any_io_executor& executor() const noexcept { return state_->executor(); }
  const client_options& options() const noexcept { return options_; }
  client_state& state() const noexcept { return *state_; }
  const std::shared_ptr<client_state>& state_ptr() const noexcept { return state_; }
  create_accounting& accounting() const noexcept { return *accounting_; }
  /// The extra header lines every request of this handle carries (checked; may be empty).
  const std::string& extra_fields() const noexcept { return extra_fields_; }
  /// The client has an event hook: build events only then.
  bool hooked() const noexcept { return static_cast<bool>(options_.on_event); }
  /// Tells the event hook about `e`. A hook's failure is not the call's: what it throws is
  /// swallowed, as documented.
  void notify(const event& e) const noexcept {
    if (!options_.on_event) return;
    try {
      options_.on_event(e);
    } catch (...) {
    }
  }

 private:
  std::shared_ptr<client_state> state_;
  std::shared_ptr<create_accounting> accounting_;
  client_options options_;
  std::string extra_fields_;
};

}  // namespace betterprompt::detail
