package integrity

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/nnprotect/nnjs/seed"
)

// Reconcile carries what the load client saw of its payments, to be compared with the
// database. Counts are per order (a payment attempted twice at once is one payment). The
// client cannot know how a payment ended when it never saw the answer (the call was
// cancelled or interrupted at the end of the run, or the connection failed after the request
// was sent): the database may have paid it or not, so R03 and R04 allow for PaymentsUnknown
// on either side and are exact when it is 0.
type Reconcile struct {
	// PaymentsOK is the number of payments the client saw succeed (R03: orders of the range
	// paid since the baseline, at least this many and at most this plus PaymentsUnknown).
	PaymentsOK int64 `json:"payments_ok"`
	// PaymentsRefused, when set with PaymentsFailed, is the number of payments the API refused
	// with a business answer (402/409): their orders exist and stay unpaid (R04).
	PaymentsRefused *int64 `json:"payments_refused,omitempty"`
	// PaymentsFailed, when set with PaymentsRefused, is the number of payments the client saw
	// fail (5xx, unexpected 4xx), when creating the order or paying it: no order was paid, and
	// at most one unpaid order exists for each (R04).
	PaymentsFailed *int64 `json:"payments_failed,omitempty"`
	// PaymentsUnknown is the number of payments the client started without seeing their
	// outcome.
	PaymentsUnknown int64 `json:"payments_unknown"`
	// NotJudged, when set, says why the client's counts cannot be trusted; R03 and R04 are
	// then skipped with it.
	NotJudged string `json:"not_judged,omitempty"`
}

// Options configures Run. Only Range is required (or a stored baseline to take it from).
type Options struct {
	// Range is the reserved member range; zero means the stored baseline's range, else the
	// range of the plan the last seed recorded.
	Range Range
	// Baseline, when set, must be the baseline stored in the database (ErrBaselineMismatch
	// otherwise): a run judges only against its own. When nil, Run uses the stored baseline if
	// one covers Range, and skips the checks that need a baseline when none exists. Either
	// way a baseline taken before the last seed or reset is ErrStaleBaseline.
	Baseline *Baseline
	// Reconcile, when set, enables R03 (and R04 with PaymentsRefused and PaymentsFailed).
	Reconcile *Reconcile
	// ExtraDir is a directory of user .sql checks run after the built-in ones.
	ExtraDir string
	// Limit is how many violating rows each result keeps; 0 means DefaultLimit.
	Limit int
	// IdleGrace is how long a session may sit idle in a transaction before R02 flags it;
	// 0 means DefaultIdleGrace.
	IdleGrace time.Duration
}

// Defaults for Options.
const (
	DefaultLimit     = 10
	DefaultIdleGrace = 5 * time.Second
)

