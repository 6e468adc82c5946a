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

After seeding (or nnjs seed --reset) and before the load, snapshot balances, PV/PVG caches,
paid orders, id watermarks and the deadlock counter into nnjs_baseline_* tables (replacing
any earlier baseline):
  nnjs integrity --baseline --env-file .env.staging

After the load (close the load's connections first: PostgreSQL publishes a session's
deadlock count when it ends or goes idle for a while), with the client's payment counts
read from the run's --summary-export:
  nnjs integrity --env-file .env.staging --summary summary.json --json integrity.json

A baseline taken before the last seed or reset is refused (exit 111): it would judge the
reseeded data as corrupt. The range defaults to the baseline's (else the recorded seed
plan's).

Checks C01-C25 cover ledger and balances, orders and debits, currency, PV/PVG and
commissions; R01 deadlocks since the baseline, R02 sessions idle in a transaction, R03/R04
client/database reconciliation: orders paid = payments the client saw succeed, orders left
unpaid = payments it saw refused, each allowing for the payments it started but never saw
end (counters payments_ok, payments_refused, payments_failed, payments_started; rename them
with --reconcile). Checks that need a baseline or client counts are skipped without them.
Add your own with --checks DIR: each *.sql file returns violating rows; its name is the id;
leading comments may say "-- severity: warning", "-- explain: ..." and "-- needs: baseline";
parameters $1/$2 are the first/last member (bigint).

Exit code 0 when no critical check fails, 110 when one fails (or cannot run), 111 when the
database cannot be reached or the baseline is stale, 104 for bad flags or check files.

Flags:
`

// integrityFlags holds the parsed flags of `nnjs integrity`.
type integrityFlags struct {
	db        dbFlags
	cfg       seed.Config
	baseline  bool
	confirm   string
	checksDir string
	limit     int
	jsonFile  string
	summary   string
	reconcile string
	payments  [4]int64 // ok, refused, failed, started
	idleGrace time.Duration
}

// paymentFlags are the --payments-* flags, in the order of integrityFlags.payments.
var paymentFlags = [4]struct{ name, usage string }{
	{"payments-ok", "payments the client saw succeed (enables R03)"},
	{"payments-refused", "payments the API refused with a business answer, 402/409 (with --payments-failed: R04)"},
	{"payments-failed", "payments the client saw fail, 5xx or unexpected 4xx (with --payments-refused: R04)"},
	{"payments-started", "payments the client started; those it never saw end are allowed for by R03/R04"},
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
	for i, pf := range paymentFlags {
		fs.Int64Var(&f.payments[i], pf.name, 0, pf.usage)
	}
	fs.StringVar(&f.summary, "summary", "", "read the client's payment counters from this --summary-export file")
	fs.StringVar(&f.reconcile, "reconcile", "", "counter names for --summary: ok=NAME,refused=NAME,failed=NAME,started=NAME "+
		"(default payments_ok, payments_refused, payments_failed, payments_started)")
	fs.DurationVar(&f.idleGrace, "idle-grace", integrity.DefaultIdleGrace, "how long a session may sit idle in a transaction before R02 fails")
	return fs, f
}

func (a *app) integrityCmd(args []string) int {
	fs, f := newIntegrityFlags(a)
	if done, code := a.parseFlags(fs, integrityHelp, args); done {
		return code
	}
	if err := f.cfg.Validate(); err != nil {
		return a.fail("integrity", exitErr(exitInvalidConfig, err))
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
	if f.baseline {
		cfg, code := a.recordedRange(pool, fs, f.cfg)
		if code != exitOK {
			return code
		}
		return a.takeBaseline(pool, integrity.Range{First: cfg.First, Last: cfg.Last()}, f.confirm)
	}
	var rng integrity.Range // the baseline's, else the recorded plan's
	if fs.Changed("first") || fs.Changed("count") {
		rng = integrity.Range{First: f.cfg.First, Last: f.cfg.Last()}
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
	fmt.Fprintf(a.stdout, "baseline %s taken %s for members %s: %d members, %d wallets, %d paid orders; "+
		"ledger id > %d and order id > %d count as the run; deadlocks so far %d\n",
		b.RunID, b.TakenAt.UTC().Format(time.RFC3339), b.Range, b.Members, b.Wallets, b.PaidOrders,
		b.MaxLedgerID, b.MaxOrderID, b.Deadlocks)
	return exitOK
}

func (a *app) runIntegrity(pool *pgxpool.Pool, rng integrity.Range, f *integrityFlags, fs *pflag.FlagSet) int {
	opts := integrity.Options{Range: rng, ExtraDir: f.checksDir, Limit: f.limit, IdleGrace: f.idleGrace}
	rec, err := f.reconcileCounts(fs)
	if err != nil {
		return a.fail("integrity", exitErr(exitInvalidConfig, err))
	}
	opts.Reconcile = rec
	rep, err := integrity.Run(a.ctx, pool, opts)
	switch {
	case errors.Is(err, integrity.ErrCheckFile), errors.Is(err, integrity.ErrBadRange):
		return a.fail("integrity", exitErr(exitInvalidConfig, err))
	case err != nil:
		return a.dbFailure("integrity", err)
	}
	if err := rep.WriteText(a.stdout); err != nil {
		fmt.Fprintf(a.stderr, "nnjs integrity: write report: %v\n", err)
	}
	if f.jsonFile != "" {
		if err := writeJSONReport(f.jsonFile, rep); err != nil {
			return a.fail("integrity", exitErr(exitInvalidConfig, err))
		}
	}
	if rep.CriticalFailed() {
		return exitIntegrity
	}
	return exitOK
}

// reconcileCounts returns the client's counts from --summary or the --payments-* flags (nil
// when neither is given).
func (f *integrityFlags) reconcileCounts(fs *pflag.FlagSet) (*integrity.Reconcile, error) {
	names := defaultReconcileNames
	if f.reconcile != "" {
		var err error
		if names, err = parseReconcileNames(f.reconcile); err != nil {
			return nil, err
		}
	}
	given := map[string]int64{}
	for i, pf := range paymentFlags {
		if fs.Changed(pf.name) {
			given[pf.name] = f.payments[i]
		}
	}
	switch {
	case f.summary != "" && len(given) > 0:
		return nil, errors.New("--summary and --payments-* both give the client's counts: use one")
	case f.summary != "":
		count, err := exportCounters(f.summary, names)
		if err != nil {
			return nil, err
		}
		return reconcileCounts(names, count), nil
	case f.reconcile != "":
		return nil, errors.New("--reconcile names the counters of --summary, which is missing")
	}
	flagOf := map[string]string{names.OK: "payments-ok", names.Refused: "payments-refused",
		names.Failed: "payments-failed", names.Started: "payments-started"}
	return reconcileCounts(names, func(name string) (int64, bool) {
		n, ok := given[flagOf[name]]
		return n, ok
	}), nil
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
