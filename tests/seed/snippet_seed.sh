#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs one of the API quick start's snippets (python or node), unchanged but for its URL, against
# the standalone emulator seeded with a prompt that has the snippet's "yourField" input.
# Expects a SUCCESS envelope. Exit 77 (skipped) when the language's runtime is missing.
set -euo pipefail
emulator=$1
language=$2
here=$(cd "$(dirname "$0")" && pwd)
case "$language" in
  python)
    runner=(/usr/bin/python3)
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import requests' 2>/dev/null ||
      { echo "python3-requests not installed: skipped"; exit 77; }
    snippet=quickstart_snippet.py ;;
  node)
    command -v node >/dev/null && node -e 'if (typeof fetch !== "function") process.exit(1)' ||
      { echo "node with global fetch not installed: skipped"; exit 77; }
    runner=(node)
    snippet=quickstart_snippet.mjs ;;
  *) echo "unknown language $language"; exit 2 ;;
esac
out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
"$emulator" --port 0 --seed "$here/seed_prompt.json" >"$out/url" 2>"$out/log" &
pid=$!
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(head -n1 "$out/url")
[ -n "$url" ] || { echo "emulator printed no URL"; cat "$out/log"; exit 1; }
sed "s#https://api.betterprompt.me/v1#$url#" "$here/$snippet" >"$out/$snippet"
output=$(BETTERPROMPT_API_KEY=seed-test-key BP_PROMPT_VERSION_ID=1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d \
  "${runner[@]}" "$out/$snippet")
echo "$output"
grep -q "SUCCESS" <<<"$output" || { echo "no SUCCESS envelope"; exit 1; }
grep -q "succeeded" <<<"$output" || { echo "the run did not succeed"; exit 1; }
