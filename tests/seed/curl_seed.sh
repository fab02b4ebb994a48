#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The seed's curl request (POST /v1/runs) against the standalone emulator; expects a SUCCESS
# envelope. Exit 77 (skipped) when curl is missing.
set -euo pipefail
emulator=$1
command -v curl >/dev/null || { echo "curl not installed: skipped"; exit 77; }
out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
"$emulator" --port 0 --api-key seed-test-key >"$out/url" 2>"$out/log" &
pid=$!
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(head -n1 "$out/url")
[ -n "$url" ] || { echo "emulator printed no URL"; cat "$out/log"; exit 1; }
response=$(curl -sS -X POST "$url/runs" \
  -H "Authorization: Bearer seed-test-key" \
  -H "Content-Type: application/json" \
  -d '{
"promptVersionId": "0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70",
"inputs": {
"textInputs": {
"topic": "value"
}
}
}')
echo "$response"
grep -q '"status":"SUCCESS"' <<<"$response" || { echo "not a SUCCESS envelope"; exit 1; }
grep -q '"runStatus":"succeeded"' <<<"$response" || { echo "run did not succeed"; exit 1; }
