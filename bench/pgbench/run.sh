#!/usr/bin/env bash
# The correct NNProtect wallet payment, nnjs vs pgbench, on one freshly seeded database.
# Creates (or recreates) database $DBNAME, seeds it with nnjs seed --init (kary tree, fanout 3,
# balances large enough that no wallet drains), then for each N and each round: reset, pgbench
# (N clients, 2 threads, T seconds, bench/pgbench/payment.sql), reset, nnjs (the same
# examples/db-payment/payment.js in correct mode, N VUs, an N-connection pool, T seconds);
# even rounds run nnjs first. Every reset ends with VACUUM ANALYZE.
# Transactions = pgbench's processed transactions / nnjs's completed iterations (one iteration
# = one order created and paid); both divided by T. Prints each round, then the medians and
# nnjs's share of pgbench's rate (target >= 0.9).
#
#   bench/pgbench/run.sh                 # N = 20 50, T=30, ROUNDS=1
#   ROUNDS=3 T=30 bench/pgbench/run.sh 20 50
#   NNJS=/tmp/nnjs-before PGBENCH_MODE=prepared bench/pgbench/run.sh 20   # pgbench -M prepared
set -euo pipefail
cd "$(dirname "$0")/../.."

T=${T:-30}
ROUNDS=${ROUNDS:-1}
PGBENCH_MODE=${PGBENCH_MODE:-simple} # pgbench --protocol: simple (its default), extended, prepared
DBNAME=${DBNAME:-nnjs_pgbench}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
NNJS=${NNJS:-bin/nnjs}
OUT=bench/results
SEED_FLAGS=(--tree kary --fanout 3 --min-balance 100000000 --max-balance 200000000)
[ $# -gt 0 ] || set -- 20 50

for tool in pgbench psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing: apt-get install postgresql-client" >&2; exit 1; }
done
mkdir -p "$OUT" bin
[ "$NNJS" != bin/nnjs ] || go build -o bin/ ./cmd/nnjs

export PGHOST PGPORT PGUSER
DB="postgres://$PGUSER@$PGHOST:$PGPORT/$DBNAME?sslmode=disable"

# fresh_database drops $DBNAME only when it is an nnjs staging database (it has nnjs_meta),
# then creates and seeds it.
fresh_database() {
  if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
    if ! psql -d "$DBNAME" -Atc "SELECT to_regclass('nnjs_meta') IS NOT NULL" | grep -q t; then
      echo "bench: database $DBNAME exists and is not an nnjs staging database; set DBNAME" >&2
      exit 1
    fi
    psql -d postgres -qc "DROP DATABASE \"$DBNAME\" WITH (FORCE)"
  fi
  psql -d postgres -qc "CREATE DATABASE \"$DBNAME\""
  "$NNJS" seed --init --db "$DB" --i-know-this-is-staging="$DBNAME" --operator bench "${SEED_FLAGS[@]}" \
    >"$OUT/pgbench-seed.txt" 2>&1 || { cat "$OUT/pgbench-seed.txt" >&2; exit 1; }
}

# reset restores the seeded state, then vacuums: every payment leaves dead versions of the hot
# users rows (the tree's root above all), which slow the next run down if left behind.
reset() {
  "$NNJS" seed --reset --db "$DB" "${SEED_FLAGS[@]}" >"$OUT/pgbench-seed.txt" 2>&1 ||
    { cat "$OUT/pgbench-seed.txt" >&2; exit 1; }
  psql -d "$DBNAME" -qc 'VACUUM ANALYZE'
}

# run_pgbench N ROUND and run_nnjs N ROUND: one measured run each, from a reset database.
run_pgbench() {
  reset
  local code=0
  pgbench -n -M "$PGBENCH_MODE" -c "$1" -j 2 -T "$T" -f bench/pgbench/payment.sql "$DB" >"$OUT/pgbench.txt" 2>&1 || code=$?
  row "$1" "$2" pgbench "$(awk -F': ' '/transactions actually processed/ {print $2}' "$OUT/pgbench.txt")" "$code"
}
run_nnjs() {
  reset
  local code=0
  rm -f "$OUT/pgbench-nnjs.json"
  "$NNJS" run -q --no-summary -e DB="$DB" -e VUS="$1" -e DB_CONNS="$1" -e DURATION="${T}s" \
    --summary-export "$OUT/pgbench-nnjs.json" examples/db-payment/payment.js >"$OUT/pgbench-nnjs.txt" 2>&1 || code=$?
  [ -s "$OUT/pgbench-nnjs.json" ] || { cat "$OUT/pgbench-nnjs.txt" >&2; exit 1; }
  row "$1" "$2" nnjs "$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["metrics"]["iterations"]["count"]))' "$OUT/pgbench-nnjs.json")" "$code"
}

rows="$OUT/pgbench-rounds.txt"
: >"$rows"
# row N ROUND TOOL COUNT EXIT: prints one round and keeps it for the medians.
row() {
  awk -v n="$1" -v r="$2" -v t="$3" -v c="$4" -v e="$5" -v s="$T" \
    'BEGIN{printf "%-4s %-6s %-8s %8d %10.1f %5s\n", n, r, t, c, c/s, e}' | tee -a "$rows"
}
# median N TOOL: the median tx/s of the kept rows of N and TOOL.
median() {
  awk -v n="$1" -v t="$2" '$1==n && $3==t {print $5}' "$rows" | sort -g |
    awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}

fresh_database
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(psql -d postgres -Atc 'SHOW server_version')"
echo "uptime before: $(uptime)"
printf '%-4s %-6s %-8s %8s %10s %5s\n' N round tool tx 'tx/s' exit
for n in "$@"; do
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then run_pgbench "$n" "$r"; run_nnjs "$n" "$r"
    else run_nnjs "$n" "$r"; run_pgbench "$n" "$r"; fi
  done
done
echo "uptime after: $(uptime)"
for n in "$@"; do
  p=$(median "$n" pgbench)
  k=$(median "$n" nnjs)
  awk -v n="$n" -v p="$p" -v k="$k" \
    'BEGIN{printf "N=%s median tx/s: pgbench %.1f, nnjs %.1f: nnjs = %.2f x pgbench (target >= 0.9)\n", n, p, k, k/p}'
done
