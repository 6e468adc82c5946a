-- severity: critical
-- explain: payment_reference is unique across orders
SELECT o.payment_reference, count(*) AS orders, string_agg(o.id::text, ',' ORDER BY o.id) AS order_ids
FROM orders o
WHERE o.payment_reference IN (
    SELECT r.payment_reference FROM orders r
    WHERE r.member_id BETWEEN $1 AND $2 AND r.payment_reference IS NOT NULL)
GROUP BY o.payment_reference
HAVING count(*) > 1
ORDER BY o.payment_reference
