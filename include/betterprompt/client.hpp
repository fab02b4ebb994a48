// SPDX-License-Identifier: BSL-1.0
// betterprompt::client: the handle every operation takes.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/server_clock.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/create_outcome.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace betterprompt {

namespace detail {
class client_handle;
struct client_closer;
struct client_access;
}  // namespace detail

/// A connection to the BetterPrompt API: options, TLS context and a set of keep-alive connections.
///
/// Pass it to the operations (get_prompt, create_run, get_run, wait_for_run, …; any completion
/// token, see completion.hpp). All I/O runs on the client's executor; nothing blocks and no
/// thread is started.
///
/// Thread safety, set by client_options::thread_safe:
/// - true (the default): any number of operations may run concurrently on one client, from
///   coroutines on any threads of its execution context. Each operation runs its steps on a
///   strand the client makes, or on the executor given when it is a strand.
/// - false: the executor must never run two handlers at once (one thread runs the io_context).
///   Operations run on it directly, sparing a strand's locks (about as much CPU per call as the
///   rest of its path). Other threads may still start operations: they only post to it.
///
/// Either way, every member below says which threads may call it; the operations (get_run, …)
/// may be started from any thread. Constructing, moving, assigning and destroying one handle are
/// not thread-safe: give each thread its own handle (with()) or guard it. Operations keep the
/// shared state alive, so destroying the client while operations are outstanding is safe: they
/// end promptly with error::client_closed.
class client {
 public:
  /// The executor all I/O of this client runs on.
  using executor_type = boost::asio::any_io_executor;

  /// Creates a client. Throws error_with_diagnostics with error::invalid_argument for a malformed
  /// base_url, or error::tls_error when a configured CA file or PEM cannot be loaded.
  BETTERPROMPT_DECL explicit client(executor_type ex, client_options opts = {});

  /// Creates a client on the context's executor, e.g. `client c{io_context, opts}`.
  template <class ExecutionContext, class = std::enable_if_t<std::is_convertible_v<
                                        ExecutionContext&, boost::asio::execution_context&>>>
  explicit client(ExecutionContext& ctx, client_options opts = {})
      : client(executor_type(ctx.get_executor()), std::move(opts)) {}

  /// Moves the handle; the moved-from client may only be destroyed or assigned to.
  client(client&&) noexcept = default;
  /// Moves the handle; the handle assigned to is released first (see ~client()).
  client& operator=(client&&) noexcept = default;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// When this is the last handle of the client (see with()): close().
  BETTERPROMPT_DECL ~client();

  /// Another handle on the same client — same connections, rate limiter and TLS context — whose
  /// calls use `overrides` (retry policy, timeouts). E.g.
  /// `auto impatient = c.with({.retry = betterprompt::retry_policy{.max_retries = 0}});`
  /// The client closes when its last handle is destroyed, or when any handle calls close().
  /// Thread-safe.
  BETTERPROMPT_DECL client with(const call_options& overrides) const;

  /// Closes the client, from any thread: every call in flight or waiting (for the rate limiter,
  /// a connection, a retry or the next poll of wait_for_run) ends promptly with
  /// error::client_closed, connections are closed, and later calls fail with client_closed.
  /// Idempotent; applies to all handles.
  BETTERPROMPT_DECL void close();

  /// The executor given at construction. Thread-safe.
  BETTERPROMPT_DECL executor_type get_executor() const noexcept;

  /// The options in force (base_url, timeouts, …): fixed for the handle's life. Thread-safe.
  BETTERPROMPT_DECL const client_options& options() const noexcept;

  /// Closes the idle keep-alive connections now. The client stays usable. Thread-safe.
  BETTERPROMPT_DECL void close_idle_connections();

  /// The resources cache protocol (see resource_cache, which drives it): announce `hash` (the
  /// `hash` of GET /v1/resources) as `cli-agent: resources_hash=<hash>` on every request of every
  /// handle, and clear resources_update_required(). Empty: announce none. Throws
  /// error_with_diagnostics with error::invalid_argument when `hash` has characters outside
  /// base64/base64url or more than 256 of them (it goes into a header). Thread-safe: calls
  /// already writing their request keep the hash they read.
  BETTERPROMPT_DECL void set_resources_hash(std::string_view hash);

  /// The hash announced (see set_resources_hash); empty when none. Thread-safe.
  BETTERPROMPT_DECL std::string resources_hash() const;

  /// True once a response carried `action-require: update-resources` (the announced hash is
  /// stale: fetch GET /v1/resources again), until set_resources_hash() is called. Thread-safe.
  BETTERPROMPT_DECL bool resources_update_required() const noexcept;

  /// The ids of the runs this client's creates returned (and those given to remember_runs), oldest
  /// first. Reconciling an unknown create drops them from the server's listing: they are known,
  /// so none can be the unknown's run. Each is kept while it can fall into a reconciliation
  /// window (the longest total timeout of any handle, plus the grace period, margins and clock
  /// offset bounds: about 7 minutes by default), and at most 100 000 are kept (past that, the
  /// answers that could need the dropped ones say "ambiguous", never "found"). Shared by every
  /// handle of the client (see with()) and by every client of this process with the same
  /// base_url and api_key (as are the holds of reconciliation): those are not other creators.
  /// Thread-safe.
  BETTERPROMPT_DECL std::vector<std::string> remembered_runs() const;

  /// Remembers `run_ids` as if this client's creates had returned them, from now on: runs known
  /// elsewhere (a batch's output file on a rerun, a server's own journal) that reconciliation must
  /// never hand out as an unknown create's. Thread-safe.
  BETTERPROMPT_DECL void remember_runs(const std::vector<std::string>& run_ids);

  /// The server's clock minus ours, as the Date headers of the answers so far bound it; none
  /// before the first answer that carried one. Reconciliation reads it to place a create's
  /// window on the server's clock. Shared by every handle. Thread-safe.
  BETTERPROMPT_DECL std::optional<clock_offset_bounds> server_clock_offset() const;

  /// How many creates ended with a run that may exist, and what reconciliation answered for them
  /// (for a server's metrics). Shared as remembered_runs() is. Thread-safe.
  BETTERPROMPT_DECL betterprompt::create_counters create_counters() const;

 private:
  friend struct detail::client_access;  // the library's own functions reach the shared state

  client(std::shared_ptr<detail::client_handle> impl, std::shared_ptr<detail::client_closer> owner);

  std::shared_ptr<detail::client_handle> handle_;
  std::shared_ptr<detail::client_closer> closer_;  // Shared by all handles; closes on release.
};

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/client.ipp>
#endif
