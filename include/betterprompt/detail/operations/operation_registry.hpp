// SPDX-License-Identifier: BSL-1.0
// The operations in flight on one client, so that close() reaches each of them: a registry walked
// under a lock, instead of a cancellation branch raced against every call.
#pragma once

#include <mutex>

namespace betterprompt::detail {

class operation_registry;

/// An operation close() must end. Registered from its start until leave_registry(), which its
/// end and its destructor call: the registry's lock is taken once to leave.
class registered_operation {
 public:
  registered_operation() = default;
  registered_operation(const registered_operation&) = delete;
  registered_operation& operator=(const registered_operation&) = delete;

  /// Called by close() from any thread, under the registry's lock: must only hand the work to
  /// the operation's own executor (post, never dispatch: the lock is held).
  virtual void on_client_closed() noexcept = 0;

 protected:
  ~registered_operation();
  /// Leaves the registry if it is registered; nothing (and no lock) afterwards. From the
  /// operation's own steps or its destructor only: registry_ is written by add() and remove()
  /// alone, on those.
  void leave_registry() noexcept;

 private:
  friend class operation_registry;
  operation_registry* registry_ = nullptr;
  registered_operation* prev_ = nullptr;
  registered_operation* next_ = nullptr;
};

class operation_registry {
 public:
  /// Registers `op`; false (and nothing registered) once the client is closed.
  bool add(registered_operation& op) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    op.registry_ = this;
    op.next_ = head_;
    if (head_) head_->prev_ = &op;
    head_ = &op;
    return true;
  }

  /// Unregisters `op` if it is registered.
  void remove(registered_operation& op) noexcept {
    std::lock_guard lock(mutex_);
    if (op.registry_ != this) return;
    if (op.prev_) op.prev_->next_ = op.next_;
    if (op.next_) op.next_->prev_ = op.prev_;
    if (head_ == &op) head_ = op.next_;
    op.registry_ = nullptr;
    op.prev_ = op.next_ = nullptr;
  }

  /// Marks the client closed and tells every registered operation.
  void close_all() noexcept {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (registered_operation* op = head_; op; op = op->next_) op->on_client_closed();
  }

  bool closed() const noexcept {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  registered_operation* head_ = nullptr;
  bool closed_ = false;
};

inline void registered_operation::leave_registry() noexcept {
  if (registry_) registry_->remove(*this);
}

inline registered_operation::~registered_operation() { leave_registry(); }

}  // namespace betterprompt::detail
