package dbmon

import (
	"context"
	"errors"
	"net"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/pgtest"
)

const (
	testInterval = 50 * time.Millisecond
	waitFor      = 15 * time.Second // bound of every wait on the server
	pollEvery    = 25 * time.Millisecond
)

// testMonitor is a started monitor recording into a real collector.
type testMonitor struct {
	*Monitor
	c *metrics.Collector
}

// startMonitor starts a monitor that takes its last sample without waiting for the
// statistics flush (the tests that need the wait use startMonitorConfig).
func startMonitor(t *testing.T, url string, interval time.Duration) testMonitor {
	t.Helper()
	return startMonitorConfig(t, Config{URL: url, Interval: interval, FlushWait: NoFlushWait})
}

func startMonitorConfig(t *testing.T, cfg Config) testMonitor {
	t.Helper()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Interval: time.Hour})
	mon, err := New(cfg, reg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel() // Start's context bounds only Start
	require.NoError(t, mon.Start(ctx, c.Recorder(0)))
	t.Cleanup(func() { mon.Stop(context.Background()) })
	return testMonitor{mon, c}
}

// stop stops the monitor without waiting for luck: Stop returns after the last sample.
func (tm testMonitor) stop() { tm.Stop(context.Background()) }

// sink flushes the collector and returns the aggregate of name over series with tags.
func (tm testMonitor) sink(name string, tags map[string]string) *metrics.Sink {
	tm.c.Flush()
	m := tm.c.Registry().Get(name)
	var filter *metrics.Tags
	if tags != nil {
		filter = metrics.NewTags(tags)
	}
	return tm.c.Snapshot().Aggregate(m, filter)
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// exec runs each statement on a fresh connection, then closes it and waits until its backend
// has exited: a backend publishes its last statistics on exit, after Close returns.
func exec(t *testing.T, url string, stmts ...string) {
	t.Helper()
	conn := connect(t, url)
	for _, s := range stmts {
		// simple protocol: exactly one transaction per statement (no implicit prepare)
		_, err := conn.Exec(context.Background(), s, pgx.QueryExecModeSimpleProtocol)
		require.NoError(t, err, s)
	}
	closeAndWait(t, conn)
}

// closeAndWait closes conn and waits until its backend is gone, watching from the admin
// database so that the test database's counters are not touched.
func closeAndWait(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	pid := conn.PgConn().PID()
	require.NoError(t, conn.Close(context.Background()))
	admin := connect(t, pgtest.AdminURL(t))
	require.Eventually(t, func() bool {
		var n int
		err := admin.QueryRow(context.Background(), "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n)
		return err == nil && n == 0
	}, waitFor, pollEvery)
	require.NoError(t, admin.Close(context.Background()))
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

func TestDeadlockCountedByLastSample(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	exec(t, url, "CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t VALUES (1, 0), (2, 0)")
	// A long interval: only the baseline and Stop's last sample can see the deadlock.
	tm := startMonitor(t, url, time.Hour)
	ctx := testCtx(t)

	c1, c2, probe := connect(t, url), connect(t, url), connect(t, url)
	tx1, err := c1.Begin(ctx)
	require.NoError(t, err)
	tx2, err := c2.Begin(ctx)
	require.NoError(t, err)
	_, err = tx2.Exec(ctx, "SET LOCAL deadlock_timeout = '100ms'")
	require.NoError(t, err)
	_, err = tx1.Exec(ctx, "UPDATE t SET v = 1 WHERE id = 1")
	require.NoError(t, err)
	_, err = tx2.Exec(ctx, "UPDATE t SET v = 2 WHERE id = 2")
	require.NoError(t, err)
	errc := make(chan error, 1)
	go func() { _, err := tx1.Exec(ctx, "UPDATE t SET v = 1 WHERE id = 2"); errc <- err }()
	require.Eventually(t, func() bool { return lockWaiters(ctx, probe) == 1 }, waitFor, pollEvery)
	_, err2 := tx2.Exec(ctx, "UPDATE t SET v = 2 WHERE id = 1")
	require.NoError(t, tx2.Rollback(ctx))
	err1 := <-errc
	require.NoError(t, tx1.Rollback(ctx))
	assert.True(t, isDeadlock(err1) != isDeadlock(err2), "exactly one deadlock victim: %v / %v", err1, err2)
	require.NoError(t, c1.Close(ctx))
	require.NoError(t, c2.Close(ctx))
	require.Eventually(t, func() bool { return serverDeadlocks(ctx, probe) == 1 }, waitFor, pollEvery)

	tm.stop()
	assert.Equal(t, 1.0, tm.sink(DBDeadlocks, nil).Sum)
	assert.Equal(t, int64(1), tm.Report().Deadlocks)
	assert.GreaterOrEqual(t, tm.sink(DBXactRollback, nil).Sum, 1.0)
}

func isDeadlock(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40P01"
}

func lockWaiters(ctx context.Context, conn *pgx.Conn) int {
	var n int
	_ = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
	return n
}

func serverDeadlocks(ctx context.Context, conn *pgx.Conn) int64 {
	var n int64
	_ = conn.QueryRow(ctx, `SELECT deadlocks FROM pg_stat_database, pg_stat_clear_snapshot()
		WHERE datname = current_database()`).Scan(&n)
	return n
}

func TestLockWaitAndBlockingPair(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	exec(t, url, "CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t VALUES (1, 0)")
	tm := startMonitor(t, url, testInterval)
	ctx := testCtx(t)

	holder, waiter := connect(t, url), connect(t, url)
	tx, err := holder.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "UPDATE t SET v = v + 1 WHERE id = 1")
	require.NoError(t, err)
	errc := make(chan error, 1)
	go func() { _, err := waiter.Exec(ctx, "UPDATE t SET v = v + 2 WHERE id = 1"); errc <- err }()

	// The waiter stays blocked until the rollback below, so some sample sees it with a lock
	// wait start. The pair, the lock-wait gauges and PeakLockWaits of that sample come from
	// one read of the server, and the gauges were recorded before the report showed the pair.
	var pair BlockingPair
	require.Eventually(t, func() bool {
		for _, p := range tm.Report().Blocking {
			if strings.Contains(p.BlockedExample, "v + 2") && p.MaxWaitMs > 0 {
				pair = p
				return true
			}
		}
		return false
	}, waitFor, pollEvery)
	assert.Equal(t, "UPDATE t SET v = v + ? WHERE id = ?", pair.BlockedFingerprint)
	assert.Equal(t, "UPDATE t SET v = v + 1 WHERE id = 1", pair.BlockingExample)
	assert.Equal(t, "idle in transaction", pair.BlockingState)
	assert.GreaterOrEqual(t, tm.sink(DBLockWaits, nil).Max, 1.0)
	assert.GreaterOrEqual(t, tm.sink(DBLockWaitMax, nil).Max, pair.MaxWaitMs)
	assert.GreaterOrEqual(t, tm.Report().PeakLockWaits, int64(1))
	assert.GreaterOrEqual(t, tm.Report().MaxLockWaitMs, pair.MaxWaitMs)

	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, <-errc)
	require.Eventually(t, func() bool { return tm.sink(DBLockWaits, nil).Last == 0 }, waitFor, pollEvery)
}

func TestIdleInTransactionSession(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	tm := startMonitor(t, url, testInterval)
	ctx := testCtx(t)
	iit := map[string]string{"state": "idle in transaction"}

	conn := connect(t, url)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SELECT 1")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return tm.sink(DBConnections, iit).Last == 1 }, waitFor, pollEvery)

	require.NoError(t, tx.Commit(ctx))
	require.Eventually(t, func() bool {
		return tm.sink(DBConnections, iit).Last == 0 &&
			tm.sink(DBConnections, map[string]string{"state": "idle"}).Last == 1 // the monitor excludes itself
	}, waitFor, pollEvery)
	assert.Equal(t, int64(1), tm.Report().PeakConnections["idle in transaction"])
}

func TestCommitsAndRowChanges(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	exec(t, url, "CREATE TABLE a (id serial PRIMARY KEY, v int)",
		"CREATE TABLE b (id int PRIMARY KEY, v int)", "INSERT INTO b SELECT g, 0 FROM generate_series(1, 10) g")
	tm := startMonitor(t, url, testInterval)

	stmts := make([]string, 0, 22)
	for range 20 {
		stmts = append(stmts, "INSERT INTO a (v) VALUES (1)")
	}
	stmts = append(stmts, "UPDATE b SET v = 1 WHERE id <= 5", "DELETE FROM b WHERE id > 7")
	exec(t, url, stmts...) // 22 autocommit transactions, plus 1 for the connection's startup
	ctx := testCtx(t)
	conn := connect(t, url)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SELECT 1")
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	closeAndWait(t, conn)

	rows := func(table, op string) float64 {
		return tm.sink(DBRowsChanged, map[string]string{"table": table, "op": op}).Sum
	}
	require.Eventually(t, func() bool {
		// 22 statements and two connection startups
		return tm.sink(DBXactCommit, nil).Sum >= 22+2 && tm.sink(DBXactRollback, nil).Sum >= 1 &&
			rows("a", "insert") == 20 && rows("b", "update") == 5 && rows("b", "delete") == 3
	}, waitFor, pollEvery)
	n := tm.Report().Samples // more samples: the monitor's own commits must not add up
	require.Eventually(t, func() bool { return tm.Report().Samples >= n+5 }, waitFor, pollEvery)
	tm.stop()
	commits := tm.sink(DBXactCommit, nil)
	t.Logf("commits %v over %d samples, rollbacks %v", commits.Sum, commits.Count, tm.sink(DBXactRollback, nil).Sum)
	assert.LessOrEqual(t, commits.Sum, 24.0+1, "only the load's commits (autovacuum may add one)")
	assert.Greater(t, commits.Count, uint64(5), "one counter sample per monitor sample")
	assert.LessOrEqual(t, tm.sink(DBXactRollback, nil).Sum, 1.0+1)
	assert.Zero(t, rows("b", "insert"), "inserts before Start are the baseline")
	r := tm.Report()
	assert.Equal(t, []TableChanges{{Table: "a", Inserts: 20}, {Table: "b", Updates: 5, Deletes: 3}}, r.RowsChanged)
}

func TestUnreachableDatabaseMasksPassword(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-s3cret"
	url := "postgres://loadtest:" + secret + "@127.0.0.1:1/nnprotect?sslmode=disable&connect_timeout=5"
	mon, err := New(Config{URL: url}, metrics.NewRegistry())
	require.NoError(t, err)
	err = mon.Start(testCtx(t), metrics.NewCollector(metrics.NewRegistry(), metrics.CollectorConfig{}).Recorder(0))
	var ce *pg.ConnectError
	require.ErrorAs(t, err, &ce)
	t.Log(err)
	assert.Contains(t, err.Error(), "database at postgres://loadtest:xxxxx@127.0.0.1:1/")
	assert.Contains(t, err.Error(), "unreachable")
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, ce.Addr, secret)
	assert.Equal(t, "08001", ce.SQLState())
	mon.Stop(context.Background()) // returns at once after a failed Start
	assert.NotContains(t, mon.Report().Database, secret)
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	_, err := New(Config{}, metrics.NewRegistry())
	require.ErrorIs(t, err, ErrNoURL)
	_, err = New(Config{URL: "postgres://x", Interval: time.Millisecond}, metrics.NewRegistry())
	require.ErrorIs(t, err, ErrInterval)

	url := pgtest.NewDatabase(t)
	tm := startMonitor(t, url, time.Hour)
	assert.ErrorIs(t, tm.Start(context.Background(), tm.c.Recorder(0)), ErrStarted)
	assert.Equal(t, int64(1), tm.Report().Samples, "Start takes the baseline sample")
	assert.False(t, tm.Report().Stopped)
	tm.stop()
	tm.stop() // idempotent
	assert.Equal(t, int64(2), tm.Report().Samples, "Stop takes a last sample")
	assert.True(t, tm.Report().Stopped)
	assert.ErrorIs(t, tm.Start(context.Background(), tm.c.Recorder(0)), ErrStopped)

	idle, err := New(Config{URL: url}, metrics.NewRegistry())
	require.NoError(t, err)
	idle.Stop(context.Background()) // before Start: nothing to wait for
	assert.Zero(t, idle.Report().Samples)
}

