// SPDX-License-Identifier: BSL-1.0
// The decision state machines' unit tests: no sockets, no wall clock, a second at most.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
