// SPDX-License-Identifier: BSL-1.0
// Resources: the models a run may use and their run options (GET /v1/resources), and a cache of
// them that follows the API's cache protocol.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/resource_cache.hpp>

#include <boost/asio/async_result.hpp>

#include <memory>
#include <mutex>

namespace betterprompt {

namespace detail {
/// GET /v1/resources.
BETTERPROMPT_DECL endpoint_call<resources> get_resources_call();

/// What every copy of one resource_cache shares.
class resource_cache_state {
 public:
  explicit resource_cache_state(std::shared_ptr<client_handle> client)
      : client_(std::move(client)) {}

  const std::shared_ptr<client_handle>& client() const noexcept { return client_; }
  /// The cached resources while they are current: fetched, not invalidated, and no response has
  /// called their hash stale since. Null otherwise.
  BETTERPROMPT_DECL std::shared_ptr<const resources> current() const;
  /// The last resources fetched, current or not; null before the first fetch.
  BETTERPROMPT_DECL std::shared_ptr<const resources> last() const;
  /// Keeps `fetched` and announces its hash on the client's requests.
  BETTERPROMPT_DECL void store(const resources& fetched);
  BETTERPROMPT_DECL void invalidate();

 private:
  std::shared_ptr<client_handle> client_;
  mutable std::mutex mutex_;
  std::shared_ptr<const resources> cached_;  // guarded by mutex_
  bool invalidated_ = false;                 // guarded by mutex_
};

/// resource_cache::get for initiate_composed: the cached value when current, else a fetch.
struct cached_resources_initiation {
  std::shared_ptr<resource_cache_state> cache;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<resources, &cached_resources_initiation::start>(token,
                                                                             std::move(cache));
  }

  /// Completes `handler` with the cached value when current (never inline), else fetches and
  /// stores; compiled once, behind the compile wall.
  BETTERPROMPT_DECL static void start(std::shared_ptr<resource_cache_state> cache,
                                      operation_completion<resources> handler);
};
}  // namespace detail

/// GET /v1/resources: the models a run may use, each with its modality and the run options it
/// accepts (the authoritative list of runOptions keys and values). Completion signature
/// void(error_code, resources). Errors: error::unauthorized, client errors. Any cancellation type
/// ends it. Does not touch the cache protocol; see resource_cache for that.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_resources(client& c, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_resources_call(), nullptr,
                               std::forward<CompletionToken>(token));
}

/// get_resources, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto get_resources(client& c, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_resources_call(), &diag,
                               std::forward<CompletionToken>(token));
}

template <class CompletionToken>
  requires detail::token_not<CompletionToken>
auto resource_cache::get(CompletionToken&& token) {
  return detail::initiate_composed<resources>(detail::cached_resources_initiation{state_}, nullptr,
                                              std::forward<CompletionToken>(token));
}

template <class CompletionToken>
auto resource_cache::get(diagnostics& diag, CompletionToken&& token) {
  return detail::initiate_composed<resources>(detail::cached_resources_initiation{state_}, &diag,
                                              std::forward<CompletionToken>(token));
}

inline const std::shared_ptr<detail::resource_cache_state>& detail::state_of(
    const resource_cache& cache) noexcept {
  return cache.state_;
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/resources.ipp>
#endif
