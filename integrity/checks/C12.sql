-- severity: critical
-- explain: paid orders have a period_id and payment_confirmed_at - 6h lies within that period
SELECT o.id AS order_id, o.member_id, o.period_id, o.payment_confirmed_at,
       p.starts_on, p.ends_on
FROM orders o
LEFT JOIN periods p ON p.id = o.period_id
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
  AND (o.period_id IS NULL
    OR NOT (o.payment_confirmed_at - interval '6 hours' BETWEEN p.starts_on AND p.ends_on))
ORDER BY o.id
