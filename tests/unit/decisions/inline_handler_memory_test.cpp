// SPDX-License-Identifier: BSL-1.0
// The memory a waiting run's sleep is allocated in: inline for one operation at a time, the heap
// for anything larger or overlapping, and free again once released.
#include <catch2/catch.hpp>

#include <betterprompt/detail/operations/inline_handler_memory.hpp>

#include <memory>

namespace bp = betterprompt;

namespace {
struct op_of_bytes {
  unsigned char bytes[64];
};
struct large_op {
  unsigned char bytes[512];
};
constexpr std::size_t size = 128;
using memory_type = bp::detail::inline_handler_memory<size>;
template <class T>
using allocator = bp::detail::inline_handler_allocator<T, size>;

bool inside(const memory_type& memory, const void* p) {
  const auto* begin = reinterpret_cast<const unsigned char*>(&memory);
  const auto* q = static_cast<const unsigned char*>(p);
  return q >= begin && q < begin + sizeof(memory);
}
}  // namespace

TEST_CASE("one operation at a time is allocated inside the object, others on the heap",
          "[unit][decisions][memory]") {
  memory_type memory;
  // Asio rebinds the handler's allocator to its operation type, as allocator_traits does here.
  using traits = std::allocator_traits<allocator<void>>::rebind_traits<op_of_bytes>;
  traits::allocator_type alloc(allocator<void>{memory});

  op_of_bytes* first = traits::allocate(alloc, 1);
  CHECK(inside(memory, first));
  op_of_bytes* overlapping = traits::allocate(alloc, 1);  // the first is still pending
  CHECK_FALSE(inside(memory, overlapping));
  traits::deallocate(alloc, overlapping, 1);
  traits::deallocate(alloc, first, 1);

  op_of_bytes* again = traits::allocate(alloc, 1);  // released: inline again
  CHECK(again == first);
  traits::deallocate(alloc, again, 1);

  using large_traits = std::allocator_traits<allocator<void>>::rebind_traits<large_op>;
  large_traits::allocator_type large_alloc(alloc);
  large_op* large = large_traits::allocate(large_alloc, 1);  // too big: the heap
  CHECK_FALSE(inside(memory, large));
  large_traits::deallocate(large_alloc, large, 1);
  CHECK(traits::allocate(alloc, 1) == first);  // the heap block did not take the inline room
  traits::deallocate(alloc, first, 1);
}

TEST_CASE("allocators over the same memory compare equal, over different memory not",
          "[unit][decisions][memory]") {
  memory_type a, b;
  CHECK(allocator<void>{a} == allocator<op_of_bytes>{allocator<void>{a}});
  CHECK_FALSE(allocator<void>{a} == allocator<void>{b});
}
