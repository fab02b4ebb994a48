// SPDX-License-Identifier: BSL-1.0
// Bodies of betterprompt::client.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/client_impl.hpp>

namespace betterprompt {

namespace detail {
/// Shared by every handle of a client: the last one to go closes the pool.
struct client_owner {
  explicit client_owner(std::shared_ptr<connection_pool> p) : pool(std::move(p)) {}
  client_owner(const client_owner&) = delete;
  client_owner& operator=(const client_owner&) = delete;
  ~client_owner() { pool->close(); }
  std::shared_ptr<connection_pool> pool;
};
}  // namespace detail

BETTERPROMPT_DECL client::client(executor_type ex, client_options opts)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(opts))) {
  owner_ = std::make_shared<detail::client_owner>(impl_->pool_ptr());
}

BETTERPROMPT_DECL client::client(std::shared_ptr<detail::client_impl> impl,
                                 std::shared_ptr<detail::client_owner> owner)
    : impl_(std::move(impl)), owner_(std::move(owner)) {}

BETTERPROMPT_DECL client::~client() = default;

BETTERPROMPT_DECL client client::with(const call_options& overrides) const {
  if (!impl_) detail::throw_client_error(error::invalid_argument, "client was moved from");
  return client(std::make_shared<detail::client_impl>(*impl_, overrides), owner_);
}

BETTERPROMPT_DECL void client::close() {
  if (impl_) impl_->pool().close();
}

BETTERPROMPT_DECL client::executor_type client::get_executor() const noexcept {
  return impl_->executor();
}

BETTERPROMPT_DECL const client_options& client::options() const noexcept {
  return impl_->options();
}

BETTERPROMPT_DECL void client::close_idle_connections() { impl_->pool().close_idle(); }

BETTERPROMPT_DECL void client::set_resources_hash(std::string_view hash) {
  if (!detail::resources_state::valid_hash(hash))
    detail::throw_client_error(error::invalid_argument,
                               "resources hash must be at most 256 base64url characters");
  if (!impl_) detail::throw_client_error(error::invalid_argument, "client was moved from");
  impl_->pool().resources().set_hash(hash);
}

BETTERPROMPT_DECL std::string client::resources_hash() const {
  return impl_ ? impl_->pool().resources().hash() : std::string();
}

BETTERPROMPT_DECL bool client::resources_update_required() const noexcept {
  return impl_ && impl_->pool().resources().stale();
}

BETTERPROMPT_DECL std::vector<std::string> client::remembered_runs() const {
  return impl_ ? impl_->accounting().runs().ids() : std::vector<std::string>{};
}

BETTERPROMPT_DECL void client::remember_runs(const std::vector<std::string>& run_ids) {
  if (!impl_) detail::throw_client_error(error::invalid_argument, "client was moved from");
  const auto now = std::chrono::system_clock::now();
  for (const auto& id : run_ids) impl_->accounting().runs().remember(id, now);
}

BETTERPROMPT_DECL create_counters client::create_counters() const {
  return impl_ ? impl_->accounting().counters() : betterprompt::create_counters{};
}

BETTERPROMPT_DECL std::optional<clock_offset_bounds> client::server_clock_offset() const {
  return impl_ ? impl_->accounting().clock_offset() : std::nullopt;
}

}  // namespace betterprompt
