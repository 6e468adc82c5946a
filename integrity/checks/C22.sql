-- severity: critical
-- explain: payout state: status 'paid' iff paid_at is set iff exactly one completed commission_deposit row
SELECT c.id AS commission_id, c.member_id, c.bonus_type, c.status, c.paid_at,
       count(t.id) AS completed_deposits
FROM commissions c
LEFT JOIN wallettransactions t
       ON t.commission_id = c.id AND t.transaction_type = 'commission_deposit' AND t.status = 'completed'
WHERE c.member_id BETWEEN $1 AND $2
GROUP BY c.id
HAVING (c.status = 'paid') <> (c.paid_at IS NOT NULL)
    OR (c.status = 'paid') <> (count(t.id) = 1)
ORDER BY c.id
