#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The standalone emulator out of file descriptors (EMFILE): it must not spin, must keep serving
# the connection it has, must recover once descriptors are free again, and must not print its
# API key. Run by ctest with the emulator's path.
set -euo pipefail
emulator=$1
out=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$out"
}
trap cleanup EXIT

key=fd-test-key-5ec2e7
# 48 descriptors: enough for the emulator's own, a few dozen connections, then EMFILE.
(ulimit -n 48 && exec "$emulator" --port 0 --api-key "$key") >"$out/url" 2>"$out/log" &
pid=$!
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(head -n1 "$out/url")
[ -n "$url" ] || { echo "emulator printed no URL"; cat "$out/log"; exit 1; }
port=${url#http://127.0.0.1:}
port=${port%%/*}
if grep -q "$key" "$out/log" "$out/url"; then echo "FAIL: the emulator printed its API key"; exit 1; fi

# One kept-alive request/response on descriptor $1; prints the status line.
exchange() {
  local fd=$1 line length=0
  printf 'GET /v1/me/credits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$key" >&"$fd"
  IFS= read -r -t 5 status <&"$fd" || { echo "no answer"; return 1; }
  while IFS= read -r -t 5 line <&"$fd"; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    case "${line,,}" in content-length:*) length=${line#*: } ;; esac
  done
  [ "$length" -gt 0 ] && IFS= read -r -t 5 -N "$length" _ <&"$fd"
  echo "${status%$'\r'}"
}

exec {kept}<>"/dev/tcp/127.0.0.1/$port"
[ "$(exchange "$kept")" = "HTTP/1.1 200 OK" ] || { echo "FAIL: first request"; exit 1; }

# Exhaust the emulator's descriptors: far more connections than it can accept.
extra=()
for _ in $(seq 80); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port"
  extra+=("$fd")
done
sleep 0.5

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(cpu_ticks)
sleep 2
used=$(( $(cpu_ticks) - before ))
ticks_per_second=$(getconf CLK_TCK)
echo "emulator CPU while out of descriptors: $used ticks in 2 s (${ticks_per_second}/s)"
# A spinning accept loop burns ~2 s of CPU here; backing off costs a few ticks.
[ "$used" -lt $(( ticks_per_second / 2 )) ] || { echo "FAIL: accept loop spins at EMFILE"; exit 1; }

[ "$(exchange "$kept")" = "HTTP/1.1 200 OK" ] || { echo "FAIL: kept connection not served"; exit 1; }

for fd in "${extra[@]}"; do exec {fd}>&-; done
recovered=""
for _ in $(seq 50); do
  if status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
      "$url/me/credits") && [ "$status" = 200 ]; then
    recovered=yes
    break
  fi
  sleep 0.1
done
[ -n "$recovered" ] || { echo "FAIL: no recovery after descriptors were freed"; exit 1; }
echo "ok: backed off at EMFILE, kept serving, recovered"
