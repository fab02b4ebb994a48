#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds and runs a consumer project three ways: add_subdirectory of this checkout, FetchContent
# from a file:// clone of its HEAD, and find_package from a prefix `cmake --install` filled from
# BUILD_DIR (default build/, configured by scripts/setup; a Debug build, which a Release project
# must be refused). Run from CI after scripts/test.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build_dir=${BUILD_DIR:-build}
export CXX=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_consumer() {  # run_consumer NAME cmake-args...
  local name=$1
  shift
  echo "== consumer: $name"
  local start=$SECONDS
  cmake -S tests/consumer -B "$work/$name" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$CXX" \
        -DMODE="$name" "$@" >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  cmake --build "$work/$name" -j"$(nproc)" >>"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  "$work/$name/consumer"
  [ ! -x "$work/$name/consumer_header_only" ] || "$work/$name/consumer_header_only"
  echo "   built and ran in $((SECONDS - start)) s"
}

# A callback of the wrong shape: one static_assert naming the expected signature, not pages of
# Asio internals (it was 76 lines).
cat >"$work/wrong_handler.cpp" <<'CPP'
#include <betterprompt/betterprompt.hpp>
#include <boost/asio/io_context.hpp>
int main() {
  boost::asio::io_context ioc;
  betterprompt::client c(ioc, {});
  betterprompt::get_run(c, "run-id", [](int) {});
}
CPP
if "$CXX" -std=c++20 -fsyntax-only -I include "$work/wrong_handler.cpp" >"$work/wrong.log" 2>&1; then
  echo "a callback taking (int) was accepted"; exit 1
fi
grep -q "betterprompt: this completion token does not fit the operation: a callback must be callable as void(boost::system::error_code, T)" "$work/wrong.log" ||
  { echo "no static_assert naming the signature:"; cat "$work/wrong.log"; exit 1; }
[ "$(grep -c "error:" "$work/wrong.log")" -eq 1 ] && [ "$(wc -l <"$work/wrong.log")" -le 25 ] ||
  { echo "a wrong callback gives more than one short error:"; cat "$work/wrong.log"; exit 1; }
echo "== a wrong callback: one error, $(wc -l <"$work/wrong.log") lines"

run_consumer subdirectory -DBETTERPROMPT_SOURCE="$root"

# FetchContent from a clone of the committed HEAD (what a consumer pinning a commit gets).
git clone -q --bare "$root" "$work/origin.git"
run_consumer fetchcontent -DBETTERPROMPT_GIT="file://$work/origin.git" \
                          -DBETTERPROMPT_TAG="$(git -C "$root" rev-parse HEAD)"

cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"
for expected in include/betterprompt/client.hpp include/betterprompt/version.hpp \
                include/betterprompt/testing/emulator.hpp lib/libbetterprompt.a \
                lib/cmake/betterprompt/betterprompt-config.cmake \
                lib/cmake/betterprompt/betterprompt-config-version.cmake \
                lib/pkgconfig/betterprompt.pc bin/betterprompt-emulator bin/betterprompt \
                share/doc/betterprompt-cpp/LICENSE; do
  [ -e "$work/prefix/$expected" ] || { echo "not installed: $expected"; cat "$work/install.log"; exit 1; }
done
"$work/prefix/bin/betterprompt-emulator" --version
# betterprompt.pc names the prefix installed to (--prefix), not the configured one.
grep -q "^prefix=$work/prefix\$" "$work/prefix/lib/pkgconfig/betterprompt.pc" ||
  { echo "betterprompt.pc's prefix is not $work/prefix:"; cat "$work/prefix/lib/pkgconfig/betterprompt.pc"; exit 1; }
run_consumer find_package -DCMAKE_PREFIX_PATH="$work/prefix"

# A Release project is refused this Debug install, rather than linking it silently; it may opt
# in. (tests/package/run.sh builds the README's first program from a Release install.)
cat >"$work/release.cmake" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(release_check LANGUAGES CXX)
find_package(betterprompt 0.1 REQUIRED)
CMAKE
mkdir -p "$work/release" && cp "$work/release.cmake" "$work/release/CMakeLists.txt"
if cmake -S "$work/release" -B "$work/release/build" -DCMAKE_BUILD_TYPE=Release \
         -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/release.log" 2>&1; then
  echo "a Release project accepted a Debug-only install"; exit 1
fi
# CMake wraps the message at a width that depends on the path: read it as one line.
tr -s ' \n' '  ' <"$work/release.log" | grep -q "holds only a Debug build of betterprompt::compiled" ||
  { cat "$work/release.log"; exit 1; }
cmake -S "$work/release" -B "$work/release/build" -DCMAKE_BUILD_TYPE=Release \
      -DBETTERPROMPT_ALLOW_DEBUG_LIBRARY=ON -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/release.log" 2>&1 ||
  { cat "$work/release.log"; exit 1; }
echo "== a Release project and a Debug-only install: refused, unless it opts in"

# SameMajorVersion: a request for another major version is refused.
mkdir -p "$work/major"
cat >"$work/major/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(major_check LANGUAGES CXX)
find_package(betterprompt 99 REQUIRED)
CMAKE
if cmake -S "$work/major" -B "$work/major/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null 2>&1; then
  echo "find_package(betterprompt 99) was accepted"; exit 1
fi
echo "consumers: all passed"
