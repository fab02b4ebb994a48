// SPDX-License-Identifier: BSL-1.0
// Cancelling an operation from a test: start it with a cancellation signal bound, emit a given
// type when an event says the operation is where the test wants it (its request arrived at the
// emulator, the client reported a step through its event hook), and await its end. No sleeps, no
// polling.
#pragma once

#include "support/fixture.hpp"

#include <boost/asio/experimental/as_tuple.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bp_test {

/// A one-shot event a coroutine awaits: set() wakes the waiter, or the next wait() returns at
/// once. One thread (the fixture's io_context) sets and waits.
class event {
 public:
  explicit event(const asio::any_io_executor& ex)
      : timer_(ex, asio::steady_timer::time_point::max()) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const noexcept { return set_; }
  /// Waits until set(); fails the test when `limit` passes first (a hang, not a slow machine).
  asio::awaitable<void> wait(std::chrono::seconds limit = 10s) {
    if (set_) co_return;
    timer_.expires_after(limit);
    co_await timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    if (!set_) FAIL_CHECK("the awaited event did not happen within " << limit.count() << " s");
  }

 private:
  asio::steady_timer timer_;
  bool set_ = false;
};

/// An event set when the next request on `route` reaches the emulator (before it is answered).
/// Armed now, so that a request sent afterwards is never missed.
inline std::shared_ptr<event> request_arrives(bp::testing::emulator& emu, const char* route,
                                              const asio::any_io_executor& ex) {
  auto arrived = std::make_shared<event>(ex);
  emu.async_wait_request(route, [arrived](boost::system::error_code) { arrived->set(); });
  return arrived;
}

/// Events of a client a test awaits, heard through its on_event hook: `when(kind, operation)`
/// arms an event set the first time the client reports `kind` for `operation` ("get_run", …).
/// Arm before the call starts. The hook and the waiters run on the fixture's one thread.
class client_events : public std::enable_shared_from_this<client_events> {
 public:
  explicit client_events(asio::any_io_executor ex) : ex_(std::move(ex)) {}

  /// The event set when the client next reports `kind` for `operation`.
  std::shared_ptr<event> when(bp::event_kind kind, std::string operation) {
    auto heard = std::make_shared<event>(ex_);
    armed_.push_back({kind, std::move(operation), heard});
    return heard;
  }

  /// The hook to put in client_options::on_event.
  bp::event_hook hook() {
    return [self = shared_from_this()](const bp::event& e) {
      for (auto& a : self->armed_)
        if (!a.heard->is_set() && a.kind == e.kind && a.operation == e.operation) a.heard->set();
    };
  }

 private:
  struct armed {
    bp::event_kind kind;
    std::string operation;
    std::shared_ptr<event> heard;
  };
  asio::any_io_executor ex_;
  std::vector<armed> armed_;
};

/// Awaits `op` in a coroutine that lets partial and total cancellation through (Asio's default
/// forwards terminal cancellation only).
template <class T>
asio::awaitable<T> accepting_every_cancellation(asio::awaitable<T> op) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  T value = co_await std::move(op);
  co_return value;
}

/// How a launched operation ended; `ended` is set when it did.
struct cancel_outcome {
  explicit cancel_outcome(const asio::any_io_executor& ex) : ended(ex) {}
  bool done = false;
  std::exception_ptr error;
  event ended;
};

/// Starts `op` on `ex` with `signal` bound to it; the outcome fills in when it ends.
template <class T>
std::shared_ptr<cancel_outcome> launch(const asio::any_io_executor& ex, asio::awaitable<T> op,
                                       const std::shared_ptr<asio::cancellation_signal>& signal) {
  auto outcome = std::make_shared<cancel_outcome>(ex);
  auto on_done = [outcome, signal](std::exception_ptr e, T) {
    outcome->error = e;
    outcome->done = true;
    outcome->ended.set();
  };
  asio::co_spawn(ex, accepting_every_cancellation(std::move(op)),
                 asio::bind_cancellation_slot(signal->slot(), on_done));
  return outcome;
}

/// Awaits the end of a launched operation (a hang fails the test after 10 s).
inline asio::awaitable<void> until_done(cancel_outcome& outcome) {
  co_await outcome.ended.wait();
}

/// Starts `op`, emits a cancellation of `type` once `when` is set, and awaits its end.
template <class T>
asio::awaitable<std::shared_ptr<cancel_outcome>> cancel_when(asio::awaitable<T> op,
                                                             asio::cancellation_type type,
                                                             std::shared_ptr<event> when) {
  auto signal = std::make_shared<asio::cancellation_signal>();
  auto ex = co_await asio::this_coro::executor;
  auto outcome = launch(ex, std::move(op), signal);
  co_await when->wait();
  signal->emit(type);
  co_await until_done(*outcome);
  co_return outcome;
}

/// Starts `op`, emits a cancellation of `type` once its request on `route` reached the emulator,
/// and awaits its end.
template <class T>
asio::awaitable<std::shared_ptr<cancel_outcome>> cancel_on_request(
    bp::testing::emulator& emu, const char* route, asio::awaitable<T> op,
    asio::cancellation_type type) {
  auto ex = co_await asio::this_coro::executor;
  auto arrived = request_arrives(emu, route, ex);
  auto outcome = co_await cancel_when(std::move(op), type, std::move(arrived));
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
