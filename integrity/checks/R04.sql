-- severity: critical
-- needs: baseline, payments_failed
-- explain: client/DB reconciliation: payments the client counted as failed = orders created since the baseline left pending_payment or cancelled
SELECT $5::bigint AS client_failed, count(*) AS db_unpaid, count(*) - $5::bigint AS diff
FROM orders o, nnjs_baseline_run r
WHERE o.member_id BETWEEN $1 AND $2
  AND o.id > r.max_order_id
  AND o.status IN ('pending_payment', 'cancelled')
HAVING count(*) <> $5::bigint
