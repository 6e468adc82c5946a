#!/usr/bin/env bash
# Acceptance 3: the open model keeps its rate. Against bin/target --delay 100ms (every answer
# takes 100 ms), runs bench/arrival.js twice: constant-arrival-rate RATE/s for DURATION with
# 150 pre-allocated VUs (enough: 1000/s x 0.1 s = 100 busy VUs), then with maxVUs 50 (at most
# 50 x 10 = 500/s can start; the rest must be dropped, and the run must still end on time).
# Prints, from --summary-export: iterations started (iterations + iterations_interrupted),
# dropped, their sum against RATE x DURATION, http_req_duration p50/p90/p99, the wall time and
# nnjs's peak RSS, then whether each target is met. Nothing is pinned; the server and nnjs
# share the machine's cores.
#
#   bench/arrival.sh                          # RATE=1000 DURATION=20s
#   NNJS=/tmp/nnjs bench/arrival.sh           # measure another binary (no build)
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-1000}
DURATION=${DURATION:-20s}
ADDR=${ADDR:-127.0.0.1:8094}
. bench/lib.sh
build_nnjs
start_target "$ADDR" "$OUT/target-arrival.log" --delay 100ms

secs=${DURATION%s}
# run NAME PRE MAX: one run; its summary goes to $OUT/arrival-NAME.json, time -v to .time.
run() {
  /usr/bin/time -v -o "$OUT/arrival-$1.time" timeout $((secs + 90)) "$NNJS" run -q --no-summary \
    -e TARGET="http://$ADDR/" -e RATE="$RATE" -e DURATION="$DURATION" -e PRE="$2" -e MAX="$3" \
    --summary-trend-stats 'avg,min,med,max,p(90),p(99)' \
    --summary-export "$OUT/arrival-$1.json" bench/arrival.js >/dev/null
}
# report NAME: the numbers of one run and its targets.
report() {
  python3 - "$OUT/arrival-$1.json" "$OUT/arrival-$1.time" "$RATE" "$secs" "$1" <<'PY'
import json, re, sys
path, tpath, rate, secs, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
m = json.load(open(path))["metrics"]
c = lambda k: m.get(k, {}).get("count", 0)
t = open(tpath).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
wall = int(wall[0] or 0) * 3600 + int(wall[1]) * 60 + float(wall[2])
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
started = c("iterations") + c("iterations_interrupted")
dropped = c("dropped_iterations")
d = m["http_req_duration"]
want = rate * secs
print(f"{name}: started {started}, dropped {dropped}, started+dropped {started + dropped} of {want}, "
      f"started/s {started / secs:.1f}, failed {m['http_req_failed'].get('passes', 0)}")
print(f"{name}: http_req_duration p50 {d['med']:.2f} ms, p90 {d['p(90)']:.2f}, p99 {d['p(99)']:.2f}, "
      f"max {d['max']:.2f}; wall {wall:.1f} s; peak RSS {rss / 1024:.0f} MiB")
ok = lambda b: "met" if b else "MISSED"
if name == "enough":
    print(f"  target started within 0.5% of {want}: {ok(abs(started - want) <= want * 0.005)}; "
          f"none dropped: {ok(dropped == 0)}; p50 within 2 ms of 100 ms: {ok(abs(d['med'] - 100) <= 2)}")
else:
    print(f"  target started+dropped = {want} (within 0.5%): {ok(abs(started + dropped - want) <= want * 0.005)}; "
          f"started ~ 50 VUs x 10/s = {50 * 10 * secs}: {ok(abs(started - 500 * secs) <= 0.05 * 500 * secs)}; "
          f"ends on time (wall < duration + 3 s): {ok(wall < secs + 3)}")
PY
}

echo "uptime before: $(uptime)"
run enough 150 150
report enough
run capped 50 50
report capped
echo "uptime after: $(uptime)"
