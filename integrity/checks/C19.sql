-- severity: critical
-- needs: baseline
-- explain: pvg_cache - baseline = sum of total_pv paid since the baseline in the member's subtree (lost PVG update)
WITH win AS (
    SELECT o.member_id, sum(o.total_pv) AS pv
    FROM orders o
    WHERE o.member_id BETWEEN $1 AND $2
      AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
      AND NOT EXISTS (SELECT 1 FROM nnjs_baseline_paid_order p WHERE p.order_id = o.id)
    GROUP BY o.member_id
), subtree AS (
    SELECT u.member_id AS ancestor_id, u.member_id AS descendant_id
    FROM users u WHERE u.member_id BETWEEN $1 AND $2
    UNION
    SELECT p.ancestor_id, p.descendant_id
    FROM usertreepath p WHERE p.ancestor_id BETWEEN $1 AND $2 AND p.depth > 0
), expected AS (
    SELECT s.ancestor_id AS member_id, coalesce(sum(win.pv), 0) AS pv
    FROM subtree s LEFT JOIN win ON win.member_id = s.descendant_id
    GROUP BY s.ancestor_id
)
SELECT u.member_id, coalesce(b.pvg_cache, 0) AS baseline_pvg, u.pvg_cache,
       u.pvg_cache - coalesce(b.pvg_cache, 0) AS actual_delta, e.pv AS expected_delta
FROM users u
JOIN expected e ON e.member_id = u.member_id
LEFT JOIN nnjs_baseline_member b ON b.member_id = u.member_id
WHERE u.pvg_cache - coalesce(b.pvg_cache, 0) <> e.pv
ORDER BY u.member_id
