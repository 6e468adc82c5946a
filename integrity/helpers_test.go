package integrity

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/pgtest"
	"github.com/nnprotect/nnjs/seed"
)

// testRange is the reserved range the tests seed: 20 members in a binary sponsor tree, so
// 80003's ancestors are 80001 and 80000.
var testRange = Range{First: 80000, Last: 80019}

func seedConfig() seed.Config {
	cfg := seed.DefaultConfig()
	cfg.First, cfg.Count = testRange.First, int(testRange.Last-testRange.First+1)
	cfg.Tree, cfg.Fanout = seed.TreeKary, 2
	return cfg
}

// seededPool returns a pool on a fresh database with the schema and the seeded range.
func seededPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := pg.Open(ctx, pgtest.NewDatabase(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, seed.ApplySchema(ctx, pool))
	require.NoError(t, seed.MarkStaging(ctx, pool, "integrity test"))
	_, err = seed.Run(ctx, pool, seedConfig())
	require.NoError(t, err)
	return pool
}

// dbtx is what the test helpers need: *pgxpool.Pool and pgx.Tx satisfy it, so corruptions
// can run inside a transaction that the test rolls back.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// txBeginner runs Run inside an open test transaction (as a savepoint), so it sees the
// transaction's uncommitted corruption; the test then rolls everything back.
type txBeginner struct{ tx pgx.Tx }

func (b txBeginner) BeginTx(ctx context.Context, _ pgx.TxOptions) (pgx.Tx, error) {
	return b.tx.Begin(ctx)
}

// Products of the seeded catalogue by SKU.
const (
	skuKit    = "NNJS-KIT-01" // 1,996.00 MXN, PV 1465
	skuBigKit = "NNJS-KIT-03" // 5,790.00 MXN, PV 4400
	skuSingle = "NNJS-LIQ-01" // 349.30 MXN, PV 293
)

// newOrder inserts a pending_payment order of qty x the product and its line, committed, as
// the NN-6 caller does before paying.
func newOrder(t *testing.T, db dbtx, member int64, sku string, qty int) int32 {
	t.Helper()
	var id int32
	err := db.QueryRow(context.Background(), `
WITH p AS (SELECT id, price_mx, pv_mx, vn_mx FROM products WHERE "SKU" = $2),
o AS (
    INSERT INTO orders (member_id, country, currency, subtotal, shipping_cost, tax, discount, total,
        total_pv, total_vn, status, created_at, submitted_at)
    SELECT $1, 'Mexico', 'MXN', $3 * p.price_mx, 0, 0, 0, $3 * p.price_mx, $3 * p.pv_mx,
        $3 * p.vn_mx, 'pending_payment', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM p
    RETURNING id)
INSERT INTO orderitems (order_id, product_id, quantity, unit_price, unit_pv, unit_vn, line_total, line_pv, line_vn)
SELECT o.id, p.id, $3, p.price_mx, p.pv_mx, p.vn_mx, $3 * p.price_mx, $3 * p.pv_mx, $3 * p.vn_mx FROM o, p
RETURNING order_id`, member, sku, qty).Scan(&id)
	require.NoError(t, err)
	return id
}

// pay pays an order the correct way (the payment flow without the legacy defects), in one
// transaction: lock the order, stamp the reference, lock the wallet, debit with a ledger
// row, confirm in the current period, add PV to the buyer and PVG to every ancestor, and
// record the direct bonus for the sponsor.
func pay(t *testing.T, db dbtx, orderID int32) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var member int32
		var total, vn, balance float64
		var pv int32
		if err := tx.QueryRow(ctx, `SELECT member_id, total, total_pv, total_vn FROM orders
			WHERE id = $1 AND status = 'pending_payment' AND payment_reference IS NULL FOR UPDATE`,
			orderID).Scan(&member, &total, &pv, &vn); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT balance FROM wallets WHERE member_id = $1 FOR UPDATE`,
			member).Scan(&balance); err != nil {
			return err
		}
		after := balance - total
		for _, s := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE orders SET payment_reference = 'wallet_' || substr(md5(gen_random_uuid()::text), 1, 16)
			  WHERE id = $1`, []any{orderID}},
			{`INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status, amount,
			  balance_before, balance_after, currency, order_id, description, created_at, completed_at)
			  VALUES (gen_random_uuid()::text, $1, 'order_payment', 'completed', $2, $3, $4, 'MXN', $5,
			  'Pago de orden #' || $5::int::text, clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC')`,
				[]any{member, -total, balance, after, orderID}},
			{`UPDATE wallets SET balance = $2, updated_at = now() AT TIME ZONE 'UTC' WHERE member_id = $1`,
				[]any{member, after}},
			{`UPDATE orders SET status = 'payment_confirmed', payment_method = 'wallet',
			  payment_confirmed_at = clock_timestamp() AT TIME ZONE 'UTC',
			  period_id = (SELECT id FROM periods WHERE closed_at IS NULL
			    AND (now() AT TIME ZONE 'UTC') - interval '6 hours' BETWEEN starts_on AND ends_on
			    ORDER BY id LIMIT 1)
			  WHERE id = $1`, []any{orderID}},
			{`UPDATE users SET pv_cache = pv_cache + $2, pvg_cache = pvg_cache + $2 WHERE member_id = $1`,
				[]any{member, pv}},
			{`UPDATE users SET pvg_cache = pvg_cache + $2 WHERE member_id IN
			  (SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1 AND depth > 0)`, []any{member, pv}},
			{`INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id, period_id,
			  level_depth, amount_vn, currency_origin, amount_converted, currency_destination, exchange_rate,
			  status, calculated_at)
			  SELECT u.sponsor_id, 'bono_directo', u.member_id, o.id, o.period_id, 1, 0.25 * o.total_vn,
			    'MXN', 0.25 * o.total_vn, 'MXN', 1.0, 'pending', now() AT TIME ZONE 'UTC'
			  FROM orders o JOIN users u ON u.member_id = o.member_id
			  WHERE o.id = $1 AND u.sponsor_id IS NOT NULL AND o.total_vn > 0`, []any{orderID}},
		} {
			if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// buy creates and pays an order; it returns the order id.
func buy(t *testing.T, db dbtx, member int64, sku string, qty int) int32 {
	t.Helper()
	id := newOrder(t, db, member, sku, qty)
	pay(t, db, id)
	return id
}

// exec runs corruption or setup SQL.
func exec(t *testing.T, db dbtx, sql string, args ...any) {
	t.Helper()
	_, err := db.Exec(context.Background(), sql, args...)
	require.NoError(t, err, sql)
}

// runChecks runs every check with the stored baseline and returns the report.
func runChecks(t *testing.T, db Beginner, opts Options) Report {
	t.Helper()
	if opts.Range == (Range{}) {
		opts.Range = testRange
	}
	rep, err := Run(context.Background(), db, opts)
	require.NoError(t, err)
	for _, r := range rep.Results {
		require.NotEqual(t, StatusError, r.Status, "check %s errored: %s", r.ID, r.Note)
	}
	return rep
}
