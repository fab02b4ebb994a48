// SPDX-License-Identifier: BSL-1.0
// Reconciling a create of unknown outcome: which run, if any, it made. The API has no idempotency
// key, so only the client that sent the create can tell its run from the others: it knows when
// each of its creates was in flight, which runs it already has, and the server's clock.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/create_outcome.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/reconcile_options.hpp>
#include <betterprompt/reconcile_result.hpp>

#include <boost/asio/async_result.hpp>

#include <memory>
#include <utility>

namespace betterprompt {

namespace detail {
/// The completion of one reconciliation: its answer, or the failure's diagnostics.
using reconcile_signature = operation_signature<reconcile_result>;

/// The launcher of one reconcile_create, for initiate_composed.
struct reconcile_initiation {
  std::shared_ptr<client_handle> client;
  create_record record;
  reconcile_options options;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<reconcile_result, &start_reconcile>(token, std::move(client),
                                                                 std::move(record), options);
  }

  /// Checks the arguments, answers a not_created record at once, or joins the version's group.
  BETTERPROMPT_DECL static void start_reconcile(std::shared_ptr<client_handle> client,
                                                create_record record, reconcile_options options,
                                                operation_completion<reconcile_result> handler);
};

/// The launcher for client `c` (throws error::invalid_argument for a moved-from client).
BETTERPROMPT_DECL reconcile_initiation launch_reconcile(const betterprompt::client& c,
                                                        create_record record,
                                                        const reconcile_options& options);

}  // namespace detail

/// Finds which run a create of unknown outcome made, from the record its failure left in
/// diagnostics::create. Completion signature void(error_code, reconcile_result).
///
/// **Its limit first**: "found" assumes that nothing but this process's clients of the same
/// base_url and API key creates runs of the record's prompt version during the create's window.
/// Those clients share what reconciliation knows (their runs, their creates in flight, the holds),
/// so a second `client` in the process is not another creator; another process, another machine,
/// or a client that spells the base URL differently is. When the listing shows runs of the
/// version that none of these clients' creates can explain, another creator exists: the answer is
/// then ambiguous and names them.
///
/// How: new creates of the version wait at their write point (their held time counts against
/// their total timeout; held when the client closes, they end with error::create_held, not
/// created); once every create of it that was in flight has ended, GET /v1/runs is listed since
/// the window's start (whole seconds, 50 per page, every page), the runs this client already has
/// are dropped, and each remaining run is given to the one create whose window
/// [sent - margin, failed + margin] (on the server's clock, from its Date headers) alone can
/// explain it. The hold ends before any grace wait. Concurrent reconciliations of one version
/// form one group, answered together; a run goes to one caller only, and is then remembered.
///
/// Answers: found (the run), not_found (nothing in its window, listed `grace` after it failed
/// and after its window closed on the server's clock: the listing may lag and a middlebox may
/// still forward the request, so this is not proof), or
/// ambiguous (the candidates). A record with outcome not_created answers not_found at once,
/// without listing. Errors: error::reconcile_failed when the listing failed four rounds in a row
/// (each after the call's own retries; 0.5, 1 and 2 s apart): nothing is decided, the diagnostics keep the record (diagnostics::create) and the
/// listing's failure, and it may be called again; error::invalid_argument for a record without a
/// prompt version or send time, or options out of range. Every cancellation type ends it
/// (operation_aborted) and releases the hold; client::close() ends it with error::client_closed.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, reconcile_options>
auto reconcile_create(client& c, create_record record, CompletionToken&& token = {});

/// reconcile_create with `options`.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto reconcile_create(client& c, create_record record, const reconcile_options& options,
                      CompletionToken&& token = {});

/// reconcile_create with `options`, writing the failure's diagnostics to `diag` before completing.
template <class CompletionToken = default_completion_token_t>
auto reconcile_create(client& c, create_record record, const reconcile_options& options,
                      diagnostics& diag, CompletionToken&& token = {});

template <class CompletionToken>
requires detail::token_not<CompletionToken, reconcile_options>
auto reconcile_create(client& c, create_record record, CompletionToken&& token) {
  return reconcile_create(c, std::move(record), reconcile_options{},
                          std::forward<CompletionToken>(token));
}

template <class CompletionToken>
requires detail::token_not<CompletionToken>
auto reconcile_create(client& c, create_record record, const reconcile_options& options,
                      CompletionToken&& token) {
  return detail::initiate_composed<reconcile_result>(
      detail::launch_reconcile(c, std::move(record), options), nullptr,
      std::forward<CompletionToken>(token));
}

template <class CompletionToken>
auto reconcile_create(client& c, create_record record, const reconcile_options& options,
                      diagnostics& diag, CompletionToken&& token) {
  return detail::initiate_composed<reconcile_result>(
      detail::launch_reconcile(c, std::move(record), options), &diag,
      std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/detail/operations/reconcile_op.hpp>
#endif
