-- severity: critical
-- needs: baseline
-- explain: pv_cache - baseline = sum of total_pv of the member's orders paid since the baseline
WITH win AS (
    SELECT o.member_id, sum(o.total_pv) AS pv
    FROM orders o
    WHERE o.member_id BETWEEN $1 AND $2
      AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
      AND NOT EXISTS (SELECT 1 FROM nnjs_baseline_paid_order p WHERE p.order_id = o.id)
    GROUP BY o.member_id
)
SELECT u.member_id, coalesce(b.pv_cache, 0) AS baseline_pv, u.pv_cache,
       u.pv_cache - coalesce(b.pv_cache, 0) AS actual_delta, coalesce(win.pv, 0) AS expected_delta
FROM users u
LEFT JOIN nnjs_baseline_member b ON b.member_id = u.member_id
LEFT JOIN win ON win.member_id = u.member_id
WHERE u.member_id BETWEEN $1 AND $2
  AND u.pv_cache - coalesce(b.pv_cache, 0) <> coalesce(win.pv, 0)
ORDER BY u.member_id
