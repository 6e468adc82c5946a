// Package integrity judges a PostgreSQL database after an nnjs load test of the NNProtect
// wallet-payment flow: ledger and balances, orders and debits, currency, points, commissions
// (checks C01–C25 of the NNProtect domain notes) plus run-level checks (deadlocks since the
// baseline, sessions left idle in a transaction, client/database reconciliation).
//
// Take a baseline before the load (the seed writes no opening ledger entries), then run the
// checks after it. A baseline belongs to one run (its run id tags the nnjs_baseline_* rows)
// and to one seeding: Run refuses a baseline taken before the last seed or reset
// (ErrStaleBaseline), and a given baseline that is not the stored one (ErrBaselineMismatch). All checks read one consistent snapshot: a single read-only REPEATABLE
// READ transaction. Each check only judges the reserved member range.
//
//	r := integrity.Range{First: 80000, Last: 80199}
//	b, err := integrity.TakeBaseline(ctx, pool, r)
//	// ... run the load, close the load's pool ...
//	rep, err := integrity.Run(ctx, pool, integrity.Options{Range: r, Baseline: &b,
//		Reconcile: &integrity.Reconcile{PaymentsOK: ok, PaymentsRefused: &refused,
//			PaymentsFailed: &failed, PaymentsUnknown: unknown}})
//	rep.WriteText(os.Stdout)
//	if rep.CriticalFailed() { ... }
//
// A check is SQL that returns the violating rows (see checks/*.sql). Users add their own as a
// directory of .sql files (Options.ExtraDir) in the same format: the file name gives the id,
// leading comment lines may set "-- severity: warning", "-- explain: ..." and
// "-- needs: baseline" (or payments_ok, payments_refused, payments_failed). Parameters
// (declared, so a check may use any subset): $1 first and $2 last member (bigint), $3 idle
// grace in seconds (double precision), and the client's payments (bigint, NULL when not
// given): $4 ok, $5 failed, $6 refused, $7 unknown. The nnjs_baseline_run,
// nnjs_baseline_member and nnjs_baseline_paid_order tables hold the baseline.
package integrity
