-- severity: critical
-- explain: no draft/pending order carries a payment_reference (poisoned); wallet-paid orders carry wallet_<16 hex>
SELECT o.id AS order_id, o.member_id, o.status, o.payment_reference,
       CASE WHEN o.status IN ('pending_payment', 'draft')
            THEN 'unpaid order carries a reference: it can never be paid'
            ELSE 'wallet-paid order lacks a wallet_<16 hex> reference' END AS problem
FROM orders o
WHERE o.member_id BETWEEN $1 AND $2
  AND ((o.status IN ('pending_payment', 'draft') AND o.payment_reference IS NOT NULL)
    OR (o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
        AND o.payment_method = 'wallet'
        AND (o.payment_reference IS NULL OR o.payment_reference !~ '^wallet_[0-9a-f]{16}$')))
ORDER BY o.id
