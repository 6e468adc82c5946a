#!/usr/bin/env bash
# Acceptance 5: many VUs on a small machine. VUS VUs (default 5000) each do http.get then
# sleep(1) for DURATION against bin/target on loopback (no delay): nnjs should keep up (close
# to VUS iterations/s) and use little memory per VU. Raises the open-file limit for the server
# and nnjs (one connection per VU), pins nothing. Prints iterations/s against VUS, the request
# latency, the VU init time (wall time minus DURATION), peak RSS (max RSS of /usr/bin/time -v,
# the kernel's VmHWM), and peak RSS per VU, also after subtracting a 1-VU run's peak (the
# process's fixed cost), then whether the targets are met (>= 95% of VUS/s, <= 80 KB per VU).
#
#   bench/manyvus.sh                       # VUS=5000 DURATION=20s
#   NNJS=/tmp/nnjs VUS=2000 bench/manyvus.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VUS=${VUS:-5000}
DURATION=${DURATION:-20s}
ADDR=${ADDR:-127.0.0.1:8096}
. bench/lib.sh
build_nnjs
want=$((VUS * 2 + 1024))
if [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
echo "open files limit: $(ulimit -n)"

start_target "$ADDR" "$OUT/target-manyvus.log"

secs=${DURATION%s}
# run NAME VUS DURATION: one run; summary in $OUT/manyvus-NAME.json, time -v in .time.
run() {
  /usr/bin/time -v -o "$OUT/manyvus-$1.time" timeout $((${3%s} + 300)) "$NNJS" run -q --no-summary \
    -e TARGET="http://$ADDR/" -e VUS="$2" -e DURATION="$3" \
    --summary-trend-stats 'avg,min,med,max,p(90),p(99)' \
    --summary-export "$OUT/manyvus-$1.json" bench/manyvus.js >/dev/null
}

echo "uptime before: $(uptime)"
run base 1 2s
run many "$VUS" "$DURATION"
echo "uptime after: $(uptime)"
python3 - "$OUT" "$VUS" "$secs" <<'PY'
import json, re, sys
out, vus, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def timev(name):
    t = open(f"{out}/manyvus-{name}.time").read()
    w = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    wall = int(w[0] or 0) * 3600 + int(w[1]) * 60 + float(w[2])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + \
        float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
    return wall, rss, cpu
m = json.load(open(f"{out}/manyvus-many.json"))["metrics"]
wall, rss, cpu = timev("many")
_, base, _ = timev("base")
it = m["iterations"]["count"]
d = m["http_req_duration"]
rate = it / secs
print(f"VUs {vus}: iterations {it}, {rate:.0f}/s ({rate / vus:.1%} of {vus}/s), "
      f"http_req_failed {m['http_req_failed'].get('passes', 0)}, interrupted {m.get('iterations_interrupted', {}).get('count', 0)}")
print(f"http_req_duration p50 {d['med']:.2f} ms, p90 {d['p(90)']:.2f}, p99 {d['p(99)']:.2f}, max {d['max']:.1f}; "
      f"iteration_duration p50 {m['iteration_duration']['med']:.1f} ms")
print(f"wall {wall:.1f} s (VU init + {secs} s + stop), nnjs CPU {cpu:.1f} s")
print(f"peak RSS {rss / 1024:.0f} MiB = {rss / vus:.1f} KiB per VU; 1-VU run {base / 1024:.0f} MiB; "
      f"(peak - 1-VU) / VUs = {(rss - base) / vus:.1f} KiB per VU")
ok = lambda b: "met" if b else "MISSED"
print(f"  target >= 95% of {vus}/s: {ok(rate >= 0.95 * vus)}; <= 80 KB per VU: {ok(rss * 1024 / vus <= 80_000)}")
PY
