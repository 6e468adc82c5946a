-- severity: critical
-- needs: baseline, payments_ok
-- explain: client/DB reconciliation: orders paid since the baseline = payments the client saw succeed (+ at most those whose outcome it never saw)
SELECT $4::bigint AS client_ok, $7::bigint AS client_unknown, count(*) AS db_paid,
       count(*) - $4::bigint AS diff
FROM orders o
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
  AND NOT EXISTS (SELECT 1 FROM nnjs_baseline_paid_order p WHERE p.order_id = o.id)
HAVING count(*) < $4::bigint OR count(*) > $4::bigint + $7::bigint
