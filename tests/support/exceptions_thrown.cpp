// SPDX-License-Identifier: BSL-1.0
// The count behind exceptions_thrown(): the executable's own __cxa_allocate_exception, which every
// throw calls first (Itanium C++ ABI), counts and hands over to the C++ runtime's (found with
// dlsym(RTLD_NEXT), the runtime being a shared library). Built without the precompiled header:
// <cxxabi.h> would declare the function with another exception specification.
#include "support/exceptions_thrown.hpp"

#include <atomic>
#include <cstdlib>

#include <dlfcn.h>

namespace {
std::atomic<std::size_t> thrown{0};
}

extern "C" void* __cxa_allocate_exception(std::size_t size) noexcept {
  using allocate = void* (*)(std::size_t) noexcept;
  static const auto runtime =
      reinterpret_cast<allocate>(::dlsym(RTLD_NEXT, "__cxa_allocate_exception"));
  if (!runtime) std::abort();  // no C++ runtime to hand over to: nothing sensible is left
  thrown.fetch_add(1, std::memory_order_relaxed);
  return runtime(size);
}

std::size_t bp_test::exceptions_thrown() noexcept {
  return thrown.load(std::memory_order_relaxed);
}
