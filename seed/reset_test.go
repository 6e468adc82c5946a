package seed

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exec runs statements that must succeed.
func exec(t *testing.T, pool *pgxpool.Pool, sqls ...string) {
	t.Helper()
	for _, q := range sqls {
		_, err := pool.Exec(context.Background(), q)
		require.NoError(t, err, q)
	}
}

// addOutsider creates member 90000 (outside the range) with a wallet, a paid order with a
// line, its ledger row, a commission it earned from a reserved member's order and rank
// history.
func addOutsider(t *testing.T, pool *pgxpool.Pool) {
	exec(t, pool, `INSERT INTO users (member_id, first_name, last_name, status, sponsor_id, pv_cache, vn_cache, pvg_cache)
VALUES (90000, 'Real', 'Member', 'QUALIFIED', 80000, 293, 0, 293)`,
		`INSERT INTO usertreepath (ancestor_id, descendant_id, depth) VALUES (90000, 90000, 0), (80000, 90000, 1)`,
		`INSERT INTO wallets (member_id, balance, currency, status) VALUES (90000, 650.70, 'MXN', 'ACTIVE')`,
		`INSERT INTO orders (member_id, country, currency, subtotal, shipping_cost, tax, discount, total, total_pv,
  total_vn, status, period_id, payment_method, payment_reference)
VALUES (90000, 'Mexico', 'MXN', 349.30, 0, 0, 0, 349.30, 293, 293, 'payment_confirmed', 1, 'wallet', 'wallet_00000000000000aa')`,
		`INSERT INTO orderitems (order_id, product_id, quantity, unit_price, unit_pv, unit_vn, line_total, line_pv, line_vn)
SELECT id, 4, 1, 349.30, 293, 293, 349.30, 293, 293 FROM orders WHERE member_id = 90000`,
		`INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status, amount, balance_before,
  balance_after, currency, order_id, description)
SELECT 'u-90000', 90000, 'order_payment', 'completed', -349.30, 1000, 650.70, 'MXN', id, 'Pago' FROM orders WHERE member_id = 90000`,
		`INSERT INTO userrankhistory (member_id, rank_id, period_id) VALUES (90000, 1, 1)`)
}

// simulatePayments writes what payments by reserved members leave behind: orders, lines,
// ledger rows, commissions (also to the outsider's sponsor), rank history and changed caches
// and balances, plus a withdrawal, a reserved member moved under the outsider and a lost
// tree path.
func simulatePayments(t *testing.T, pool *pgxpool.Pool) {
	exec(t, pool, `INSERT INTO orders (member_id, country, currency, subtotal, shipping_cost, tax, discount, total, total_pv,
  total_vn, status, period_id, payment_method, payment_reference)
SELECT m, 'MX', 'MXN', 1996, 0, 0, 0, 1996, 1465, 1465, 'payment_confirmed', 1, 'wallet', 'wallet_' || lpad(to_hex(m), 16, '0')
FROM generate_series(80001, 80005) m`,
		`INSERT INTO orderitems (order_id, product_id, quantity, unit_price, unit_pv, unit_vn, line_total, line_pv, line_vn)
SELECT id, 1, 1, 1996, 1465, 1465, 1996, 1465, 1465 FROM orders WHERE member_id BETWEEN 80001 AND 80005`,
		`INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status, amount, balance_before,
  balance_after, currency, order_id, description)
SELECT 'u-' || id, member_id, 'order_payment', 'completed', -1996, 6000, 4004, 'MXN', id, 'Pago de orden #' || id
FROM orders WHERE member_id BETWEEN 80001 AND 80005`,
		`INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id, period_id, level_depth, amount_vn,
  currency_origin, amount_converted, currency_destination, exchange_rate, status)
SELECT 80000, 'bono_directo', member_id, id, 1, 1, 366.25, 'MXN', 366.25, 'MXN', 1.0, 'paid'
FROM orders WHERE member_id BETWEEN 80001 AND 80005`,
		`INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status, amount, balance_before,
  balance_after, currency, commission_id, description)
SELECT 'c-' || id, member_id, 'commission_deposit', 'completed', amount_converted, 0, 0, 'MXN', id, 'Comisión'
FROM commissions WHERE member_id = 80000`,
		`INSERT INTO walletwithdrawals (member_id, wallet_transaction_id, amount, currency, bank_name, account_number,
  account_holder_name, status)
SELECT member_id, id, 10, 'MXN', 'Banco', '123', 'Load Test', 'PENDING' FROM wallettransactions WHERE transaction_uuid = 'c-1'`,
		`INSERT INTO userrankhistory (member_id, rank_id, period_id) SELECT m, 2, 1 FROM generate_series(80001, 80005) m`,
		`UPDATE users SET pv_cache = pv_cache + 1465, pvg_cache = pvg_cache + 1465, updated_at = now(), status = 'SUSPENDED',
  referral_link = 'x' || member_id WHERE member_id BETWEEN 80001 AND 80005`,
		`UPDATE users SET pvg_cache = 7325, sponsor_id = 90000 WHERE member_id = 80000`,
		`UPDATE wallets SET balance = balance - 1996, updated_at = now(), status = 'SUSPENDED' WHERE member_id BETWEEN 80001 AND 80005`,
		`DELETE FROM usertreepath WHERE descendant_id = 80007 AND depth = 1`,
		// what the reference payment API leaves: idempotency keys referencing the orders
		`CREATE TABLE IF NOT EXISTS nnjs_idempotency_keys (key varchar(255) PRIMARY KEY, order_id integer NOT NULL REFERENCES orders(id))`,
		`INSERT INTO nnjs_idempotency_keys SELECT 'k-' || id, id FROM orders WHERE member_id BETWEEN 80001 AND 80005`)
}

func TestResetRestoresTheRangeAndLeavesOthersAlone(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	cfg := testConfig()
	_, err := Run(ctx, pool, cfg)
	require.NoError(t, err)
	addOutsider(t, pool)
	seeded := dump(t, pool, cfg.First, cfg.Last())
	outsider := dump(t, pool, 90000, 90000)

	simulatePayments(t, pool)
	require.NotEqual(t, seeded, dump(t, pool, cfg.First, cfg.Last()), "the simulation changed the range")

	require.NoError(t, Reset(ctx, pool, cfg))
	assert.Equal(t, seeded, dump(t, pool, cfg.First, cfg.Last()))
	assert.Equal(t, outsider, dump(t, pool, 90000, 90000), "the outside member's rows are unchanged")

	require.NoError(t, Reset(ctx, pool, cfg), "reset is repeatable")
	assert.Equal(t, seeded, dump(t, pool, cfg.First, cfg.Last()))
}
