-- severity: critical
-- needs: baseline
-- explain: each member's first completed ledger row after the baseline starts at the baseline balance
SELECT f.member_id, f.ledger_id, f.balance_before, coalesce(b.balance, 0) AS baseline_balance,
       f.balance_before - coalesce(b.balance, 0) AS diff
FROM (
    SELECT DISTINCT ON (t.member_id) t.member_id, t.id AS ledger_id, t.balance_before
    FROM wallettransactions t, nnjs_baseline_run r
    WHERE t.member_id BETWEEN $1 AND $2 AND t.status = 'completed' AND t.id > r.max_ledger_id
    ORDER BY t.member_id, t.created_at, t.id
) f
LEFT JOIN nnjs_baseline_member b ON b.member_id = f.member_id
WHERE abs(f.balance_before - coalesce(b.balance, 0)) > 0.005
ORDER BY f.member_id
