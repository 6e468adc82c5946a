-- severity: critical
-- explain: each paid order with total_vn > 0, a sponsor and a period has one bono_directo to the sponsor of 0.25 x total_vn
SELECT o.id AS order_id, o.member_id, u.sponsor_id, o.total_vn, 0.25 * o.total_vn AS expected_vn,
       count(c.id) AS directos,
       count(c.id) FILTER (WHERE c.member_id = u.sponsor_id
                             AND abs(c.amount_vn - 0.25 * o.total_vn) <= 0.005) AS matching
FROM orders o
JOIN users u ON u.member_id = o.member_id
LEFT JOIN commissions c
       ON c.source_order_id = o.id AND c.bonus_type = 'bono_directo' AND c.status <> 'cancelled'
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
  AND o.total_vn > 0 AND u.sponsor_id IS NOT NULL AND o.period_id IS NOT NULL
GROUP BY o.id, u.sponsor_id
HAVING count(c.id) <> 1
    OR count(c.id) FILTER (WHERE c.member_id = u.sponsor_id
                             AND abs(c.amount_vn - 0.25 * o.total_vn) <= 0.005) <> 1
ORDER BY o.id
