-- severity: critical
-- explain: every completed ledger row satisfies balance_before + amount = balance_after
SELECT t.id AS ledger_id, t.member_id, t.transaction_type, t.balance_before, t.amount,
       t.balance_after, t.balance_before + t.amount - t.balance_after AS diff
FROM wallettransactions t
WHERE t.member_id BETWEEN $1 AND $2
  AND t.status = 'completed'
  AND abs(t.balance_before + t.amount - t.balance_after) > 0.005
ORDER BY t.id
