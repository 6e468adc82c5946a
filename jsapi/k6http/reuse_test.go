package k6http

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/options"
)

// TestConnectionReuseOptions counts the connections the server accepts for two iterations
// of two requests each.
func TestConnectionReuseOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  options.Options
		conns int64
	}{
		{"default: one connection", options.Options{}, 1},
		{"noVUConnectionReuse: one per iteration", options.Options{NoVUConnectionReuse: ptr(true)}, 2},
		{"noConnectionReuse: one per request", options.Options{NoConnectionReuse: ptr(true)}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, conns := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, "ok")
			})
			e := newEnv(t, &tc.opts)
			e.set("base", srv.URL)
			for range 2 {
				e.vu.StartIteration()
				assert.Equal(t, "ok ok", e.run(`http.get(base).body + " " + http.get(base).body`).Export())
			}
			assert.Equal(t, tc.conns, conns.Load())
		})
	}
}

// TestHostsOption runs requests to names that only options.hosts resolves.
func TestHostsOption(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	hosts := options.Hosts{
		"api.nnjs.invalid":           "127.0.0.1",
		"*.wild.invalid":             "127.0.0.1",
		"moved.nnjs.invalid:1":       "127.0.0.1:" + port,
		"moved.nnjs.invalid":         "192.0.2.1", // the host:port entry is taken first
		"deeper.sub.wild.invalid:80": "127.0.0.1:" + port,
	}
	e := newEnv(t, &options.Options{Hosts: hosts})
	tests := []struct{ name, url, host string }{
		{"exact", "http://api.nnjs.invalid:" + port + "/echo", "api.nnjs.invalid:" + port},
		{"wildcard", "http://a.wild.invalid:" + port + "/echo", "a.wild.invalid:" + port},
		{"host:port entry with a port", "http://moved.nnjs.invalid:1/echo", "moved.nnjs.invalid:1"},
		{"exact before wildcard", "http://deeper.sub.wild.invalid/echo", "deeper.sub.wild.invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.set("u", tc.url)
			e.run(`var res = http.get(u)`)
			require.Equal(t, int64(200), e.run(`res.status`).Export(), e.run(`res.error`).String())
			assert.Equal(t, tc.host, e.run(`res.json().host`).Export(), "the Host header keeps the name")
		})
	}
	e.set("u", "http://nowhere.nnjs.invalid:"+port+"/echo")
	assert.NotEqual(t, int64(200), e.run(`http.get(u).status`).Export(), "a name without an entry is resolved as usual")
}

func TestHostTableRoute(t *testing.T) {
	t.Parallel()
	tb := newHostTable(options.Hosts{"a.test": "10.0.0.1", "*.test": "10.0.0.2:81", "*b.test": "10.0.0.3",
		"a.test:443": "10.0.0.4:8443", "v6.test": "::1"})
	tests := []struct{ in, want string }{
		{"a.test:80", "10.0.0.1:80"},
		{"A.TEST:80", "10.0.0.1:80"},
		{"a.test:443", "10.0.0.4:8443"},
		{"x.test:80", "10.0.0.2:81"},
		{"xb.test:80", "10.0.0.3:80"},
		{"test:80", "test:80"},
		{"v6.test:80", "[::1]:80"},
		{"other:80", "other:80"},
		{"10.1.1.1:80", "10.1.1.1:80"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tb.route(tc.in), tc.in)
	}
	assert.Equal(t, "x:1", (*hostTable)(nil).route("x:1"))
}
