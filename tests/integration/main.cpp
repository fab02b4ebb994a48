// SPDX-License-Identifier: BSL-1.0
// The integration tests: the SDK against the emulator and real servers, over real sockets.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
