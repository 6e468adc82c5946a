-- severity: critical
-- explain: order-driven commissions point at a paid order, with no duplicate per (order, receiver, type, level, source); fast start may repeat
WITH c AS (
    SELECT c.* FROM commissions c
    WHERE c.bonus_type IN ('bono_directo', 'bono_rapido', 'bono_uninivel', 'bono_matching')
      AND c.status <> 'cancelled'
      AND (c.member_id BETWEEN $1 AND $2 OR c.source_member_id BETWEEN $1 AND $2)
)
SELECT c.id AS commission_id, c.member_id, c.bonus_type, c.source_order_id,
       'source order missing or not paid (' || coalesce(o.status, 'none') || ')' AS problem
FROM c
LEFT JOIN orders o ON o.id = c.source_order_id
WHERE o.id IS NULL
   OR o.status NOT IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
UNION ALL
SELECT d.id, d.member_id, d.bonus_type, d.source_order_id, 'duplicate of commission ' || d.first_id
FROM (
    SELECT c.*, min(c.id) OVER (PARTITION BY c.source_order_id, c.member_id, c.bonus_type,
                                             c.level_depth, c.source_member_id) AS first_id
    FROM c WHERE c.bonus_type <> 'bono_rapido'
) d
WHERE d.id <> d.first_id
ORDER BY 1
