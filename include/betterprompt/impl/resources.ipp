// SPDX-License-Identifier: BSL-1.0
// Bodies of the resources endpoint and cache.
#pragma once

#include <betterprompt/detail/operations/endpoint_call.hpp>
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
