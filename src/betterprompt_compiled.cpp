// SPDX-License-Identifier: BSL-1.0
// The library and its emulator compiled once; see <betterprompt/src.hpp>.
#include <betterprompt/src.hpp>
#include <betterprompt/testing/src.hpp>
