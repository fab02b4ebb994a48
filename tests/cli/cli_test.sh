#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `betterprompt` end to end against the standalone emulator: every command, --json output
# parsed, each exit status, output free of control characters when not on a terminal (one line
# per status change), progress on a terminal (under script(1)), a batch of 50 and its resume
# that creates nothing, and a Ctrl-C during a wait.
set -euo pipefail
cli=$1
emulator=$2
. "$(dirname "$0")/common.sh"
start_emulator "$emulator" --sync-window-ms 200 --api-key cli-key
unset BETTERPROMPT_API_KEY
echo cli-key >"$out/key"
text_version=0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70
slow_version=f2a8d4c6-1e37-4b95-8c02-6a9d3e7b1f54
text_prompt=6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41

expect() {  # expect STATUS COMMAND...: runs it, checks its exit status, keeps its output
  local want=$1
  shift
  local rc=0
  "$cli" "$@" --api-key-file "$out/key" >"$out/stdout" 2>"$out/stderr" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "betterprompt $*: exit $rc, expected $want"; cat "$out/stdout" "$out/stderr"; exit 1
  fi
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$out/stdout" "$out/stderr"; then
    echo "betterprompt $*: control characters in non-terminal output"; exit 1
  fi
}
json_lines() {  # every stdout line is a JSON object
  /usr/bin/python3 -c 'import json,sys
rows=[json.loads(l) for l in sys.stdin if l.strip()]
assert rows and all(isinstance(r, dict) for r in rows), rows
print(len(rows))' <"$out/stdout"
}
has() { grep -q -- "$1" "$out/stdout" || { echo "stdout lacks '$1'"; cat "$out/stdout"; exit 1; }; }
err_has() { grep -q -- "$1" "$out/stderr" || { echo "stderr lacks '$1'"; cat "$out/stderr"; exit 1; }; }

expect 0 whoami;                          has "Username: emulator"
expect 0 whoami --json;                   json_lines >/dev/null; has '"username":"emulator"'
expect 0 credits;                         has "Credits: 1000000.0"
expect 0 credits --json;                  json_lines >/dev/null; has '"credits":1000000'
expect 0 resources;                       has "reasoningEffort: low, medium, high"
expect 0 resources --json;                json_lines >/dev/null
expect 0 search haiku;                    has "haiku-writer"
expect 0 search caption --json;           json_lines >/dev/null; has '"name":"image-captioner"'
expect 0 search haiku --prompts;          has "Haiku writer"
expect 0 skill image-captioner;           has "\[witty\]"
expect 0 prompt "$text_prompt";           has "$text_version"
expect 0 prompt "$text_prompt" --json;    json_lines >/dev/null
expect 0 run "$text_version" --input topic=cli --run-option reasoningEffort=low
has "A haiku about cli"
expect 0 run "$text_version" --input topic=json --json
run_id=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])' <"$out/stdout")
expect 0 get "$run_id";                   has "succeeded"
expect 0 wait "$run_id" --json;           json_lines >/dev/null
expect 0 runs --limit 1 --all --json
[ "$(json_lines)" -ge 2 ] || { echo "runs --all did not page"; exit 1; }
expect 0 run "$slow_version" --input topic=later --no-wait;  has "running\|queued"

# Exit statuses: 1 API error, 2 usage, 3 failed run, 4 timeout.
expect 1 get 00000000-0000-4000-8000-000000000000;  err_has "request id"
expect 1 run "$text_version" --input topic=x --run-option reasoningEffort=extreme
err_has "runOptions.reasoningEffort"
expect 2 frobnicate
expect 2 search ab
expect 2 whoami --api-key cli-key;        err_has "never\|not accepted"
expect 2 runs --limit 99
expect 3 run "$text_version" --input "topic=[fail]";  has "failed"
expect 4 run "$slow_version" --input topic=slow --timeout 1;  err_has "betterprompt wait "
# A wrong key: an API error, and the key never printed.
echo wrong-key >"$out/bad"
rc=0
"$cli" whoami --api-key-file "$out/bad" >"$out/stdout" 2>"$out/stderr" || rc=$?
[ "$rc" -eq 1 ] || { echo "a wrong key: exit $rc"; exit 1; }
if grep -q "wrong-key" "$out/stdout" "$out/stderr"; then echo "the key was printed"; exit 1; fi

