#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `betterprompt batch` under interruption, against the standalone emulator: SIGINT and SIGTERM
# let the creates already sent finish (exit 130) and a rerun completes the batch; a second signal
# aborts them and a kill -9 loses their answers, and the rerun reconciles those rows (three creates
# in flight together with three runs: ambiguous, exit 6, the runs named "unclaimed, billed")
# instead of creating them again; after an outage every row failed provably and the rerun creates
# them. In every case each row has at most one run on the server.
set -euo pipefail
cli=$1
emulator=$2
. "$(dirname "$0")/common.sh"
# Creates of the slow prompt (3 s) are answered synchronously: they stay in flight for 3 s.
start_emulator "$emulator" --sync-window-ms 5000 --api-key batch-key
export BETTERPROMPT_API_KEY=batch-key
slow_version=f2a8d4c6-1e37-4b95-8c02-6a9d3e7b1f54

rows() {  # rows NAME: 6 rows of the slow prompt, topics NAME-1 … NAME-6
  for i in $(seq 6); do
    echo "{\"id\":\"$1-$i\",\"promptVersionId\":\"$slow_version\",\"textInputs\":{\"topic\":\"$1-$i\"}}"
  done >"$out/$1.jsonl"
}
fail() { echo "$*"; for f in "$out"/*.err; do echo "== $f"; cat "$f"; done; exit 1; }
# until_sent NAME COUNT: waits (up to 10 s) until the output has COUNT "sending" records.
until_sent() {
  local sent
  for _ in $(seq 200); do
    sent=$(grep -c '"sending"' "$out/$1.out" 2>/dev/null) || true
    [ "${sent:-0}" -ge "$2" ] && return 0
    sleep 0.05
  done
  fail "$1: never $2 creates in flight"
}
busy_runs() {  # how many runs on the server are queued or running
  echo $(($("$cli" runs --all --json --status queued | wc -l) +
    $("$cli" runs --all --json --status running | wc -l)))
}
# until_busy COUNT: waits (up to 10 s) until the server holds COUNT queued or running runs. A
# "sending" record is flushed before its create connects and writes, so only the server shows that
# a create was written (a slow sanitizer build can take longer than the test's signal to get there,
# and a create not yet written rightly ends as not created on the first signal).
until_busy() {
  for _ in $(seq 100); do
    [ "$(busy_runs)" -ge "$1" ] && return 0
    sleep 0.1
  done
  fail "the server never had $1 runs in flight"
}
# batch NAME WANT: runs the batch of NAME in the foreground, expecting an exit status of WANT (a
# space-separated list). Reconciliation's grace is short: the emulator's listing does not lag.
batch() {
  local rc=0
  "$cli" batch "$out/$1.jsonl" "$out/$1.out" --concurrency 3 --reconcile-grace-ms 500 \
    2>"$out/$1.err" || rc=$?
  [[ " $2 " == *" $rc "* ]] || fail "$1: exit $rc, expected $2"
}
# interrupted NAME SIGNAL...: starts the batch, sends each signal once 3 creates are written and
# in flight on the server (the next after the batch says it is stopping), and expects exit 130.
interrupted() {
  local name=$1
  shift
  "$cli" batch "$out/$name.jsonl" "$out/$name.out" --concurrency 3 2>"$out/$name.err" &
  local batch_pid=$!
  until_sent "$name" 3
  until_busy 3
  for signal in "$@"; do
    kill "-$signal" "$batch_pid"
    for _ in $(seq 100); do grep -q "stopping" "$out/$name.err" && break; sleep 0.05; done
  done
  local rc=0
  wait "$batch_pid" || rc=$?
  [ "$rc" -eq 130 ] || fail "$name: exit $rc after SIG$*, expected 130"
  grep -q "rerun the same command to resume" "$out/$name.err" || fail "$name: no resume hint"
}
records() {  # records NAME KIND: how many records of KIND ("run", "sending", "error") the output has
  /usr/bin/python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) if sys.argv[2] in json.loads(l)))' "$out/$1.out" "$2"
}

# SIGINT and SIGTERM: the 3 creates in flight end with their runs; the other 3 never went out.
for signal in INT TERM; do
  name=drain-$signal
  rows "$name"
  interrupted "$name" "$signal"
  [ "$(records "$name" run)" -eq 3 ] || fail "$name: $(records "$name" run) runs recorded, not 3"
  grep -q "3 run, 0 failed" "$out/$name.err" || fail "$name: wrong summary"
  batch "$name" 0
  grep -q "3 run, 0 failed, 0 error(s), 0 unresolved, 0 pending, 3 already done" \
    "$out/$name.err" || fail "$name: the rerun's summary"
done

# A second signal aborts the creates in flight: never sent again. The three were written together
# and made three runs: each row's run is one of them, so each is ambiguous, the runs named.
rows abort
interrupted abort INT TERM
grep -q "aborting the creates in flight" "$out/abort.err" || fail "abort: no abort message"
[ "$(records abort error)" -eq 3 ] || fail "abort: $(records abort error) errors, not 3"
grep -q '"outcome":"unknown"' "$out/abort.out" || fail "abort: no unknown outcome recorded"
batch abort 6
grep -q "3 run, 0 failed, 0 error(s), 0 unresolved, 0 pending, 0 already done (0 failed), 0 bad line(s), 0 reconciled, 3 ambiguous" \
  "$out/abort.err" || fail "abort: rerun summary"
[ "$(grep -c "batch: ambiguous abort-.: its run, if any, is one of several" "$out/abort.err")" -eq 3 ] ||
  fail "abort: the ambiguous rows are not listed"
[ "$(grep -c "batch: unclaimed, billed" "$out/abort.err")" -ge 3 ] || fail "abort: runs not named"
batch abort 6  # and again: nothing is created, the same rows stay ambiguous
grep -q "0 run, 0 failed, 0 error(s), 0 unresolved, 0 pending, 3 already done (0 failed), 0 bad line(s), 0 reconciled, 3 ambiguous" \
  "$out/abort.err" || fail "abort: second rerun"

# kill -9 during the creates: their "sending" records remain; the rerun reconciles them (found,
# unresolved or ambiguous, as many of them were written), never creates them again.
rows killed
"$cli" batch "$out/killed.jsonl" "$out/killed.out" --concurrency 3 2>"$out/killed.err" &
killed_pid=$!
until_sent killed 3
kill -9 "$killed_pid"
wait "$killed_pid" 2>/dev/null || true
batch killed "0 5 6"
grep -q "3 run, 0 failed, 0 error(s)" "$out/killed.err" || fail "killed: summary"
grep -q "reconcile: 3 row(s) whose create may have made a run" "$out/killed.err" ||
  fail "killed: the sending rows are not reconciled"

# An outage: every create fails to connect, provably not created; the rerun creates them all.
rows outage
rc=0
"$cli" batch "$out/outage.jsonl" "$out/outage.out" --base-url http://127.0.0.1:1/v1 \
  2>"$out/outage.err" || rc=$?
[ "$rc" -eq 3 ] || fail "outage: exit $rc, expected 3"
grep -q '"code":"connection_failed"' "$out/outage.out" || fail "outage: no stable code"
grep -q '"outcome":"not_created"' "$out/outage.out" || fail "outage: no outcome"
grep -q "0 run, 0 failed, 6 error(s), 0 unresolved" "$out/outage.err" || fail "outage: summary"
batch outage 0
grep -q "6 run, 0 failed, 0 error(s), 0 unresolved" "$out/outage.err" || fail "outage: rerun"

# On the server: at most one run per row, and every row that was resolved has exactly one.
for _ in $(seq 100); do
  [ "$(busy_runs)" -eq 0 ] && break
  sleep 0.1
done
"$cli" runs --all --json >"$out/runs.json"
/usr/bin/python3 - "$out/runs.json" "$out/killed.out" <<'PY'
import collections, json, re, sys
count = collections.Counter()
for line in open(sys.argv[1]):
    for item in json.loads(line).get("outputs", []):
        m = re.match(r"An essay about (\S+), after", item.get("data", ""))
        if m:
            count[m.group(1)] += 1
twice = {t: n for t, n in count.items() if n > 1}
assert not twice, f"rows billed twice: {twice}"
for name in ("drain-INT", "drain-TERM", "outage"):
    for i in range(1, 7):
        assert count[f"{name}-{i}"] == 1, f"{name}-{i} has {count[f'{name}-{i}']} runs"
# An aborted create was written: its row has its run. A "sending" record is flushed before the
# write, so a kill -9 can land between the two (a slow sanitizer build shows it): such a row has at
# most one run, and the rerun, rightly, did not create it again. The 3 rows the rerun ran have one.
assert sum(count[f"abort-{i}"] for i in range(1, 7)) == 6, "abort: not one run per row"
killed = sum(count[f"killed-{i}"] for i in range(1, 7))
assert 3 <= killed <= 6, f"killed: {killed} runs for 6 rows"
ran = {r["id"] for r in map(json.loads, open(sys.argv[2])) if "run" in r}
assert {"killed-4", "killed-5", "killed-6"} <= ran, f"killed: the rerun recorded runs for {sorted(ran)}"
for row in ran:
    assert count[row] == 1, f"{row}: recorded as run, {count[row]} runs on the server"
PY
echo "ok"
