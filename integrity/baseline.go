package integrity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/seed"
)

// Range is the reserved, inclusive member_id range a test owns; checks judge only it.
type Range struct {
	First int64 `json:"first"`
	Last  int64 `json:"last"`
}

// Validate reports a range that is empty or not positive.
func (r Range) Validate() error {
	if r.First <= 0 || r.Last < r.First {
		return fmt.Errorf("integrity: member range %d-%d: %w", r.First, r.Last, ErrBadRange)
	}
	return nil
}

// String renders the range as "first-last".
func (r Range) String() string { return fmt.Sprintf("%d-%d", r.First, r.Last) }

// ErrBadRange is returned for an empty or non-positive member range.
var ErrBadRange = errors.New("bad member range")

// ErrBaselineMismatch is returned by Run when the given baseline is not the one stored in the
// database (a later TakeBaseline replaced it) or covers another member range.
var ErrBaselineMismatch = errors.New("integrity: baseline does not match the stored baseline")

// ErrStaleBaseline is returned by Run when the stored baseline was taken before the last
// seed or reset of the database (see seed.CurrentGeneration), or by an nnjs that did not
// record it: judged against it, reseeded data would look corrupt.
var ErrStaleBaseline = errors.New("integrity: the baseline predates the data it would judge")

// Beginner is the smallest interface TakeBaseline and Run need; *pgxpool.Pool and *pgx.Conn
// satisfy it.
type Beginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// Baseline summarises the snapshot TakeBaseline stored in the nnjs_baseline_* tables: its run
// id, the range, the database clock, the seed generation it saw, watermarks that delimit
// "since the baseline" (ledger and order ids), and the deadlock counter. The per-member
// balances and caches stay in the tables, each row tagged with the run id.
type Baseline struct {
	// RunID identifies the baseline, so a run judges only against its own.
	RunID string `json:"run_id"`
	// SeedGeneration is the database's seed generation when the baseline was taken.
	SeedGeneration int64     `json:"seed_generation"`
	Range          Range     `json:"range"`
	TakenAt        time.Time `json:"taken_at"`
	Members        int64     `json:"members"`
	Wallets        int64     `json:"wallets"`
	PaidOrders     int64     `json:"paid_orders"`
	MaxLedgerID    int64     `json:"max_ledger_id"`
	MaxOrderID     int64     `json:"max_order_id"`
	Deadlocks      int64     `json:"deadlocks"`
}

// baselineDDL replaces the baseline tables: they hold one baseline, tagged with its run id.
const baselineDDL = `
DROP TABLE IF EXISTS nnjs_baseline_paid_order, nnjs_baseline_member, nnjs_baseline_run;
CREATE TABLE nnjs_baseline_run (
    singleton        boolean      PRIMARY KEY DEFAULT true CHECK (singleton),
    run_id           varchar(64)  NOT NULL UNIQUE,
    seed_generation  bigint       NOT NULL,
    first_member     bigint       NOT NULL,
    last_member      bigint       NOT NULL,
    taken_at         timestamptz  NOT NULL,
    max_ledger_id    bigint       NOT NULL,
    max_order_id     bigint       NOT NULL,
    deadlocks        bigint       NOT NULL
);
CREATE TABLE nnjs_baseline_member (
    run_id     varchar(64)       NOT NULL REFERENCES nnjs_baseline_run (run_id),
    member_id  integer           PRIMARY KEY,
    balance    double precision,
    currency   varchar(10),
    pv_cache   integer           NOT NULL,
    pvg_cache  integer           NOT NULL
);
CREATE TABLE nnjs_baseline_paid_order (
    run_id     varchar(64)  NOT NULL REFERENCES nnjs_baseline_run (run_id),
    order_id   integer      PRIMARY KEY,
    member_id  integer      NOT NULL
)`

// baselineFill holds the statements that snapshot a range ($1, $2) for run $3 at seed
// generation $4 into the new tables; each uses the first n of those parameters.
var baselineFill = []struct {
	sql string
	n   int
}{{`INSERT INTO nnjs_baseline_run (run_id, seed_generation, first_member, last_member,
    taken_at, max_ledger_id, max_order_id, deadlocks)
SELECT $3, $4, $1, $2, clock_timestamp(),
       (SELECT coalesce(max(id), 0) FROM wallettransactions),
       (SELECT coalesce(max(id), 0) FROM orders),
       (SELECT coalesce(deadlocks, 0) FROM pg_stat_database WHERE datname = current_database())`, 4},
	{`INSERT INTO nnjs_baseline_member (run_id, member_id, balance, currency, pv_cache, pvg_cache)
SELECT $3, u.member_id, w.balance, w.currency, u.pv_cache, u.pvg_cache
FROM users u LEFT JOIN wallets w ON w.member_id = u.member_id
WHERE u.member_id BETWEEN $1 AND $2`, 3},
	{`INSERT INTO nnjs_baseline_paid_order (run_id, order_id, member_id)
SELECT $3, o.id, o.member_id FROM orders o
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')`, 3},
}

