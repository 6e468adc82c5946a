package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Plan is what decides a seeded range's rows: the range, the sponsor tree and the wallet
// balances. Seeding records it in nnjs_meta, so later seeds and resets reuse it instead of
// silently replacing it with the defaults.
type Plan struct {
	First      int64   `json:"first"`
	Count      int     `json:"count"`
	Tree       Tree    `json:"tree"`
	Fanout     int     `json:"fanout,omitempty"` // 0 for a flat tree
	RandSeed   int64   `json:"seed"`
	MinBalance float64 `json:"min_balance"`
	MaxBalance float64 `json:"max_balance"`
}

// Plan returns c's plan; the fanout of a flat tree is 0 (it has none).
func (c Config) Plan() Plan {
	p := Plan{First: c.First, Count: c.Count, Tree: c.Tree, Fanout: c.Fanout, RandSeed: c.RandSeed,
		MinBalance: c.MinBalance, MaxBalance: c.MaxBalance}
	if p.Tree != TreeKary {
		p.Fanout = 0
	}
	return p
}

// WithPlan returns c seeding p (the other fields of c are kept).
func (c Config) WithPlan(p Plan) Config {
	c.First, c.Count, c.Tree, c.RandSeed = p.First, p.Count, p.Tree, p.RandSeed
	c.MinBalance, c.MaxBalance = p.MinBalance, p.MaxBalance
	if p.Tree == TreeKary {
		c.Fanout = p.Fanout
	}
	return c
}

// Last returns the plan's last member_id.
func (p Plan) Last() int64 { return p.First + int64(p.Count) - 1 }

// String renders the plan as the seed flags that produce it.
func (p Plan) String() string {
	tree := "--tree " + string(p.Tree)
	if p.Tree == TreeKary {
		tree += " --fanout " + strconv.Itoa(p.Fanout)
	}
	return fmt.Sprintf("--first %d --count %d %s --min-balance %s --max-balance %s --seed %d",
		p.First, p.Count, tree, money(p.MinBalance), money(p.MaxBalance), p.RandSeed)
}

