#!/usr/bin/env bash
# nnjs end to end, in about two minutes (run it with `make demo`, which builds bin/ first):
#
#   1. a plain k6 script (examples/k6-compat.js) against bin/target;
#   2. a staging database nnjs_demo: nnjs seed, validate, integrity --baseline;
#   3. scenarios/baseline.js (scaled down) against bin/paymentapi, then nnjs integrity
#      reconciles the payments the client saw with the database: everything passes;
#   4. the same against bin/paymentapi --legacy (the real code's lost PVG update and
#      deadlock-prone lock order): nnjs integrity fails (exit 110), as it should.
#
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth), psql, curl and python3.
# It exits non-zero only when something unexpected happens; it cleans up after itself
# (its processes, its temporary files and the database; NNJS_DEMO_KEEP_DB=1 keeps the database).
#
# Environment: PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres), NNJS_DEMO_DB (nnjs_demo),
# NNJS_DEMO_VUS (30), NNJS_DEMO_SCALE (0.04: 10m -> 24s).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=./bin
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DBNAME=${NNJS_DEMO_DB:-nnjs_demo}
DB="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${DBNAME}?sslmode=disable"
VUS=${NNJS_DEMO_VUS:-30}
SCALE=${NNJS_DEMO_SCALE:-0.04}
FIRST=80000
COUNT=200
SEED_FLAGS="--tree kary --fanout 3 --min-balance 20000 --max-balance 40000"
# Exit codes of nnjs (cmd/nnjs/exitcode.go) that the demo expects in legacy mode.
EXIT_THRESHOLDS=99
EXIT_INTEGRITY=110

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nnjs-demo.XXXXXX")
# One HTML report per load run, kept after the demo (the rest of WORK is removed).
REPORTS=${NNJS_DEMO_REPORTS:-${TMPDIR:-/tmp}/nnjs-demo-reports}
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
PIDS=()

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "${NNJS_DEMO_KEEP_DB:-}" != 1 && -n "${DB_CREATED:-}" ]]; then
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"${DBNAME}\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  if [[ $rc -ne 0 ]]; then
    echo >&2
    echo "demo: FAILED (exit $rc); see the output above" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

# port_free PORT succeeds when nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port PREFERRED prints PREFERRED if it is free, else a free port the kernel chooses.
pick_port() {
  if port_free "$1"; then
    echo "$1"
  else
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  fi
}

# start NAME CMD... runs CMD in the background with its output in $WORK/NAME.log.
start() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
}

# wait_http URL PID waits until URL answers 200 (at most 10 s) while PID is alive.
wait_http() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# stop PID stops a process started by start and waits for it, so its connections close.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for pid in "${PIDS[@]}"; do
    [[ "$pid" != "$1" ]] && keep+=("$pid")
  done
  PIDS=("${keep[@]}")
}

# nnjs_rc CMD... runs an nnjs command and stores its exit code in RC (set -e stays on).
nnjs_rc() {
  RC=0
  "$@" || RC=$?
}

# outcome_line EXPORT prints a one-line digest of a payment run.
outcome_line() {
  python3 - "$1" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
c = lambda k: int(m.get(k, {}).get("count", 0))
unknown = c('payments_started') - c('payments_ok') - c('payments_refused') - c('payments_failed')
p95 = m.get("http_req_duration", {}).get("p(95)", 0)
print(f"payments ok {c('payments_ok')}, refused (402/409) {c('payments_refused')}, "
      f"failed (error answers) {c('payments_failed')}, cut off with no answer {unknown}; "
      f"http_req_duration p(95) {p95:.0f} ms")
EOF
}

# integrity_digest JSON prints what an integrity report (nnjs integrity --json, or the
# "integrity" key of a --summary-export) says: critical checks failed, warnings raised.
integrity_digest() {
  python3 - "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
r = doc.get("integrity", doc)["results"]
bad = lambda sev: [x["id"] for x in r if x["severity"] == sev and x["status"] in ("FAIL", "error")]
crit, warn = bad("critical"), bad("warning")
ok = sum(1 for x in r if x["severity"] == "critical" and x["status"] == "pass")
print(f"{ok} critical checks passed, " + (f"critical failures: {' '.join(crit)}" if crit else "no critical failure")
      + (f"; warnings: {' '.join(warn)}" if warn else ""))
EOF
}

