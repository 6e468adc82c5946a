-- severity: critical
-- explain: payment_confirmed_at is set iff the order is paid (refunded may keep it) and is not before created_at
SELECT o.id AS order_id, o.member_id, o.status, o.created_at, o.payment_confirmed_at
FROM orders o
WHERE o.member_id BETWEEN $1 AND $2
  AND ((o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
        AND o.payment_confirmed_at IS NULL)
    OR (o.status NOT IN ('payment_confirmed', 'processing', 'shipped', 'delivered', 'refunded')
        AND o.payment_confirmed_at IS NOT NULL)
    OR o.payment_confirmed_at < o.created_at)
ORDER BY o.id
