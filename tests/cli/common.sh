# SPDX-License-Identifier: BSL-1.0
# Sourced by the command-line tests: a scratch directory ($out), and the standalone emulator started
# in the background, both gone when the test exits.
out=$(mktemp -d)
emulator_pid=""
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; rm -rf "$out"' EXIT

# start_emulator EMULATOR [ARGS...]: starts it on a free port and exports BETTERPROMPT_BASE_URL.
start_emulator() {
  "$@" --port 0 --quiet >"$out/url" 2>"$out/log" &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
  [ -s "$out/url" ] || { echo "the emulator did not start"; cat "$out/log"; exit 1; }
  BETTERPROMPT_BASE_URL=$(head -n1 "$out/url")
  export BETTERPROMPT_BASE_URL
}
