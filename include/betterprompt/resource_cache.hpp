// SPDX-License-Identifier: BSL-1.0
// resource_cache, declared without the transport, so that an options struct can hold one
// (run_prompt_options::resources). Include <betterprompt/resources.hpp> to use it.
#pragma once

#include <betterprompt/completion.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/models/resources.hpp>

#include <memory>

namespace betterprompt {

class client;
class resource_cache;

namespace detail {
class resource_cache_state;
/// The shared state behind a resource_cache, for operations that read through it.
const std::shared_ptr<resource_cache_state>& state_of(const resource_cache& cache) noexcept;
}  // namespace detail

/// The resources of one client, fetched once and fetched again only when the API says they
/// changed. After a fetch the client announces the resources' hash on every request
/// (`cli-agent: resources_hash=<hash>`); when a response carries `action-require:
/// update-resources` the cached copy stops being current and the next get() fetches again.
/// Copies share one cache. Thread-safe. Its members are defined by <betterprompt/resources.hpp>.
class resource_cache {
 public:
  /// A cache for `c`'s client (every handle of it). Throws error::invalid_argument for a
  /// moved-from client.
  BETTERPROMPT_DECL explicit resource_cache(const client& c);

  /// The resources: the cached copy when current (completes without a request, never inline),
  /// else fetched and cached. Completion signature void(error_code, resources); errors and
  /// cancellation as get_resources.
  template <class CompletionToken = default_completion_token_t>
    requires detail::token_not<CompletionToken>
  auto get(CompletionToken&& token = {});

  /// get(), writing its diagnostics to `diag` before completing (on success
  /// too: HTTP status, request id, attempts).
  template <class CompletionToken = default_completion_token_t>
  auto get(diagnostics& diag, CompletionToken&& token = {});

  /// The cached resources while current (see get()); null when the next get() will fetch.
  BETTERPROMPT_DECL std::shared_ptr<const resources> current() const;
  /// The last resources fetched, current or not; null before the first fetch.
  BETTERPROMPT_DECL std::shared_ptr<const resources> last() const;
  /// Makes the next get() fetch.
  BETTERPROMPT_DECL void invalidate();

 private:
  friend const std::shared_ptr<detail::resource_cache_state>& detail::state_of(
      const resource_cache&) noexcept;

  std::shared_ptr<detail::resource_cache_state> state_;
};

}  // namespace betterprompt
