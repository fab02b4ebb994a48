// SPDX-License-Identifier: BSL-1.0
// Counts the C++ exceptions the process throws, so that a test can assert that a path throws
// none (an answer is not an exception: see detail/operations/read_answer.hpp).
#pragma once

#include <cstddef>

namespace bp_test {

/// How many exceptions this process has thrown so far (every thread).
std::size_t exceptions_thrown() noexcept;

}  // namespace bp_test
