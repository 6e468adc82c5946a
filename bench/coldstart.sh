#!/usr/bin/env bash
# Cold start (issue 15): the whole process of a 1-VU, 1-iteration, 1-GET script
# (bench/coldstart.js against the loopback bin/target), from exec to exit, measured by
# hyperfine (RUNS runs after 3 warm-up runs, no shell between hyperfine and the tool). nnjs
# runs with NNJS_FLAGS (-q --no-summary: what a CI step that only wants the exit code runs;
# NNJS_FLAGS= prints the summary), k6 with K6_FLAGS (-q --summary-mode=disabled
# --no-usage-report: k6 v1+ has no --no-summary, and the usage report would leave the
# machine). In one hyperfine
# invocation, one after the other: nnjs ($NNJS), the binary $BEFORE if set (e.g. a build of an
# older commit) and k6 if K6=/path/to/k6 is set. ROUNDS (1) repeats the invocation; it prints
# each command's median per round, the median of the medians and the ratio to k6's, with the
# load average before and after.
#
#   bench/coldstart.sh                                 # RUNS=30 ROUNDS=1
#   K6=/work/k6bin/k6 BEFORE=/tmp/old/nnjs ROUNDS=3 bench/coldstart.sh
#   NNJS=/tmp/nnjs bench/coldstart.sh                  # measure another binary (no build)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-30}
ROUNDS=${ROUNDS:-1}
ADDR=${ADDR:-127.0.0.1:8095}
NNJS_FLAGS=${NNJS_FLAGS--q --no-summary}
K6_FLAGS=${K6_FLAGS--q --summary-mode=disabled --no-usage-report}
. bench/lib.sh
build_nnjs
start_target "$ADDR" "$OUT/target-coldstart.log"

cmds=() names=()
add() { names+=("$1"); cmds+=("$2 run $3 -e TARGET=http://$ADDR/ bench/coldstart.js"); }
add nnjs "$NNJS" "$NNJS_FLAGS"
if [ -n "${BEFORE:-}" ]; then add before "$BEFORE" "$NNJS_FLAGS"; fi
if [ -n "${K6:-}" ]; then add k6 "$K6" "$K6_FLAGS"; fi

rows="$OUT/coldstart-rows.txt"
: >"$rows"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$OUT/coldstart-$r.json" "${args[@]}" >/dev/null
  python3 - "$OUT/coldstart-$r.json" "$r" <<'PY' | tee -a "$rows"
import json, sys
for res in json.load(open(sys.argv[1]))["results"]:
    t = sorted(res["times"])
    print(sys.argv[2], res["command"], "%.1f" % (res["median"] * 1000), "%.1f" % (t[0] * 1000),
          "%.1f" % (res["user"] * 1000), "%.1f" % (res["system"] * 1000), res.get("exit_codes", [0])[0])
PY
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(columns: round tool median-ms min-ms mean-user-ms mean-system-ms exit-code)"
for n in "${names[@]}"; do
  m=$(awk -v k="$n" '$2==k {print $3}' "$rows" | median_of)
  line="$n: median of medians $m ms"
  if [ -n "${K6:-}" ] && [ "$n" != k6 ]; then
    k=$(awk '$2=="k6" {print $3}' "$rows" | median_of)
    line="$line ($(awk -v a="$m" -v b="$k" 'BEGIN{printf "%.2f", a/b}')x k6)"
  fi
  echo "$line"
done
m=$(awk '$2=="nnjs" {print $3}' "$rows" | median_of)
awk -v m="$m" 'BEGIN{printf "target: nnjs median <= 12 ms: %s\n", (m <= 12 ? "met" : "not met")}'
