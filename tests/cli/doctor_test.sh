#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `betterprompt doctor` against emulators that are healthy, behind TLS with a private CA, skewed
# by a minute, and reached through a proxy that is not there: one line per check, ✓ ✗ or –, and
# exit 0 only when nothing failed.
set -euo pipefail
cli=$1
emulator=$2
. "$(dirname "$0")/common.sh"
others=()
trap 'kill "$emulator_pid" "${others[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$out"' EXIT
start_emulator "$emulator"
export BETTERPROMPT_API_KEY=bp-emulator-key
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY no_proxy NO_PROXY

doctor() {  # doctor STATUS [ARGS...]: runs it, checks its exit status, keeps stdout
  local want=$1
  shift
  local rc=0
  "$cli" doctor "$@" >"$out/stdout" 2>"$out/stderr" || rc=$?
  [ "$rc" -eq "$want" ] || { echo "doctor $*: exit $rc, expected $want"; cat "$out/stdout" "$out/stderr"; exit 1; }
}
line() { grep -q -- "$1" "$out/stdout" || { echo "doctor lacks '$1'"; cat "$out/stdout"; exit 1; }; }

# Healthy, plain http on loopback.
doctor 0
line "^✓ base URL: $BETTERPROMPT_BASE_URL (from BETTERPROMPT_BASE_URL)$"
line "^– proxy: none set (HTTP_PROXY)$"
line "^✓ DNS: 127.0.0.1 is 127.0.0.1$"
line "^– TLS: plain http (allowed for loopback hosts only)$"
line "^✓ API key: accepted (user emulator)$"
line "^✓ clock: the server's clock is between -\?[0-9]* ms and [0-9]* ms off this machine's$"
[ "$(wc -l <"$out/stdout")" -eq 6 ] || { echo "doctor: not one line per check"; cat "$out/stdout"; exit 1; }

# A wrong key, and no key at all: each named, with what to do.
echo wrong >"$out/bad-key"
doctor 1 --api-key-file "$out/bad-key"
line "^✗ API key: refused (request id req_[0-9]*); check BETTERPROMPT_API_KEY or --api-key-file$"
if grep -q wrong "$out/stdout"; then echo "doctor printed the key"; exit 1; fi
BETTERPROMPT_API_KEY= doctor 1
line "^✗ API key: not set; export BETTERPROMPT_API_KEY or pass --api-key-file FILE$"

# A proxy from the environment that is not there: named, and the connection fails.
http_proxy=http://127.0.0.1:1 doctor 1
line "^✓ proxy: http://127.0.0.1:1 (from http_proxy), checked by the call below$"
line "^– DNS: the proxy resolves 127.0.0.1$"
line "^✗ connection: "
NO_PROXY=127.0.0.1 http_proxy=http://127.0.0.1:1 doctor 0
line "^– proxy: http_proxy is set, but NO_PROXY exempts 127.0.0.1$"

# TLS with a private CA: refused without it, verified with --ca-file.
"$emulator" --port 0 --quiet --tls --ca-out "$out/ca.pem" >"$out/tls-url" 2>/dev/null &
others+=($!)
for _ in $(seq 100); do [ -s "$out/tls-url" ] && [ -s "$out/ca.pem" ] && break; sleep 0.1; done
tls_url=$(head -n1 "$out/tls-url")
doctor 1 --base-url "$tls_url"
line "^✗ TLS: .*(the system's trust store); a private CA: --ca-file FILE$"
line "^– API key: not checked: no answer$"
doctor 0 --base-url "$tls_url" --ca-file "$out/ca.pem"
line "^✓ base URL: $tls_url (from --base-url)$"
line "^✓ TLS: certificate of 127.0.0.1 verified with the system's trust store and $out/ca.pem$"

# A server clock a minute ahead: the skew is measured from Date and failed with what to do.
"$emulator" --port 0 --quiet --clock-offset-ms 60000 >"$out/skew-url" 2>/dev/null &
others+=($!)
for _ in $(seq 100); do [ -s "$out/skew-url" ] && break; sleep 0.1; done
doctor 1 --base-url "$(head -n1 "$out/skew-url")"
line "^✗ clock: the server's clock is between 5[89][0-9]* ms and 6[01][0-9]* ms off this machine's; .*(NTP)$"
echo "ok"
