-- severity: critical
-- needs: baseline, payments_refused, payments_failed
-- explain: client/DB reconciliation: orders created since the baseline and left unpaid = payments the client saw refused (+ at most those that failed or whose outcome it never saw)
SELECT $6::bigint AS client_refused, $5::bigint AS client_failed, $7::bigint AS client_unknown,
       count(*) AS db_unpaid, count(*) - $6::bigint AS diff
FROM orders o, nnjs_baseline_run r
WHERE o.member_id BETWEEN $1 AND $2
  AND o.id > r.max_order_id
  AND o.status IN ('pending_payment', 'cancelled')
HAVING count(*) < $6::bigint OR count(*) > $6::bigint + $5::bigint + $7::bigint
