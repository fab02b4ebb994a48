#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Drives examples/prompt_server (in-process emulator, 2 threads): 8 concurrent requests all
# answered, a caller hanging up mid-wait cancels its wait (the server says so and keeps serving),
# and a second server with a short deadline answers 504 naming the run.
set -euo pipefail
server=$1
out=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$out"' EXIT
slow=e5b7c1d3-9a26-4f84-b3e1-7d0a2c5f8b49

start_server() {  # start_server NAME ARGS...: sets $url
  local name=$1
  shift
  "$server" "$@" >"$out/$name.url" 2>"$out/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$out/$name.url" ] && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$out/$name.url")
  [ -n "$url" ] || { echo "$name printed no URL"; cat "$out/$name.log"; exit 1; }
}
request() {  # request URL PATH: the raw response
  local hostport=${1#http://}
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\n\r\n' "$2" "$hostport" >&3
  cat <&3
  exec 3<&-
}

start_server main --threads 2 --deadline-ms 20000
jobs_=()
for i in $(seq 8); do
  request "$url" "/run?topic=item+$i" >"$out/r$i" &
  jobs_+=($!)
done
# A caller who hangs up while its (3 s) run is being waited for.
hostport=${url#http://}
exec 4<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
printf 'GET /run?prompt=%s&topic=patience HTTP/1.1\r\nHost: %s\r\n\r\n' "$slow" "$hostport" >&4
for j in "${jobs_[@]}"; do wait "$j"; done
for i in $(seq 8); do
  grep -q "^HTTP/1.1 200" "$out/r$i" || { echo "request $i failed:"; cat "$out/r$i"; exit 1; }
  grep -q "A haiku about item $i" "$out/r$i" || { echo "request $i: wrong text"; cat "$out/r$i"; exit 1; }
done
sleep 0.8          # past the emulator's 200 ms synchronous window: the server is polling
exec 4<&-          # hang up
for _ in $(seq 50); do grep -q "hung up" "$out/main.log" && break; sleep 0.1; done
grep -q "hung up; its wait was cancelled" "$out/main.log" || { echo "no cancellation"; cat "$out/main.log"; exit 1; }
after=$(request "$url" "/run?topic=after")
grep -q "A haiku about after" <<<"$after" || { echo "server unhealthy after a hang-up: $after"; exit 1; }

# The caller's mistakes are 4xx, not 502: a malformed id, an unknown prompt, a missing input.
bad=$(request "$url" "/run?prompt=not-a-uuid&topic=x")
grep -q "^HTTP/1.1 400" <<<"$bad" || { echo "a malformed id: $bad"; exit 1; }
unknown=$(request "$url" "/run?prompt=00000000-0000-4000-8000-000000000000&topic=x")
grep -q "^HTTP/1.1 404" <<<"$unknown" || { echo "an unknown prompt: $unknown"; exit 1; }
missing=$(request "$url" "/run")
grep -q "^HTTP/1.1 422" <<<"$missing" || { echo "a missing input: $missing"; exit 1; }
grep -q '"field":"inputs.textInputs.topic"' <<<"$missing" || { echo "422 without the field: $missing"; exit 1; }

start_server short --deadline-ms 400
late=$(request "$url" "/run?prompt=$slow&topic=late")
echo "$late" | tail -1
grep -q "^HTTP/1.1 504" <<<"$late" || { echo "no 504 past the deadline"; exit 1; }
grep -q '"runId":"' <<<"$late" || { echo "the 504 does not name the run"; exit 1; }
# A clean stop: SIGTERM ends it with status 0 and a count of cancelled waits (under the sanitizer
# builds, a report would turn up here).
kill -TERM "${pids[0]}"
rc=0
wait "${pids[0]}" || rc=$?
cat "$out/main.log"
[ "$rc" -eq 0 ] || { echo "the server exited with $rc"; exit 1; }
grep -q "1 wait(s) cancelled by callers" "$out/main.log" || { echo "no final count"; exit 1; }
if grep -q "Sanitizer" "$out/main.log" "$out/short.log"; then echo "sanitizer report"; exit 1; fi
echo "ok"
