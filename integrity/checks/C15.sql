-- severity: critical
-- explain: ledger rows and wallet-paid orders are in the wallet's currency
SELECT 'ledger' AS source, t.id AS row_id, t.member_id, t.currency AS row_currency,
       w.currency AS wallet_currency
FROM wallettransactions t
JOIN wallets w ON w.member_id = t.member_id
WHERE t.member_id BETWEEN $1 AND $2 AND t.currency <> w.currency
UNION ALL
SELECT 'order', o.id, o.member_id, o.currency, w.currency
FROM orders o
JOIN wallets w ON w.member_id = o.member_id
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')
  AND o.payment_method = 'wallet'
  AND o.currency <> w.currency
ORDER BY 1, 2
