package integrity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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

// Beginner is the smallest interface TakeBaseline and Run need; *pgxpool.Pool and *pgx.Conn
// satisfy it.
type Beginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// Baseline summarises the snapshot TakeBaseline stored in the nnjs_baseline_* tables: the
// range, the database clock, watermarks that delimit "since the baseline" (ledger and order
// ids), and the deadlock counter. The per-member balances and caches stay in the tables.
type Baseline struct {
	Range       Range     `json:"range"`
	TakenAt     time.Time `json:"taken_at"`
	Members     int64     `json:"members"`
	Wallets     int64     `json:"wallets"`
	PaidOrders  int64     `json:"paid_orders"`
	MaxLedgerID int64     `json:"max_ledger_id"`
	MaxOrderID  int64     `json:"max_order_id"`
	Deadlocks   int64     `json:"deadlocks"`
}

const baselineDDL = `
CREATE TABLE IF NOT EXISTS nnjs_baseline_run (
    singleton      boolean      PRIMARY KEY DEFAULT true CHECK (singleton),
    first_member   bigint       NOT NULL,
    last_member    bigint       NOT NULL,
    taken_at       timestamptz  NOT NULL,
    max_ledger_id  bigint       NOT NULL,
    max_order_id   bigint       NOT NULL,
    deadlocks      bigint       NOT NULL
);
CREATE TABLE IF NOT EXISTS nnjs_baseline_member (
    member_id  integer           PRIMARY KEY,
    balance    double precision,
    currency   varchar(10),
    pv_cache   integer           NOT NULL,
    pvg_cache  integer           NOT NULL
);
CREATE TABLE IF NOT EXISTS nnjs_baseline_paid_order (
    order_id   integer  PRIMARY KEY,
    member_id  integer  NOT NULL
)`

// baselineFill holds the statements that snapshot a range ($1, $2) after the tables are
// emptied.
var baselineFill = []string{`INSERT INTO nnjs_baseline_member (member_id, balance, currency, pv_cache, pvg_cache)
SELECT u.member_id, w.balance, w.currency, u.pv_cache, u.pvg_cache
FROM users u LEFT JOIN wallets w ON w.member_id = u.member_id
WHERE u.member_id BETWEEN $1 AND $2`,
	`INSERT INTO nnjs_baseline_paid_order (order_id, member_id)
SELECT o.id, o.member_id FROM orders o
WHERE o.member_id BETWEEN $1 AND $2
  AND o.status IN ('payment_confirmed', 'processing', 'shipped', 'delivered')`,
	`INSERT INTO nnjs_baseline_run (first_member, last_member, taken_at, max_ledger_id, max_order_id, deadlocks)
SELECT $1, $2, clock_timestamp(),
       (SELECT coalesce(max(id), 0) FROM wallettransactions),
       (SELECT coalesce(max(id), 0) FROM orders),
       (SELECT coalesce(deadlocks, 0) FROM pg_stat_database WHERE datname = current_database())`,
}

// TakeBaseline snapshots, for the members of r, wallet balances and the pv/pvg caches, the
// orders already paid, the ledger and order id watermarks and pg_stat_database.deadlocks into
// the nnjs_baseline_* tables (created if missing), replacing any earlier baseline. It writes
// nothing else. Take it while no load runs: rows of transactions in flight are misattributed.
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
	if _, err := tx.Exec(ctx, "TRUNCATE nnjs_baseline_run, nnjs_baseline_member, nnjs_baseline_paid_order"); err != nil {
		return Baseline{}, fmt.Errorf("integrity: baseline: empty tables: %w", err)
	}
	for _, stmt := range baselineFill {
		if _, err := tx.Exec(ctx, stmt, r.First, r.Last); err != nil {
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

// LoadBaseline returns the baseline stored in the database; found is false when none was
// taken.
func LoadBaseline(ctx context.Context, db Beginner) (b Baseline, found bool, err error) {
	tx, err := db.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return Baseline{}, false, fmt.Errorf("integrity: load baseline: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	return loadBaseline(ctx, tx)
}

func loadBaseline(ctx context.Context, tx pgx.Tx) (Baseline, bool, error) {
	var exists bool
	err := tx.QueryRow(ctx, `SELECT to_regclass('nnjs_baseline_run') IS NOT NULL
		AND to_regclass('nnjs_baseline_member') IS NOT NULL
		AND to_regclass('nnjs_baseline_paid_order') IS NOT NULL`).Scan(&exists)
	if err != nil {
		return Baseline{}, false, fmt.Errorf("integrity: load baseline: %w", err)
	}
	if !exists {
		return Baseline{}, false, nil
	}
	var b Baseline
	err = tx.QueryRow(ctx, `SELECT r.first_member, r.last_member, r.taken_at, r.max_ledger_id,
		r.max_order_id, r.deadlocks,
		(SELECT count(*) FROM nnjs_baseline_member),
		(SELECT count(*) FROM nnjs_baseline_member WHERE balance IS NOT NULL),
		(SELECT count(*) FROM nnjs_baseline_paid_order)
		FROM nnjs_baseline_run r`).Scan(&b.Range.First, &b.Range.Last, &b.TakenAt, &b.MaxLedgerID,
		&b.MaxOrderID, &b.Deadlocks, &b.Members, &b.Wallets, &b.PaidOrders)
	if errors.Is(err, pgx.ErrNoRows) {
		return Baseline{}, false, nil
	}
	if err != nil {
		return Baseline{}, false, fmt.Errorf("integrity: load baseline: %w", err)
	}
	return b, true, nil
}

// same reports whether two baselines describe the same snapshot.
func (b Baseline) same(o Baseline) bool {
	return b.Range == o.Range && b.TakenAt.Equal(o.TakenAt) && b.MaxLedgerID == o.MaxLedgerID &&
		b.MaxOrderID == o.MaxOrderID
}
