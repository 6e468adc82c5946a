package integrity

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/seed"
)

// scenario is a seeded database with a baseline and four correct payments after it.
type scenario struct {
	pool           *pgxpool.Pool
	db             dbtx // pool, or the test's transaction
	base           Baseline
	o1, o2, o3, o4 int32 // o1 80003 kit, o2 80004 2 singles, o3 80001 single, o4 80003 single
}

func paidScenario(t *testing.T) scenario {
	t.Helper()
	db := seededPool(t)
	b, err := TakeBaseline(context.Background(), db, testRange)
	require.NoError(t, err)
	s := scenario{pool: db, db: db, base: b}
	s.o1 = buy(t, db, 80003, skuKit, 1)
	s.o2 = buy(t, db, 80004, skuSingle, 2)
	s.o3 = buy(t, db, 80001, skuSingle, 1)
	s.o4 = buy(t, db, 80003, skuSingle, 1)
	return s
}

func TestCleanSeededDataPassesEveryCheck(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	ctx := context.Background()
	b, err := TakeBaseline(ctx, db, testRange)
	require.NoError(t, err)
	assert.Equal(t, int64(20), b.Members)
	assert.Equal(t, int64(20), b.Wallets)

	rep := runChecks(t, db, Options{Baseline: &b, Reconcile: &Reconcile{PaymentsOK: 0}})
	assert.Empty(t, rep.Failing())
	assert.False(t, rep.CriticalFailed())

	buy(t, db, 80003, skuKit, 1)
	buy(t, db, 80004, skuSingle, 2)
	buy(t, db, 80001, skuSingle, 1)
	buy(t, db, 80003, skuSingle, 1)
	newOrder(t, db, 80005, skuSingle, 1) // a refused payment leaves its order pending
	refused, failed := int64(1), int64(0)
	rep = runChecks(t, db, Options{Reconcile: &Reconcile{PaymentsOK: 4, PaymentsRefused: &refused, PaymentsFailed: &failed}})
	assert.Empty(t, rep.Failing())
	for _, r := range rep.Results {
		assert.Equal(t, StatusPass, r.Status, "%s: %s", r.ID, r.Note)
	}
	assert.Len(t, rep.Results, 29)
}

