package integrity

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeadlockSinceBaselineFails(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	ctx := context.Background()
	_, err := TakeBaseline(ctx, db, testRange)
	require.NoError(t, err)
	rep := runChecks(t, db, Options{})
	r, _ := rep.Result("R01")
	require.Equal(t, StatusPass, r.Status)

	deadlock(t, db.Config().ConnString())
	// The sessions have ended, so PostgreSQL publishes their counters; that is asynchronous.
	require.Eventually(t, func() bool {
		rep = runChecks(t, db, Options{})
		r, _ = rep.Result("R01")
		return r.Status == StatusFail
	}, 20*time.Second, 100*time.Millisecond)
	assert.Equal(t, []string{"R01"}, rep.Failing())
	assert.Equal(t, []string{"database", "baseline", "now", "delta"}, r.Columns)
	assert.Equal(t, "1", r.Rows[0][3])
}

func idText(id int32) string { return strconv.Itoa(int(id)) }

// deadlock makes two sessions lock two member rows in opposite order, then closes them.
func deadlock(t *testing.T, connString string) {
	t.Helper()
	ctx := context.Background()
	var txs [2]pgx.Tx
	for i := range txs {
		conn, err := pgx.Connect(ctx, connString)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close(ctx) })
		txs[i], err = conn.Begin(ctx)
		require.NoError(t, err)
		_, err = txs[i].Exec(ctx, `UPDATE users SET vn_cache = vn_cache WHERE member_id = $1`, 80010+i)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = txs[i].Exec(ctx, `UPDATE users SET vn_cache = vn_cache WHERE member_id = $1`, 80011-i)
			_ = txs[i].Rollback(ctx)
		}()
	}
	wg.Wait()
	var pgErr *pgconn.PgError
	victim := errs[0]
	if victim == nil {
		victim = errs[1]
	}
	require.ErrorAs(t, victim, &pgErr)
	require.Equal(t, "40P01", pgErr.Code)
	for _, tx := range txs {
		require.NoError(t, tx.Conn().Close(ctx))
	}
}

func TestIdleInTransactionSessionFails(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.Config().ConnString())
	require.NoError(t, err)
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT balance FROM wallets WHERE member_id = 80003 FOR UPDATE`)
	require.NoError(t, err)

	rep := runChecks(t, db, Options{IdleGrace: time.Hour})
	assert.Empty(t, rep.Failing(), "younger than the grace period")
	rep = runChecks(t, db, Options{IdleGrace: time.Microsecond})
	assert.Equal(t, []string{"R02"}, rep.Failing())
	r, _ := rep.Result("R02")
	assert.Equal(t, "pid", r.Columns[0])
	assert.Contains(t, r.Rows[0], "idle in transaction")

	require.NoError(t, tx.Rollback(ctx))
	rep = runChecks(t, db, Options{IdleGrace: time.Microsecond})
	assert.Empty(t, rep.Failing())
}

func TestExtraDirChecks(t *testing.T) {
	t.Parallel()
	s := paidScenario(t)
	dir := t.TempDir()
	files := map[string]string{
		// uses the baseline tables and no parameter at all
		"orders_since_baseline.sql": "-- severity: warning\n-- needs: baseline\n-- explain: lists orders of the run\n" +
			"SELECT o.id AS order_id FROM orders o, nnjs_baseline_run r WHERE o.id > r.max_order_id ORDER BY o.id;",
		"broken.sql":   "SELECT no_such_column FROM wallets",
		"nothing.sql":  "-- prose comment without a key\nSELECT member_id FROM users WHERE member_id BETWEEN $1 AND $2 AND false",
		"README.md":    "not a check",
		"grace_is.sql": "-- explain: $3 is the idle grace in seconds\nSELECT $3 AS grace WHERE $3 <> 2.5",
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	rep, err := Run(context.Background(), s.pool, Options{Range: testRange, ExtraDir: dir, Limit: 2, IdleGrace: 2500 * time.Millisecond})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"broken", "orders_since_baseline"}, rep.Failing())
	assert.True(t, rep.CriticalFailed(), "a critical check that cannot run fails the run")

	broken, _ := rep.Result("broken")
	assert.Equal(t, StatusError, broken.Status)
	assert.Contains(t, broken.Note, "no_such_column")
	orders, _ := rep.Result("orders_since_baseline")
	assert.Equal(t, StatusFail, orders.Status)
	assert.Equal(t, Warning, orders.Severity)
	assert.Equal(t, int64(4), orders.Count, "the count covers every row")
	assert.Equal(t, [][]string{{idText(s.o1)}, {idText(s.o2)}}, orders.Rows, "only the first Limit rows")
	nothing, _ := rep.Result("nothing")
	assert.Equal(t, StatusPass, nothing.Status)
	assert.Equal(t, "custom check nothing.sql", nothing.Explanation)
	grace, _ := rep.Result("grace_is")
	assert.Equal(t, StatusPass, grace.Status)
	_, ok := rep.Result("README")
	assert.False(t, ok)
}

// TestChecksShareOneSnapshot commits a change while Run waits inside one check and asserts
// that a later check still sees the state from before it.
func TestChecksShareOneSnapshot(t *testing.T) {
	t.Parallel()
	db := seededPool(t)
	ctx := context.Background()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a_wait.sql"), []byte(
		"SELECT 1 AS waited FROM (SELECT pg_advisory_xact_lock(4242)::text AS x OFFSET 0) l WHERE l.x <> ''"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b_balance.sql"), []byte(
		"-- severity: warning\nSELECT balance FROM wallets WHERE member_id = 80003"), 0o600))
	var before string
	require.NoError(t, db.QueryRow(ctx, `SELECT balance::text FROM wallets WHERE member_id = 80003`).Scan(&before))

	holder, err := db.Acquire(ctx)
	require.NoError(t, err)
	defer holder.Release()
	_, err = holder.Exec(ctx, `SELECT pg_advisory_lock(4242)`)
	require.NoError(t, err)

	done := make(chan Report, 1)
	go func() {
		rep, err := Run(ctx, db, Options{Range: testRange, ExtraDir: dir})
		assert.NoError(t, err)
		done <- rep
	}()
	require.Eventually(t, func() bool {
		var waiting bool
		err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)`).Scan(&waiting)
		return err == nil && waiting
	}, 10*time.Second, 20*time.Millisecond, "Run reaches the waiting check")
	exec(t, db, `UPDATE wallets SET balance = balance + 100 WHERE member_id = 80003`)
	_, err = holder.Exec(ctx, `SELECT pg_advisory_unlock(4242)`)
	require.NoError(t, err)

	rep := <-done
	b, _ := rep.Result("b_balance")
	require.Len(t, b.Rows, 1)
	assert.Equal(t, before, b.Rows[0][0], "the later check reads the snapshot, not the committed update")
}
