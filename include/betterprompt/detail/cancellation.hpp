// Which cancellation types reach the steps of a call.
//
// Asio and Beast composed operations honour terminal cancellation only, and a parallel_group
// whose parent cancelled it never cancels its remaining branches again. So every call turns
// what it accepts into terminal cancellation at its top, and nothing below sees another type.
#pragma once

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/this_coro.hpp>

#include <atomic>
#include <memory>

namespace betterprompt::detail {

/// The cancellation filter of one API call. A call without side effects (a GET) ends on any type.
/// A call with side effects (a run create) ends on terminal cancellation; on partial or total only
/// while its request has provably not been sent, since a sent create cannot be taken back.
class call_cancellation_filter {
 public:
  /// `sent` null: the call has no side effects.
  explicit call_cancellation_filter(std::shared_ptr<const std::atomic<bool>> sent)
      : sent_(std::move(sent)) {}

  boost::asio::cancellation_type_t operator()(
      boost::asio::cancellation_type_t type) const noexcept {
    using boost::asio::cancellation_type;
    if (type == cancellation_type::none) return cancellation_type::none;
    const bool terminal_requested = (type & cancellation_type::terminal) != cancellation_type::none;
    if (sent_ && sent_->load() && !terminal_requested) return cancellation_type::none;
    return cancellation_type::terminal;
  }

 private:
  std::shared_ptr<const std::atomic<bool>> sent_;
};

/// `co_await accept_every_cancellation();` at the start of a coroutine thread (a co_spawn or a
/// parallel_group branch) without side effects: every cancellation type ends it, as terminal.
inline auto accept_every_cancellation() {
  const call_cancellation_filter any(nullptr);
  return boost::asio::this_coro::reset_cancellation_state(any, any);
}

}  // namespace betterprompt::detail
