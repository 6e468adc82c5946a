-- severity: critical
-- explain: order header equals its lines: >= 1 line, subtotal, total, total_pv and total_vn add up
SELECT o.id AS order_id, o.member_id, o.status, count(i.id) AS lines,
       o.subtotal, coalesce(sum(i.line_total), 0) AS sum_line_total,
       o.total, o.subtotal + o.shipping_cost + o.tax - o.discount AS expected_total,
       o.total_pv, coalesce(sum(i.line_pv), 0) AS sum_line_pv,
       o.total_vn, coalesce(sum(i.line_vn), 0) AS sum_line_vn
FROM orders o
LEFT JOIN orderitems i ON i.order_id = o.id
WHERE o.member_id BETWEEN $1 AND $2 AND o.status <> 'draft'
GROUP BY o.id
HAVING count(i.id) = 0
    OR abs(o.subtotal - coalesce(sum(i.line_total), 0)) > 0.005
    OR abs(o.total - (o.subtotal + o.shipping_cost + o.tax - o.discount)) > 0.005
    OR o.total_pv <> coalesce(sum(i.line_pv), 0)
    OR abs(o.total_vn - coalesce(sum(i.line_vn), 0)) > 0.005
ORDER BY o.id
