package dbmon

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// sample is what one sampling transaction read.
type sample struct {
	states    map[string]int64 // client sessions of the monitored database by state
	lockWaits int64            // sessions waiting on a heavyweight lock
	lockWait  float64          // longest current lock wait, ms
	queryAge  float64          // oldest running statement, ms
	db        dbCounters
	tables    map[string]tableCounters // by table name (schema-qualified outside public)
	pairs     []pairSample
}

// dbCounters are the cumulative pg_stat_database counters of the monitored database.
type dbCounters struct{ deadlocks, commits, rollbacks int64 }

// tableCounters are the cumulative pg_stat_user_tables row counters of one table.
type tableCounters struct{ ins, upd, del int64 }

// pairSample is one blocked session and one of the sessions blocking it.
type pairSample struct {
	blocked, blocking string  // statements
	blockingState     string  // state of the blocking session (idle in transaction, active, ...)
	waitMs            float64 // how long the blocked session has waited
}

// mine selects the client sessions of the monitored database, minus the monitors.
const mine = `WITH mine AS (
	SELECT * FROM pg_stat_activity
	WHERE datname = current_database() AND backend_type = 'client backend'
	  AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> '` + ApplicationName + `')
`

const (
	qStates = mine + `SELECT coalesce(state, 'unknown'), count(*) FROM mine GROUP BY 1`

	qWaits = mine + `SELECT
	count(*) FILTER (WHERE wait_event_type = 'Lock'),
	coalesce((SELECT max(1000 * extract(epoch FROM clock_timestamp() - l.waitstart))::float8
		FROM pg_locks l WHERE NOT l.granted AND l.pid IN (SELECT pid FROM mine)), 0),
	coalesce(max(1000 * extract(epoch FROM clock_timestamp() - query_start))
		FILTER (WHERE state = 'active'), 0)::float8
FROM mine`

	qDatabase = `SELECT deadlocks, xact_commit, xact_rollback
FROM pg_stat_database WHERE datname = current_database()`

	qTables = `SELECT CASE WHEN schemaname = 'public' THEN relname ELSE schemaname || '.' || relname END,
	n_tup_ins, n_tup_upd, n_tup_del
FROM pg_stat_user_tables`

	qPairs = mine + `SELECT coalesce(w.query, ''), coalesce(b.query, ''), coalesce(b.state, ''),
	coalesce(1000 * extract(epoch FROM clock_timestamp() -
		coalesce((SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted),
			w.query_start)), 0)::float8
FROM mine w
CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
JOIN pg_stat_activity b ON b.pid = bp.pid
WHERE w.wait_event_type = 'Lock'`
)

// read runs one sampling transaction. It clears the statistics snapshot first, so counters
// are fresh even with stats_fetch_consistency = snapshot, and (when flush is set) forces this
// session's own statistics out at commit so the next sample can subtract them exactly.
func read(ctx context.Context, conn *pgx.Conn, flush bool) (s sample, err error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return s, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err = tx.Exec(ctx, "SELECT pg_stat_clear_snapshot()"); err != nil {
		return s, fmt.Errorf("clear snapshot: %w", err)
	}
	if s, err = readAll(ctx, tx); err != nil {
		return s, err
	}
	if flush {
		if _, err = tx.Exec(ctx, "SELECT pg_stat_force_next_flush()"); err != nil {
			return s, fmt.Errorf("force flush: %w", err)
		}
	}
	if err = tx.Commit(ctx); err != nil {
		return s, fmt.Errorf("commit: %w", err)
	}
	return s, nil
}

// readAll runs the sampling queries inside tx.
func readAll(ctx context.Context, tx pgx.Tx) (sample, error) {
	s := sample{states: map[string]int64{}, tables: map[string]tableCounters{}}
	err := collect(ctx, tx, qStates, func(r pgx.Rows) error {
		var st string
		var n int64
		err := r.Scan(&st, &n)
		s.states[st] = n
		return err
	})
	if err != nil {
		return s, fmt.Errorf("connections: %w", err)
	}
	if err := tx.QueryRow(ctx, qWaits).Scan(&s.lockWaits, &s.lockWait, &s.queryAge); err != nil {
		return s, fmt.Errorf("lock waits: %w", err)
	}
	if err := tx.QueryRow(ctx, qDatabase).Scan(&s.db.deadlocks, &s.db.commits, &s.db.rollbacks); err != nil {
		return s, fmt.Errorf("database counters: %w", err)
	}
	err = collect(ctx, tx, qTables, func(r pgx.Rows) error {
		var name string
		var c tableCounters
		err := r.Scan(&name, &c.ins, &c.upd, &c.del)
		s.tables[name] = c
		return err
	})
	if err != nil {
		return s, fmt.Errorf("table counters: %w", err)
	}
	err = collect(ctx, tx, qPairs, func(r pgx.Rows) error {
		var p pairSample
		err := r.Scan(&p.blocked, &p.blocking, &p.blockingState, &p.waitMs)
		s.pairs = append(s.pairs, p)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("blocking pairs: %w", err)
	}
	return s, nil
}

// collect runs query and calls row for each result row.
func collect(ctx context.Context, tx pgx.Tx, query string, row func(pgx.Rows) error) error {
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
