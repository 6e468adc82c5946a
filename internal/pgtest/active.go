package pgtest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// WaitActive returns once a statement whose text contains marker is running on the database
// of url (another session's), or an error when none does within timeout. The server has no
// event for it: pg_stat_activity is polled every few milliseconds. It may be called from any
// goroutine.
func WaitActive(url, marker string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("pgtest: wait for %q: %w", marker, err)
	}
	defer conn.Close(context.Background())
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE state = 'active'
			AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`, marker).Scan(&n)
		switch {
		case err != nil:
			return fmt.Errorf("pgtest: wait for %q: %w", marker, err)
		case n > 0:
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("pgtest: no statement %q started within %s", marker, timeout)
		}
	}
}
