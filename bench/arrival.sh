#!/usr/bin/env bash
# Acceptance 3 (issue 3) and the open-model goal of issue 15: the open model keeps its rate, and
# at what CPU cost. Against bin/target --delay 100ms (every answer takes 100 ms), runs
# bench/arrival.js as constant-arrival-rate RATE/s for DURATION with 150 pre-allocated VUs
# (enough: 1000/s x 0.1 s = 100 busy VUs), ROUNDS times. Each round runs, one after the other,
# nnjs ($NNJS), the binary $BEFORE if set (e.g. a build of an older commit) and k6 if
# K6=/path/to/k6 is set (bench/arrival.js is a k6 script). Then, once, nnjs with maxVUs 50 (at
# most 50 x 10 = 500/s can start; the rest must be dropped, and the run must still end on
# time; CAPPED=0 skips it).
#
# For each run it prints, from --summary-export and /usr/bin/time: iterations started
# (iterations + iterations_interrupted), dropped, started as % of RATE x DURATION,
# http_req_duration p50/p99, the tool's CPU time (user + system, whole process) and CPU-s per
# 10k started iterations, wall time and peak RSS; then each tool's medians over the rounds and
# whether nnjs's median meets the targets (>= 99.5% of the rate started, 0 dropped, p99 <=
# 102.5 ms, <= 1.0 CPU-s per 10k iterations). Nothing is pinned; the server and the tools share
# the machine's cores, so compare tools within a round and give the load average.
#
#   bench/arrival.sh                                   # RATE=1000 DURATION=20s ROUNDS=3
#   K6=/work/k6bin/k6 BEFORE=/tmp/old/nnjs bench/arrival.sh
#   NNJS=/tmp/nnjs bench/arrival.sh                    # measure another binary (no build)
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-1000}
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-3}
ADDR=${ADDR:-127.0.0.1:8094}
. bench/lib.sh
build_nnjs
start_target "$ADDR" "$OUT/target-arrival.log" --delay 100ms

secs=${DURATION%s}
rows="$OUT/arrival-rows.txt"
: >"$rows"

# run TOOL BIN NAME PRE MAX: one run of BIN (nnjs or k6 command line); its summary goes to
# $OUT/arrival-NAME.json, time -v to .time.
run() {
  local tool=$1 bin=$2 name=$3 quiet=(-q --no-summary)
  [ "$tool" = k6 ] && quiet=(-q --no-usage-report)
  /usr/bin/time -v -o "$OUT/arrival-$name.time" timeout $((secs + 90)) "$bin" run "${quiet[@]}" \
    -e TARGET="http://$ADDR/" -e RATE="$RATE" -e DURATION="$DURATION" -e PRE="$4" -e MAX="$5" \
    --summary-trend-stats 'avg,min,med,max,p(90),p(99)' \
    --summary-export "$OUT/arrival-$name.json" bench/arrival.js >/dev/null 2>"$OUT/arrival-$name.err"
}

# report NAME TOOL ROUND: one run's numbers (appended to $rows as well).
report() {
  python3 - "$OUT/arrival-$1.json" "$OUT/arrival-$1.time" "$RATE" "$secs" "$2" "$3" <<'PY' | tee -a "$rows"
import json, re, sys
path, tpath, rate, secs, tool, rnd = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
m = json.load(open(path))["metrics"]
c = lambda k: m.get(k, {}).get("count", 0)
t = open(tpath).read()
g = lambda pat: re.search(pat, t).group(1)
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
wall = int(wall[0] or 0) * 3600 + int(wall[1]) * 60 + float(wall[2])
cpu = float(g(r"User time \(seconds\): ([\d.]+)")) + float(g(r"System time \(seconds\): ([\d.]+)"))
rss = int(g(r"Maximum resident set size \(kbytes\): (\d+)")) / 1024
started = c("iterations") + c("iterations_interrupted")
d = m["http_req_duration"]
print(f"{rnd} {tool} started {started} dropped {c('dropped_iterations')} rate% {100 * started / (rate * secs):.2f} "
      f"p50 {d['med']:.2f} p99 {d['p(99)']:.2f} cpu-s {cpu:.2f} cpu-s/10k {cpu / max(started, 1) * 1e4:.3f} "
      f"wall {wall:.1f} rss-MiB {rss:.0f}")
PY
}

# medians: each tool's median of each column over the rounds, and nnjs's targets.
medians() {
  python3 - "$rows" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    runs.setdefault(f[1], []).append({f[i]: float(f[i + 1]) for i in range(2, len(f), 2)})
for tool, rs in runs.items():
    med = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    print(f"median {tool} ({len(rs)} runs): " + " ".join(f"{k} {v:g}" for k, v in med.items()))
    if tool == "nnjs":
        ok = lambda b: "met" if b else "MISSED"
        print(f"  targets: started >= 99.5%: {ok(med['rate%'] >= 99.5)}; none dropped: {ok(med['dropped'] == 0)}; "
              f"p99 <= 102.5 ms: {ok(med['p99'] <= 102.5)}; <= 1.0 CPU-s per 10k: {ok(med['cpu-s/10k'] <= 1.0)}")
PY
}

echo "uptime before: $(uptime)"
for r in $(seq "$ROUNDS"); do
  run nnjs "$NNJS" "nnjs-$r" 150 150 && report "nnjs-$r" nnjs "$r"
  if [ -n "${BEFORE:-}" ]; then run nnjs "$BEFORE" "before-$r" 150 150 && report "before-$r" before "$r"; fi
  if [ -n "${K6:-}" ]; then run k6 "$K6" "k6-$r" 150 150 && report "k6-$r" k6 "$r"; fi
  echo "uptime after round $r: $(uptime)"
done
medians

if [ "${CAPPED:-1}" != 0 ]; then
  run nnjs "$NNJS" capped 50 50
  python3 - "$OUT/arrival-capped.json" "$OUT/arrival-capped.time" "$RATE" "$secs" <<'PY'
import json, re, sys
path, tpath, rate, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
m = json.load(open(path))["metrics"]
c = lambda k: m.get(k, {}).get("count", 0)
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", open(tpath).read()).groups()
wall = int(wall[0] or 0) * 3600 + int(wall[1]) * 60 + float(wall[2])
started, dropped, want = c("iterations") + c("iterations_interrupted"), c("dropped_iterations"), rate * secs
ok = lambda b: "met" if b else "MISSED"
print(f"capped (maxVUs 50): started {started}, dropped {dropped}, wall {wall:.1f} s")
print(f"  started+dropped = {want} (within 0.5%): {ok(abs(started + dropped - want) <= want * 0.005)}; "
      f"started ~ 50 VUs x 10/s = {500 * secs}: {ok(abs(started - 500 * secs) <= 0.05 * 500 * secs)}; "
      f"ends on time (wall < duration + 3 s): {ok(wall < secs + 3)}")
PY
fi
echo "uptime after: $(uptime)"
