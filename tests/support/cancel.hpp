// SPDX-License-Identifier: BSL-1.0
// Cancelling an operation from a test: start it with a cancellation signal bound, emit a given
// type after a delay, and check how it ended.
#pragma once

#include "support/fixture.hpp"

#include <memory>

namespace bp_test {

/// Awaits `op` in a coroutine that lets partial and total cancellation through (Asio's default
/// forwards terminal cancellation only).
template <class T>
asio::awaitable<T> accepting_every_cancellation(asio::awaitable<T> op) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  T value = co_await std::move(op);
  co_return value;
}

struct cancel_outcome {
  bool done = false;
  std::exception_ptr error;
};

/// Starts `op` on `ex` with `signal` bound to it; the outcome fills in when it ends.
template <class T>
std::shared_ptr<cancel_outcome> launch(const asio::any_io_executor& ex, asio::awaitable<T> op,
                                       const std::shared_ptr<asio::cancellation_signal>& signal) {
  auto outcome = std::make_shared<cancel_outcome>();
  auto on_done = [outcome, signal](std::exception_ptr e, T) {
    outcome->error = e;
    outcome->done = true;
  };
  asio::co_spawn(ex, accepting_every_cancellation(std::move(op)),
                 asio::bind_cancellation_slot(signal->slot(), on_done));
  return outcome;
}

/// Waits (up to 5 s) for a started operation to end.
inline asio::awaitable<void> until_done(const cancel_outcome& outcome) {
  for (int i = 0; i < 500 && !outcome.done; ++i) co_await sleep_for(10ms);
}

/// Starts `op`, emits a cancellation of `type` after `after`, and waits for it to end.
template <class T>
asio::awaitable<std::shared_ptr<cancel_outcome>> cancel_during(asio::awaitable<T> op,
                                                               asio::cancellation_type type,
                                                               std::chrono::milliseconds after) {
  auto signal = std::make_shared<asio::cancellation_signal>();
  auto ex = co_await asio::this_coro::executor;
  auto outcome = launch(ex, std::move(op), signal);
  co_await sleep_for(after);
  signal->emit(type);
  co_await until_done(*outcome);
  co_return outcome;
}

inline bool aborted(const cancel_outcome& outcome) {
  CHECK(outcome.error);
  if (!outcome.error) return false;
  try {
    std::rethrow_exception(outcome.error);
  } catch (const boost::system::system_error& e) {
    INFO("ended with " << e.what());
    CHECK(e.code() == asio::error::operation_aborted);
    return e.code() == asio::error::operation_aborted;
  } catch (const std::exception& e) {
    FAIL_CHECK("ended with " << e.what());
  }
  return false;
}

}  // namespace bp_test
