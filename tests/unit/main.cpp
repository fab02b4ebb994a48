// SPDX-License-Identifier: BSL-1.0
// The unit tests: no sockets, no sleeps, no wall clock in a decision; the whole run takes well
// under two seconds.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
