package dbmon

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/pgtest"
)

// insertMany runs n one-row autocommit inserts into orders on conn, as fast as it can: most of
// them land within a second of the session's previous statistics publication, so the session
// holds them unpublished until it exits or its idle timer fires.
func insertMany(t *testing.T, ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconnCommandTag, error)
}, n int) {
	t.Helper()
	for range n {
		_, err := q.Exec(ctx, "INSERT INTO orders (amount) VALUES (1)")
		require.NoError(t, err)
	}
}

// TestLastSampleAfterStatsFlush: the orders the load inserted are all in the report, both
// those of a pool that closed at the end (its sessions exit) and those of an application's
// connection that stays open and idle (it publishes its statistics up to ten seconds later).
func TestLastSampleAfterStatsFlush(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	exec(t, url, "CREATE TABLE orders (id serial PRIMARY KEY, amount int)")
	tm := startMonitorConfig(t, Config{URL: url, Interval: time.Hour}) // default flush wait
	ctx := testCtx(t)

	pool, err := pg.Open(ctx, url)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { insertMany(t, ctx, poolExec{pool}, 50) })
	}
	wg.Wait()
	app := connect(t, url) // stays connected after the load, like an API's pool
	insertMany(t, ctx, connExec{app}, 30)
	pool.Close() // the load's pools close before the monitor stops

	start := time.Now()
	tm.stop()
	took := time.Since(start)
	t.Logf("Stop took %s", took)
	r := tm.Report()
	require.Len(t, r.RowsChanged, 1)
	assert.Equal(t, TableChanges{Table: "orders", Inserts: 4*50 + 30}, r.RowsChanged[0])
	assert.True(t, r.StatsFlushed, r.FlushNote)
	assert.Equal(t, float64(4*50+30), tm.sink(DBRowsChanged, map[string]string{"table": "orders"}).Sum)
	assert.GreaterOrEqual(t, r.Commits, int64(4*50+30), "the inserts' commits are in")
	// Plus connection startups, the pool's ping and autovacuum workers visiting the database
	// (a few per second when the suite has created many databases). The monitor looked for
	// idle sessions every flushPoll while it waited: had those looks been counted, commits
	// would exceed the inserts by all of them.
	looks := int64(took / flushPoll)
	t.Logf("commits %d for %d inserts, about %d looks", r.Commits, 4*50+30, looks)
	assert.Less(t, r.Commits, int64(4*50+30)+looks/2+10)
}

// TestStopContextCutsFlushWait: Ctrl-C while Stop waits for the statistics ends the wait, and
// the last sample is still taken.
func TestStopContextCutsFlushWait(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	exec(t, url, "CREATE TABLE orders (id serial PRIMARY KEY, amount int)")
	tm := startMonitorConfig(t, Config{URL: url, Interval: time.Hour, FlushWait: time.Minute})
	ctx := testCtx(t)
	app := connect(t, url)
	insertMany(t, ctx, connExec{app}, 5) // an idle session that may hold statistics

	stopCtx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(300*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	tm.Stop(stopCtx)
	assert.Less(t, time.Since(start), 9*time.Second, "the wait ended with its context, not with the session's timer")
	r := tm.Report()
	assert.True(t, r.Stopped)
	assert.False(t, r.StatsFlushed)
	assert.Contains(t, r.FlushNote, "interrupted")
	assert.Equal(t, int64(2), r.Samples, "baseline and last sample")
}

func TestUnknownTableWarning(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	exec(t, url, "CREATE TABLE wallets (id int)")
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	tm := startMonitorConfig(t, Config{URL: url, Interval: time.Hour, FlushWait: NoFlushWait,
		Tables: []string{"public.wallets", "walets"}, Logger: log})
	r := tm.Report()
	require.Len(t, r.Warnings, 1)
	assert.Contains(t, r.Warnings[0], `options.db.monitor.tables: no table "walets"`)
	assert.Contains(t, logged.String(), "walets")
	assert.NotContains(t, logged.String(), `"public.wallets"`)
}

// pgconnCommandTag keeps insertMany's interface short.
type pgconnCommandTag = interface{ RowsAffected() int64 }

type poolExec struct{ p *pgxpool.Pool }

func (e poolExec) Exec(ctx context.Context, sql string, args ...any) (pgconnCommandTag, error) {
	return e.p.Exec(ctx, sql, args...)
}

type connExec struct{ c *pgx.Conn }

func (e connExec) Exec(ctx context.Context, sql string, args ...any) (pgconnCommandTag, error) {
	return e.c.Exec(ctx, sql, args...)
}
