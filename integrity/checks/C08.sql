-- severity: critical
-- explain: no orphan debit: no completed order_payment points at a draft, pending or otherwise unpaid order
SELECT t.id AS ledger_id, t.member_id, t.order_id, o.status AS order_status, t.amount
FROM wallettransactions t
LEFT JOIN orders o ON o.id = t.order_id
WHERE t.member_id BETWEEN $1 AND $2
  AND t.transaction_type = 'order_payment' AND t.status = 'completed'
  AND t.order_id IS NOT NULL
  AND (o.id IS NULL
       OR o.status NOT IN ('payment_confirmed', 'processing', 'shipped', 'delivered', 'refunded'))
ORDER BY t.id