// newRunID returns a fresh baseline run id.
func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// TakeBaseline snapshots, for the members of r, wallet balances and the pv/pvg caches, the
// orders already paid, the ledger and order id watermarks, pg_stat_database.deadlocks and the
// seed generation into the nnjs_baseline_* tables (recreated), under a new run id, replacing
// any earlier baseline. It writes nothing else. Take it while no load runs: rows of
// transactions in flight are misattributed.
func TakeBaseline(ctx context.Context, db Beginner, r Range) (Baseline, error) {
	if err := r.Validate(); err != nil {
		return Baseline{}, err
	}
	tx, err := db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return Baseline{}, fmt.Errorf("integrity: baseline: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('nnjs_baseline'))"); err != nil {
		return Baseline{}, fmt.Errorf("integrity: baseline: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, baselineDDL); err != nil {
		return Baseline{}, fmt.Errorf("integrity: baseline: create tables: %w", err)
	}
	gen, err := seed.CurrentGeneration(ctx, tx)
	if err != nil {
		return Baseline{}, fmt.Errorf("integrity: baseline: %w", err)
	}
	args := []any{r.First, r.Last, newRunID(), gen.N}
	for _, stmt := range baselineFill {
		if _, err := tx.Exec(ctx, stmt.sql, args[:stmt.n]...); err != nil {
			return Baseline{}, fmt.Errorf("integrity: baseline: snapshot: %w", err)
		}
	}
	b, found, err := loadBaseline(ctx, tx)
	if err != nil {
		return Baseline{}, err
	}
	if !found {
		return Baseline{}, errors.New("integrity: baseline: row vanished after insert")
	}
	if err := tx.Commit(ctx); err != nil {
		return Baseline{}, fmt.Errorf("integrity: baseline: commit: %w", err)
	}
	return b, nil
}

// loadBaseline reads the stored baseline; found is false when none was taken. A baseline
// written by an nnjs that did not record run ids is ErrStaleBaseline.
func loadBaseline(ctx context.Context, tx pgx.Tx) (Baseline, bool, error) {
	var exists, tagged bool
	err := tx.QueryRow(ctx, `SELECT to_regclass('nnjs_baseline_run') IS NOT NULL
		AND to_regclass('nnjs_baseline_member') IS NOT NULL
		AND to_regclass('nnjs_baseline_paid_order') IS NOT NULL,
		EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('nnjs_baseline_run')
		  AND attname = 'seed_generation' AND NOT attisdropped)`).Scan(&exists, &tagged)
	switch {
	case err != nil:
		return Baseline{}, false, fmt.Errorf("integrity: load baseline: %w", err)
	case !exists:
		return Baseline{}, false, nil
	case !tagged:
		return Baseline{}, false, fmt.Errorf("%w: the stored baseline was taken by an older nnjs, without a run "+
			"id; take a new one after seeding and before the load (nnjs integrity --baseline)", ErrStaleBaseline)
	}
	var b Baseline
	err = tx.QueryRow(ctx, `SELECT r.run_id, r.seed_generation, r.first_member, r.last_member, r.taken_at,
		r.max_ledger_id, r.max_order_id, r.deadlocks,
		(SELECT count(*) FROM nnjs_baseline_member),
		(SELECT count(*) FROM nnjs_baseline_member WHERE balance IS NOT NULL),
		(SELECT count(*) FROM nnjs_baseline_paid_order)
		FROM nnjs_baseline_run r`).Scan(&b.RunID, &b.SeedGeneration, &b.Range.First, &b.Range.Last, &b.TakenAt,
		&b.MaxLedgerID, &b.MaxOrderID, &b.Deadlocks, &b.Members, &b.Wallets, &b.PaidOrders)
	if errors.Is(err, pgx.ErrNoRows) {
		return Baseline{}, false, nil
	}
	if err != nil {
		return Baseline{}, false, fmt.Errorf("integrity: load baseline: %w", err)
	}
	return b, true, nil
}

// fresh returns ErrStaleBaseline when the database was seeded or reset after b was taken.
func (b Baseline) fresh(ctx context.Context, tx pgx.Tx) error {
	gen, err := seed.CurrentGeneration(ctx, tx)
	if err != nil {
		return fmt.Errorf("integrity: %w", err)
	}
	if gen.N == b.SeedGeneration {
		return nil
	}
	return fmt.Errorf("%w: the baseline was taken %s, before the last seed or reset (%s); judged against "+
		"it, the reseeded balances, caches and orders would look corrupt. Take a new baseline after seeding "+
		"and before the load (nnjs integrity --baseline)", ErrStaleBaseline,
		b.TakenAt.UTC().Format(time.RFC3339), gen.At.UTC().Format(time.RFC3339))
}

// same reports whether two baselines are the same run's.
func (b Baseline) same(o Baseline) bool {
	return b.RunID == o.RunID && b.Range == o.Range && b.TakenAt.Equal(o.TakenAt)
}
