// SPDX-License-Identifier: BSL-1.0
// A non-throwing way to await any betterprompt operation.
#pragma once

#include <betterprompt/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <utility>

namespace betterprompt {

/// Either a value or an error code, with the diagnostics of either: what failed, or what
/// answered (status, request id, attempts) when the operation reported it. The library's one
/// result type: its operations end in these three parts (error code, value, diagnostics), which
/// each completion token receives in its own shape. Obtain one with as_result().
template <class T>
class result {
 public:
  /// A successful result.
  result(T value) : value_(std::move(value)) {}
  /// A successful result with what answered (status, request id, attempts). Tagged, so that
  /// `result<int>(error::gone, diag)` stays a failure.
  result(std::in_place_t, T value, diagnostics diag)
      : value_(std::move(value)), diag_(std::move(diag)) {}
  /// A failed result.
  result(boost::system::error_code ec, diagnostics diag) : error_(ec), diag_(std::move(diag)) {}

  /// True when the operation succeeded.
  bool has_value() const noexcept { return value_.has_value(); }
  /// has_value().
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws error_with_diagnostics when the operation failed.
  T& value() & {
    throw_if_error();
    return *value_;
  }
  /// The value, moved out; throws error_with_diagnostics when the operation failed.
  T value() && {
    throw_if_error();
    return std::move(*value_);
  }
  /// value().
  T& operator*() & { return value(); }
  /// &value().
  T* operator->() { return &value(); }

  /// The error; a default (success) error_code when has_value().
  boost::system::error_code error() const noexcept { return error_; }
  /// Details of the failure; on success what answered, when known (else empty).
  const diagnostics& get_diagnostics() const noexcept { return diag_; }

 private:
  void throw_if_error() const {
    if (!value_) throw error_with_diagnostics(error_, diag_);
  }

  std::optional<T> value_;
  boost::system::error_code error_;
  diagnostics diag_;
};

/// Awaits `op` and returns its outcome instead of throwing:
/// `auto r = co_await betterprompt::as_result(betterprompt::get_run(c, id));`
/// Every failure becomes an error_code plus diagnostics, including cancellation
/// (`boost::asio::error::operation_aborted`). Exceptions that are not errors (e.g. std::bad_alloc)
/// still propagate.
template <class T, class Executor>
boost::asio::awaitable<result<T>, Executor> as_result(boost::asio::awaitable<T, Executor> op) {
  std::optional<result<T>> outcome;
  try {
    T value = co_await std::move(op);
    outcome.emplace(std::move(value));
  } catch (const error_with_diagnostics& e) {
    outcome.emplace(e.code(), e.get_diagnostics());
  } catch (const boost::system::system_error& e) {
    diagnostics diag;
    diag.message = e.what();
    outcome.emplace(e.code(), std::move(diag));
  }
  co_return std::move(*outcome);
}

}  // namespace betterprompt
