package k6http

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeRecorder is a connection that only records that it was closed.
type closeRecorder struct {
	net.Conn
	closed atomic.Bool
}

func (c *closeRecorder) Close() error {
	c.closed.Store(true)
	return nil
}

func TestIdlePoolSweepsExpiredConnections(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const timeout = 90 * time.Second
		p := newIdlePool(3, timeout)
		defer p.closeAll()
		idle := func(key string) (*fastConn, *closeRecorder) {
			rec := &closeRecorder{}
			c := &fastConn{conn: rec, key: key}
			require.True(t, p.push(c))
			return c, rec
		}
		_, a1 := idle("a")
		_, a2 := idle("a")
		time.Sleep(60 * time.Second)
		a3c, a3 := idle("a")
		_, b1 := idle("b")

		time.Sleep(30 * time.Second) // t=90s: a1 and a2 expire
		synctest.Wait()
		assert.True(t, a1.closed.Load() && a2.closed.Load(), "idle for 90s: closed")
		assert.False(t, a3.closed.Load() || b1.closed.Load(), "idle for 30s: kept")
		assert.Same(t, a3c, p.pop("a"), "the newest is taken first")
		assert.Nil(t, p.pop("a"), "the expired ones left the pool")
		require.True(t, p.push(a3c)) // idle again from t=90s

		time.Sleep(60 * time.Second) // t=150s: b1 expires, a3 has 30s left
		synctest.Wait()
		assert.True(t, b1.closed.Load())
		assert.False(t, a3.closed.Load())
		time.Sleep(30 * time.Second) // t=180s
		synctest.Wait()
		assert.True(t, a3.closed.Load())
		p.mu.Lock()
		assert.Empty(t, p.conns)
		assert.False(t, p.armed, "an empty pool has no sweep pending")
		p.mu.Unlock()
	})
}

func TestIdlePoolBoundsEachHost(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p := newIdlePool(2, time.Minute)
		recs := make([]*closeRecorder, 4)
		for i := range recs {
			recs[i] = &closeRecorder{}
			key := "a"
			if i == 3 {
				key = "b"
			}
			assert.Equal(t, i != 2, p.push(&fastConn{conn: recs[i], key: key}), "push %d", i)
		}
		p.closeAll()
		assert.True(t, recs[0].closed.Load() && recs[1].closed.Load() && recs[3].closed.Load())
		assert.False(t, recs[2].closed.Load(), "the caller closes what the pool refused")
		p.mu.Lock()
		assert.False(t, p.armed)
		p.mu.Unlock()
	})
}

// TestIdleConnectionsAreClosedAfterIdleTimeout: with no further request, an idle keep-alive
// connection is closed once Config.IdleConnTimeout has passed, on both paths.
func TestIdleConnectionsAreClosedAfterIdleTimeout(t *testing.T) {
	t.Parallel()
	for _, path := range transportPaths {
		t.Run(path.name, func(t *testing.T) {
			t.Parallel()
			closed := make(chan struct{}, 4)
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, "ok")
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateClosed {
					closed <- struct{}{}
				}
			}
			srv.Start()
			t.Cleanup(srv.Close)
			mod := New(Config{IdleConnTimeout: 100 * time.Millisecond})
			mod.transport(0, nil).netHTTP = path.netHTTP
			e := newEnvModule(t, nil, mod)
			e.set("u", srv.URL)
			assert.Equal(t, int64(200), e.run(`http.get(u).status`).Export())
			select {
			case <-closed:
			case <-time.After(20 * time.Second):
				t.Fatal("the idle connection was not closed")
			}
		})
	}
}
