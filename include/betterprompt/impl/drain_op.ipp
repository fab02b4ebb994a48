// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/operations/caller_completion.hpp>
#include <betterprompt/detail/operations/drain_op.hpp>
#include <betterprompt/detail/operations/initiate.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace betterprompt::detail {

/// One drain: whichever comes first, the last written create settling or the grace period's end,
/// closes the client and completes the caller. Runs on a strand of the client's executor.
class drain_state : public std::enable_shared_from_this<drain_state> {
 public:
  drain_state(std::shared_ptr<client_handle> client, std::vector<create_accounting::ticket> awaited,
              caller_completion<drain_signature>::handler_type handler)
      : client_(std::move(client)),
        executor_(client_->state().wait_executor()),
        timer_(executor_),
        awaited_(std::move(awaited)),
        caller_(std::move(handler), client_->executor()) {}

  void start(std::chrono::milliseconds grace) {
    timer_.expires_after(grace);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->finish(); });
    client_->accounting().when_settled(awaited_, [self = shared_from_this()] {
      boost::asio::post(self->executor_, [self] { self->finish(); });
    });
  }

 private:
  void finish() {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    drain_result result;
    result.waited_for = awaited_.size();
    result.cut_off = client_->accounting().unsettled_count(awaited_);
    client_->state().close();
    caller_.complete({}, std::move(result), {});
  }

  std::shared_ptr<client_handle> client_;
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;
  std::vector<create_accounting::ticket> awaited_;
  caller_completion<drain_signature> caller_;
  bool done_ = false;  // the strand only
};

BETTERPROMPT_DECL void drain_initiation::start_drain(
    std::shared_ptr<client_handle> client, std::chrono::milliseconds grace,
    caller_completion<drain_signature>::handler_type handler) {
  if (grace < std::chrono::milliseconds(0)) {
    diagnostics refused;
    refused.message = "close_gracefully: the grace period is negative";
    caller_completion<drain_signature> caller(std::move(handler), client->executor());
    return boost::asio::post(client->executor(),
                             [caller = std::make_shared<decltype(caller)>(std::move(caller)),
                              refused = std::move(refused)]() mutable {
                               caller->complete(error::invalid_argument, {}, std::move(refused));
                             });
  }
  // From now on a create of this client that has not written ends at its write point, not sent.
  client->state().begin_drain();
  auto awaited = client->accounting().written_creates_of(&client->state());
  std::make_shared<drain_state>(std::move(client), std::move(awaited), std::move(handler))
      ->start(grace);
}

BETTERPROMPT_DECL drain_initiation launch_drain(const client& c, std::chrono::milliseconds grace) {
  return {handle_of(c), grace};
}

}  // namespace betterprompt::detail
