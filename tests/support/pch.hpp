// SPDX-License-Identifier: BSL-1.0
// Precompiled for every test file: Catch2, Asio and the library's public headers.
#pragma once

#include <catch2/catch.hpp>

#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