// Run executes every check in one read-only REPEATABLE READ transaction, so all of them judge
// the same snapshot, and returns the report. A check whose SQL fails is reported with status
// error (it does not stop the others); Run itself fails only when the database or the check
// directory cannot be used. Errors about the directory wrap ErrCheckFile.
func Run(ctx context.Context, db Beginner, opts Options) (Report, error) {
	checks := Builtins()
	if opts.ExtraDir != "" {
		extra, err := LoadDir(opts.ExtraDir)
		if err != nil {
			return Report{}, err
		}
		checks = append(checks, extra...)
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return Report{}, fmt.Errorf("integrity: run: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	env, err := newEnv(ctx, tx, opts)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Range: env.rng, Baseline: env.baseline, Reconcile: opts.Reconcile, StartedAt: start}
	if err := tx.QueryRow(ctx, "SELECT current_database(), clock_timestamp()").Scan(&rep.Database, &rep.SnapshotAt); err != nil {
		return Report{}, fmt.Errorf("integrity: run: %w", err)
	}
	for _, c := range checks {
		res, err := env.run(ctx, tx, c)
		if err != nil {
			return Report{}, err
		}
		rep.Results = append(rep.Results, res)
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// env is what one Run knows while it executes checks.
type env struct {
	rng       Range
	baseline  *Baseline
	reconcile *Reconcile
	limit     int
	idleGrace time.Duration
}

func newEnv(ctx context.Context, tx pgx.Tx, opts Options) (*env, error) {
	e := &env{rng: opts.Range, reconcile: opts.Reconcile, limit: opts.Limit, idleGrace: opts.IdleGrace}
	if e.limit <= 0 {
		e.limit = DefaultLimit
	}
	if e.idleGrace <= 0 {
		e.idleGrace = DefaultIdleGrace
	}
	stored, found, err := loadBaseline(ctx, tx)
	if err != nil {
		return nil, err
	}
	if e.rng == (Range{}) && found {
		e.rng = stored.Range
	}
	if e.rng == (Range{}) {
		p, ok, err := seed.RecordedPlan(ctx, tx)
		if err != nil {
			return nil, fmt.Errorf("integrity: %w", err)
		}
		if ok {
			e.rng = Range{First: p.First, Last: p.Last()}
		}
	}
	if err := e.rng.Validate(); err != nil {
		return nil, err
	}
	switch {
	case opts.Baseline != nil && (!found || !opts.Baseline.same(stored)):
		return nil, fmt.Errorf("%w (given run %s, %s, taken %s)", ErrBaselineMismatch, opts.Baseline.RunID,
			opts.Baseline.Range, opts.Baseline.TakenAt.Format(time.RFC3339))
	case opts.Baseline != nil && stored.Range != e.rng:
		return nil, fmt.Errorf("%w: it covers %s, the checks judge %s", ErrBaselineMismatch, stored.Range, e.rng)
	case found && stored.Range == e.rng:
		if err := stored.fresh(ctx, tx); err != nil {
			return nil, err
		}
		e.baseline = &stored
	}
	return e, nil
}

// missing returns why c cannot run, or "" when all its needs are met.
func (e *env) missing(c Check) string {
	for _, n := range c.Needs {
		switch {
		case n == NeedBaseline && e.baseline == nil:
			return "no baseline for range " + e.rng.String() + " (take one with --baseline before the load)"
		case n.client() && e.reconcile == nil:
			return "no client counts given"
		case n.client() && e.reconcile.NotJudged != "":
			return "not judged: " + e.reconcile.NotJudged
		case n == NeedPaymentsRefused && e.reconcile.PaymentsRefused == nil:
			return "no client count of refused payments given"
		case n == NeedPaymentsFailed && e.reconcile.PaymentsFailed == nil:
			return "no client count of failed payments given"
		}
	}
	return ""
}

// paramOIDs declares the parameters every check may use: $1 first member, $2 last member
// (bigint), $3 idle grace in seconds (double precision), then the client's payments (bigint,
// NULL when not given): $4 ok, $5 failed, $6 refused, $7 unknown. Declaring them lets a
// check use any subset.
var paramOIDs = []uint32{pgtype.Int8OID, pgtype.Int8OID, pgtype.Float8OID, pgtype.Int8OID, pgtype.Int8OID,
	pgtype.Int8OID, pgtype.Int8OID}

// params returns the check parameters in text format.
func (e *env) params() [][]byte {
	p := [][]byte{
		[]byte(strconv.FormatInt(e.rng.First, 10)),
		[]byte(strconv.FormatInt(e.rng.Last, 10)),
		[]byte(strconv.FormatFloat(e.idleGrace.Seconds(), 'g', -1, 64)),
		nil, nil, nil, nil,
	}
	if r := e.reconcile; r != nil {
		p[3], p[6] = int8Param(&r.PaymentsOK), int8Param(&r.PaymentsUnknown)
		p[4], p[5] = int8Param(r.PaymentsFailed), int8Param(r.PaymentsRefused)
	}
	return p
}

// int8Param renders n in text format, nil as NULL.
func int8Param(n *int64) []byte {
	if n == nil {
		return nil
	}
	return []byte(strconv.FormatInt(*n, 10))
}

// run executes one check inside a savepoint, so a failing statement leaves the snapshot
// usable for the next check. The returned error is only for a broken transaction.
func (e *env) run(ctx context.Context, tx pgx.Tx, c Check) (Result, error) {
	res := Result{ID: c.ID, Severity: c.Severity, Explanation: c.Explanation, Source: c.Source}
	if why := e.missing(c); why != "" {
		res.Status, res.Note = StatusSkip, why
		return res, nil
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("integrity: check %s: savepoint: %w", c.ID, err)
	}
	qerr := e.query(ctx, sp, c, &res)
	if qerr != nil {
		if err := sp.Rollback(ctx); err != nil {
			return res, fmt.Errorf("integrity: check %s: rollback to savepoint: %w (after %w)", c.ID, err, qerr)
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("integrity: check %s: %w", c.ID, qerr)
		}
		res.Status, res.Note = StatusError, qerr.Error()
		return res, nil
	}
	if err := sp.Commit(ctx); err != nil {
		return res, fmt.Errorf("integrity: check %s: release savepoint: %w", c.ID, err)
	}
	res.Status = StatusPass
	if res.Count > 0 {
		res.Status = StatusFail
	}
	return res, nil
}

// query runs c wrapped so one statement returns the total count and the first rows, all
// values in PostgreSQL's text format.
func (e *env) query(ctx context.Context, tx pgx.Tx, c Check, res *Result) error {
	wrapped := "SELECT count(*) OVER () AS nnjs_total, nnjs_check.* FROM (\n" + c.SQL +
		"\n) AS nnjs_check LIMIT " + strconv.Itoa(e.limit)
	rr := tx.Conn().PgConn().ExecParams(ctx, wrapped, e.params(), paramOIDs, nil, nil)
	if fds := rr.FieldDescriptions(); len(fds) > 0 {
		for _, f := range fds[1:] {
			res.Columns = append(res.Columns, f.Name)
		}
	}
	for rr.NextRow() {
		raw := rr.Values()
		n, err := strconv.ParseInt(string(raw[0]), 10, 64)
		if err != nil {
			_, _ = rr.Close()
			return fmt.Errorf("read total: %w", err)
		}
		res.Count = n
		row := make([]string, 0, len(raw)-1)
		for _, v := range raw[1:] {
			if v == nil {
				row = append(row, "NULL")
				continue
			}
			row = append(row, string(v))
		}
		res.Rows = append(res.Rows, row)
	}
	_, err := rr.Close()
	return err
}
