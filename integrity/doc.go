// Package integrity judges a PostgreSQL database after an nnjs load test of the NNProtect
// wallet-payment flow: ledger and balances, orders and debits, currency, points, commissions
// (checks C01–C25 of the NNProtect domain notes) plus run-level checks (deadlocks since the
// baseline, sessions left idle in a transaction, client/database reconciliation).
//
// Take a baseline before the load (the seed writes no opening ledger entries), then run the
// checks after it. All checks read one consistent snapshot: a single read-only REPEATABLE
// READ transaction. Each check only judges the reserved member range.
//
//	r := integrity.Range{First: 80000, Last: 80199}
//	b, err := integrity.TakeBaseline(ctx, pool, r)
//	// ... run the load, close the load's pool ...
//	rep, err := integrity.Run(ctx, pool, integrity.Options{Range: r, Baseline: &b,
//		Reconcile: &integrity.Reconcile{PaymentsOK: ok}})
//	rep.WriteText(os.Stdout)
//	if rep.CriticalFailed() { ... }
//
// A check is SQL that returns the violating rows (see checks/*.sql). Users add their own as a
// directory of .sql files (Options.ExtraDir) in the same format: the file name gives the id,
// leading comment lines may set "-- severity: warning", "-- explain: ..." and
// "-- needs: baseline". Parameters (declared, so a check may use any subset): $1 first and $2
// last member (bigint), $3 idle grace in seconds (double precision), $4 client payments ok and
// $5 client payments failed (bigint, NULL when not given). The nnjs_baseline_run,
// nnjs_baseline_member and nnjs_baseline_paid_order tables hold the baseline.
package integrity
