// SPDX-License-Identifier: BSL-1.0
// Bodies of the resources endpoint and cache.
#pragma once

#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/resources.hpp>

namespace betterprompt {
namespace detail {

BETTERPROMPT_DECL endpoint_call<resources> get_resources_call() {
  endpoint_call<resources> call;
  call.request = api_request::get(routes::get_resources, routes::get_resources.target());
  call.decode = &decode_answer<resources>;
  return call;
}

BETTERPROMPT_DECL std::shared_ptr<const resources> resource_cache_state::current() const {
  const auto& announced = client_->state().resources();
  std::lock_guard lock(mutex_);
  if (!cached_ || invalidated_ || announced.stale()) return nullptr;
  // Another cache of the same client may have announced a newer hash since.
  if (announced.hash() != cached_->hash) return nullptr;
  return cached_;
}

BETTERPROMPT_DECL std::shared_ptr<const resources> resource_cache_state::last() const {
  std::lock_guard lock(mutex_);
  return cached_;
}

BETTERPROMPT_DECL void resource_cache_state::store(const resources& fetched) {
  auto copy = std::make_shared<const resources>(fetched);
  // A hash that cannot go into a header is not announced (the cache then refetches each time).
  const std::string_view hash =
      resources_state::valid_hash(fetched.hash) ? std::string_view(fetched.hash) : "";
  std::lock_guard lock(mutex_);
  client_->state().resources().set_hash(hash);
  cached_ = std::move(copy);
  invalidated_ = hash.empty();
}

BETTERPROMPT_DECL void resource_cache_state::invalidate() {
  std::lock_guard lock(mutex_);
  invalidated_ = true;
}

/// Keeps a fetched resources in the cache, then completes the caller's handler.
template <class Handler>
struct storing_handler {
  Handler handler;
  std::shared_ptr<resource_cache_state> cache;

  void operator()(boost::system::error_code ec, resources fetched, diagnostics diag) {
    if (!ec) cache->store(fetched);
    std::move(handler)(ec, std::move(fetched), std::move(diag));
  }
};

template <class Handler>
inline constexpr bool is_handler_adapter<storing_handler<Handler>> = true;

BETTERPROMPT_DECL void cached_resources_initiation::start(
    std::shared_ptr<resource_cache_state> cache, operation_completion<resources> handler) {
  if (auto hit = cache->current())
    return complete_later(std::move(handler), cache->client()->executor(),
                          boost::system::error_code(), *hit, diagnostics());
  auto client = cache->client();
  endpoint_initiation<resources>{std::move(client),
                                 std::make_unique<endpoint_call<resources>>(get_resources_call())}(
      storing_handler<operation_completion<resources>>{std::move(handler), std::move(cache)});
}

}  // namespace detail

BETTERPROMPT_DECL resource_cache::resource_cache(const client& c)
    : state_(std::make_shared<detail::resource_cache_state>(detail::handle_of(c))) {}

BETTERPROMPT_DECL std::shared_ptr<const resources> resource_cache::current() const {
  return state_->current();
}

BETTERPROMPT_DECL std::shared_ptr<const resources> resource_cache::last() const {
  return state_->last();
}

BETTERPROMPT_DECL void resource_cache::invalidate() { state_->invalidate(); }

}  // namespace betterprompt
