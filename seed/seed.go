package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Result counts what Run or Reset wrote. Rows that already existed are not counted.
type Result struct {
	Members   int64  // users rows inserted
	Wallets   int64  // wallets rows inserted
	TreePaths int64  // usertreepath rows inserted
	Restored  int64  // users and wallets rows restored to their seeded values (Reset)
	Removed   int64  // orders, items, ledger, commission and other rows removed (Reset)
	Products  int64  // products inserted (only into an empty table)
	Ranks     int64  // ranks inserted (only into an empty table)
	PeriodID  int32  // the period that covers now (UTC-6)
	Period    string // its name
	PeriodNew bool   // whether Run created it
}

// Run seeds the reserved range described by cfg in one transaction, after Authorize
// (cfg.ConfirmDatabase or the staging marker). It creates only what is missing, so running
// it twice gives the same state; it never modifies a row outside the reserved range.
//
// It records cfg's plan in nnjs_meta and refuses (*PlanConflictError) a plan other than the
// recorded one, or, when none is recorded, a tree other than the one the range's members
// already have; with cfg.Replan it resets the recorded range and seeds the new plan instead.
// Every call that writes a row increases the seed generation (CurrentGeneration).
func Run(ctx context.Context, pool *pgxpool.Pool, cfg Config) (Result, error) {
	return inTx(ctx, pool, cfg, false)
}

// Reset restores the reserved range to its seeded state: it removes the orders (with their
// items), ledger rows, withdrawals, commissions, rank history and unilevel reports that
// belong to reserved members or their orders, restores the reserved users, wallets and
// tree paths to their seeded values, and creates whatever is missing, as Run does. Rows of
// other members are not modified, except rows that reference a reserved member's order or
// commission (for instance a commission an outside sponsor earned from it), which go with
// it. The recorded plan is enforced as in Run, and the generation always increases.
func Reset(ctx context.Context, pool *pgxpool.Pool, cfg Config) error {
	_, err := inTx(ctx, pool, cfg, true)
	return err
}

func inTx(ctx context.Context, pool *pgxpool.Pool, cfg Config, reset bool) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("seed: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7364110538)`); err != nil {
		return Result{}, fmt.Errorf("seed: lock: %w", err)
	}
	if err := Authorize(ctx, tx, cfg.ConfirmDatabase); err != nil {
		return Result{}, err
	}
	res, err := apply(ctx, tx, cfg, reset)
	if err != nil {
		return Result{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Result{}, fmt.Errorf("seed: commit: %w", err)
	}
	return res, nil
}

func apply(ctx context.Context, tx pgx.Tx, cfg Config, reset bool) (Result, error) {
	var res Result
	rec, found, err := checkPlan(ctx, tx, cfg)
	if err != nil {
		return res, err
	}
	spans := []span{{cfg.First, cfg.Last()}}
	if found && rec != cfg.Plan() { // cfg.Replan: reset the recorded range too
		reset = true
		spans = append(spans, span{rec.First, rec.Last()})
	}
	if reset {
		if res.Removed, err = removeDependents(ctx, tx, spans...); err != nil {
			return res, err
		}
	}
	if err := stage(ctx, tx, cfg); err != nil {
		return res, err
	}
	if !found && !reset && !cfg.Replan {
		if err := checkSponsors(ctx, tx, cfg); err != nil {
			return res, err
		}
	}
	if err := insertMembers(ctx, tx, &res); err != nil {
		return res, err
	}
	if reset {
		if res.Restored, err = restoreMembers(ctx, tx); err != nil {
			return res, err
		}
	}
	if err := ensureCatalogue(ctx, tx, cfg, &res); err != nil {
		return res, err
	}
	wrote := reset || res.Members+res.Wallets+res.TreePaths+res.Products+res.Ranks > 0 || res.PeriodNew
	return res, record(ctx, tx, cfg, rec, found, wrote)
}

