#!/usr/bin/env bash
# What --report and --dashboard cost: nnjs at CONNS VUs full speed against the loopback target
# (server on CPU 0, nnjs on CPU 1), ROUNDS rounds of DURATION, each round a plain run then a
# run with --report FILE.html and --dashboard (one viewer reading its event stream). Prints
# requests/s per run, the medians and the ratio (target: >= 0.95), and the report's size.
#
#   bench/report-overhead.sh            # ROUNDS=3 DURATION=15s CONNS=50
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-50}
ADDR=${ADDR:-127.0.0.1:8092}
DASH=${DASH:-127.0.0.1:5699}
. bench/lib.sh
build_nnjs
PIN=0 start_target "$ADDR" "$OUT/target.log"
rows="$OUT/report-rounds.txt"
: >"$rows"

# viewer reads the dashboard's event stream in the background until the run ends.
viewer() {
  for _ in $(seq 50); do curl -fsS -o /dev/null "http://$DASH/data.json" 2>/dev/null && break; sleep 0.1; done
  curl -sN "http://$DASH/events" >/dev/null 2>&1 || true
}

echo "uptime before: $(uptime)"
for r in $(seq "$ROUNDS"); do
  rps_run plain
  viewer &
  viewing=$!
  rps_run report --report "$OUT/report-bench.html" --dashboard="$DASH"
  wait "$viewing" # not a bare wait: the target runs in the background too
done
echo "uptime after: $(uptime)"
p=$(median_rps plain) w=$(median_rps report)
printf 'median plain %.0f req/s, with --report and --dashboard %.0f req/s: ratio %.3f; median of same-round ratios %.3f (target >= 0.95)\n' \
  "$p" "$w" "$(python3 -c "print($w / $p)")" "$(paired_ratio report)"
echo "report: $(du -k "$OUT/report-bench.html" | cut -f1) KB for $DURATION"