// TestEachCheckCatchesItsCorruption corrupts correctly paid data the way each check
// describes and asserts exactly which checks fail.
func TestEachCheckCatchesItsCorruption(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		corrupt func(t *testing.T, s scenario)
		want    []string
	}{
		{"stale newest ledger row", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE wallettransactions SET balance_after = balance_after + 5 WHERE order_id = $1`, s.o4)
		}, []string{"C01", "C02"}},
		{"first row after baseline off", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE wallettransactions SET balance_before = balance_before + 10 WHERE order_id = $1`, s.o1)
		}, []string{"C02", "C05"}},
		{"lost debit: second payment read a stale balance", func(t *testing.T, s scenario) {
			o5 := buy(t, s.db, 80004, skuSingle, 1)
			exec(t, s.db, `UPDATE wallettransactions t SET balance_before = p.balance_before,
				balance_after = p.balance_before + t.amount
				FROM wallettransactions p WHERE p.order_id = $2 AND t.order_id = $1`, o5, s.o2)
			exec(t, s.db, `UPDATE wallets w SET balance = t.balance_after FROM wallettransactions t
				WHERE t.order_id = $1 AND w.member_id = t.member_id`, o5)
		}, []string{"C03", "C04", "C24"}},
		{"wallet balance drifted", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE wallets SET balance = balance + 50 WHERE member_id = 80004`)
		}, []string{"C01", "C04", "C24"}},
		{"debit with the wrong sign", func(t *testing.T, s scenario) {
			ledgerRow(t, s.db, 80004, s.o2, "failed", 10)
		}, []string{"C06"}},
		{"double debit", func(t *testing.T, s scenario) {
			chainedDebit(t, s.db, s.o2)
		}, []string{"C07"}},
		{"orphan debit on a pending order", func(t *testing.T, s scenario) {
			chainedDebit(t, s.db, newOrder(t, s.db, 80005, skuSingle, 1))
		}, []string{"C08"}},
		{"poisoned pending order", func(t *testing.T, s scenario) {
			id := newOrder(t, s.db, 80006, skuSingle, 1)
			exec(t, s.db, `UPDATE orders SET payment_reference = 'wallet_0123456789abcdef' WHERE id = $1`, id)
		}, []string{"C09"}},
		{"duplicate payment reference", func(t *testing.T, s scenario) {
			exec(t, s.db, `DROP INDEX ix_orders_payment_reference`)
			exec(t, s.db, `UPDATE orders SET payment_reference = (SELECT payment_reference FROM orders WHERE id = $1)
				WHERE id = $2`, s.o1, s.o2)
		}, []string{"C10"}},
		{"paid order without confirmation time", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE orders SET payment_confirmed_at = NULL WHERE id = $1`, s.o3)
		}, []string{"C11"}},
		{"paid order without period", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE orders SET period_id = NULL WHERE id = $1`, s.o3)
		}, []string{"C12"}},
		{"header differs from lines", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE orders SET subtotal = subtotal + 1 WHERE id = $1`, s.o2)
		}, []string{"C13"}},
		{"line arithmetic wrong", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE orderitems SET unit_price = unit_price + 1 WHERE order_id = $1`, s.o2)
		}, []string{"C14"}},
		{"currency mismatch", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE wallets SET currency = 'USD' WHERE member_id = 80004`)
		}, []string{"C15"}},
		{"negative balance", func(t *testing.T, s scenario) {
			exec(t, s.db, `ALTER TABLE wallets DROP CONSTRAINT balance_non_negative`)
			buy(t, s.db, 80010, skuBigKit, 3) // 17,370 MXN from a wallet of at most 10,000
		}, []string{"C16"}},
		{"off-cent amount (warning)", func(t *testing.T, s scenario) {
			ledgerRow(t, s.db, 80004, s.o2, "failed", -0.333)
		}, []string{"C17"}},
		{"lost PV increment", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE users SET pv_cache = pv_cache - 293 WHERE member_id = 80001`)
		}, []string{"C18"}},
		{"lost PVG increment on a shared ancestor", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE users SET pvg_cache = pvg_cache - 293 WHERE member_id = 80000`)
		}, []string{"C19"}},
		{"commission for an unpaid order", func(t *testing.T, s scenario) {
			id := newOrder(t, s.db, 80007, skuSingle, 1)
			commission(t, s.db, "bono_uninivel", 80003, id, "")
		}, []string{"C20"}},
		{"missing direct bonus", func(t *testing.T, s scenario) {
			exec(t, s.db, `DELETE FROM commissions WHERE source_order_id = $1 AND bonus_type = 'bono_directo'`, s.o2)
		}, []string{"C21"}},
		{"duplicate direct bonus", func(t *testing.T, s scenario) {
			exec(t, s.db, `INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id,
				period_id, level_depth, amount_vn, currency_origin, amount_converted, currency_destination,
				exchange_rate, status) SELECT member_id, bonus_type, source_member_id, source_order_id, period_id,
				level_depth, amount_vn, currency_origin, amount_converted, currency_destination, exchange_rate,
				status FROM commissions WHERE source_order_id = $1 AND bonus_type = 'bono_directo'`, s.o2)
		}, []string{"C20", "C21"}},
		{"commission paid without deposit", func(t *testing.T, s scenario) {
			exec(t, s.db, `UPDATE commissions SET status = 'paid', paid_at = now() WHERE source_order_id = $1`, s.o1)
		}, []string{"C22"}},
		{"ledger row without its order", func(t *testing.T, s scenario) {
			ledgerRow(t, s.db, 80004, 0, "failed", -1)
		}, []string{"C23"}},
		{"wallet vanished", func(t *testing.T, s scenario) {
			exec(t, s.db, `DELETE FROM wallets WHERE member_id = 80019`)
		}, []string{"C24"}},
		{"duplicate rank history", func(t *testing.T, s scenario) {
			for range 2 {
				exec(t, s.db, `INSERT INTO userrankhistory (member_id, rank_id, period_id)
					SELECT 80003, 2, period_id FROM orders WHERE id = $1`, s.o1)
			}
		}, []string{"C25"}},
		{"rank bonus paid twice", func(t *testing.T, s scenario) {
			commission(t, s.db, "bono_alcance", 80003, 0, "Bono por alcance de rango Emprendedor")
			commission(t, s.db, "bono_alcance", 80003, 0, "Bono por alcance de rango Emprendedor (retry)")
		}, []string{"C25"}},
	}
	paid := paidScenario(t)
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := paid.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
			require.NoError(t, err)
			defer func() { require.NoError(t, tx.Rollback(ctx)) }()
			s := paid
			s.db = tx
			tc.corrupt(t, s)
			rep := runChecks(t, txBeginner{tx}, Options{})
			assert.ElementsMatch(t, tc.want, rep.Failing())
			for _, id := range tc.want {
				r, _ := rep.Result(id)
				assert.NotEmpty(t, r.Rows, "%s shows its violating rows", id)
				assert.Equal(t, int64(len(r.Rows)), r.Count, "%s", id)
			}
			wantCritical := len(tc.want) != 1 || tc.want[0] != "C17"
			assert.Equal(t, wantCritical, rep.CriticalFailed())
		})
	}
}