// ensureCatalogue fills empty products and ranks tables and makes sure a period covers now.
func ensureCatalogue(ctx context.Context, tx pgx.Tx, cfg Config, res *Result) error {
	var err error
	if res.Products, err = ensureProducts(ctx, tx); err != nil {
		return err
	}
	if res.Ranks, err = ensureRanks(ctx, tx); err != nil {
		return err
	}
	p, err := ensurePeriod(ctx, tx, appNow(cfg.now()))
	if err != nil {
		return err
	}
	res.PeriodID, res.Period, res.PeriodNew = p.ID, p.Name, p.Created
	return nil
}

// stage copies the seeded state into temporary tables (dropped at commit).
func stage(ctx context.Context, tx pgx.Tx, cfg Config) error {
	const ddl = `
CREATE TEMP TABLE nnjs_seed_users (member_id integer, last_name varchar, email varchar, sponsor_id integer) ON COMMIT DROP;
CREATE TEMP TABLE nnjs_seed_wallets (member_id integer, balance double precision) ON COMMIT DROP;
CREATE TEMP TABLE nnjs_seed_paths (sponsor_id integer, ancestor_id integer, descendant_id integer, depth integer) ON COMMIT DROP`
	if _, err := tx.Exec(ctx, ddl); err != nil {
		return fmt.Errorf("seed: create staging tables: %w", err)
	}
	ms := cfg.members()
	users := make([][]any, len(ms))
	wallets := make([][]any, len(ms))
	for i, m := range ms {
		users[i] = []any{int32(m.ID), m.lastName(), m.email(), nullable(m.Sponsor)}
		wallets[i] = []any{int32(m.ID), m.Balance}
	}
	ps := cfg.paths()
	paths := make([][]any, len(ps))
	for i, p := range ps {
		paths[i] = []any{nullable(p.Sponsor), int32(p.Ancestor), int32(p.Descendant), int32(p.Depth)}
	}
	copies := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"nnjs_seed_users", []string{"member_id", "last_name", "email", "sponsor_id"}, users},
		{"nnjs_seed_wallets", []string{"member_id", "balance"}, wallets},
		{"nnjs_seed_paths", []string{"sponsor_id", "ancestor_id", "descendant_id", "depth"}, paths},
	}
	for _, c := range copies {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return fmt.Errorf("seed: copy %s: %w", c.table, err)
		}
	}
	return nil
}

// Seeded column values that are the same for every reserved member.
const (
	seedFirstName = "LoadTest"
	seedCountry   = "Mexico"
	seedStatus    = "QUALIFIED"
	seedCurrency  = "MXN"
	seedWallet    = "ACTIVE"
)

func insertMembers(ctx context.Context, tx pgx.Tx, res *Result) error {
	steps := []struct {
		name string
		sql  string
		args []any
		n    *int64
	}{
		{"users", `INSERT INTO users (member_id, first_name, last_name, email_cache, country_cache, status,
    sponsor_id, pv_cache, vn_cache, pvg_cache, created_at, updated_at)
SELECT member_id, $1, last_name, email, $2, $3::userstatus, sponsor_id, 0, 0, 0,
    now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM nnjs_seed_users ORDER BY member_id
ON CONFLICT (member_id) DO NOTHING`, []any{seedFirstName, seedCountry, seedStatus}, &res.Members},
		{"wallets", `INSERT INTO wallets (member_id, balance, currency, status, created_at, updated_at)
SELECT member_id, balance, $1, $2, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM nnjs_seed_wallets ORDER BY member_id
ON CONFLICT (member_id) DO NOTHING`, []any{seedCurrency, seedWallet}, &res.Wallets},
		{"usertreepath", `INSERT INTO usertreepath (sponsor_id, ancestor_id, descendant_id, depth)
SELECT sponsor_id, ancestor_id, descendant_id, depth FROM nnjs_seed_paths
ON CONFLICT (ancestor_id, descendant_id, depth) DO NOTHING`, nil, &res.TreePaths},
	}
	for _, s := range steps {
		tag, err := tx.Exec(ctx, s.sql, s.args...)
		if err != nil {
			return fmt.Errorf("seed: insert %s: %w", s.name, err)
		}
		*s.n = tag.RowsAffected()
	}
	return nil
}