# run_digest EXPORT prints iterations, requests and checks of a run.
run_digest() {
  python3 - "$1" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
c = lambda k, f="count": int(m.get(k, {}).get(f, 0))
print(f"{c('iterations')} iterations, {c('http_reqs')} requests, {c('checks', 'passes')} checks passed")
EOF
}

# failed_checks JSON prints the ids of the checks that failed in an integrity --json report.
failed_checks() {
  python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(" ".join(x["id"] for x in r if x["status"] == "FAIL"))
EOF
}

for tool in psql curl python3; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
for b in nnjs target paymentapi; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b is missing: run make build"
done

# ---------------------------------------------------------------------------------------
step "1/5  A plain k6 script against a local target"
TARGET_PORT=$(pick_port 8090)
start target "$BIN/target" --listen "127.0.0.1:$TARGET_PORT"
TARGET_PID=$LAST_PID
wait_http "http://127.0.0.1:$TARGET_PORT/" "$TARGET_PID" || die "bin/target did not start: $(cat "$WORK/target.log")"
note "bin/target listens on 127.0.0.1:$TARGET_PORT; nnjs runs examples/k6-compat.js unmodified"
"$BIN/nnjs" run -q --no-summary -e "TARGET=http://127.0.0.1:$TARGET_PORT" \
  --summary-export "$WORK/k6-compat.json" --report "$REPORTS/1-k6-compat.html" examples/k6-compat.js
stop "$TARGET_PID"
note "k6-compat.js: $(run_digest "$WORK/k6-compat.json"); all thresholds passed (exit 0)"

# ---------------------------------------------------------------------------------------
step "2/5  A staging database: seed, validate, baseline"
pg_isready -q || die "PostgreSQL is not answering at $PGHOST:$PGPORT"
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d postgres \
  -c "DROP DATABASE IF EXISTS \"${DBNAME}\" WITH (FORCE)" -c "CREATE DATABASE \"${DBNAME}\""
DB_CREATED=1
note "fresh database $DBNAME; members $FIRST-$((FIRST + COUNT - 1)) in a 3-ary sponsor tree"
"$BIN/nnjs" seed --init --db "$DB" --i-know-this-is-staging="$DBNAME" --operator demo $SEED_FLAGS
"$BIN/nnjs" validate --db "$DB"
"$BIN/nnjs" integrity --baseline --db "$DB"

# run_payments MODE EXPORT REPORT runs scenarios/baseline.js against a fresh bin/paymentapi
# (MODE "correct" or "legacy"), writes its HTML report, and stops the API afterwards; RC is
# nnjs run's exit code.
run_payments() {
  local mode=$1 export=$2 report=$3 args=() api_port
  [[ "$mode" == legacy ]] && args+=(--legacy)
  api_port=$(pick_port 8080)
  start "paymentapi-$mode" "$BIN/paymentapi" --db "$DB" --listen "127.0.0.1:$api_port" "${args[@]}"
  local api_pid=$LAST_PID
  wait_http "http://127.0.0.1:$api_port/healthz" "$api_pid" ||
    die "bin/paymentapi did not start: $(cat "$WORK/paymentapi-$mode.log")"
  note "bin/paymentapi${args[*]:+ ${args[*]}} on 127.0.0.1:$api_port; $VUS VUs, half the payments on 13 hot members"
  nnjs_rc "$BIN/nnjs" run -q "${RUN_FLAGS[@]}" -e "API=http://127.0.0.1:$api_port" -e "VUS=$VUS" \
    -e "SCALE=$SCALE" -e THINK=0-0.2 --summary-export "$export" --report "$report" scenarios/baseline.js
  stop "$api_pid" # integrity needs the API's connections closed (deadlock counter, R02)
}

# ---------------------------------------------------------------------------------------
step "3/5  scenarios/baseline.js against the reference payment API, then integrity"
RUN_FLAGS=()
run_payments correct "$WORK/correct.json" "$REPORTS/3-api-correct.html"
[[ $RC -eq 0 ]] || die "the payment run failed (nnjs run exit $RC); API log: $WORK/paymentapi-correct.log"
note "$(outcome_line "$WORK/correct.json")"
note "nnjs integrity --summary: the database must agree with what the client saw"
"$BIN/nnjs" integrity --db "$DB" --summary "$WORK/correct.json" --json "$WORK/correct-integrity.json"
note "correct mode: $(integrity_digest "$WORK/correct-integrity.json") (exit 0)"