func TestBaselineChecksAreSkippedWithoutBaseline(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	buy(t, db, 80003, skuKit, 1)
	rep := runChecks(t, db, Options{Reconcile: &Reconcile{PaymentsOK: 1}})
	assert.Empty(t, rep.Failing())
	var skipped []string
	for _, r := range rep.Results {
		if r.Status == StatusSkip {
			skipped = append(skipped, r.ID)
		}
	}
	assert.ElementsMatch(t, []string{"C04", "C05", "C18", "C19", "C24", "R01", "R03", "R04"}, skipped)
	assert.Nil(t, rep.Baseline)
}

func TestRunRefusesAReplacedBaseline(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	ctx := context.Background()
	old, err := TakeBaseline(ctx, db, testRange)
	require.NoError(t, err)
	_, err = TakeBaseline(ctx, db, testRange)
	require.NoError(t, err)
	_, err = Run(ctx, db, Options{Range: testRange, Baseline: &old})
	assert.True(t, errors.Is(err, ErrBaselineMismatch), "got %v", err)

	_, err = Run(ctx, db, Options{Range: Range{First: 80000, Last: 80009}})
	assert.NoError(t, err, "a stored baseline of another range is not used")
	rep, err := Run(ctx, db, Options{})
	require.NoError(t, err)
	assert.Equal(t, testRange, rep.Range, "the stored baseline gives the range")
}

func TestReconciliationCatchesReportedSuccessNotPersisted(t *testing.T) {
	t.Parallel()
	s := paidScenario(t)
	refused, failed := int64(0), int64(0)
	rep := runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 5, PaymentsRefused: &refused, PaymentsFailed: &failed}})
	assert.Equal(t, []string{"R03"}, rep.Failing())
	r, _ := rep.Result("R03")
	assert.Equal(t, []string{"client_ok", "client_unknown", "db_paid", "diff"}, r.Columns)
	assert.Equal(t, [][]string{{"5", "0", "4", "-1"}}, r.Rows)

	newOrder(t, s.db, 80005, skuSingle, 1)
	rep = runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 4, PaymentsRefused: &refused, PaymentsFailed: &failed}})
	assert.Equal(t, []string{"R04"}, rep.Failing(), "an unpaid order nobody saw refused, fail or vanish")
}

// TestRefusalsAreReconciledNotFailed is the case: refused payments (402) leave
// pending orders that the client counted as refused, not failed; R04 used to compare the
// failures (0) with the unpaid orders (30) and fail.
func TestRefusalsAreReconciledNotFailed(t *testing.T) {
	t.Parallel()
	s := paidScenario(t)
	for range 3 {
		newOrder(t, s.db, 80006, skuBigKit, 3) // refused: 17,370 MXN is more than any wallet holds
	}
	refused, failed := int64(3), int64(0)
	rep := runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 4, PaymentsRefused: &refused, PaymentsFailed: &failed}})
	assert.Empty(t, rep.Failing())
	r, _ := rep.Result("R04")
	assert.Equal(t, StatusPass, r.Status)

	two := int64(2)
	rep = runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 4, PaymentsRefused: &two, PaymentsFailed: &failed}})
	assert.Equal(t, []string{"R04"}, rep.Failing(), "one unpaid order too many")
	four := int64(4)
	rep = runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 4, PaymentsRefused: &four, PaymentsFailed: &failed}})
	assert.Equal(t, []string{"R04"}, rep.Failing(), "a refused payment's order is missing or paid")
	one := int64(1)
	rep = runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 4, PaymentsRefused: &two, PaymentsFailed: &one}})
	assert.Empty(t, rep.Failing(), "a failed payment may leave its order unpaid")
}

// TestUnknownOutcomesAreAllowedForOnEitherSide: a payment interrupted at the end of the run
// (the client never saw the answer) may have been paid or not.
func TestUnknownOutcomesAreAllowedForOnEitherSide(t *testing.T) {
	t.Parallel()
	s := paidScenario(t)                   // 4 paid
	newOrder(t, s.db, 80006, skuSingle, 1) // 1 unpaid
	zero := int64(0)
	tests := []struct {
		name            string
		ok, unknown     int64
		refused, failed int64
		failing         []string
	}{
		{"exact", 4, 0, 1, 0, nil},
		{"a paid order the client never saw end", 3, 1, 1, 0, nil},
		{"an unpaid order the client never saw end", 4, 1, 0, 0, nil},
		{"unknown does not excuse more", 2, 1, 1, 0, []string{"R03"}},
		{"nor fewer", 5, 1, 1, 0, []string{"R03"}},
		{"unpaid beyond the unknown", 4, 0, 0, 0, []string{"R04"}},
	}
	for _, tc := range tests {
		rec := &Reconcile{PaymentsOK: tc.ok, PaymentsUnknown: tc.unknown, PaymentsRefused: &tc.refused, PaymentsFailed: &tc.failed}
		rep := runChecks(t, s.pool, Options{Reconcile: rec})
		assert.Equal(t, tc.failing, rep.Failing(), tc.name)
	}

	rep := runChecks(t, s.pool, Options{Reconcile: &Reconcile{PaymentsOK: 0, PaymentsRefused: &zero, PaymentsFailed: &zero,
		NotJudged: "3 iterations were interrupted"}})
	assert.Empty(t, rep.Failing())
	for _, id := range []string{"R03", "R04"} {
		r, _ := rep.Result(id)
		assert.Equal(t, StatusSkip, r.Status, id)
		assert.Equal(t, "not judged: 3 iterations were interrupted", r.Note, id)
	}
}

