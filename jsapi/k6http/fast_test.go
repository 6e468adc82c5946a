package k6http

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingServer is an httptest server that counts the connections it accepted.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestFastTransportConnectionReuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		closeHeader bool
		js          string
		conns       int64
	}{
		{"get reuses", false, `http.get(base)`, 1},
		{"post reuses", false, `http.post(base, "x")`, 1},
		{"head reuses", false, `http.head(base)`, 1},
		{"server closes", true, `http.get(base)`, 3},
		{"request closes", false, `http.post(base, "x", {headers: {Connection: "close"}})`, 3},
		{"expect goes to net/http", false, `http.post(base, "x", {headers: {Expect: "100-continue"}})`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if tc.closeHeader {
					w.Header().Set("Connection", "close")
				}
				_, _ = io.WriteString(w, "hello")
			})
			e := newEnv(t, nil)
			e.set("base", srv.URL+"/")
			for range 3 {
				res := e.run(`var res = ` + tc.js + `; res.status + " " + res.error`)
				assert.Equal(t, "200 ", res.Export())
			}
			assert.Equal(t, tc.conns, conns.Load())
		})
	}
}

// oneShotServer answers one request per connection with keep-alive headers, then closes the
// connection (as a server whose keep-alive timeout expired). It reports each close on closed.
func oneShotServer(t *testing.T) (string, *atomic.Int64, <-chan struct{}) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	var accepted atomic.Int64
	closed := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			req, err := http.ReadRequest(bufio.NewReader(c))
			if err == nil {
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			}
			_ = c.Close()
			closed <- struct{}{}
		}
	}()
	return "http://" + ln.Addr().String() + "/", &accepted, closed
}

// TestFastTransportStaleConnection: a server closed an idle keep-alive connection (without
// saying so); the next request still succeeds on a new connection: a GET is retried, a POST
// (which cannot be) is sent only on a connection found open, whatever its idle time.
// (net/http gets the POST right only when its reader goroutine saw the close first.)
func TestFastTransportStaleConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		probe bool // probe idle connections before reuse (they were idle long enough)
		js    string
	}{
		{"get is retried on a fresh connection", false, `http.get(base)`},
		{"post is sent on a live connection", false, `http.post(base, "x")`},
		{"post after a long idle time", true, `http.post(base, "x")`},
		{"connection: close is not reused", false, `http.post(base, "x", {headers: {Connection: "close"}})`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, accepted, closed := oneShotServer(t)
			mod := New(Config{})
			if tc.probe {
				mod.transport(0, nil).probe = 0
			}
			e := newEnvModule(t, nil, mod)
			e.set("base", base)
			for range 3 {
				res := e.run(`var res = ` + tc.js + `; res.status + " " + res.error`)
				if assert.Equal(t, "200 ", res.Export()) {
					<-closed // the server has closed the connection the client keeps idle
				}
			}
			assert.Equal(t, int64(3), accepted.Load())
		})
	}
}
