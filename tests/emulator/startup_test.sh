#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The standalone emulator: --version, the catalogue it prints on start (prompt and version ids,
# skills, models), --quiet, and GET /v1/health answered without a key (bash's /dev/tcp: no curl
# needed) while the API's routes still need one.
set -euo pipefail
emulator=$1
version=$("$emulator" --version)
echo "$version"
[[ $version =~ ^betterprompt-emulator\ [0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "bad --version"; exit 1; }

out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
"$emulator" --port 0 >"$out/url" 2>"$out/log" &
pid=$!
for _ in $(seq 100); do grep -q "^models" "$out/log" 2>/dev/null && break; sleep 0.1; done
cat "$out/log"
for expected in 0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70 6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41 \
                haiku-writer image-captioner slow-essay "o3 (text) reasoningEffort=low|medium|high" \
                gpt-image-1 sora-2; do
  grep -qF -- "$expected" "$out/log" || { echo "catalogue lacks $expected"; exit 1; }
done
url=$(head -n1 "$out/url")
hostport=${url#http://}
hostport=${hostport%%/*}
request() {  # request PATH [HEADER]: the raw HTTP/1.1 response
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s\r\n' "$1" "$hostport" \
    "${2:+$2$'\r\n'}" >&3
  cat <&3
  exec 3<&-
}
health=$(request /v1/health)
echo "$health"
grep -q "^HTTP/1.1 200" <<<"$health" || { echo "health is not 200 without a key"; exit 1; }
grep -q '"status":"ok"' <<<"$health" || { echo "health body lacks status ok"; exit 1; }
me=$(request /v1/me)
grep -q "^HTTP/1.1 401" <<<"$me" || { echo "/v1/me answered without a key"; exit 1; }
me=$(request /v1/me "Authorization: Bearer bp-emulator-key")
grep -q '"username":"emulator"' <<<"$me" || { echo "/v1/me lacks username: $me"; exit 1; }

kill "$pid"; wait "$pid" 2>/dev/null || true
"$emulator" --port 0 --quiet >"$out/url" 2>"$out/log" &
pid=$!
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
sleep 0.2
if grep -q "^models" "$out/log"; then echo "--quiet printed the catalogue"; exit 1; fi
echo "ok"
