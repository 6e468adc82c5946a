-- severity: critical
-- needs: baseline
-- explain: per wallet, balance = baseline balance + sum of completed ledger amounts since the baseline
SELECT w.member_id, coalesce(b.balance, 0) AS baseline_balance, w.balance,
       w.balance - coalesce(b.balance, 0) AS balance_delta, coalesce(l.total, 0) AS ledger_sum
FROM wallets w
LEFT JOIN nnjs_baseline_member b ON b.member_id = w.member_id
LEFT JOIN (
    SELECT t.member_id, sum(t.amount) AS total
    FROM wallettransactions t, nnjs_baseline_run r
    WHERE t.member_id BETWEEN $1 AND $2 AND t.status = 'completed' AND t.id > r.max_ledger_id
    GROUP BY t.member_id
) l ON l.member_id = w.member_id
WHERE w.member_id BETWEEN $1 AND $2
  AND abs(w.balance - coalesce(b.balance, 0) - coalesce(l.total, 0)) > 0.005
ORDER BY w.member_id
