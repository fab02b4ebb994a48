#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds and runs a consumer project three ways: add_subdirectory of this checkout, FetchContent
# from a file:// clone of its HEAD, and find_package from a prefix `cmake --install` filled from
# BUILD_DIR (default build/, configured by scripts/setup). Run from CI after scripts/test.
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
                bin/betterprompt-emulator bin/betterprompt share/doc/betterprompt-cpp/LICENSE; do
  [ -e "$work/prefix/$expected" ] || { echo "not installed: $expected"; cat "$work/install.log"; exit 1; }
done
"$work/prefix/bin/betterprompt-emulator" --version
run_consumer find_package -DCMAKE_PREFIX_PATH="$work/prefix"

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
