#!/usr/bin/env bash
# Checks that nnjs's memory stays flat over a long run at full speed: `nnjs run -u 50 -d 2m
# bench/http.js` against the loopback target (server on CPU 0, nnjs on CPU 1), sampling the
# process's VmRSS every EVERY seconds. Prints the samples, the RSS at 20 s and at the end, their
# ratio (target: within 10%), and the number of requests. Bounded: the run stops by itself and
# is killed if it outlives DURATION by 60 s.
#
#   bench/memory.sh                 # DURATION=2m EVERY=5
#   DURATION=30s bench/memory.sh
#   NNJS_FLAGS="--out json=/tmp/mem.json" bench/memory.sh   # with more flags (word-split)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-2m}
EVERY=${EVERY:-5}
VUS=${VUS:-50}
ADDR=${ADDR:-127.0.0.1:8093}
. bench/lib.sh
unset NNJS TARGET_BIN # this script always measures a fresh bin/nnjs
build_nnjs
PIN=0 start_target "$ADDR" "$OUT/target-mem.log"
nnjs=
cleanup() {
  [ -n "$nnjs" ] && kill "$nnjs" 2>/dev/null || true
  stop_target
  wait 2>/dev/null || true
}
trap cleanup EXIT

# seconds DURATION: 2m -> 120, 90s -> 90 (m and s only, as the bench uses).
seconds() { local d=$1 s=0; [[ $d == *m* ]] && { s=$((${d%%m*} * 60)); d=${d#*m}; }; d=${d%s}; echo $((s + ${d:-0})); }
limit=$(($(seconds "$DURATION") + 60))

taskset -c 1 timeout "$limit" bin/nnjs run -q --no-summary -u "$VUS" -d "$DURATION" \
  -e TARGET="http://$ADDR/" --summary-export "$OUT/memory.json" ${NNJS_FLAGS:-} bench/http.js &
nnjs=$!

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
start=$(date +%s.%N)
rss20= last=
printf '%8s %10s\n' 't(s)' 'RSS(KiB)'
while kill -0 "$nnjs" 2>/dev/null; do
  # timeout(1) is the child: the nnjs process is its only child.
  pid=$(pgrep -P "$nnjs" -x nnjs || true)
  r=$([ -n "$pid" ] && rss "$pid" || true)
  t=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN{printf "%.0f", n-s}')
  if [ -n "$r" ]; then
    printf '%8s %10s\n' "$t" "$r"
    last=$r
    [ -z "$rss20" ] && [ "$t" -ge 20 ] && rss20=$r
  fi
  sleep "$EVERY"
done
wait "$nnjs" || { echo "memory: nnjs run failed" >&2; exit 1; }
nnjs=

n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"])' "$OUT/memory.json")
echo "requests: $n"
awk -v a="$rss20" -v b="$last" 'BEGIN{printf "RSS at 20s: %d KiB, at end: %d KiB, end/20s: %.3f\n", a, b, b/a}'
