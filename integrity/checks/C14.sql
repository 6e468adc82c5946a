-- severity: critical
-- explain: order lines: quantity > 0 and line_total/line_pv/line_vn = quantity x unit value
SELECT i.id AS item_id, i.order_id, o.member_id, i.quantity, i.unit_price, i.line_total,
       i.unit_pv, i.line_pv, i.unit_vn, i.line_vn
FROM orderitems i
JOIN orders o ON o.id = i.order_id
WHERE o.member_id BETWEEN $1 AND $2
  AND (i.quantity <= 0
    OR abs(i.line_total - i.quantity * i.unit_price) > 0.005
    OR i.line_pv <> i.quantity * i.unit_pv
    OR abs(i.line_vn - i.quantity * i.unit_vn) > 0.005)
ORDER BY i.id
