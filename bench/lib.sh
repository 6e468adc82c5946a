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
    CGO_ENABLED=0 go build -o bin/ ./cmd/nnjs ./examples/target # as make build
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

# rps_run KIND [FLAGS...]: one nnjs run of bench/http.js with FLAGS on CPU 1 (CONNS VUs for
# DURATION against http://$ADDR/); appends "ROUND KIND REQ/S" (ROUND is $r) to $rows and prints
# it. The run's stderr is kept in $OUT/rps-KIND.err.
rps_run() {
  local kind=$1 export="$OUT/rps-summary.json"
  shift
  taskset -c 1 "$NNJS" run -q --no-summary -u "$CONNS" -d "$DURATION" -e TARGET="http://$ADDR/" \
    --summary-export "$export" "$@" bench/http.js 2>"$OUT/rps-$kind.err" >/dev/null
  python3 -c 'import json,sys; print(sys.argv[2], sys.argv[3], json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"] / float(sys.argv[4]))' \
    "$export" "$r" "$kind" "${DURATION%s}" | tee -a "$rows"
}

# median_of: the median of the numbers on standard input, one a line.
median_of() {
  sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}

# median_rps KIND: the median req/s of KIND's runs in $rows.
median_rps() {
  awk -v k="$1" '$2==k {print $3}' "$rows" | median_of
}

# paired_ratio KIND: the median of KIND's same-round ratios (each run over the plain run of
# its round) in $rows.
paired_ratio() {
  awk -v k="$1" '$2=="plain" {p[$1]=$3} $2==k {r[$1]=$3} END{for (i in r) print r[i]/p[i]}' "$rows" | median_of
}
