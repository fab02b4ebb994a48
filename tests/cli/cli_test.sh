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
expect 0 credits;                         has "Credits: 1000000$"
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
expect 2 run "$text_version" --input topic=x --run-option reasoningEffort=extreme
err_has "does not accept 'extreme' (accepts: low, medium, high)"
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
err_has "^betterprompt: interrupted$"
err_has "^betterprompt: the run goes on: betterprompt wait "
# Conventions: --version, -h/--help everywhere, help COMMAND (stdout, exit 0).
expect 0 --version;                       has "^betterprompt 0\.[0-9]*\.[0-9]* (betterprompt-cpp library"
has "^API base URL: $BETTERPROMPT_BASE_URL$"
for args in "-h" "--help" "help" "run --help" "run -h" "help run" "batch --help" "doctor -h"; do
  expect 0 $args;                         has "^usage: betterprompt"
done
expect 0 help run;                        has "TARGET is a prompt version id, a prompt id"
expect 0 help batch;                      has '"imageInputs": \["https://'
expect 0 help runs;                       has "2026-12-01T10:00:00Z"
# Refusals name what was meant; nothing is silently ignored.
expect 2 credits --limit 5;               err_has "^betterprompt: unknown option --limit for credits$"
expect 2 credits 5;                       err_has "unexpected argument '5' for credits"
expect 2 wohami;                          err_has "unknown command 'wohami'; did you mean 'whoami'?"
expect 2 runs --limt 5;                   err_has "did you mean '--limit'?"
expect 2 help wohami;                     err_has "did you mean 'whoami'?"
expect 2 run;                             err_has "run needs TARGET"
expect 2 get a b;                         err_has "unexpected argument 'b' for get"
expect 2 runs --json=yes;                 err_has "--json takes no value"
# --since: relative, ISO and Unix forms; a future bound lists nothing.
expect 2 runs --since yesterday;          err_has "--since takes 90s, 30m, 1h, 2d or 1w"
expect 0 runs --since 1h --limit 1 --json;  json_lines >/dev/null
expect 0 runs --since 2020-01-01 --until 2099-01-01T00:00:00Z --limit 1 --json; json_lines >/dev/null
expect 0 runs --since "$(($(date +%s) - 3600))" --limit 1 --json; json_lines >/dev/null
expect 0 runs --since 2099-01-01 --json;  [ ! -s "$out/stdout" ] || { echo "--since 2099 listed runs"; exit 1; }
expect 2 runs --since 1h --until 2h;      err_has "--until must be later than --since"
# Errors: one line (what, which id, the request id); -v adds the diagnostics.
expect 1 skill nope
err_has '^betterprompt: skill "nope" not found (request id req_[0-9]*)$'
[ "$(wc -l <"$out/stderr")" -eq 1 ] || { echo "a not-found error took several lines"; cat "$out/stderr"; exit 1; }
expect 1 skill nope -v;                   err_has "not_found \[betterprompt.api:"; err_has "HTTP 404"
# No request without a key (nothing listens on port 1: a request would end in exit 1).
rc=0
BETTERPROMPT_BASE_URL=http://127.0.0.1:1/v1 "$cli" whoami >"$out/stdout" 2>"$out/stderr" || rc=$?
[ "$rc" -eq 2 ] || { echo "no key: exit $rc"; cat "$out/stderr"; exit 1; }
err_has "^betterprompt: BETTERPROMPT_API_KEY is not set; export it, or pass --api-key-file FILE"
# Messages name the tool's flags, not the library's C++ members.
rc=0
BETTERPROMPT_BASE_URL=http://example.com/v1 "$cli" whoami --api-key-file "$out/key" 2>"$out/stderr" || rc=$?
[ "$rc" -eq 2 ] || { echo "an http base URL: exit $rc"; cat "$out/stderr"; exit 1; }
err_has "--base-url"
if grep -q "client_options" "$out/stderr"; then echo "a C++ member in a CLI message"; exit 1; fi

