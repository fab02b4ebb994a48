#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The newest official client's calls, replayed with curl against `betterprompt-emulator --edition
# newer --numeric-output-types` (the contract's "Newer editions"): doctor's GET {base}/ without a
# key, whoami, credits, skills search and detail (latestPromptVersionId, metadata.skillmdUrl, no
# inline skillmd), a create of the skill's latestPromptVersionId (numeric output type), a get
# with remote=true, and a list with `since` in Unix milliseconds, and in seconds. The current
# edition (the default) is checked to keep its shapes. Exit 77 (skipped) when curl is missing.
set -euo pipefail
emulator=$1
command -v curl >/dev/null || { echo "curl not installed: skipped"; exit 77; }
py=/usr/bin/python3  # Debian's: its json module is what the checks use
out=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

start() {  # start NAME ARGS...: the emulator's base URL in $out/NAME.url
  local name=$1
  shift
  "$emulator" --port 0 --quiet --api-key replay-key "$@" >"$out/$name.url" 2>"$out/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$out/$name.url" ] && break; sleep 0.1; done
  [ -s "$out/$name.url" ] || { cat "$out/$name.log"; fail "emulator $name printed no URL"; }
}
# call URL [curl args...]: the body, with the status in $out/status
call() {
  local target=$1
  shift
  curl -sS -o "$out/body" -w '%{http_code}' -H "Authorization: Bearer replay-key" \
    -H "cli-agent: betterprompt-cli/0.0.3" "$@" "$target" >"$out/status"
  cat "$out/body"
}
# check EXPR: a Python expression over `d` (the last body's JSON) and `status`
check() {
  "$py" - "$1" "$(cat "$out/status")" "$out/body" <<'EOF' || fail "$1 (status $(cat "$out/status")): $(cat "$out/body")"
import json, sys
expr, status, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    d = json.load(open(path))
except ValueError:
    d = None
sys.exit(0 if eval(expr) else 1)
EOF
}
field() {  # field EXPR: a value of the last body
  "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$out/body"
}

start newer --edition newer --numeric-output-types
base=$(head -n1 "$out/newer.url")
root=${base%/v1}

# doctor: GET {base}/ without a key counts as reachable below 500.
curl -sS -o "$out/body" -w '%{http_code}' "$base/" >"$out/status"
check 'status < 500'
curl -sS -o "$out/body" -w '%{http_code}' "$root/" >"$out/status"
check 'status < 500'

call "$base/me" >/dev/null
check 'status == 200 and d["data"]["username"]'
call "$base/me/credits" >/dev/null
check 'status == 200 and isinstance(d["data"]["credits"], (int, float))'

call "$base/skills?q=haiku" >/dev/null
check 'status == 200 and len(d["data"]["rows"]) >= 1'
check 'all("latestPromptVersionId" in r and "skillVersionId" not in r for r in d["data"]["rows"])'
check 'all(r["metadata"]["skillmdUrl"].startswith("https://") for r in d["data"]["rows"])'
check 'all("skillmd" not in r and "inputMetadata" not in r for r in d["data"]["rows"])'

call "$base/skills/haiku-writer" >/dev/null
check 'status == 200 and "inputMetadata" in d["data"] and "skillmd" not in d["data"]'
check 'd["data"]["metadata"]["skillmdUrl"].endswith("/skills/haiku-writer/SKILL.md")'
version=$(field 'd["data"]["latestPromptVersionId"]')

before_ms=$(( $(date +%s%N) / 1000000 - 1000 ))
call "$base/runs" -X POST -H "Content-Type: application/json" \
  -d "{\"promptVersionId\": \"$version\", \"inputs\": {\"textInputs\": {\"topic\": \"tides\"}}}" \
  >/dev/null
check 'status == 200 and d["data"]["runStatus"] == "succeeded"'
check 'd["data"]["outputs"][0]["type"] == 0'
run=$(field 'd["data"]["runId"]')

call "$base/runs/$run?remote=true" >/dev/null
check 'status == 200 and d["data"]["runId"] == "'"$run"'" and d["data"]["outputs"][0]["type"] == 0'

call "$base/runs?since=$before_ms&limit=50" >/dev/null
check 'status == 200 and "'"$run"'" in [r["runId"] for r in d["data"]["rows"]]'
call "$base/runs?since=$((before_ms + 60000))&limit=50" >/dev/null
check 'status == 200 and d["data"]["rows"] == []'
call "$base/runs?since=$((before_ms / 1000))" >/dev/null  # seconds, as documented
check 'status == 200 and "'"$run"'" in [r["runId"] for r in d["data"]["rows"]]'
call "$base/runs?until=$((before_ms / 1000))" >/dev/null
check 'status == 200 and d["data"]["rows"] == []'
call "$base/runs?limit=100" >/dev/null  # the client's limit above 50: refused, as the API does
check 'status == 422'

# The default edition keeps the documented shapes.
start current
base=$(head -n1 "$out/current.url")
call "$base/skills/haiku-writer" >/dev/null
check 'status == 200 and "skillVersionId" in d["data"] and "skillmd" in d["data"]'
check '"latestPromptVersionId" not in d["data"]'
call "$base/runs" -X POST -H "Content-Type: application/json" \
  -d "{\"promptVersionId\": \"$version\", \"inputs\": {\"textInputs\": {\"topic\": \"tides\"}}}" \
  >/dev/null
check 'status == 200 and d["data"]["outputs"][0]["type"] == "text"'
echo "newer edition replay: every call answered as the newer client reads it"
