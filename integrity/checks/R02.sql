-- severity: critical
-- explain: no session of this database sits idle in a transaction (it holds row locks) after the run
SELECT a.pid, a.usename, a.application_name, a.client_addr::text AS client_addr, a.state,
       round(extract(epoch FROM clock_timestamp() - a.state_change)::numeric, 1) AS idle_seconds,
       left(a.query, 120) AS last_query
FROM pg_stat_activity a
WHERE a.datname = current_database()
  AND a.pid <> pg_backend_pid()
  AND a.state LIKE 'idle in transaction%'
  AND a.state_change < clock_timestamp() - make_interval(secs => $3::float8)
ORDER BY a.pid
