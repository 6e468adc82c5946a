-- severity: critical
-- needs: baseline
-- explain: global conservation: sum of balances - sum at baseline = sum of completed ledger amounts since the baseline
WITH cur AS (
    SELECT coalesce(sum(w.balance), 0) AS total FROM wallets w WHERE w.member_id BETWEEN $1 AND $2
), base AS (
    SELECT coalesce(sum(b.balance), 0) AS total FROM nnjs_baseline_member b
), led AS (
    SELECT coalesce(sum(t.amount), 0) AS total
    FROM wallettransactions t, nnjs_baseline_run r
    WHERE t.member_id BETWEEN $1 AND $2 AND t.status = 'completed' AND t.id > r.max_ledger_id
)
SELECT cur.total AS balances_now, base.total AS balances_baseline,
       cur.total - base.total AS balance_delta, led.total AS ledger_sum,
       cur.total - base.total - led.total AS diff
FROM cur, base, led
WHERE abs(cur.total - base.total - led.total) > 0.005
