// Bodies of betterprompt::client.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/client_impl.hpp>

namespace betterprompt {

BETTERPROMPT_DECL client::client(executor_type ex, client_options opts)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(opts))) {}

BETTERPROMPT_DECL client::~client() {
  if (impl_) impl_->close_idle();
}

BETTERPROMPT_DECL client::executor_type client::get_executor() const noexcept {
  return impl_->executor();
}

BETTERPROMPT_DECL const client_options& client::options() const noexcept {
  return impl_->options();
}

BETTERPROMPT_DECL void client::close_idle_connections() { impl_->close_idle(); }

}  // namespace betterprompt
