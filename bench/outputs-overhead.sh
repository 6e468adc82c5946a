#!/usr/bin/env bash
# What --prometheus and --out json cost: nnjs at CONNS VUs full speed against the loopback
# target (server on CPU 0, nnjs on CPU 1), ROUNDS rounds of DURATION, each round a plain run,
# a run with --prometheus (scraped every second, as a Prometheus with scrape_interval 1s
# would) and a run with --out json=FILE. Prints requests/s per run, the medians and the
# ratios (target for --prometheus: >= 0.95), and how many samples --out json wrote or dropped.
#
#   bench/outputs-overhead.sh            # ROUNDS=3 DURATION=15s CONNS=50
#   JSON_OUT=/tmp/x.json.gz bench/outputs-overhead.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-50}
ADDR=${ADDR:-127.0.0.1:8094}
PROM=${PROM:-127.0.0.1:9469}
. bench/lib.sh
JSON_OUT=${JSON_OUT:-$OUT/outputs-bench.json}
build_nnjs
PIN=0 start_target "$ADDR" "$OUT/target-outputs.log"
rows="$OUT/outputs-rounds.txt"
: >"$rows"

# run KIND [FLAGS...]: rps_run, then the run's warnings (samples the stream dropped).
run() {
  rps_run "$@"
  grep WARN "$OUT/rps-$1.err" || true
}

# scraper fetches /metrics every second until the endpoint goes away (after a short wait for it
# to come up).
scraper() {
  for _ in $(seq 100); do curl -fsS -o /dev/null "http://$PROM/metrics" 2>/dev/null && break; sleep 0.1; done
  while curl -fsS -o /dev/null "http://$PROM/metrics" 2>/dev/null; do sleep 1; done
}

echo "uptime before: $(uptime)"
for r in $(seq "$ROUNDS"); do
  run plain
  scraper &
  scraping=$!
  run prometheus --prometheus "$PROM" --prometheus-hold 0s
  wait "$scraping" # not a bare wait: the target runs in the background too
  run json --out "json=$JSON_OUT"
  echo "json: $(du -m "$JSON_OUT" | cut -f1) MB"
  rm -f "$JSON_OUT"
done
echo "uptime after: $(uptime)"
printf 'median of same-round ratios: --prometheus %.3f, --out json %.3f\n' "$(paired_ratio prometheus)" "$(paired_ratio json)"
p=$(median_rps plain) m=$(median_rps prometheus) j=$(median_rps json)
printf 'median plain %.0f req/s, --prometheus %.0f req/s (ratio %.3f, target >= 0.95), --out json %.0f req/s (ratio %.3f)\n' \
  "$p" "$m" "$(python3 -c "print($m / $p)")" "$j" "$(python3 -c "print($j / $p)")"
