// betterprompt::client: the handle every operation takes.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include <memory>
#include <type_traits>

namespace betterprompt {

namespace detail {
class client_impl;
}

/// A connection to the BetterPrompt API: options, TLS context and a set of keep-alive connections.
///
/// Pass it to the awaitable functions (get_prompt, create_run, get_run, wait_for_run, …). All
/// I/O runs on the client's executor; nothing blocks and no thread is started.
///
/// Thread safety: any number of operations may run concurrently on one client, from coroutines
/// on any threads of its execution context. Constructing, moving and destroying the client are
/// not thread-safe. Operations keep the shared state alive, so destroying the client while
/// operations are outstanding is safe: they finish normally.
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

  client(client&&) noexcept = default;
  client& operator=(client&&) noexcept = default;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Closes idle connections; operations still running finish normally.
  BETTERPROMPT_DECL ~client();

  /// The executor given at construction.
  BETTERPROMPT_DECL executor_type get_executor() const noexcept;

  /// The options in force (base_url, timeouts, …).
  BETTERPROMPT_DECL const client_options& options() const noexcept;

  /// Closes the idle keep-alive connections now. The client stays usable.
  BETTERPROMPT_DECL void close_idle_connections();

  /// Implementation access for the library's own functions; not part of the public API.
  const std::shared_ptr<detail::client_impl>& impl() const noexcept { return impl_; }

 private:
  std::shared_ptr<detail::client_impl> impl_;
};

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/client.ipp>
#endif
