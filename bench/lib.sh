# Shared by the bench scripts: source it after cd-ing to the repository root.
#
#   build_nnjs                       # NNJS (bin/nnjs unless set) and TARGET_BIN, built as needed
#   start_target ADDR LOG [ARGS...]  # bin/target on ADDR in the background, ready on return
#   (PIN=0 start_target ...          # the same, pinned to CPU 0 with taskset)
# start_target installs an EXIT trap that stops the server; a script with more to clean up
# calls stop_target from its own trap.

OUT=bench/results
mkdir -p "$OUT" bin

# build_nnjs builds bin/nnjs and bin/target unless NNJS names a binary already; TARGET_BIN is
# the target next to NNJS if there is one, else bin/target.
build_nnjs() {
  if [ -z "${NNJS:-}" ]; then
    go build -o bin/ ./cmd/nnjs ./examples/target
    NNJS=bin/nnjs
  fi
  if [ -z "${TARGET_BIN:-}" ]; then
    TARGET_BIN=$(dirname "$NNJS")/target
    if [ ! -x "$TARGET_BIN" ]; then
      go build -o bin/ ./examples/target
      TARGET_BIN=bin/target
    fi
  fi
}

# start_target ADDR LOG [ARGS...] starts the loopback target (on CPU $PIN when PIN is set) and
# waits until it answers (at most 5 s).
start_target() {
  local addr=$1 log=$2
  shift 2
  if [ -n "${PIN:-}" ]; then
    taskset -c "$PIN" "$TARGET_BIN" --listen "$addr" "$@" >"$log" 2>&1 &
  else
    "$TARGET_BIN" --listen "$addr" "$@" >"$log" 2>&1 &
  fi
  server=$!
  trap stop_target EXIT
  for _ in $(seq 50); do curl -fsS "http://$addr/delay?ms=0" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "bench: the target did not start on $addr: $(cat "$log")" >&2
  return 1
}

stop_target() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
