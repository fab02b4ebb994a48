// SPDX-License-Identifier: BSL-1.0
// reconcile_create as composed operations: each caller is a member of the one group that
// reconciles its prompt version; the group holds the version's new creates, waits for those in
// flight to settle, lists the server's runs, decides (decisions/reconcile.hpp), releases the hold, and
// sleeps on a timer until the next grace period ends. It runs on one strand, and holds no
// coroutine frame.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/decisions/reconcile.hpp>
#include <betterprompt/detail/operations/caller_completion.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/detail/operations/operation_registry.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/reconcile.hpp>
#include <betterprompt/reconcile_options.hpp>
#include <betterprompt/reconcile_result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt::detail {

class reconcile_group;

/// One caller of reconcile_create: its record and options, and its completion. Completed once,
/// by its group's strand.
class reconcile_member : public std::enable_shared_from_this<reconcile_member> {
 public:
  using handler_type = caller_completion<reconcile_signature>::handler_type;

  reconcile_member(create_record record, reconcile_options options, handler_type handler,
                   const boost::asio::any_io_executor& fallback)
      : record(std::move(record)), options(options), caller_(std::move(handler), fallback) {}

  const create_record record;
  const reconcile_options options;

  /// Connects the caller's cancellation, then joins the group of its prompt version.
  void join(const std::shared_ptr<client_handle>& client);
  /// From any thread: the caller's cancellation (every type ends a reconciliation).
  void post_cancel(boost::asio::cancellation_type_t type);
  /// Completes the caller; the group's strand only.
  void complete(boost::system::error_code ec, reconcile_result result, diagnostics diag);
  bool done() const noexcept { return done_; }

 private:
  caller_completion<reconcile_signature> caller_;
  bool done_ = false;  // the group's strand only
  std::mutex mutex_;   // guards group_ and cancelled_: cancellation comes from any thread
  std::weak_ptr<reconcile_group> group_;
  bool cancelled_ = false;
};

/// The reconciliation of one prompt version: every member that joins while it runs is answered
/// by it. Registered with the client, so that close() ends it.
class reconcile_group final : public registered_operation,
                              public std::enable_shared_from_this<reconcile_group> {
 public:
  reconcile_group(std::shared_ptr<client_handle> client, std::string version);
  ~reconcile_group();

  /// Takes `member` unless the group has wound up; thread-safe, never calls out.
  bool offer(std::shared_ptr<reconcile_member> member);
  /// Starts the first round (never inline).
  void start();
  /// From any thread: `member` leaves, cancelled.
  void leave(std::shared_ptr<reconcile_member> member);
  void on_client_closed() noexcept override;

 private:
  using clock = std::chrono::steady_clock;

  void round();
  void take_incoming();
  void list_from(std::chrono::sys_seconds since);
  void list_page();
  void listed(boost::system::error_code ec, page<betterprompt::run> read, diagnostics diag);
  void decide();
  /// Every member still waiting ends ambiguous: the listing had more than max_pages pages.
  void listing_too_long();
  void release_hold();
  /// Tells the event hook that the hold began or ended (creates_held, creates_released).
  void tell_hold(event_kind kind);
  /// Members answered or gone: sleeps until the next grace period ends, or winds up.
  void after_round(std::optional<std::chrono::system_clock::time_point> wake);
  void wind_up();
  void end_all(boost::system::error_code ec, const diagnostics& diag);
  void cancelled(const std::shared_ptr<reconcile_member>& member);
  /// close(): every member ends with error::client_closed, the hold is released.
  void close_down();
  /// The group's options: the widest any member asked for.
  reconcile_options options() const;
  /// Every create of the version that may explain a listed run, members first.
  std::vector<unknown_create> creates_of_version(std::size_t& members) const;

  std::shared_ptr<client_handle> client_;
  boost::asio::any_io_executor executor_;  ///< The group's strand.
  const std::string version_;
  std::mutex mutex_;  // guards incoming_ and accepting_
  std::vector<std::shared_ptr<reconcile_member>> incoming_;
  bool accepting_ = true;
  // The strand's state.
  std::vector<std::shared_ptr<reconcile_member>> members_;  ///< Waiting for their answer.
  std::vector<create_record> answered_;  ///< Answered not_found or ambiguous: may explain a run.
  bool holding_ = false;
  clock::time_point hold_began_{};  ///< When the hold began (with an event hook only).
  bool sleeping_ = false;  ///< Waiting for a grace period to end: a newcomer cuts it short.
  bool closed_ = false;
  std::uint64_t generation_ = 0;  ///< Bumped when a step is abandoned: older handlers do nothing.
  std::chrono::sys_seconds since_{};
  /// Listings in a row that failed; at max_listing_failures the members end reconcile_failed.
  int listing_failures_ = 0;
  static constexpr int max_listing_failures = 4;
  std::chrono::system_clock::time_point listing_began_{};  ///< Our clock: the decision's "now".
  /// The listing began before any Date header bounded the server's clock: since_ allowed the
  /// default ±60 s. The first page's Date bounds it, and the listing starts again from there.
  bool since_without_skew_ = false;
  std::string cursor_;
  int pages_ = 0;
  std::vector<betterprompt::run> listed_;
  boost::asio::steady_timer timer_;
  boost::asio::cancellation_signal list_cancel_;
};

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/reconcile_op.ipp>
#endif
