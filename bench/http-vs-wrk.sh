#!/usr/bin/env bash
# Runs nnjs and wrk side by side against the same tiny loopback server (examples/target).
# Server pinned to CPU 0, generator to CPU 1, 50 VUs/connections, DURATION each, ROUNDS rounds
# alternating the two. Prints requests/s and generator CPU-seconds per 10k requests per round,
# then the medians, nnjs's share of wrk's requests/s, and the targets (>= 0.6x wrk, <= 0.35).
#
#   bench/http-vs-wrk.sh            # ROUNDS=3 DURATION=15s
#   ROUNDS=5 DURATION=15s bench/http-vs-wrk.sh
#   NNJS=/tmp/nnjs-before bench/http-vs-wrk.sh   # measure another nnjs binary
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-50}
ADDR=${ADDR:-127.0.0.1:8091}
. bench/lib.sh

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1; fi
fi
build_nnjs
PIN=0 start_target "$ADDR" "$OUT/target.log"

secs=${DURATION%s}
# timed CMD...: runs CMD on CPU 1; cpu then prints its user+sys seconds.
timed() { /usr/bin/time -f '%U %S' -o "$OUT/time.txt" taskset -c 1 "$@"; }
cpu() { awk '{print $1+$2}' "$OUT/time.txt"; }

rows="$OUT/rounds.txt"
: >"$rows"
# row ROUND TOOL N CPU: prints one round and keeps it for the medians.
row() {
  awk -v r="$1" -v t="$2" -v n="$3" -v c="$4" -v s="$secs" \
    'BEGIN{printf "%-6s %-5s %12.0f %14.3f\n", r, t, n/s, c/n*10000}' | tee -a "$rows"
}
# median TOOL COLUMN: the median of a column of the kept rows of TOOL.
median() {
  awk -v t="$1" -v k="$2" '$2==t {print $k}' "$rows" | sort -g |
    awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}

echo "uptime before: $(uptime)"
printf '%-6s %-5s %12s %14s\n' round tool 'req/s' 'cpu-s/10k req'
for r in $(seq "$ROUNDS"); do
  timed wrk -t1 -c"$CONNS" -d"$DURATION" --latency "http://$ADDR/" >"$OUT/wrk.txt"
  c=$(cpu)
  n=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
  row "$r" wrk "$n" "$c"

  timed "$NNJS" run -q --no-summary -u "$CONNS" -d "$DURATION" -e TARGET="http://$ADDR/" \
    --summary-export "$OUT/nnjs.json" bench/http.js >/dev/null
  c=$(cpu)
  n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"])' "$OUT/nnjs.json")
  row "$r" nnjs "$n" "$c"
done
echo "uptime after: $(uptime)"
wr=$(median wrk 3) wc=$(median wrk 4) nr=$(median nnjs 3) nc=$(median nnjs 4)
printf '%-6s %-5s %12.0f %14.3f\n' median wrk "$wr" "$wc" median nnjs "$nr" "$nc"
awk -v nr="$nr" -v wr="$wr" -v nc="$nc" 'BEGIN{
  printf "nnjs/wrk req/s: %.2f (target >= 0.60: %s)\n", nr/wr, (nr/wr >= 0.6 ? "met" : "missed")
  printf "nnjs cpu-s/10k: %.3f (target <= 0.35: %s)\n", nc, (nc <= 0.35 ? "met" : "missed")}'
