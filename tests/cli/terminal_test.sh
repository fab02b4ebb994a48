#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# `betterprompt` on a terminal, as a user sees it: tmux (120x30) drives a 20-second run through
# the emulator, which holds each create for 4 s as the real API may for 2 minutes. It reads the
# screen during the create, during the wait, after a Ctrl-C in each, and a batch's bar from its
# first second. Then, off the terminal, --timeout cutting a create (its run found and named) and
# --no-wait (the create only).
set -euo pipefail
cli=$1
emulator=$2
. "$(dirname "$0")/common.sh"
command -v tmux >/dev/null || { echo "tmux is missing: scripts/setup installs it"; exit 1; }
long_version=7d2e9b41-5c83-4f06-a1b7-3e8c0d9f6a25
cat >"$out/seed.json" <<JSON
{ "apiKeys": ["term-key"],
  "prompts": [{ "promptId": "1a4c7e90-2b5d-4f83-9c16-8e0b3d5f7a21", "promptVersionId": "$long_version",
                "title": "Long answer", "publishedAt": "2026-01-01T00:00:00Z",
                "config": {"textInputs": [{"name": "q", "required": true}], "imageCount": 0},
                "outputTemplate": "Answer to {q}", "runDurationMs": 20000 }] }
JSON
start_emulator "$emulator" --sync-window-ms 4000 --seed "$out/seed.json"
socket=""
shown=0
trap '[ -z "$socket" ] || tmux -L "$socket" kill-server 2>/dev/null || true; kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; rm -rf "$out"' EXIT

screen_of() { tmux -L "$socket" capture-pane -p -t t; }
# show COMMAND: runs it alone on a fresh 120x30 terminal; the pane then says "EXIT <status>".
# Each on a server of its own: a new session on a server being killed can meet it exiting.
show() {
  [ -z "$socket" ] || tmux -L "$socket" kill-server 2>/dev/null || true
  shown=$((shown + 1))
  socket="bp-terminal-test-$$-$shown"
  tmux -L "$socket" new-session -d -s t -x 120 -y 30 \
    "env BETTERPROMPT_API_KEY=term-key BETTERPROMPT_BASE_URL=$BETTERPROMPT_BASE_URL $*; echo EXIT \$?; sleep 120"
}
# wait_for PATTERN SECONDS: until a screen line matches (grep basic regex).
wait_for() {
  for _ in $(seq $(($2 * 10))); do screen_of | grep -q -- "$1" && return 0; sleep 0.1; done
  echo "the screen never showed '$1':"; screen_of; exit 1
}
never() {  # never PATTERN: no screen line matches
  if screen_of | grep -q -- "$1"; then echo "the screen still shows '$1':"; screen_of; exit 1; fi
}

# 1. A run: the create from its first second, then the wait, then Ctrl-C.
show "$cli" run "$long_version" --input q=a
wait_for '^. creating the run, [01]\.[0-9] s (the API may hold it up to 2 min)$' 3
wait_for 'creating the run, [23]\.[0-9] s' 4          # the line moves while the create is held
# The wait's elapsed time counts the create's 4 s too.
wait_for "run [0-9a-f-]\{36\} \(queued\|running\), [4-9]\.[0-9] s, next poll in [0-9.]* s" 8
tmux -L "$socket" send-keys -t t C-c
wait_for '^EXIT 130$' 5
wait_for '^betterprompt: interrupted$' 1
wait_for '^betterprompt: the run goes on: betterprompt wait [0-9a-f-]\{36\}$' 1
never 'next poll in'  # the progress line was cleared, not left under the message
first_run=$(screen_of | sed -n 's/^betterprompt: the run goes on: betterprompt wait //p')

# 2. Ctrl-C while the create is held: the run may exist, and the command printed (whole, on a
# line of its own) finds it, not the first run of the same version.
sleep 2
show "$cli" run "$long_version" --input q=b
wait_for 'creating the run, [0-2]\.[0-9] s' 3
tmux -L "$socket" send-keys -t t C-c
wait_for '^EXIT 130$' 5
wait_for '^betterprompt: interrupted while the create was in flight: the run may exist; to find it:$' 1
wait_for "^betterprompt find-run $long_version --sent-at 20[0-9-]*T[0-9:.]*Z --lasted-ms [0-9]*$" 1
never 'creating the run,'
find_run=$(screen_of | grep "^betterprompt find-run ")
rc=0
BETTERPROMPT_API_KEY=term-key "$cli" ${find_run#betterprompt } >"$out/found" 2>"$out/found-err" || rc=$?
[ "$rc" -eq 0 ] || { echo "$find_run: exit $rc"; cat "$out/found" "$out/found-err"; exit 1; }
found=$(sed -n 's/^Run \([0-9a-f-]*\): .*/\1/p' "$out/found")
[ -n "$found" ] && [ "$found" != "$first_run" ] ||
  { echo "$find_run named '$found' (the first run: $first_run)"; cat "$out/found"; exit 1; }

# 3. A batch: its bar from the start (0/3), refreshed every second before any row ends.
for i in 1 2 3; do echo "{\"id\":\"r$i\",\"promptVersionId\":\"$long_version\",\"textInputs\":{\"q\":\"r$i\"}}"; done >"$out/in.jsonl"
show "$cli" batch "$out/in.jsonl" "$out/out.jsonl"
wait_for '\] 0/3 done, 0 failed, 0\.0/s, 0 s elapsed' 2
wait_for '\] 0/3 done, 0 failed, 0\.0/s, [3-9] s elapsed' 6
tmux -L "$socket" send-keys -t t C-c
wait_for '^batch: stopping: no new creates' 3
wait_for '^EXIT 130$' 10

# 4. Off the terminal: --timeout cuts the held create; the run it made is found and named.
export BETTERPROMPT_API_KEY=term-key
rc=0
"$cli" run "$long_version" --input q=cut --timeout 1 >"$out/stdout" 2>"$out/stderr" || rc=$?
[ "$rc" -eq 4 ] || { echo "--timeout during the create: exit $rc"; cat "$out/stderr"; exit 1; }
grep -q "^creating the run (the API may hold the create for up to 2 minutes)$" "$out/stderr"
grep -q "^betterprompt: timed out; the create made run [0-9a-f-]\{36\} (queued)$" "$out/stderr" ||
  { echo "the cut create's run is not named"; cat "$out/stderr"; exit 1; }
grep -q "^betterprompt: it goes on: betterprompt wait " "$out/stderr"

# 5. --no-wait: the create (held 4 s) and nothing more.
start=$SECONDS
"$cli" run "$long_version" --input q=nowait --no-wait >"$out/stdout" 2>"$out/stderr"
grep -q "queued" "$out/stdout" || { echo "--no-wait: no run"; cat "$out/stdout" "$out/stderr"; exit 1; }
grep -q "betterprompt wait [0-9a-f-]\{36\}" "$out/stderr"
[ $((SECONDS - start)) -lt 9 ] || { echo "--no-wait waited"; exit 1; }
echo "ok"
