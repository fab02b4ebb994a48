#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The batch through the fault proxy (about 15 % of requests reset, stalled, cut or refused): rerun
# until it has nothing left to do, it has made every run on the server at most once per row, and
# each run is named by its own row's last record (as its run, or among its candidates when the
# row is ambiguous). Checked against the emulator itself, past the proxy.
set -euo pipefail
cli=$1
emulator=$2
. "$(dirname "$0")/common.sh"
start_emulator "$emulator" --api-key fp-key --proxy-faults 0.02 --proxy-seed 7 --proxy-stall-ms 3000
direct=$(sed -n 's/.*the emulator itself: \([^ ]*\).*/\1/p' "$out/log")
[ -n "$direct" ] || { echo "no emulator URL behind the proxy"; cat "$out/log"; exit 1; }
export BETTERPROMPT_API_KEY=fp-key
version=0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70
rows=40

fail() { echo "$*"; for f in "$out"/*.err; do echo "== $f"; cat "$f"; done; echo "== out"; cat "$out/fp.out"; exit 1; }
for i in $(seq "$rows"); do
  echo "{\"id\":\"fpx-$i-end\",\"promptVersionId\":\"$version\",\"textInputs\":{\"topic\":\"fpx-$i-end\"}}"
done >"$out/fp.jsonl"

# Three passes: the first through the faults, then two reruns (through them too), as a user reruns
# until nothing changes. The last exits 0 (every row has its run), 5 (a row's run was not found:
# it is never sent again, which could bill twice) or 6 (a row is ambiguous); any other status
# means work was left: rows that failed before their request went out, or waits cut off.
for round in 1 2 3; do
  rc=0
  "$cli" batch "$out/fp.jsonl" "$out/fp.out" --concurrency 4 --reconcile-grace-ms 500 \
    2>"$out/round$round.err" || rc=$?
done
[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || [ "$rc" -eq 6 ] || fail "the third pass still exits $rc"
grep -q '"error"\|"reconciled":true' "$out/fp.out" || fail "no fault reached the batch: the test proves nothing"

BETTERPROMPT_BASE_URL=$direct "$cli" runs --all --json >"$out/server.jsonl" 2>"$out/list.err" ||
  fail "listing the emulator's runs failed"
/usr/bin/python3 - "$out/server.jsonl" "$out/fp.out" "$rows" <<'EOF' || fail "the accounting does not hold"
import json, re, sys
server, output, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
made = {}  # row id -> its runs on the server
for line in open(server):
    run = json.loads(line)
    topics = set(re.findall(r"fpx-\d+-end", json.dumps(run)))
    if len(topics) != 1:
        sys.exit(f"run {run.get('runId')}: topics {topics}")
    made.setdefault(topics.pop(), []).append(run["runId"])
last = {}
for line in open(output):
    record = json.loads(line)
    if "id" in record:
        last[record["id"]] = record
problems = []
for row, runs in made.items():
    if len(runs) > 1:
        problems.append(f"{row}: {len(runs)} runs on the server (billed twice)")
    record = last.get(row, {})
    named = set()
    if "run" in record:
        named.add(record["run"]["runId"])
    if "runId" in record:
        named.add(record["runId"])
    named.update(record.get("error", {}).get("reconcile", {}).get("candidates", []))
    for run in runs:
        if run not in named:
            problems.append(f"{row}: its run {run} is not named by its last record {record}")
for row, record in last.items():
    own = set(made.get(row, []))
    if "run" in record and record["run"]["runId"] not in own:
        problems.append(f"{row}: its last record names another row's run")
    if "run" not in record and "reconcile" not in record.get("error", {}):
        problems.append(f"{row}: left unfinished: {record}")
if len(last) != rows:
    problems.append(f"{len(last)} rows recorded of {rows}")
print("\n".join(problems))
print(f"{sum(len(r) for r in made.values())} runs on the server for {rows} rows; "
      f"{sum(1 for r in last.values() if 'run' in r)} rows with their run")
sys.exit(1 if problems else 0)
EOF
echo "ok (the third pass exits $rc)"
