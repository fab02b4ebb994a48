#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The quick start, unchanged, pointed at a standalone emulator by BETTERPROMPT_BASE_URL and
# BETTERPROMPT_API_KEY alone: it must talk to that server, not start its in-process one; and
# BETTERPROMPT_LOG=info makes it log its calls to stderr, without the key.
set -euo pipefail
emulator=$1
quickstart=$2
out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
"$emulator" --port 0 --quiet --api-key env-test-key >"$out/url" 2>"$out/log" &
pid=$!
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(head -n1 "$out/url")
[ -n "$url" ] || { echo "emulator printed no URL"; cat "$out/log"; exit 1; }
BETTERPROMPT_BASE_URL=$url BETTERPROMPT_API_KEY=env-test-key BETTERPROMPT_LOG=info \
  BP_PROMPT_ID=6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41 BP_TOPIC=environment \
  "$quickstart" >"$out/stdout" 2>"$out/stderr"
cat "$out/stdout" "$out/stderr"
if grep -q "in-process emulator" "$out/stderr"; then echo "ignored the environment"; exit 1; fi
grep -q "prompt: Haiku writer" "$out/stdout" || { echo "no prompt from $url"; exit 1; }
grep -q "A haiku about environment" "$out/stdout" || { echo "no run output"; exit 1; }
grep -q "betterprompt: call_finished get_prompt GET /v1/prompts/{promptId} attempt=1 status=200" \
  "$out/stderr" || { echo "no log line for get_prompt"; exit 1; }
if grep -q "env-test-key" "$out/stdout" "$out/stderr"; then echo "the key was printed"; exit 1; fi
echo "ok"
