package main

import (
	"errors"
	"fmt"
	"os/user"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/internal/pg"
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

The plan (--first, --count, --tree, --fanout, --min-balance, --max-balance, --seed) is
recorded in nnjs_meta. Later seeds and resets reuse it: flags not given come from it, and a
flag that changes it is refused (the message names both plans) unless --replan is given,
which resets the recorded range first and then seeds the new plan.

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
	replan   bool
	cfg      seed.Config
}

func newSeedFlags(a *app) (*pflag.FlagSet, *seedFlags) {
	f := &seedFlags{cfg: seed.DefaultConfig()}
	fs := pflag.NewFlagSet("seed", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	f.db.register(fs)
	fs.BoolVar(&f.init, "init", false, "create missing tables and write the staging marker (needs --i-know-this-is-staging and --operator)")
	fs.BoolVar(&f.reset, "reset", false, "restore the reserved range to its seeded state and delete its orders, ledger rows and commissions")
	fs.BoolVar(&f.replan, seed.ReplanFlag[2:], false, "replace the plan recorded in nnjs_meta: reset the recorded range, then seed this plan")
	fs.StringVar(&f.operator, "operator", "", "who consents to --init (default $USER, else the OS user name)")
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
		return a.fail("seed", exitErr(exitInvalidConfig, err))
	}
	f.cfg.ConfirmDatabase, f.cfg.Replan = f.confirm, f.replan
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
	rec, found, err := seed.RecordedPlan(a.ctx, pool)
	if err != nil {
		return a.dbFailure("seed", err)
	}
	if found {
		f.cfg = planOverFlags(fs, f.cfg, rec)
		fmt.Fprintf(a.stdout, "recorded plan: %s\n", rec)
	}
	return a.runSeed(pool, f)
}

// planOverFlags returns the recorded plan rec with the plan flags the user gave on top.
func planOverFlags(fs *pflag.FlagSet, given seed.Config, rec seed.Plan) seed.Config {
	cfg := given.WithPlan(rec)
	for name, set := range map[string]func(){
		"first": func() { cfg.First = given.First }, "count": func() { cfg.Count = given.Count },
		"tree": func() { cfg.Tree = given.Tree }, "fanout": func() { cfg.Fanout = given.Fanout },
		"seed": func() { cfg.RandSeed = given.RandSeed }, "min-balance": func() { cfg.MinBalance = given.MinBalance },
		"max-balance": func() { cfg.MaxBalance = given.MaxBalance },
	} {
		if fs.Changed(name) {
			set()
		}
	}
	return cfg
}

// connect resolves the URL and opens the pool; on failure it reports (masked) and returns
// a nil pool with the exit code.
func (a *app) connect(cmd string, d dbFlags) (*pgxpool.Pool, int) {
	url, source, err := a.resolveDBURL(d)
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs %s: %s\n", cmd, pg.MaskURL(err.Error()))
		return nil, exitInvalidConfig
	}
	fmt.Fprintf(a.stderr, "nnjs %s: database %s (from %s)\n", cmd, pg.MaskURL(url), source)
	pool, err := pg.Open(a.ctx, url)
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs %s: %v\n", cmd, err)
		if hint := missingDatabaseHint(url, err); hint != "" {
			fmt.Fprintf(a.stderr, "nnjs %s: %s\n", cmd, hint)
		}
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
		if u, err := user.Current(); err == nil {
			f.operator = u.Username
		}
	}
	if f.operator == "" {
		fmt.Fprintln(a.stderr, "nnjs seed: --init needs --operator NAME (recorded in nnjs_meta); "+
			"$USER is not set and the OS user name is unknown")
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
			return a.seedFailure(err)
		}
		fmt.Fprintf(a.stdout, "reset member_id %d-%d to the seeded state of plan: %s\n", f.cfg.First, f.cfg.Last(), f.cfg.Plan())
		return exitOK
	}
	res, err := seed.Run(a.ctx, pool, f.cfg)
	if err != nil {
		return a.seedFailure(err)
	}
	fmt.Fprintf(a.stdout, "seeded member_id %d-%d (%s tree): %d users, %d wallets, %d tree paths created\n",
		f.cfg.First, f.cfg.Last(), f.cfg.Tree, res.Members, res.Wallets, res.TreePaths)
	if res.Removed > 0 {
		fmt.Fprintf(a.stdout, "re-planned: %d rows of the previous plan's range removed\n", res.Removed)
	}
	fmt.Fprintf(a.stdout, "plan: %s\n", f.cfg.Plan())
	fmt.Fprintf(a.stdout, "catalogue: %d products, %d ranks created; period %q (id %d)%s\n",
		res.Products, res.Ranks, res.Period, res.PeriodID, map[bool]string{true: " created"}[res.PeriodNew])
	return exitOK
}

// seedFailure reports a seeding error: a plan conflict is the user's choice to make (exit
// 104), anything else a database failure.
func (a *app) seedFailure(err error) int {
	var pc *seed.PlanConflictError
	if errors.As(err, &pc) {
		return a.fail("seed", exitErr(exitInvalidConfig, err))
	}
	return a.dbFailure("seed", err)
}

// dbFailure reports a refusal or database error (masked) and returns exitDatabase.
func (a *app) dbFailure(cmd string, err error) int {
	return a.fail(cmd, exitErr(exitDatabase, err))
}

// sqlstateNoDatabase is PostgreSQL's invalid_catalog_name: the database does not exist.
const sqlstateNoDatabase = "3D000"

// missingDatabaseHint returns, when err says the database does not exist (SQLSTATE 3D000),
// the commands that create it; "" otherwise.
func missingDatabaseHint(url string, err error) string {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != sqlstateNoDatabase {
		return ""
	}
	cfg, perr := pgconn.ParseConfig(url)
	if perr != nil || cfg.Database == "" {
		return "the database does not exist; create it first (createdb, or CREATE DATABASE in psql)"
	}
	return fmt.Sprintf("database %q does not exist on %s:%d; create it first with `createdb -h %s -p %d -U %s %s` "+
		"(or run `CREATE DATABASE %s;` in psql as a user allowed to create databases), then run this command again",
		cfg.Database, cfg.Host, cfg.Port, cfg.Host, cfg.Port, cfg.User, cfg.Database,
		pgx.Identifier{cfg.Database}.Sanitize())
}
