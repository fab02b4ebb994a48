#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The batch's reconciliation, against the standalone emulator: creates whose answers are lost are
# reconciled as they happen (each row gets its own run, none twice); `betterprompt reconcile`
# finds the run of a row the batch recorded only as "sending", answers not_found (exit 5) when
# there is none, ambiguous (exit 6) with the candidates when two rows could have made one run, and
# lists the runs no row claims as "unclaimed, billed".
set -euo pipefail
cli=$1
emulator=$2
. "$(dirname "$0")/common.sh"
# The first two creates are processed and their connections reset: their answers are lost.
start_emulator "$emulator" --api-key rec-key --fault kind=reset_after_processing,route=create_run,count=2
export BETTERPROMPT_API_KEY=rec-key
version=0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70

fail() { echo "$*"; for f in "$out"/*.err "$out"/*.out; do echo "== $f"; cat "$f"; done; exit 1; }
rows() {  # rows NAME COUNT
  for i in $(seq "$2"); do
    echo "{\"id\":\"$1-$i\",\"promptVersionId\":\"$version\",\"textInputs\":{\"topic\":\"$1-$i\"}}"
  done >"$out/$1.jsonl"
}
count_runs() {  # count_runs TOPIC: runs on the server made for TOPIC
  "$cli" runs --all --json | /usr/bin/python3 -c 'import json,sys
t=sys.argv[1]
print(sum(1 for l in sys.stdin for r in json.loads(l).get("outputs",[]) if " "+t+":" in r.get("data","") or " "+t+" " in r.get("data","")))' "$1"
}
now() { /usr/bin/python3 -c 'import datetime;print(datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]+"Z")'; }
sending() {  # sending ID FILE: the record a batch writes before a create goes out
  echo "{\"id\":\"$1\",\"sending\":{\"promptVersionId\":\"$version\",\"sentAt\":\"$(now)\"}}" >>"$2"
}
create() {  # create TOPIC: a run made outside the batch (as the killed batch's request would be)
  "$cli" run "$version" --input "topic=$1" --no-wait --json >/dev/null
}

# Online: both lost answers are found; every row has exactly one run.
rows online 4
rc=0
"$cli" batch "$out/online.jsonl" "$out/online.out" --concurrency 1 --reconcile-grace-ms 500 \
  2>"$out/online.err" || rc=$?
[ "$rc" -eq 0 ] || fail "online: exit $rc"
grep -q "4 run, 0 failed, 0 error(s), 0 unresolved" "$out/online.err" || fail "online: summary"
grep -q "2 reconciled, 0 ambiguous" "$out/online.err" || fail "online: not reconciled"
[ "$(grep -c '"reconciled":true' "$out/online.out")" -eq 2 ] || fail "online: records"
for i in 1 2 3 4; do
  [ "$(count_runs "online-$i")" -eq 1 ] || fail "online-$i: $(count_runs "online-$i") runs"
done

# Each case below waits out its window (offline margin 2 s, widened by the whole seconds of Date headers
# and floored to a second) first: a run of an earlier case inside a window
# would be another creator's, and rightly make the answer ambiguous.
pause() { sleep 5; }

# Offline: a row recorded only as "sending" whose request made a run is found.
pause
sending killed-1 "$out/found.out"
create killed-1
rc=0
"$cli" reconcile "$out/found.out" --reconcile-grace-ms 300 2>"$out/found.err" || rc=$?
[ "$rc" -eq 0 ] || fail "found: exit $rc"
grep -q "1 found, 0 not found, 0 ambiguous" "$out/found.err" || fail "found: summary"
grep -q '"reconciled":true' "$out/found.out" || fail "found: no run record"
rows killed 1
rc=0
"$cli" batch "$out/killed.jsonl" "$out/found.out" 2>"$out/killed.err" || rc=$?
[ "$rc" -eq 0 ] || fail "killed: the rerun exits $rc"
[ "$(count_runs killed-1)" -eq 1 ] || fail "killed-1: created again"

# Offline, no run: not found after the grace period, exit 5, the row stays unresolved.
pause
sending lost-1 "$out/lost.out"
rc=0
"$cli" reconcile "$out/lost.out" --reconcile-grace-ms 300 2>"$out/lost.err" || rc=$?
[ "$rc" -eq 5 ] || fail "lost: exit $rc"
grep -q "0 found, 1 not found" "$out/lost.err" || fail "lost: summary"
grep -q '"status":"not_found"' "$out/lost.out" || fail "lost: no answer recorded"

# Two rows sent together and one run: either's. Ambiguous, exit 6, the run named, not taken.
pause
sending twin-1 "$out/twin.out"
sending twin-2 "$out/twin.out"
create twin-x
rc=0
"$cli" reconcile "$out/twin.out" --reconcile-grace-ms 300 2>"$out/twin.err" || rc=$?
[ "$rc" -eq 6 ] || fail "twin: exit $rc"
grep -q "0 found, 0 not found, 2 ambiguous" "$out/twin.err" || fail "twin: summary"
[ "$(grep -c '"status":"ambiguous"' "$out/twin.out")" -eq 2 ] || fail "twin: records"
grep -q "unclaimed, billed" "$out/twin.err" || fail "twin: the run no row claims is not listed"
grep -q '"unclaimed"' "$out/twin.out" || fail "twin: no unclaimed record"
rows twin 2
rc=0
"$cli" batch "$out/twin.jsonl" "$out/twin.out" 2>"$out/twin-rerun.err" || rc=$?
[ "$rc" -eq 6 ] || fail "twin: the rerun exits $rc"
grep -q "batch: ambiguous twin-1" "$out/twin-rerun.err" || fail "twin: rerun does not list it"
[ "$(count_runs twin-1)" -eq 0 ] || fail "twin-1: created"
# An unclaimed run is a candidate still, never a run of the file's: the rerun answers ambiguous
# again (not not_found) and records the unclaimed run once.
[ "$(tail -n 3 "$out/twin.out" | grep -c '"status":"ambiguous"')" -eq 2 ] || fail "twin: rerun answers"
[ "$(grep -c '"unclaimed"' "$out/twin.out")" -eq 1 ] || fail "twin: unclaimed recorded twice"
echo "ok"
