-- severity: critical
-- explain: ledger rows carry the reference their type needs (order, commission, transfer counterpart) and belong to a wallet
SELECT t.id AS ledger_id, t.member_id, t.transaction_type, t.status, 'missing ' || n.need AS problem
FROM wallettransactions t
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN t.transaction_type = 'order_payment' AND t.order_id IS NULL THEN 'order_id'
        WHEN t.transaction_type = 'commission_deposit' AND t.commission_id IS NULL THEN 'commission_id'
        WHEN t.transaction_type = 'transfer_out' AND t.transfer_to_member_id IS NULL
            THEN 'transfer_to_member_id'
        WHEN t.transaction_type = 'transfer_in' AND t.transfer_from_member_id IS NULL
            THEN 'transfer_from_member_id'
        WHEN NOT EXISTS (SELECT 1 FROM wallets w WHERE w.member_id = t.member_id) THEN 'wallet'
    END AS need
) n
WHERE t.member_id BETWEEN $1 AND $2 AND n.need IS NOT NULL
ORDER BY t.id
