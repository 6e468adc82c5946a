-- severity: critical
-- explain: no negative balances: wallets.balance >= 0 and completed balance_after >= 0
SELECT 'wallet' AS source, w.member_id, w.id AS row_id, w.balance AS value
FROM wallets w
WHERE w.member_id BETWEEN $1 AND $2 AND w.balance < 0
UNION ALL
SELECT 'ledger', t.member_id, t.id, t.balance_after
FROM wallettransactions t
WHERE t.member_id BETWEEN $1 AND $2 AND t.status = 'completed' AND t.balance_after < 0
ORDER BY 1, 2, 3
