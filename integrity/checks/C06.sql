-- severity: critical
-- explain: sign convention: credit types have amount > 0, debit types amount < 0 (unknown types fail)
SELECT t.id AS ledger_id, t.member_id, t.transaction_type, t.status, t.amount
FROM wallettransactions t
WHERE t.member_id BETWEEN $1 AND $2
  AND NOT (
       (t.transaction_type IN ('commission_deposit', 'transfer_in', 'refund', 'adjustment_credit')
        AND t.amount > 0)
    OR (t.transaction_type IN ('order_payment', 'transfer_out', 'withdrawal_request',
                               'withdrawal_completed', 'adjustment_debit')
        AND t.amount < 0)
    -- filed under debits by the enum but described as a reversal: either sign, never zero
    OR (t.transaction_type = 'withdrawal_rejected' AND t.amount <> 0)
  )
ORDER BY t.id
