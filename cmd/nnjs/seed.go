package main

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/seed"
)

const seedHelp = `Usage: nnjs seed [flags]

Prepare a STAGING database for a payment load test. nnjs writes only to a database marked
as staging; it never falls back to a default database.

First time, on an empty staging database (creates the NNProtect tables, marks the database
as staging in table nnjs_meta, then seeds):
  nnjs seed --init --db URL --i-know-this-is-staging=<database name> --operator "Your Name"

Then, any time (idempotent: only missing rows are created):
  nnjs seed --env-file .env.staging

After a test run, put the reserved members back as they were seeded and delete their
orders, ledger rows and commissions (nothing outside the reserved range changes):
  nnjs seed --reset --env-file .env.staging

What it creates: members --first..--first+--count-1 (default 80000-80199, status QUALIFIED),
their sponsor tree and usertreepath closure rows, one ACTIVE MXN wallet each with a
reproducible cent-rounded balance, a period covering now in the app's time (UTC-6), and a
product catalogue and rank ladder if those tables are empty.

The connection comes from --db, else DATABASE_URL in --env-file, else $DATABASE_URL.
Passwords are masked in every message.

Flags:
`

// seedFlags holds the parsed flags of `nnjs seed`.
type seedFlags struct {
	db       dbFlags
	init     bool
	reset    bool
	operator string
	confirm  string
	tree     string
	cfg      seed.Config
}

func newSeedFlags(a *app) (*pflag.FlagSet, *seedFlags) {
	f := &seedFlags{cfg: seed.DefaultConfig()}
	fs := pflag.NewFlagSet("seed", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	f.db.register(fs)
	fs.BoolVar(&f.init, "init", false, "create missing tables and write the staging marker (needs --i-know-this-is-staging and --operator)")
	fs.BoolVar(&f.reset, "reset", false, "restore the reserved range to its seeded state and delete its orders, ledger rows and commissions")
	fs.StringVar(&f.operator, "operator", "", "who consents to --init (default $USER)")
	fs.StringVar(&f.confirm, "i-know-this-is-staging", "", "name of the database you know is staging; required by --init, and replaces the marker check")
	addRangeFlags(fs, &f.cfg)
	fs.StringVar(&f.tree, "tree", "flat", "sponsor tree: flat (all sponsored by the first member, as NN-6) or kary")
	fs.IntVar(&f.cfg.Fanout, "fanout", f.cfg.Fanout, "children per member for --tree kary")
	fs.Int64Var(&f.cfg.RandSeed, "seed", f.cfg.RandSeed, "random seed of the wallet balances")
	fs.Float64Var(&f.cfg.MinBalance, "min-balance", f.cfg.MinBalance, "lowest opening wallet balance (MXN)")
	fs.Float64Var(&f.cfg.MaxBalance, "max-balance", f.cfg.MaxBalance, "highest opening wallet balance (MXN)")
	return fs, f
}

// addRangeFlags registers the reserved-range flags shared by seed and validate.
func addRangeFlags(fs *pflag.FlagSet, cfg *seed.Config) {
	fs.Int64Var(&cfg.First, "first", cfg.First, "first reserved member_id")
	fs.IntVar(&cfg.Count, "count", cfg.Count, "number of reserved members")
}

// parseFlags parses args; done is true when the command should return code at once
// (--help or a flag error).
func (a *app) parseFlags(fs *pflag.FlagSet, help string, args []string) (done bool, code int) {
	fs.Usage = func() {
		fmt.Fprint(a.stdout, help)
		fmt.Fprint(a.stdout, fs.FlagUsages())
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		return true, exitOK
	case err != nil:
		fmt.Fprintf(a.stderr, "nnjs %s: %v (see --help)\n", fs.Name(), err)
		return true, exitInvalidConfig
	case fs.NArg() > 0:
		fmt.Fprintf(a.stderr, "nnjs %s: unexpected arguments %q (see --help)\n", fs.Name(), fs.Args())
		return true, exitInvalidConfig
	}
	return false, exitOK
}

func (a *app) seedCmd(args []string) int {
	fs, f := newSeedFlags(a)
	if done, code := a.parseFlags(fs, seedHelp, args); done {
		return code
	}
	tree, err := seed.ParseTree(f.tree)
	if err == nil {
		f.cfg.Tree = tree
		err = f.cfg.Validate()
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs seed: %v\n", err)
		return exitInvalidConfig
	}
	f.cfg.ConfirmDatabase = f.confirm
	pool, code := a.connect("seed", f.db)
	if pool == nil {
		return code
	}
	defer pool.Close()
	if f.init {
		if code := a.initStaging(pool, f); code != exitOK {
			return code
		}
	}
	return a.runSeed(pool, f)
}

// connect resolves the URL and opens the pool; on failure it reports (masked) and returns
// a nil pool with the exit code.
func (a *app) connect(cmd string, d dbFlags) (*pgxpool.Pool, int) {
	url, source, err := a.resolveDBURL(d)
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs %s: %s\n", cmd, seed.MaskURL(err.Error()))
		return nil, exitInvalidConfig
	}
	fmt.Fprintf(a.stderr, "nnjs %s: database %s (from %s)\n", cmd, seed.MaskURL(url), source)
	pool, err := seed.Open(a.ctx, url)
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs %s: %v\n", cmd, err)
		return nil, exitDatabase
	}
	return pool, exitOK
}

// initStaging applies the schema and writes the marker, with the operator's consent.
func (a *app) initStaging(pool *pgxpool.Pool, f *seedFlags) int {
	if f.operator == "" {
		f.operator, _ = a.lookupEnv("USER")
	}
	if f.operator == "" {
		fmt.Fprintln(a.stderr, "nnjs seed: --init needs --operator NAME (recorded in nnjs_meta)")
		return exitInvalidConfig
	}
	if err := seed.Authorize(a.ctx, pool, f.confirm); err != nil {
		return a.dbFailure("seed", err)
	}
	if err := seed.ApplySchema(a.ctx, pool); err != nil {
		return a.dbFailure("seed", err)
	}
	if err := seed.MarkStaging(a.ctx, pool, f.operator); err != nil {
		return a.dbFailure("seed", err)
	}
	fmt.Fprintf(a.stdout, "schema applied; database marked as staging by %s\n", f.operator)
	return exitOK
}

func (a *app) runSeed(pool *pgxpool.Pool, f *seedFlags) int {
	if f.reset {
		if err := seed.Reset(a.ctx, pool, f.cfg); err != nil {
			return a.dbFailure("seed", err)
		}
		fmt.Fprintf(a.stdout, "reset member_id %d-%d to the seeded state\n", f.cfg.First, f.cfg.Last())
		return exitOK
	}
	res, err := seed.Run(a.ctx, pool, f.cfg)
	if err != nil {
		return a.dbFailure("seed", err)
	}
	fmt.Fprintf(a.stdout, "seeded member_id %d-%d (%s tree): %d users, %d wallets, %d tree paths created\n",
		f.cfg.First, f.cfg.Last(), f.cfg.Tree, res.Members, res.Wallets, res.TreePaths)
	fmt.Fprintf(a.stdout, "catalogue: %d products, %d ranks created; period %q (id %d)%s\n",
		res.Products, res.Ranks, res.Period, res.PeriodID, map[bool]string{true: " created"}[res.PeriodNew])
	return exitOK
}

// dbFailure reports a refusal or database error (masked) and returns exitDatabase.
func (a *app) dbFailure(cmd string, err error) int {
	fmt.Fprintf(a.stderr, "nnjs %s: %s\n", cmd, seed.MaskURL(err.Error()))
	return exitDatabase
}