func TestStartContextBoundsOnlyTheCall(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	reg := metrics.NewRegistry()
	mon, err := New(Config{URL: url, Interval: testInterval, FlushWait: NoFlushWait}, reg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, mon.Start(ctx, metrics.NewCollector(reg, metrics.CollectorConfig{}).Recorder(0)))
	cancel()
	require.Eventually(t, func() bool { return mon.Report().Samples >= 4 }, waitFor, pollEvery,
		"the monitor keeps sampling after Start's context ended")
	mon.Stop(context.Background()) // waits for the goroutine, which took its last sample
	n := mon.Report().Samples
	time.Sleep(3 * testInterval)
	assert.Equal(t, n, mon.Report().Samples, "no sampling after Stop")
	assert.Zero(t, mon.Report().Errors)
}

// hangingServer accepts connections and never answers, like a server that stopped
// responding; accepted receives each connection.
func hangingServer(t *testing.T) (addr string, accepted <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ch := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			ch <- c
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		for {
			select {
			case c := <-ch:
				_ = c.Close()
			default:
				return
			}
		}
	})
	return ln.Addr().String(), ch
}

func TestStartObeysItsContext(t *testing.T) {
	t.Parallel()
	addr, accepted := hangingServer(t)
	mon, err := New(Config{URL: "postgres://u:pw1234@" + addr + "/db?sslmode=disable"}, metrics.NewRegistry())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- mon.Start(ctx, metrics.NewCollector(metrics.NewRegistry(), metrics.CollectorConfig{}).Recorder(0))
	}()
	select {
	case <-accepted: // Start is now waiting for the server's answer
	case <-time.After(waitFor):
		t.Fatal("the monitor never connected")
	}
	cancel() // Ctrl-C
	select {
	case err := <-errc:
		var ce *pg.ConnectError
		require.ErrorAs(t, err, &ce)
		assert.ErrorIs(t, err, context.Canceled)
		assert.NotContains(t, err.Error(), "pw1234")
	case <-time.After(waitFor):
		t.Fatal("Start ignored its context")
	}
}

func TestReconnectsAfterLostConnection(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	tm := startMonitor(t, url, testInterval)
	admin := connect(t, pgtest.AdminURL(t))
	ctx := testCtx(t)
	var killed int
	require.NoError(t, admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = $1 AND application_name = $2`, dbName(t, url), ApplicationName).Scan(&killed))
	require.Equal(t, 1, killed)
	require.Eventually(t, func() bool { return tm.Report().Errors >= 1 }, waitFor, pollEvery)
	n := tm.Report().Samples
	require.Eventually(t, func() bool { return tm.Report().Samples >= n+3 }, waitFor, pollEvery)
	assert.Contains(t, tm.Report().LastError, "dbmon: sample")
}

func dbName(t *testing.T, raw string) string {
	t.Helper()
	u, err := neturl.Parse(raw)
	require.NoError(t, err)
	return strings.TrimPrefix(u.Path, "/")
}