# run resolves a skill name or a prompt id, and checks the inputs before sending (exit 2).
expect 0 run haiku-writer --input topic=skill;  has "A haiku about skill"
expect 0 run "$text_prompt" --input topic=latest;  has "A haiku about latest"
expect 2 run haiku-writer --input topc=tides
err_has "unknown text input 'topc' for skill 'haiku-writer' (inputs: topic)"
expect 2 run "$text_version" --input topc=tides
err_has "unknown text input 'topc' for prompt 'Haiku writer' (inputs: topic)"
expect 2 run image-captioner --input style=bogus --image https://example.com/a.png
err_has "'bogus' is not an option of input 'style' of skill 'image-captioner' (options: witty, dry, poetic)"
expect 2 run image-captioner --input style=witty;  err_has "expects 1 image input(s), got 0"
expect 2 run "$text_version" --input topic=x --model nope;  err_has "unknown model 'nope'"
expect 1 run no-such-skill --input topic=x;  err_has 'skill "no-such-skill" not found'
expect 1 run 00000000-0000-4000-8000-000000000000
err_has 'prompt or prompt version "00000000-0000-4000-8000-000000000000" not found'
# Inputs from a JSON payload, a file or stdin, as the official client's --input-payload/--stdin.
echo '{"textInputs": {"topic": "payload"}, "runOptions": {"reasoningEffort": "low"}}' >"$out/payload.json"
expect 0 run haiku-writer --input-payload "$out/payload.json";  has "A haiku about payload"
rc=0
"$cli" run haiku-writer --stdin --api-key-file "$out/key" <"$out/payload.json" >"$out/stdout" 2>"$out/stderr" || rc=$?
[ "$rc" -eq 0 ] || { echo "--stdin: exit $rc"; cat "$out/stderr"; exit 1; }
has "A haiku about payload"
echo '[1]' >"$out/bad-payload.json"
expect 2 run haiku-writer --input-payload "$out/bad-payload.json";  err_has "not a JSON object"
# find-run over a window where its version made no run (the image prompt has not run yet).
image_version=c7e2a4d8-6b13-4f59-a0d2-8e4b1f7c3a96
expect 5 find-run "$image_version" --sent-at "$(date -u -d '-120 sec' +%Y-%m-%dT%H:%M:%S.000Z)" --lasted-ms 1000
err_has "no run of $image_version was made in that window"
# The batch takes a plain URL string as an image input.
echo "{\"id\":\"img\",\"promptVersionId\":\"c7e2a4d8-6b13-4f59-a0d2-8e4b1f7c3a96\",\"textInputs\":{\"style\":\"dry\"},\"imageInputs\":[\"https://example.com/a.png\"]}" >"$out/img.jsonl"
expect 0 batch "$out/img.jsonl" "$out/img-out.jsonl"
grep -q '"runStatus":"succeeded"' "$out/img-out.jsonl" || { echo "a URL string image failed"; cat "$out/img-out.jsonl"; exit 1; }

# find-run: its usage, and a window with no run in it (exit 5, "not proof").
expect 2 find-run "$text_version";         err_has "find-run needs --sent-at TIME"
expect 2 find-run "$text_version" --sent-at yesterday;  err_has "--sent-at takes a time"
# The emulator's own conventions: --help on stdout with exit 0, and the demo key on start.
"$emulator" --help >"$out/stdout" 2>"$out/stderr" || { echo "emulator --help: exit $?"; exit 1; }
has "^usage: betterprompt-emulator"
[ ! -s "$out/stderr" ] || { echo "emulator --help wrote to stderr"; exit 1; }
"$emulator" --port 0 --quiet >"$out/url2" 2>"$out/log2" &
demo_pid=$!
for _ in $(seq 50); do grep -q "demo key" "$out/log2" && break; sleep 0.1; done
kill "$demo_pid"; wait "$demo_pid" 2>/dev/null || true
grep -q "export BETTERPROMPT_API_KEY=bp-emulator-key BETTERPROMPT_BASE_URL=http://127.0.0.1:" "$out/log2" ||
  { echo "the emulator does not print the demo key"; cat "$out/log2"; exit 1; }
echo "ok"
