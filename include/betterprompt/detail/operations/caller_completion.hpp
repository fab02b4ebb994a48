// SPDX-License-Identifier: BSL-1.0
// The caller's side of a composed operation: its type-erased handler, the work that keeps the
// caller's executor busy until the handler ran, and the relay that brings the caller's
// cancellation to the operation. Shared by the call and the wait operations.
#pragma once

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace betterprompt::detail {

/// Relays the caller's cancellation to `Op::post_cancel` (which hands it to the operation's
/// executor). Holds no reference that keeps the operation alive: the slot may outlive it.
template <class Op>
struct cancellation_relay {
  explicit cancellation_relay(std::weak_ptr<Op> target) : op(std::move(target)) {}
  std::weak_ptr<Op> op;
  void operator()(boost::asio::cancellation_type_t type) const {
    if (auto self = op.lock()) self->post_cancel(type);
  }
};

template <class Signature>
class caller_completion;

template <class... Args>
class caller_completion<void(Args...)> {
 public:
  using handler_type = boost::asio::any_completion_handler<void(Args...)>;

  /// `fallback`: the executor the handler runs on when it has none of its own.
  caller_completion(handler_type handler, const boost::asio::any_io_executor& fallback)
      : handler_(std::move(handler)),
        work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_, fallback),
                                  boost::asio::execution::outstanding_work.tracked)) {}

  /// Connects the handler's cancellation slot, if it has one, to `op` (see cancellation_relay).
  template <class Op>
  void relay_cancellation_to(std::weak_ptr<Op> op) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.template emplace<cancellation_relay<Op>>(std::move(op));
  }

  /// Runs the handler with `args` on its executor, its slot cleared first; the caller's executor
  /// stays busy until then, not while the operation's stale steps drain. Once only.
  void complete(Args... args) {
    run_handler([args = std::make_tuple(std::move(args)...)](handler_type& handler) mutable {
      std::apply(std::move(handler), std::move(args));
    });
  }

  /// As complete(ec, result), for a result that `owner` holds until the handler ran: the dispatch
  /// carries a pointer, and the result is moved once, into the handler (an answer is large).
  template <class Owner, class Result>
  void complete_from(std::shared_ptr<Owner> owner, boost::system::error_code ec, Result& result) {
    run_handler([owner = std::move(owner), ec, result = &result](handler_type& handler) {
      (void)owner;  // keeps *result alive
      std::move(handler)(ec, std::move(*result));
    });
  }

 private:
  /// What both completions share: dispatch `invoke(handler)` to the handler's executor, releasing
  /// the caller's executor's work, with the handler's cancellation slot cleared first.
  template <class Invoke>
  void run_handler(Invoke invoke) {
    const auto work = std::move(*work_);
    work_.reset();
    boost::asio::dispatch(work,
                          [handler = std::move(handler_), invoke = std::move(invoke)]() mutable {
                            boost::asio::get_associated_cancellation_slot(handler).clear();
                            invoke(handler);
                          });
  }

  handler_type handler_;
  std::optional<boost::asio::any_completion_executor> work_;
};

}  // namespace betterprompt::detail
