package dbmon

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// idleFlush is how long after going idle a PostgreSQL (15+) session has surely published its
// statistics: it publishes at once when its last publication is a second old, otherwise when
// its 10-second idle timer fires. A session that exits publishes at once.
const idleFlush = 10*time.Second + 500*time.Millisecond

// DefaultFlushWait is the longest Stop waits for that publication when Config.FlushWait is
// not set: a little more than idleFlush, so the wait ends on the sessions, not the clock.
const DefaultFlushWait = idleFlush + 500*time.Millisecond

// flushPoll is the period at which Stop looks for sessions that may still hold statistics.
// Each look is a transaction of the monitor's own, subtracted from db_xact_commit; without
// pg_stat_force_next_flush the monitor looks once a second, so that each look's commit is
// published at once (a session publishes at most once a second).
const (
	flushPoll        = 100 * time.Millisecond
	flushPollNoForce = 1100 * time.Millisecond
)

// qPending counts the client sessions (minus the monitors) that were busy after the baseline,
// are idle now and went idle too recently to have surely published their statistics;
// sessions still working (active, idle in transaction) are not waited for.
const qPending = `SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
  AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> '` + ApplicationName + `'
  AND state = 'idle' AND state_change > $1
  AND state_change > clock_timestamp() - make_interval(secs => $2)`

// qPendingFlush is qPending that also publishes the monitor's own statistics at commit.
const qPendingFlush = `SELECT (` + qPending + `), pg_stat_force_next_flush()`

// flushResult says whether the last sample could wait for the statistics of every session.
type flushResult struct {
	ok   bool
	note string // why not
}

// awaitFlush polls until no session may still hold statistics from the run, for at most
// FlushWait and while ctx lasts.
func (m *Monitor) awaitFlush(ctx context.Context, conn *pgx.Conn) flushResult {
	if m.cfg.FlushWait < 0 {
		return flushResult{note: "flush wait disabled (db.monitor.flushWait: 0)"}
	}
	if ctx.Err() != nil {
		return flushResult{note: "flush wait skipped: the run was interrupted"}
	}
	m.mu.Lock()
	since, force := m.since, m.flush
	m.mu.Unlock()
	wctx, cancel := context.WithTimeout(ctx, m.cfg.FlushWait)
	defer cancel()
	every := flushPoll
	if !force {
		every = flushPollNoForce
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := m.pending(wctx, conn, since, force)
		switch {
		case err == nil && n == 0:
			return flushResult{ok: true}
		case err != nil && wctx.Err() == nil:
			return flushResult{note: fmt.Sprintf("flush wait failed: %v", err)}
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return flushResult{note: "flush wait cut short: the run was interrupted"}
			}
			return flushResult{note: fmt.Sprintf("%d session(s) had not published their statistics after %s", n, m.cfg.FlushWait)}
		case <-t.C:
		}
	}
}

// pending runs qPending and accounts for its transaction as the monitor's own.
func (m *Monitor) pending(ctx context.Context, conn *pgx.Conn, since time.Time, force bool) (int, error) {
	var n int
	var err error
	if force {
		var void any
		err = conn.QueryRow(ctx, qPendingFlush, since, idleFlush.Seconds()).Scan(&n, &void)
	} else {
		err = conn.QueryRow(ctx, qPending, since, idleFlush.Seconds()).Scan(&n)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !conn.IsClosed() {
		m.tr.sampled(err == nil)
	}
	return n, err
}

// noteFlush records the outcome of the flush wait in the report.
func (m *Monitor) noteFlush(f flushResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tr.agg.r.Stopped = true
	m.tr.agg.r.StatsFlushed = f.ok
	m.tr.agg.r.FlushNote = f.note
}
