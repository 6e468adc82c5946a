package jsapi

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/internal/wsconn"
	"github.com/nnprotect/nnjs/jsapi/k6http"
)

// docHarness compiles testdata/k6docs/name with k6/http dialling srv whatever the host the
// script names (the examples of k6's documentation use k6's public test hosts).
func docHarness(t *testing.T, name string, srv *httptest.Server) *harness {
	t.Helper()
	redirect := func(string) string { return srv.Listener.Addr().String() }
	insecure := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // a test server
	reg := defaultModules(wsconn.Options{Redirect: redirect, TLS: insecure})
	mod := k6http.New(k6http.Config{Redirect: redirect, TLSClientConfig: insecure})
	t.Cleanup(mod.CloseIdleConnections)
	reg.Register(mod, "k6/http")
	path, err := filepath.Abs(filepath.Join("testdata", "k6docs", name))
	require.NoError(t, err)
	return compiledHarness(t, path, reg, options.Options{}, nil)
}

// httpbinPost answers POST /post like httpbin: the JSON body as "json", the form as "form".
func httpbinPost(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"json": nil, "form": map[string]string{}}
	if r.Header.Get("Content-Type") == "application/json" {
		b, _ := io.ReadAll(r.Body)
		var v any
		_ = json.Unmarshal(b, &v)
		out["json"] = v
	} else if err := r.ParseForm(); err == nil {
		form := map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostForm.Get(k)
		}
		out["form"] = form
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// TestK6DocAsyncRequest runs the http.asyncRequest example of k6's documentation unmodified:
// two POSTs, both answered, "Bert" logged twice, as under k6.
func TestK6DocAsyncRequest(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(httpbinPost))
	t.Cleanup(srv.Close)
	h := docHarness(t, "async-request.js", srv)
	v := h.vu(1, "default")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.Equal(t, []string{"Bert", "Bert"}, h.logs.messages())
	reqs := h.rec.of(metrics.HTTPReqs)
	require.Len(t, reqs, 2)
	for _, s := range reqs {
		assert.Equal(t, "200", s.Tags["status"])
		assert.Equal(t, "https://httpbin.test.k6.io/post", s.Tags["url"])
	}
}

// TestK6DocWebSocketsOnPing runs the WebSocket.onping example of k6's documentation
// unmodified: the server pings after the SET_NAME message, the handler closes the socket.
func TestK6DocWebSocketsOnPing(t *testing.T) {
	t.Parallel()
	up := websocket.Upgrader{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		if _, msg, err := c.ReadMessage(); err != nil || !strings.Contains(string(msg), `"SET_NAME"`) {
			return
		}
		_ = c.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(5*time.Second))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	h := docHarness(t, "websockets-onping.js", srv)
	v := h.vu(1, "default")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.Equal(t, []string{"A ping happened!", "WebSocket connection closed!"}, h.logs.messages())
	assert.Len(t, h.rec.of(metrics.WSSessions), 1)
}

// TestK6DocWSSetInterval runs the Socket.setInterval example of k6's documentation
// unmodified: it pings every second and never closes, so (as under k6 with its echo server)
// the iteration runs until the stop interrupts it.
func TestK6DocWSSetInterval(t *testing.T) {
	t.Parallel()
	up := websocket.Upgrader{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	h := docHarness(t, "ws-setinterval.js", srv)
	v := h.vu(1, "default")
	ctx, cancel := context.WithCancel(t.Context())
	stop := time.AfterFunc(2500*time.Millisecond, cancel)
	defer stop.Stop()
	require.ErrorIs(t, v.Iterate(ctx, engine.Iteration{}), context.Canceled)
	logs := h.logs.messages()
	require.NotEmpty(t, logs)
	assert.Equal(t, "connected", logs[0])
	pongs := strings.Count(strings.Join(logs, "\n"), "PONG!")
	assert.True(t, pongs >= 1 && pongs <= 2, "a ping a second for 2.5 s (one may be late on a loaded machine): %v", logs)
	assert.Empty(t, h.rec.of(metrics.Checks), "the check after connect never ran: the stop ended the iteration")
}
