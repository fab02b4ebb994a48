// SPDX-License-Identifier: BSL-1.0
// The compile wall holds: a program that includes the whole public API against the compiled
// library (BETTERPROMPT_SEPARATE_COMPILATION) sees no transport. The caller's handler is erased
// at the public templates, and the call, the wait, reconciliation, the drain and run_prompt start
// in compiled code, so that none of OpenSSL's streams, Beast's HTTP parser and buffers, Asio's
// sockets, timers or channels, or Boost.JSON's parser reaches it (benchmarks/compile measures
// what that saves). Built with every test build; a header that breaks the wall fails it here.
#ifndef BETTERPROMPT_SEPARATE_COMPILATION
#error \
    "compile_wall.cpp checks the compiled library's headers: define BETTERPROMPT_SEPARATE_COMPILATION"
#endif

#include <betterprompt/betterprompt.hpp>

// Each guard is the macro of a header the transport needs (checked against Boost 1.81).
#ifdef BOOST_ASIO_SSL_STREAM_HPP
#error "the compile wall is broken: <boost/asio/ssl/stream.hpp> reaches the public headers"
#endif
#ifdef OPENSSL_SSL_H
#error "the compile wall is broken: <openssl/ssl.h> reaches the public headers"
#endif
#ifdef BOOST_BEAST_HTTP_PARSER_HPP
#error "the compile wall is broken: <boost/beast/http/parser.hpp> reaches the public headers"
#endif
#ifdef BOOST_BEAST_HTTP_BASIC_PARSER_HPP
#error "the compile wall is broken: <boost/beast/http/basic_parser.hpp> reaches the public headers"
#endif
#ifdef BOOST_BEAST_FLAT_BUFFER_HPP
#error "the compile wall is broken: <boost/beast/core/flat_buffer.hpp> reaches the public headers"
#endif
#ifdef BOOST_ASIO_IP_TCP_HPP
#error "the compile wall is broken: <boost/asio/ip/tcp.hpp> reaches the public headers"
#endif
#ifdef BOOST_ASIO_STEADY_TIMER_HPP
#error "the compile wall is broken: <boost/asio/steady_timer.hpp> reaches the public headers"
#endif
#ifdef BOOST_ASIO_EXPERIMENTAL_CONCURRENT_CHANNEL_HPP
#error "the compile wall is broken: the connection slots' channel reaches the public headers"
#endif
#ifdef BOOST_JSON_PARSE_HPP
#error "the compile wall is broken: <boost/json/parse.hpp> reaches the public headers"
#endif
