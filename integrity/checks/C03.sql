-- severity: critical
-- explain: ledger chain is continuous: each completed row starts at the previous row's balance_after
SELECT x.member_id, x.ledger_id, x.prev_ledger_id, x.prev_balance_after, x.balance_before,
       x.balance_before - x.prev_balance_after AS gap
FROM (
    SELECT t.member_id, t.id AS ledger_id, t.balance_before,
           lag(t.id) OVER w AS prev_ledger_id,
           lag(t.balance_after) OVER w AS prev_balance_after
    FROM wallettransactions t
    WHERE t.member_id BETWEEN $1 AND $2 AND t.status = 'completed'
    WINDOW w AS (PARTITION BY t.member_id ORDER BY t.created_at, t.id)
) x
WHERE x.prev_ledger_id IS NOT NULL
  AND abs(x.balance_before - x.prev_balance_after) > 0.005
ORDER BY x.member_id, x.ledger_id
