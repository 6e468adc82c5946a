-- severity: warning
-- explain: money lies on the cent grid (float drift, unrounded seed balances)
SELECT v.source, v.member_id, v.row_id, v.column_name, v.value
FROM (
    SELECT 'wallets' AS source, member_id, id AS row_id, 'balance' AS column_name, balance AS value
    FROM wallets WHERE member_id BETWEEN $1 AND $2
    UNION ALL
    SELECT 'wallettransactions', member_id, id, 'amount', amount
    FROM wallettransactions WHERE member_id BETWEEN $1 AND $2
    UNION ALL
    SELECT 'wallettransactions', member_id, id, 'balance_before', balance_before
    FROM wallettransactions WHERE member_id BETWEEN $1 AND $2
    UNION ALL
    SELECT 'wallettransactions', member_id, id, 'balance_after', balance_after
    FROM wallettransactions WHERE member_id BETWEEN $1 AND $2
    UNION ALL
    SELECT 'orders', member_id, id, 'total', total
    FROM orders WHERE member_id BETWEEN $1 AND $2
) v
WHERE abs(v.value * 100 - round(v.value * 100)) > 0.000001
ORDER BY 1, 2, 3, 4
