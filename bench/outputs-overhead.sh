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
secs=${DURATION%s}
rows="$OUT/outputs-rounds.txt"
: >"$rows"

# run KIND [FLAGS...]: one nnjs run on CPU 1; prints and keeps its requests/s.
run() {
  local kind=$1
  shift
  taskset -c 1 "$NNJS" run -q --no-summary -u "$CONNS" -d "$DURATION" -e TARGET="http://$ADDR/" \
    --summary-export "$OUT/outputs-bench-summary.json" "$@" bench/http.js 2>"$OUT/outputs-$kind.err" >/dev/null
  python3 -c 'import json,sys; print(sys.argv[2], sys.argv[3], json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"] / float(sys.argv[4]))' \
    "$OUT/outputs-bench-summary.json" "$r" "$kind" "$secs" | tee -a "$rows"
  grep WARN "$OUT/outputs-$kind.err" || true
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
median() {
  awk -v k="$1" '$2==k {print $3}' "$rows" | sort -g |
    awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}
# Same-round ratios (each run against the plain run of its round), then their median.
paired() {
  awk -v k="$1" '$2=="plain" {p[$1]=$3} $2==k {r[$1]=$3} END{for (i in r) print r[i]/p[i]}' "$rows" | sort -g |
    awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}
printf 'median of same-round ratios: --prometheus %.3f, --out json %.3f\n' "$(paired prometheus)" "$(paired json)"
p=$(median plain) m=$(median prometheus) j=$(median json)
printf 'median plain %.0f req/s, --prometheus %.0f req/s (ratio %.3f, target >= 0.95), --out json %.0f req/s (ratio %.3f)\n' \
  "$p" "$m" "$(python3 -c "print($m / $p)")" "$j" "$(python3 -c "print($j / $p)")"