# ---------------------------------------------------------------------------------------
step "4/5  The same against paymentapi --legacy (the real code's defects)"
"$BIN/nnjs" seed --reset --db "$DB" # the recorded plan: same tree and balances
"$BIN/nnjs" integrity --baseline --db "$DB"
# Legacy payments queue behind deadlocks (1 s each to detect): stop stragglers after 5 s.
RUN_FLAGS=(--no-summary -e GRACEFUL_STOP=5s)
run_payments legacy "$WORK/legacy.json" "$REPORTS/4-api-legacy.html"
[[ $RC -eq 0 || $RC -eq $EXIT_THRESHOLDS ]] || die "the legacy run failed unexpectedly (nnjs run exit $RC)"
note "$(outcome_line "$WORK/legacy.json")"
[[ $RC -eq $EXIT_THRESHOLDS ]] && note "legacy mode: thresholds crossed (exit $RC), as expected"
nnjs_rc "$BIN/nnjs" integrity --db "$DB" --summary "$WORK/legacy.json" --json "$WORK/legacy-integrity.json"
case $RC in
  "$EXIT_INTEGRITY")
    FAILED=$(failed_checks "$WORK/legacy-integrity.json")
    [[ " $FAILED " == *" C19 "* || " $FAILED " == *" R01 "* ]] ||
      die "legacy mode: integrity failed ($FAILED) but neither C19 nor R01 did"
    echo
    note "legacy mode: nnjs caught the defects (exit $RC), as expected; failed checks: $FAILED"
    note "C19 = lost PVG update on shared ancestors, R01 = deadlocks since the baseline"
    ;;
  0) die "legacy mode: integrity passed; the defects went unnoticed (too little load?)" ;;
  *) die "legacy mode: nnjs integrity exit $RC (expected $EXIT_INTEGRITY)" ;;
esac

# ---------------------------------------------------------------------------------------
step "5/5  Payments straight into PostgreSQL (nnjs/sql), monitored, integrity in the run"
note "examples/db-payment/payment.js: the same payment in SQL from the script; nnjs run itself"
note "takes the baseline, watches the database (deadlocks, lock waits) and runs the checks"
DBPAY=(-q -e "DB=$DB" -e VUS=30 -e DURATION=10s -e GRACEFUL_STOP=5s)
SEED_FLAGS="--tree kary --fanout 3 --min-balance 100000000 --max-balance 200000000"  # no wallet drains
"$BIN/nnjs" seed --reset --replan --db "$DB" $SEED_FLAGS # a new plan: say so with --replan
nnjs_rc "$BIN/nnjs" run "${DBPAY[@]}" --summary-export "$WORK/dbpay-correct.json" --report "$REPORTS/5-sql-correct.html" \
  examples/db-payment/payment.js >"$WORK/dbpay-correct.txt"
[[ $RC -eq 0 ]] || { cat "$WORK/dbpay-correct.txt"; die "DB-direct correct mode: nnjs run exit $RC (expected 0)"; }
note "correct SQL: $(integrity_digest "$WORK/dbpay-correct.json") (exit 0)"
"$BIN/nnjs" seed --reset --db "$DB"
nnjs_rc "$BIN/nnjs" run "${DBPAY[@]}" -e MODE=legacy --summary-export "$WORK/dbpay-legacy.json" \
  --report "$REPORTS/5-sql-legacy.html" examples/db-payment/payment.js >"$WORK/dbpay-legacy.txt"
[[ $RC -eq $EXIT_INTEGRITY ]] || { cat "$WORK/dbpay-legacy.txt"; die "DB-direct legacy mode: nnjs run exit $RC (expected $EXIT_INTEGRITY)"; }
note "legacy SQL: $(grep -E '^    deadlocks' "$WORK/dbpay-legacy.txt" | tr -s ' ' || true)"
note "legacy SQL: $(integrity_digest "$WORK/dbpay-legacy.json") (exit $RC, as expected)"

step "HTML reports (self-contained: open them in any browser, offline)"
for f in "$REPORTS"/*.html; do note "$f ($(du -k "$f" | cut -f1) KB)"; done

step "Demo complete"
note "correct API and SQL: thresholds pass and no critical integrity check fails (a warning such as"
note "C17, money off the cent grid, is reported as WARN but does not fail the run); legacy: nnjs flags it"
