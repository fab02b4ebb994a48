// SPDX-License-Identifier: BSL-1.0
// Bodies of betterprompt::client.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/client_handle.hpp>

namespace betterprompt {

namespace detail {
/// Shared by every handle of a client (not by the operations in flight, which hold the state):
/// the last handle to go closes the client.
struct client_closer {
  explicit client_closer(std::shared_ptr<client_state> s) : state(std::move(s)) {}
  client_closer(const client_closer&) = delete;
  client_closer& operator=(const client_closer&) = delete;
  ~client_closer() { state->close(); }
  std::shared_ptr<client_state> state;
};
}  // namespace detail

BETTERPROMPT_DECL client::client(executor_type ex, client_options opts)
    : handle_(std::make_shared<detail::client_handle>(std::move(ex), std::move(opts))) {
  closer_ = std::make_shared<detail::client_closer>(handle_->state_ptr());
}

BETTERPROMPT_DECL client::client(std::shared_ptr<detail::client_handle> impl,
                                 std::shared_ptr<detail::client_closer> owner)
    : handle_(std::move(impl)), closer_(std::move(owner)) {}

BETTERPROMPT_DECL client::~client() = default;

BETTERPROMPT_DECL client client::with(const call_options& overrides) const {
  if (!handle_) detail::throw_client_error(error::invalid_argument, "client was moved from");
  return client(std::make_shared<detail::client_handle>(*handle_, overrides), closer_);
}

BETTERPROMPT_DECL void client::close() {
  if (handle_) handle_->state().close();
}

BETTERPROMPT_DECL client::executor_type client::get_executor() const noexcept {
  return handle_->executor();
}

BETTERPROMPT_DECL const client_options& client::options() const noexcept {
  return handle_->options();
}

BETTERPROMPT_DECL void client::close_idle_connections() { handle_->state().close_idle(); }

BETTERPROMPT_DECL void client::set_resources_hash(std::string_view hash) {
  if (!detail::resources_state::valid_hash(hash))
    detail::throw_client_error(error::invalid_argument,
                               "resources hash must be at most 256 base64url characters");
  if (!handle_) detail::throw_client_error(error::invalid_argument, "client was moved from");
  handle_->state().resources().set_hash(hash);
}

BETTERPROMPT_DECL std::string client::resources_hash() const {
  return handle_ ? handle_->state().resources().hash() : std::string();
}

BETTERPROMPT_DECL bool client::resources_update_required() const noexcept {
  return handle_ && handle_->state().resources().stale();
}

BETTERPROMPT_DECL std::vector<std::string> client::remembered_runs() const {
  return handle_ ? handle_->accounting().runs().ids() : std::vector<std::string>{};
}

BETTERPROMPT_DECL void client::remember_runs(const std::vector<std::string>& run_ids) {
  if (!handle_) detail::throw_client_error(error::invalid_argument, "client was moved from");
  const auto now = std::chrono::system_clock::now();
  for (const auto& id : run_ids) handle_->accounting().runs().remember(id, now);
}

BETTERPROMPT_DECL create_counters client::create_counters() const {
  return handle_ ? handle_->accounting().counters() : betterprompt::create_counters{};
}

BETTERPROMPT_DECL std::optional<clock_offset_bounds> client::server_clock_offset() const {
  return handle_ ? handle_->accounting().clock_offset() : std::nullopt;
}

}  // namespace betterprompt
