package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/seed"
)

const validateHelp = `Usage: nnjs validate [flags]

Check that a staging database is ready for a payment load test, without writing anything:
  connect         the database answers (its address is shown with the password masked)
  marker          nnjs_meta marks it as staging (or --i-know-this-is-staging names it)
  schema          the tables and columns the payment flow needs exist
  products        the catalogue has products with an MXN price
  reserved-range  members --first..--first+--count-1 have users, ACTIVE wallets, tree paths
  tree            their usertreepath rows match users.sponsor_id: a self row, one depth-1
                  ancestor (the sponsor) and exactly the ancestors of the sponsor chain
  period          exactly one open period covers now in the app's time (UTC-6)

The range defaults to the plan the last nnjs seed recorded (else 80000-80199). Each check
prints PASS, FAIL, or SKIP when it needs a check that failed (a skipped check is not counted
as failed). Exit code 0 when none fails, 112 when a check fails, 111 when the database
cannot be reached, 104 for bad flags.

  nnjs validate --env-file .env.staging

Flags:
`

func (a *app) validateCmd(args []string) int {
	var d dbFlags
	cfg := seed.DefaultConfig()
	fs := pflag.NewFlagSet("validate", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	d.register(fs)
	addRangeFlags(fs, &cfg)
	fs.StringVar(&cfg.ConfirmDatabase, "i-know-this-is-staging", "", "accept this database name instead of the nnjs_meta marker")
	if done, code := a.parseFlags(fs, validateHelp, args); done {
		return code
	}
	if err := cfg.Validate(); err != nil {
		return a.fail("validate", exitErr(exitInvalidConfig, err))
	}
	pool, code := a.connect("validate", d)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	if pool == nil {
		if code == exitDatabase {
			fmt.Fprintln(tw, "FAIL\tconnect\tthe database cannot be reached (see above)")
		}
		return code
	}
	defer pool.Close()
	fmt.Fprintln(tw, "PASS\tconnect\tthe database answers")
	if cfg, code = a.recordedRange(pool, fs, cfg); code != exitOK {
		return code
	}
	report := seed.Validate(a.ctx, pool, cfg, time.Now())
	for _, c := range report.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Status(), c.Name, pg.MaskURL(c.Detail))
	}
	if !report.OK() {
		fmt.Fprintf(tw, "\n%d check(s) failed: %v", len(report.Failed()), report.Failed())
		if skipped := report.Skipped(); len(skipped) > 0 {
			fmt.Fprintf(tw, "; %d skipped: %v", len(skipped), skipped)
		}
		fmt.Fprintln(tw)
		return exitValidationFailed
	}
	return exitOK
}

// recordedRange returns cfg with the range of the plan the last seed recorded, unless
// --first or --count was given or no plan is recorded.
func (a *app) recordedRange(pool *pgxpool.Pool, fs *pflag.FlagSet, cfg seed.Config) (seed.Config, int) {
	if fs.Changed("first") || fs.Changed("count") {
		return cfg, exitOK
	}
	rec, found, err := seed.RecordedPlan(a.ctx, pool)
	if err != nil {
		return cfg, a.dbFailure(fs.Name(), err)
	}
	if found {
		cfg.First, cfg.Count = rec.First, rec.Count
	}
	return cfg, exitOK
}
