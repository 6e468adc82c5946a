package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/seed"
)

const integrityHelp = `Usage: nnjs integrity [flags]

Judge a staging database after a payment load test. All checks read one consistent snapshot
(a single read-only REPEATABLE READ transaction) and only judge the reserved members
--first..--first+--count-1.

Before the load, snapshot balances, PV/PVG caches, paid orders, id watermarks and the
deadlock counter into nnjs_baseline_* tables (replacing any earlier baseline):
  nnjs integrity --baseline --env-file .env.staging

After the load (close the load's connections first: PostgreSQL publishes a session's
deadlock count when it ends or goes idle for a while):
  nnjs integrity --env-file .env.staging --payments-ok 1234 --json integrity.json

Checks C01-C25 cover ledger and balances, orders and debits, currency, PV/PVG and
commissions; R01 deadlocks since the baseline, R02 sessions idle in a transaction, R03/R04
client/database reconciliation. Checks that need a baseline or client counts are skipped
without them. Add your own with --checks DIR: each *.sql file returns violating rows; its
name is the id; leading comments may say "-- severity: warning", "-- explain: ..." and
"-- needs: baseline"; parameters $1/$2 are the first/last member (bigint).

Exit code 0 when no critical check fails, 110 when one fails (or cannot run), 111 when the
database cannot be reached, 104 for bad flags or check files.

Flags:
`

// integrityFlags holds the parsed flags of `nnjs integrity`.
type integrityFlags struct {
	db             dbFlags
	cfg            seed.Config
	baseline       bool
	confirm        string
	checksDir      string
	limit          int
	jsonFile       string
	paymentsOK     int64
	paymentsFailed int64
	idleGrace      time.Duration
}

func newIntegrityFlags(a *app) (*pflag.FlagSet, *integrityFlags) {
	f := &integrityFlags{cfg: seed.DefaultConfig()}
	fs := pflag.NewFlagSet("integrity", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	f.db.register(fs)
	addRangeFlags(fs, &f.cfg)
	fs.BoolVar(&f.baseline, "baseline", false, "take the pre-run baseline (writes only nnjs_baseline_* tables) and exit")
	fs.StringVar(&f.confirm, "i-know-this-is-staging", "", "with --baseline: accept this database name instead of the nnjs_meta marker")
	fs.StringVar(&f.checksDir, "checks", "", "directory of extra *.sql checks")
	fs.IntVar(&f.limit, "limit", integrity.DefaultLimit, "violating rows shown per check")
	fs.StringVar(&f.jsonFile, "json", "", "also write the report as JSON to this file")
	fs.Int64Var(&f.paymentsOK, "payments-ok", 0, "payments the client counted as successful (enables R03)")
	fs.Int64Var(&f.paymentsFailed, "payments-failed", 0, "payments the client counted as failed (enables R04)")
	fs.DurationVar(&f.idleGrace, "idle-grace", integrity.DefaultIdleGrace, "how long a session may sit idle in a transaction before R02 fails")
	return fs, f
}

func (a *app) integrityCmd(args []string) int {
	fs, f := newIntegrityFlags(a)
	if done, code := a.parseFlags(fs, integrityHelp, args); done {
		return code
	}
	if err := f.cfg.Validate(); err != nil {
		fmt.Fprintf(a.stderr, "nnjs integrity: %v\n", err)
		return exitInvalidConfig
	}
	if f.limit < 1 || f.idleGrace <= 0 {
		fmt.Fprintln(a.stderr, "nnjs integrity: --limit and --idle-grace must be positive")
		return exitInvalidConfig
	}
	pool, code := a.connect("integrity", f.db)
	if pool == nil {
		return code
	}
	defer pool.Close()
	rng := integrity.Range{First: f.cfg.First, Last: f.cfg.Last()}
	if f.baseline {
		return a.takeBaseline(pool, rng, f.confirm)
	}
	return a.runIntegrity(pool, rng, f, fs)
}

func (a *app) takeBaseline(pool *pgxpool.Pool, rng integrity.Range, confirm string) int {
	if err := seed.Authorize(a.ctx, pool, confirm); err != nil {
		return a.dbFailure("integrity", err)
	}
	b, err := integrity.TakeBaseline(a.ctx, pool, rng)
	if err != nil {
		return a.dbFailure("integrity", err)
	}
	fmt.Fprintf(a.stdout, "baseline taken %s for members %s: %d members, %d wallets, %d paid orders; "+
		"ledger id > %d and order id > %d count as the run; deadlocks so far %d\n",
		b.TakenAt.UTC().Format(time.RFC3339), b.Range, b.Members, b.Wallets, b.PaidOrders,
		b.MaxLedgerID, b.MaxOrderID, b.Deadlocks)
	return exitOK
}

func (a *app) runIntegrity(pool *pgxpool.Pool, rng integrity.Range, f *integrityFlags, fs *pflag.FlagSet) int {
	opts := integrity.Options{Range: rng, ExtraDir: f.checksDir, Limit: f.limit, IdleGrace: f.idleGrace}
	if fs.Changed("payments-ok") || fs.Changed("payments-failed") {
		opts.Reconcile = &integrity.Reconcile{PaymentsOK: f.paymentsOK}
		if fs.Changed("payments-failed") {
			opts.Reconcile.PaymentsFailed = &f.paymentsFailed
		}
	}
	rep, err := integrity.Run(a.ctx, pool, opts)
	switch {
	case errors.Is(err, integrity.ErrCheckFile), errors.Is(err, integrity.ErrBadRange):
		fmt.Fprintf(a.stderr, "nnjs integrity: %v\n", err)
		return exitInvalidConfig
	case err != nil:
		return a.dbFailure("integrity", err)
	}
	if err := rep.WriteText(a.stdout); err != nil {
		fmt.Fprintf(a.stderr, "nnjs integrity: write report: %v\n", err)
	}
	if f.jsonFile != "" {
		if err := writeJSONReport(f.jsonFile, rep); err != nil {
			fmt.Fprintf(a.stderr, "nnjs integrity: %v\n", err)
			return exitInvalidConfig
		}
	}
	if rep.CriticalFailed() {
		return exitIntegrity
	}
	return exitOK
}

func writeJSONReport(path string, rep integrity.Report) error {
	b, err := rep.JSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write --json %s: %w", path, err)
	}
	return nil
}
