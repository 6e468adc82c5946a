-- severity: critical
-- needs: baseline
-- explain: no deadlocks since the baseline (pg_stat_database.deadlocks delta, whole database)
SELECT d.datname AS database, r.deadlocks AS baseline, d.deadlocks AS now,
       d.deadlocks - r.deadlocks AS delta
FROM pg_stat_database d, nnjs_baseline_run r
WHERE d.datname = current_database() AND d.deadlocks > r.deadlocks