# Progress off a terminal: one plain line per status change.
expect 0 run "$slow_version" --input topic=progress
err_has "queued after\|running after"
err_has "succeeded after"
# On a terminal (script(1) gives it one): a spinner with the status and the next poll.
if command -v script >/dev/null; then
  BETTERPROMPT_API_KEY=cli-key script -qfec "$cli run $slow_version --input topic=tty" \
    "$out/typescript" >/dev/null
  grep -q "next poll in" "$out/typescript" || { echo "no progress on a terminal"; exit 1; }
  grep -q $'\r' "$out/typescript" || { echo "no redraw on a terminal"; exit 1; }
fi

# A batch of 50 (two bad lines among them), then its resume: nothing is created twice.
count_runs() { "$cli" runs --all --limit 50 --json --api-key-file "$out/key" | wc -l; }
for i in $(seq 48); do
  echo "{\"id\":\"item-$i\",\"promptVersionId\":\"$text_version\",\"textInputs\":{\"topic\":\"t$i\"}}"
done >"$out/in.jsonl"
echo "{\"id\":\"slow\",\"promptVersionId\":\"$slow_version\",\"textInputs\":{\"topic\":\"s\"}}" >>"$out/in.jsonl"
echo "{\"id\":\"fails\",\"promptVersionId\":\"$text_version\",\"textInputs\":{\"topic\":\"[fail]\"}}" >>"$out/in.jsonl"
echo 'not json' >>"$out/in.jsonl"
echo '{"promptVersionId": "no id"}' >>"$out/in.jsonl"
before=$(count_runs)
expect 3 batch "$out/in.jsonl" "$out/out.jsonl" --concurrency 8
err_has "in.jsonl:51: skipped"
err_has "in.jsonl:52: skipped"
err_has "batch: 50 run, 1 failed"
middle=$(count_runs)
[ $((middle - before)) -eq 50 ] || { echo "the batch created $((middle - before)) runs"; exit 1; }
/usr/bin/python3 - "$out/out.jsonl" <<'PY'
import json, sys
last = {}
for line in open(sys.argv[1]):
    record = json.loads(line)
    last[record["id"]] = record
assert len(last) == 50, len(last)
assert last["fails"]["run"]["runStatus"] == "failed"
assert last["slow"]["run"]["runStatus"] == "succeeded"
assert all(r["run"]["runStatus"] == "succeeded" for k, r in last.items() if k.startswith("item-"))
PY
expect 3 batch "$out/in.jsonl" "$out/out.jsonl"
err_has "batch: 0 run, 0 failed, 0 error(s), 0 unresolved, 0 pending, 50 already done (1 failed)"
[ "$(count_runs)" -eq "$middle" ] || { echo "the resume created runs"; exit 1; }

# The batch's progress bar on a terminal.
if command -v script >/dev/null; then
  head -n 5 "$out/in.jsonl" >"$out/small.jsonl"
  BETTERPROMPT_API_KEY=cli-key script -qfec "$cli batch $out/small.jsonl $out/small-out.jsonl" \
    "$out/typescript" >/dev/null
  grep -q "\] 5/5 done, 0 failed" "$out/typescript" || { echo "no batch progress bar"; exit 1; }
fi

# Ctrl-C during a wait: exit 130, and how to resume.
"$cli" run "$slow_version" --input topic=interrupted --api-key-file "$out/key" \
  >"$out/stdout" 2>"$out/stderr" &
run_pid=$!
sleep 0.8
kill -INT "$run_pid"
rc=0
wait "$run_pid" || rc=$?
[ "$rc" -eq 130 ] || { echo "Ctrl-C: exit $rc"; cat "$out/stderr"; exit 1; }
err_has "interrupted; the run goes on: betterprompt wait "
echo "ok"
