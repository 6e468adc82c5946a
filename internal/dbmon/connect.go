package dbmon

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/internal/pg"
)

// open connects with application_name = ApplicationName (whatever the URL says: the monitor
// leaves its own sessions out by that name) and checks the server version.
func (m *Monitor) open(ctx context.Context) (*pgx.Conn, error) {
	cc, err := pg.ConnConfig(m.cfg.URL, ApplicationName)
	if err != nil {
		return nil, fmt.Errorf("dbmon: %w", err)
	}
	cc.RuntimeParams["application_name"] = ApplicationName
	// No named prepared statements, so a pooler in transaction mode works too.
	cc.DefaultQueryExecMode = pgx.QueryExecModeExec
	conn, err := pg.Connect(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("dbmon: %w", err)
	}
	if err := m.checkServer(ctx, conn); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// checkServer requires PostgreSQL 14 (pg_locks.waitstart), notes whether this session may
// call pg_stat_force_next_flush (15+), which makes the monitor's own transactions exactly
// subtractable from the commit counter, and the server's time (the flush wait at the end
// looks only at sessions busy after it). It runs in one transaction that, when it can,
// flushes this session's statistics (its startup transaction included) so the baseline sees
// them.
func (m *Monitor) checkServer(ctx context.Context, conn *pgx.Conn) error {
	var (
		version int
		flush   bool
		now     time.Time
	)
	err := pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT current_setting('server_version_num')::int,
			coalesce(has_function_privilege(to_regprocedure('pg_stat_force_next_flush()'), 'EXECUTE'), false),
			clock_timestamp()`).
			Scan(&version, &flush, &now)
		if err != nil || !flush {
			return err
		}
		_, err = tx.Exec(ctx, "SELECT pg_stat_force_next_flush()")
		return err
	})
	if err != nil {
		return fmt.Errorf("dbmon: server version of %s: %w", m.addr, err)
	}
	if version < 140000 {
		return fmt.Errorf("%w (%s runs %d)", ErrServerVersion, m.addr, version)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.flush = flush
	if m.since.IsZero() {
		m.since = now
	}
	return nil
}
