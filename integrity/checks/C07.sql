-- severity: critical
-- explain: exactly-once debit: each wallet-paid order has one completed order_payment of -total by its buyer
SELECT o.id AS order_id, o.member_id, o.total, count(t.id) AS completed_debits,
       string_agg(t.id::text, ',' ORDER BY t.id) AS ledger_ids,
       count(t.id) FILTER (WHERE abs(t.amount + o.total) > 0.005 OR t.member_id <> o.member_id) AS mismatched
FROM orders o
LEFT JOIN wallettransactions t
       ON t.order_id = o.id AND t.transaction_type = 'order_payment' AND t.status = 'completed'
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
  AND o.payment_method = 'wallet'
GROUP BY o.id
HAVING count(t.id) <> 1
    OR count(t.id) FILTER (WHERE abs(t.amount + o.total) > 0.005 OR t.member_id <> o.member_id) > 0
ORDER BY o.id