func money(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// ReplanFlag is the command-line flag with which an operator asks to replace a recorded
// plan; refusals tell the operator to use it.
const ReplanFlag = "--replan"

// PlanConflictError is returned when a seed or reset would apply another plan than the one
// recorded in the database, or (Recorded zero) another sponsor tree than the one the range's
// members already have. Its message names both and how to proceed.
type PlanConflictError struct {
	Recorded, Requested Plan
	// Found describes the existing tree when no plan is recorded (a range seeded before nnjs
	// recorded plans, or by hand).
	Found string
}

// Error names both plans and the two ways forward.
func (e *PlanConflictError) Error() string {
	if e.Recorded == (Plan{}) {
		return fmt.Sprintf("seed: member_id %d-%d holds members seeded without a recorded plan, and their "+
			"sponsor tree differs from this command's plan [%s] (%s); pass %s to reset the range and seed this plan",
			e.Requested.First, e.Requested.Last(), e.Requested, e.Found, ReplanFlag)
	}
	return fmt.Sprintf("seed: this database was seeded with plan [%s] (member_id %d-%d), this command asks "+
		"for [%s]; run it without plan flags to reuse the recorded plan, or pass %s to reset the range and "+
		"seed the new plan", e.Recorded, e.Recorded.First, e.Recorded.Last(), e.Requested, ReplanFlag)
}

// Keys of nnjs_meta that seeding writes.
const (
	metaPlan       = "seed_plan"
	metaGeneration = "seed_generation"
	metaWriter     = "nnjs seed"
)

// RecordedPlan returns the plan that the last seed recorded in nnjs_meta; found is false when
// the database has no nnjs_meta table or no recorded plan. It only reads.
func RecordedPlan(ctx context.Context, db Querier) (p Plan, found bool, err error) {
	raw, _, found, err := readMeta(ctx, db, metaPlan)
	if err != nil || !found {
		return Plan{}, false, err
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Plan{}, false, fmt.Errorf("seed: nnjs_meta %s: %w", metaPlan, err)
	}
	return p, true, nil
}

// Generation identifies the database's seeded state: every seed that writes a row and every
// reset increases it. A baseline records the generation it saw; a baseline whose generation
// is older than the database's was taken before the data it would judge was (re)seeded.
type Generation struct {
	N  int64     // 0 when nothing was seeded since nnjs started recording
	At time.Time // when it was set (zero when N is 0)
}

// CurrentGeneration reads the database's seed generation (0 when none is recorded). It only
// reads, so it sees the snapshot of the transaction db may be.
func CurrentGeneration(ctx context.Context, db Querier) (Generation, error) {
	raw, at, found, err := readMeta(ctx, db, metaGeneration)
	if err != nil || !found {
		return Generation{}, err
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return Generation{}, fmt.Errorf("seed: nnjs_meta %s %q: %w", metaGeneration, raw, err)
	}
	return Generation{N: n, At: at}, nil
}

func readMeta(ctx context.Context, db Querier, key string) (value string, at time.Time, found bool, err error) {
	var exists bool
	if err := db.QueryRow(ctx, `SELECT to_regclass('nnjs_meta') IS NOT NULL`).Scan(&exists); err != nil {
		return "", at, false, fmt.Errorf("seed: read nnjs_meta: %w", err)
	}
	if !exists {
		return "", at, false, nil
	}
	err = db.QueryRow(ctx, `SELECT value, set_at FROM nnjs_meta WHERE key = $1`, key).Scan(&value, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", at, false, nil
	}
	if err != nil {
		return "", at, false, fmt.Errorf("seed: read nnjs_meta %s: %w", key, err)
	}
	return value, at, true, nil
}

// checkPlan refuses cfg's plan when another one is recorded (a database has one recorded
// plan), unless cfg.Replan. It returns the recorded plan (found false when there is none).
func checkPlan(ctx context.Context, tx pgx.Tx, cfg Config) (Plan, bool, error) {
	rec, found, err := RecordedPlan(ctx, tx)
	if err != nil || !found {
		return rec, found, err
	}
	if want := cfg.Plan(); rec != want && !cfg.Replan {
		return rec, true, &PlanConflictError{Recorded: rec, Requested: want}
	}
	return rec, true, nil
}

// record writes cfg's plan into nnjs_meta (created if missing) when it is not the recorded
// one, and increases the seed generation when bump is set (rows were written or reset).
func record(ctx context.Context, tx pgx.Tx, cfg Config, rec Plan, found, bump bool) error {
	if found && rec == cfg.Plan() && !bump {
		return nil
	}
	b, err := json.Marshal(cfg.Plan())
	if err != nil {
		return fmt.Errorf("seed: encode plan: %w", err)
	}
	if _, err := tx.Exec(ctx, metaDDL); err != nil {
		return fmt.Errorf("seed: create nnjs_meta: %w", err)
	}
	const upsert = `INSERT INTO nnjs_meta (key, value, set_by, set_at) VALUES ($1, $2, $3, clock_timestamp())
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`
	if _, err := tx.Exec(ctx, upsert, metaPlan, string(b), metaWriter); err != nil {
		return fmt.Errorf("seed: record plan: %w", err)
	}
	if !bump {
		return nil
	}
	const next = `SELECT (coalesce((SELECT value::bigint FROM nnjs_meta WHERE key = $1), 0) + 1)::text`
	var gen string
	if err := tx.QueryRow(ctx, next, metaGeneration).Scan(&gen); err != nil {
		return fmt.Errorf("seed: next generation: %w", err)
	}
	if _, err := tx.Exec(ctx, upsert, metaGeneration, gen, metaWriter); err != nil {
		return fmt.Errorf("seed: record generation: %w", err)
	}
	return nil
}

// checkSponsors refuses, when no plan is recorded, to seed a range whose existing members
// have other sponsors than the plan's (staged in nnjs_seed_users): adding the plan's tree
// paths would give them a second ancestor per depth.
func checkSponsors(ctx context.Context, tx pgx.Tx, cfg Config) error {
	var n int64
	var example *string
	const q = `SELECT count(*), min(format('member %s has sponsor %s, the plan says %s', u.member_id,
    coalesce(u.sponsor_id::text, 'none'), coalesce(s.sponsor_id::text, 'none')))
FROM users u JOIN nnjs_seed_users s ON s.member_id = u.member_id
WHERE u.sponsor_id IS DISTINCT FROM s.sponsor_id`
	if err := tx.QueryRow(ctx, q).Scan(&n, &example); err != nil {
		return fmt.Errorf("seed: compare sponsors: %w", err)
	}
	if n == 0 {
		return nil
	}
	return &PlanConflictError{Requested: cfg.Plan(),
		Found: fmt.Sprintf("%d members differ, e.g. %s", n, deref(example))}
}