// TestBaselineOlderThanTheSeedIsRefused: a reset after the baseline would make every
// reseeded wallet look corrupt (the C04/C18/C19/C24 failures of a run whose setup
// failed).
func TestBaselineOlderThanTheSeedIsRefused(t *testing.T) {
	t.Parallel()
	s := paidScenario(t)
	ctx := context.Background()
	require.NoError(t, seed.Reset(ctx, s.pool, seedConfig()))
	_, err := Run(ctx, s.pool, Options{Range: testRange})
	require.ErrorIs(t, err, ErrStaleBaseline)
	assert.Contains(t, err.Error(), "before the last seed or reset")
	assert.Contains(t, err.Error(), "nnjs integrity --baseline")
	_, err = Run(ctx, s.pool, Options{Range: testRange, Baseline: &s.base})
	require.ErrorIs(t, err, ErrStaleBaseline, "not even the run's own")

	b, err := TakeBaseline(ctx, s.pool, testRange)
	require.NoError(t, err)
	assert.NotEqual(t, s.base.RunID, b.RunID)
	assert.Equal(t, s.base.SeedGeneration+1, b.SeedGeneration)
	rep := runChecks(t, s.pool, Options{Baseline: &b})
	assert.Empty(t, rep.Failing())
}

func TestBaselineOfAnOlderNNJSIsRefused(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	exec(t, db, `CREATE TABLE nnjs_baseline_run (singleton boolean PRIMARY KEY, first_member bigint, last_member bigint,
		taken_at timestamptz, max_ledger_id bigint, max_order_id bigint, deadlocks bigint);
		CREATE TABLE nnjs_baseline_member (member_id integer);
		CREATE TABLE nnjs_baseline_paid_order (order_id integer)`)
	_, err := Run(context.Background(), db, Options{Range: testRange})
	require.ErrorIs(t, err, ErrStaleBaseline)
	assert.Contains(t, err.Error(), "without a run id")
	_, err = TakeBaseline(context.Background(), db, testRange)
	require.NoError(t, err, "a new baseline replaces the old tables")
}

// ledgerRow inserts a non-completed ledger row (orderID 0 means none).
func ledgerRow(t *testing.T, db dbtx, member int64, orderID int32, status string, amount float64) {
	t.Helper()
	var order any
	if orderID != 0 {
		order = orderID
	}
	exec(t, db, `INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status, amount,
		balance_before, balance_after, currency, order_id, description)
		SELECT gen_random_uuid()::text, $1, 'order_payment', $2, $3, balance, balance + $3, 'MXN', $4, 'test'
		FROM wallets WHERE member_id = $1`, member, status, amount, order)
}

// chainedDebit debits the order's total from its buyer once more, consistently chained, and
// updates the wallet: a debit nothing else betrays.
func chainedDebit(t *testing.T, db dbtx, orderID int32) {
	t.Helper()
	exec(t, db, `INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status, amount,
		balance_before, balance_after, currency, order_id, description, created_at, completed_at)
		SELECT gen_random_uuid()::text, o.member_id, 'order_payment', 'completed', -o.total, w.balance,
		w.balance - o.total, 'MXN', o.id, 'test', clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'
		FROM orders o JOIN wallets w ON w.member_id = o.member_id WHERE o.id = $1`, orderID)
	exec(t, db, `UPDATE wallets w SET balance = w.balance - o.total FROM orders o
		WHERE o.id = $1 AND w.member_id = o.member_id`, orderID)
}

// commission inserts a pending commission for receiver in the current period.
func commission(t *testing.T, db dbtx, bonus string, receiver int64, orderID int32, notes string) {
	t.Helper()
	var order any
	if orderID != 0 {
		order = orderID
	}
	exec(t, db, `INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id, period_id,
		level_depth, amount_vn, currency_origin, amount_converted, currency_destination, exchange_rate, status, notes)
		SELECT $1, $2, NULL, $3, (SELECT max(id) FROM periods), 1, 100, 'MXN', 100, 'MXN', 1.0, 'pending', $4`,
		receiver, bonus, order, notes)
}
