package k6sql

import (
	"context"
	"errors"
	"io"
	"net"
	neturl "net/url"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/pgtest"
)

const waitFor = 20 * time.Second // bound of every wait in these tests

// silentServer accepts connections and never answers: a database that hangs at connect.
// accepted receives a value per connection.
func silentServer(t *testing.T) (url string, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ch := make(chan struct{}, 16)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			ch <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "postgres://u:pw1234@" + ln.Addr().String() + "/db?sslmode=disable", ch
}

// TestOpenDialsOutsideTheLock: while one VU's sql.open waits for a database that does not
// answer, another VU opens a different database and the pool gauges are read; the slow open
// ends with its VU's context.
func TestOpenDialsOutsideTheLock(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	calls := 0
	w.mod.SetGuard(markerGuard(&calls))
	slowURL, accepted := silentServer(t)

	slow := w.vu(1)
	ctx, cancel := context.WithCancel(context.Background())
	slow.Ctx = ctx
	require.NoError(t, slow.RT.Set("SLOW", slowURL))
	slowDone := make(chan error, 1)
	go func() { _, err := slow.RunErr(`sql.open(SLOW)`); slowDone <- err }()
	select {
	case <-accepted: // the guard is dialing and will wait for ever
	case <-time.After(waitFor):
		t.Fatal("the slow open never dialed")
	}

	other := w.vu(2)
	otherDone := make(chan error, 1)
	go func() { _, err := other.RunErr(`sql.open(URL, {readOnly: true})`); otherDone <- err }()
	select {
	case err := <-otherDone:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("another VU's sql.open waited for the slow dial")
	}
	gauges := make(chan []PoolStat, 1)
	go func() { gauges <- w.mod.Pools() }()
	select {
	case <-gauges:
	case <-time.After(waitFor):
		t.Fatal("the pool gauges waited for the slow dial")
	}
	select {
	case err := <-slowDone:
		t.Fatalf("the slow open returned early: %v", err)
	default:
	}

	second := w.vu(3) // the same slow URL: waits for the first open, or for its own context
	sctx, scancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer scancel()
	second.Ctx = sctx
	require.NoError(t, second.RT.Set("SLOW", slowURL))
	_, err := second.RunErr(`sql.open(SLOW)`)
	require.Error(t, err)

	cancel() // Ctrl-C during init
	select {
	case err := <-slowDone:
		var ie *goja.InterruptedError
		require.ErrorAs(t, err, &ie, "the guard dialed under the VU's context, and init ends there")
		assert.NotContains(t, err.Error(), "pw1234")
	case <-time.After(waitFor):
		t.Fatal("the slow open ignored its VU's context")
	}
	assert.Zero(t, calls, "the guard never got a connection")
}

// TestOpenErrorIsTyped: a refused or failing sql.open carries an *OpenError to the caller of
// the init code, with the connection's SQLSTATE as the JS error's code.
func TestOpenErrorIsTyped(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	calls := 0
	w.mod.SetGuard(markerGuard(&calls))
	v := w.vu(1)

	_, err := v.RunErr(`sql.open(URL)`) // not a staging database
	var oe *OpenError
	require.ErrorAs(t, err, &oe)
	assert.ErrorIs(t, err, errNotStaging)
	assert.Equal(t, pg.MaskURL(w.url), oe.Addr)

	full := pgtest.FullURL(t, w.url) // a database with no connection slot left
	require.NoError(t, v.RT.Set("FULL", full))
	exc := v.Exception(t, `sql.open(FULL)`)
	assert.Equal(t, "53300", exc.Get("code").String())
	assert.Equal(t, "SQLError", exc.Get("name").String())
	_, err = v.RunErr(`sql.open(FULL)`)
	require.ErrorAs(t, err, &oe)
	var ce *pg.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "53300", ce.SQLState())

	_, err = v.RunErr(`sql.open("postgres://u:pw1234@127.0.0.1:notaport/x")`)
	require.Error(t, err)
	assert.False(t, errors.As(err, &oe), "a malformed URL is the script's error, not the database's")
	assert.NotContains(t, err.Error(), "pw1234")
}

// TestConnectionErrorCodes: a database that cannot be reached gives 08001, a connection that
// breaks during a statement 08006, not "client".
func TestConnectionErrorCodes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	v := w.vu(1)
	require.NoError(t, v.RT.Set("DOWN", "postgres://u@127.0.0.1:1/x?sslmode=disable"))
	v.Run(t, `var down = sql.open(DOWN)`)

	p := newProxy(t, w.url)
	require.NoError(t, v.RT.Set("PROXY", p.url))
	v.Run(t, `var db = sql.open(PROXY)`)
	v.Init = false
	assert.Equal(t, pg.CodeUnableToConnect, v.Exception(t, `down.queryRow("SELECT 1")`).Get("code").String())

	v.Run(t, `db.queryRow("SELECT 1")`) // a connection through the proxy
	errc := make(chan string, 1)
	go func() {
		exc, err := v.RunErr(`(function(){ try { db.query("SELECT pg_sleep(30)") } catch (e) { return e.code } })()`)
		if err != nil {
			errc <- err.Error()
			return
		}
		errc <- exc.String()
	}()
	p.breakWhenQueried(t, w.url, "pg_sleep")
	select {
	case code := <-errc:
		assert.Equal(t, pg.CodeConnectionFailure, code)
	case <-time.After(waitFor):
		t.Fatal("the statement did not fail when its connection broke")
	}
	assert.EqualValues(t, 1, w.rec.Sum(Errors, map[string]string{"code": pg.CodeConnectionFailure}))
}

// proxy forwards TCP connections to a PostgreSQL server and can break them.
type proxy struct {
	url   string
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	u, err := neturl.Parse(target)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{}
	up := u.Host
	u.Host = ln.Addr().String()
	p.url = u.String()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", up)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
			go func() { _, _ = io.Copy(c, s); _ = c.Close() }()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); p.breakAll() })
	return p
}

func (p *proxy) breakAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
}

// breakWhenQueried waits until the server runs a statement containing text in the database
// of url, then breaks every proxied connection.
func (p *proxy) breakWhenQueried(t *testing.T, url, text string) {
	t.Helper()
	u, err := neturl.Parse(url)
	require.NoError(t, err)
	db := u.Path[1:]
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgtest.AdminURL(t))
	require.NoError(t, err)
	defer admin.Close(ctx)
	require.Eventually(t, func() bool {
		var n int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $2
			AND state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`, text, db).Scan(&n)
		return err == nil && n > 0
	}, waitFor, 10*time.Millisecond)
	p.breakAll()
}
