package dbmon

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/internal/pg"
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

// qActivity reads every client session of the monitored database (minus the monitors) in one
// statement: pg_stat_activity's wait events are read live, so the lock-wait gauges and the
// blocking pairs must come from the same read to agree with each other. Each row is one
// session: state, whether it waits on a lock, how long (ms, from pg_locks.waitstart; 0 in
// the instant before the server sets it), the age of its running statement (ms), its
// statement, and the statements and states of the sessions blocking it.
const qActivity = `WITH act AS MATERIALIZED (
	SELECT pid, datname, backend_type, application_name, state, wait_event_type, query, query_start
	FROM pg_stat_activity),
mine AS MATERIALIZED (
	SELECT * FROM act
	WHERE datname = current_database() AND backend_type = 'client backend'
	  AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> '` + pg.MonitorAppName + `'),
waits AS (
	SELECT l.pid, min(l.waitstart) AS since FROM pg_locks l
	WHERE NOT l.granted AND l.pid IN (SELECT pid FROM mine) GROUP BY l.pid)
SELECT coalesce(m.state, 'unknown'), coalesce(m.wait_event_type = 'Lock', false),
	CASE WHEN m.wait_event_type = 'Lock'
		THEN coalesce(1000 * extract(epoch FROM clock_timestamp() - w.since), 0) ELSE 0 END::float8,
	CASE WHEN m.state = 'active'
		THEN coalesce(1000 * extract(epoch FROM clock_timestamp() - m.query_start), 0) ELSE 0 END::float8,
	coalesce(m.query, ''),
	CASE WHEN m.wait_event_type = 'Lock' THEN ARRAY(SELECT coalesce(b.query, '')
		FROM unnest(pg_blocking_pids(m.pid)) AS bp(pid) JOIN act b ON b.pid = bp.pid ORDER BY b.pid) END,
	CASE WHEN m.wait_event_type = 'Lock' THEN ARRAY(SELECT coalesce(b.state, '')
		FROM unnest(pg_blocking_pids(m.pid)) AS bp(pid) JOIN act b ON b.pid = bp.pid ORDER BY b.pid) END
FROM mine m LEFT JOIN waits w ON w.pid = m.pid`

const (
	qDatabase = `SELECT deadlocks, xact_commit, xact_rollback
FROM pg_stat_database WHERE datname = current_database()`

	qTables = `SELECT CASE WHEN schemaname = 'public' THEN relname ELSE schemaname || '.' || relname END,
	n_tup_ins, n_tup_upd, n_tup_del
FROM pg_stat_user_tables`
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
	if err := collect(ctx, tx, qActivity, s.addSession); err != nil {
		return s, fmt.Errorf("sessions: %w", err)
	}
	if err := tx.QueryRow(ctx, qDatabase).Scan(&s.db.deadlocks, &s.db.commits, &s.db.rollbacks); err != nil {
		return s, fmt.Errorf("database counters: %w", err)
	}
	err := collect(ctx, tx, qTables, func(r pgx.Rows) error {
		var name string
		var c tableCounters
		err := r.Scan(&name, &c.ins, &c.upd, &c.del)
		s.tables[name] = c
		return err
	})
	if err != nil {
		return s, fmt.Errorf("table counters: %w", err)
	}
	return s, nil
}

// addSession folds one row of qActivity into the sample.
func (s *sample) addSession(r pgx.Rows) error {
	var (
		state, query     string
		waiting          bool
		waitMs, ageMs    float64
		blockers, states []string
	)
	if err := r.Scan(&state, &waiting, &waitMs, &ageMs, &query, &blockers, &states); err != nil {
		return err
	}
	s.states[state]++
	s.queryAge = max(s.queryAge, ageMs)
	if !waiting {
		return nil
	}
	s.lockWaits++
	s.lockWait = max(s.lockWait, waitMs)
	for i, b := range blockers {
		st := ""
		if i < len(states) {
			st = states[i]
		}
		s.pairs = append(s.pairs, pairSample{blocked: query, blocking: b, blockingState: st, waitMs: waitMs})
	}
	return nil
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
