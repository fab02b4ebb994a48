#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The Release install and the Debian package, as a user meets them (CI runs it after the consumer
# projects):
# 1. scripts/install into a scratch prefix: a Release library only; the README's first program
#    (shown there verbatim) built from it with find_package, run against the installed emulator.
# 2. scripts/package: the .deb, lintian-clean; unpacked with dpkg-deb -x into a scratch root
#    (never into /); the same program built from it through find_package (CMAKE_PREFIX_PATH) and
#    through pkg-config (PKG_CONFIG_SYSROOT_DIR), each run against the packaged emulator.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export CXX=${CXX:-g++}
work=$(mktemp -d)
emulator_pid=""
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
start=$SECONDS

# run_hello PROGRAM EMULATOR: PROGRAM against a fresh EMULATOR prints the haiku.
run_hello() {
  kill "$emulator_pid" 2>/dev/null || true
  rm -f "$work/emulator.url"
  "$2" --port 0 --quiet >"$work/emulator.url" 2>/dev/null &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
  BETTERPROMPT_API_KEY=bp-emulator-key BETTERPROMPT_BASE_URL=$(head -n1 "$work/emulator.url") \
    "$1" >"$work/hello.out"
  grep -q "A haiku about the sea" "$work/hello.out" || { echo "$1 printed:"; cat "$work/hello.out"; exit 1; }
}

# build_hello DIR cmake-args...: examples/hello through find_package, as a Release project.
build_hello() {
  local dir=$1
  shift
  cmake -S examples/hello -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$CXX" "$@" \
        >"$dir.log" 2>&1 && cmake --build "$dir" -- VERBOSE=1 >>"$dir.log" 2>&1 ||
    { cat "$dir.log"; exit 1; }
}

/usr/bin/python3 - "$root" <<'PY'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text()
for name in ["examples/hello/hello.cpp", "examples/hello/CMakeLists.txt"]:
    assert (root / name).read_text() in readme, name + " is not in the README verbatim"
assert 'scripts/install "$HOME/.local"' in readme, "the README does not install with scripts/install"
PY

echo "== scripts/install: a Release install"
scripts/install "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
cmake_dir=$(dirname "$(find "$work/prefix" -name betterprompt-config.cmake)")
[ -f "$cmake_dir/betterprompt-targets-release.cmake" ] && ! ls "$cmake_dir"/*-debug.cmake 2>/dev/null ||
  { echo "the install is not a Release one:"; ls "$cmake_dir"; exit 1; }
build_hello "$work/hello" -DCMAKE_PREFIX_PATH="$work/prefix"
grep -q "$work/prefix/.*libbetterprompt.a" "$work/hello.log" || { echo "hello did not link the installed library"; exit 1; }
run_hello "$work/hello/hello" "$work/prefix/bin/betterprompt-emulator"
echo "   the README's first program: built from the install, ran ($((SECONDS - start)) s so far)"

echo "== scripts/package: the Debian package"
deb=$(scripts/package 2>"$work/package.err" | tail -n1) || { cat "$work/package.err"; exit 1; }
[ -f "$deb" ] || { echo "no package: $deb"; cat "$work/package.err"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for d in libboost1.81-dev libboost-json1.81-dev libssl-dev; do
  grep -q "\b$d\b" <<<"$depends" || { echo "Depends lacks $d: $depends"; exit 1; }
done
dpkg-deb -x "$deb" "$work/root"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for expected in usr/include/betterprompt/client.hpp "usr/lib/$multiarch/libbetterprompt.a" \
                "usr/lib/$multiarch/cmake/betterprompt/betterprompt-config.cmake" \
                "usr/lib/$multiarch/pkgconfig/betterprompt.pc" usr/bin/betterprompt \
                usr/bin/betterprompt-emulator usr/share/doc/betterprompt-cpp/copyright \
                usr/share/man/man1/betterprompt.1.gz; do
  [ -e "$work/root/$expected" ] || { echo "not in the package: $expected"; exit 1; }
done
grep -q "^prefix=/usr$" "$work/root/usr/lib/$multiarch/pkgconfig/betterprompt.pc" ||
  { echo "betterprompt.pc's prefix is not /usr"; exit 1; }
"$work/root/usr/bin/betterprompt" --version >/dev/null

build_hello "$work/deb_cmake" -DCMAKE_PREFIX_PATH="$work/root/usr"
grep -q "$work/root/usr/lib/$multiarch/libbetterprompt.a" "$work/deb_cmake.log" ||
  { echo "the find_package build did not link the package's library"; exit 1; }
run_hello "$work/deb_cmake/hello" "$work/root/usr/bin/betterprompt-emulator"
echo "   find_package from the unpacked package: built, ran"

export PKG_CONFIG_SYSROOT_DIR="$work/root" PKG_CONFIG_PATH="$work/root/usr/lib/$multiarch/pkgconfig"
flags=$(pkg-config --cflags --libs betterprompt)
for f in -std=c++20 -DBETTERPROMPT_SEPARATE_COMPILATION "-I$work/root/usr/include" \
         "-L$work/root/usr/lib/$multiarch" "-lbetterprompt -lboost_json -lssl -lcrypto"; do
  grep -q -- "$f" <<<"$flags" || { echo "pkg-config's flags lack $f: $flags"; exit 1; }
done
# shellcheck disable=SC2086  # the flags are words
"$CXX" -O2 examples/hello/hello.cpp -o "$work/hello_pc" $flags
run_hello "$work/hello_pc" "$work/root/usr/bin/betterprompt-emulator"
echo "   pkg-config from the unpacked package: built, ran"
echo "package checks: all passed in $((SECONDS - start)) s"
