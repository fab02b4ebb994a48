// SPDX-License-Identifier: BSL-1.0
// Memory for one pending asynchronous operation, kept inside the object that starts it, and the
// allocator that hands it to Asio (bind_allocator). A long-lived operation that sleeps on a timer
// (wait_for_run) then holds no separate block made late, among a poll's short-lived ones, where
// it would keep their pages resident.
#pragma once

#include <cstddef>
#include <new>

namespace betterprompt::detail {

/// Room for one operation of up to `Size` bytes at a time; larger or overlapping requests fall
/// back to the heap.
template <std::size_t Size>
class inline_handler_memory {
 public:
  inline_handler_memory() = default;
  inline_handler_memory(const inline_handler_memory&) = delete;
  inline_handler_memory& operator=(const inline_handler_memory&) = delete;

  void* allocate(std::size_t bytes) {
    if (!in_use_ && bytes <= Size) {
      in_use_ = true;
      return storage_;
    }
    return ::operator new(bytes);
  }

  void deallocate(void* p) noexcept {
    if (p == storage_)
      in_use_ = false;
    else
      ::operator delete(p);
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[Size];
  bool in_use_ = false;
};

/// An allocator over an inline_handler_memory. Asio deallocates an operation's memory before the
/// handler (which keeps the memory's owner alive) is destroyed, so the memory outlives every use.
template <class T, std::size_t Size>
class inline_handler_allocator {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = inline_handler_allocator<U, Size>;
  };

  explicit inline_handler_allocator(inline_handler_memory<Size>& memory) noexcept
      : memory_(&memory) {}
  template <class U>
  inline_handler_allocator(const inline_handler_allocator<U, Size>& other) noexcept
      : memory_(other.memory_) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) noexcept { memory_->deallocate(p); }

  template <class U>
  bool operator==(const inline_handler_allocator<U, Size>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <class, std::size_t>
  friend class inline_handler_allocator;
  inline_handler_memory<Size>* memory_;
};

}  // namespace betterprompt::detail
