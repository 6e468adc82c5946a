-- severity: critical
-- explain: wallet balance equals balance_after of its newest completed ledger row (by created_at, id)
SELECT w.member_id, w.id AS wallet_id, w.balance, t.id AS ledger_id, t.balance_after,
       w.balance - t.balance_after AS diff
FROM wallets w
JOIN LATERAL (
    SELECT l.id, l.balance_after
    FROM wallettransactions l
    WHERE l.member_id = w.member_id AND l.status = 'completed'
    ORDER BY l.created_at DESC, l.id DESC
    LIMIT 1
) t ON true
WHERE w.member_id BETWEEN $1 AND $2
  AND abs(w.balance - t.balance_after) > 0.005
ORDER BY w.member_id
