package jsapi

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// wsHarness compiles testdata/name (the default modules include both WebSocket modules).
func wsHarness(t *testing.T, name string, env map[string]string) *harness {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name))
	require.NoError(t, err)
	return compiledHarness(t, path, DefaultModules(), options.Options{}, env)
}

func TestWebSocketEchoAndPing(t *testing.T) {
	t.Parallel()
	srv := newWSServer(t)
	h := wsHarness(t, "websockets.js", map[string]string{"WS": srv.URL})
	v := h.vu(1, "default")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}), "the iteration lasts until the socket closed")
	assert.Equal(t, []any{"open 1", "text hello", "binary 1,2,3", "pong", "close 1000 3"}, v.global("log"))
	assert.Equal(t, true, v.global("sameClass"), "k6/experimental/websockets is the same module")
	for name, want := range map[string]int{
		metrics.WSSessions: 1, metrics.WSConnecting: 1, metrics.WSSessionDuration: 1,
		metrics.WSMessagesSent: 2, metrics.WSMessagesRecv: 2, metrics.WSPing: 1,
	} {
		samples := h.rec.of(name)
		total := 0.0
		for _, s := range samples {
			total += s.Value
			assert.Equal(t, srv.URL, s.Tags["url"], name)
			assert.Equal(t, "101", s.Tags["status"], name)
			assert.Equal(t, "a", s.Tags["room"], name)
			assert.Equal(t, "s", s.Tags["scenario"], name)
		}
		if name == metrics.WSSessions || name == metrics.WSMessagesSent || name == metrics.WSMessagesRecv {
			assert.Equal(t, float64(want), total, name)
		} else {
			assert.Len(t, samples, want, name)
		}
	}
	assert.NotEmpty(t, h.rec.of(metrics.DataSent))
}

func TestWebSocketClosedByTheStop(t *testing.T) {
	t.Parallel()
	srv := newWSServer(t)
	h := wsHarness(t, "websockets.js", map[string]string{"WS": srv.URL})
	v := h.vu(1, "hold")
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-srv.connected
		cancel()
	}()
	err := v.Iterate(ctx, engine.Iteration{})
	require.ErrorIs(t, err, context.Canceled, "an open socket keeps the iteration going until the stop")
	assert.Nil(t, v.global("closed"), "no event runs after the stop")
	require.Eventually(t, func() bool { return srv.ended.Load() == 1 }, 10*time.Second, 5*time.Millisecond,
		"the connection was closed")
}

func TestWebSocketRefused(t *testing.T) {
	t.Parallel()
	h := wsHarness(t, "websockets.js", nil)
	v := h.vu(1, "refused")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.Contains(t, v.global("error"), "connection refused")
	assert.Equal(t, int64(1006), v.global("code"))
}

func TestWSConnect(t *testing.T) {
	t.Parallel()
	srv := newWSServer(t)
	h := wsHarness(t, "ws.js", map[string]string{"WS": srv.URL})
	v := h.vu(1, "default")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.Equal(t, []any{"open", "message hello", "binary 4,5", "pong", "close 1000"}, v.global("log"))
	assert.Equal(t, true, v.global("ok"), "connect returned the 101 response")
	for name, want := range map[string]float64{metrics.WSSessions: 1, metrics.WSMessagesSent: 3, metrics.WSMessagesRecv: 2} {
		total := 0.0
		for _, s := range h.rec.of(name) {
			total += s.Value
			assert.Equal(t, "b", s.Tags["room"], name)
			assert.Equal(t, "101", s.Tags["status"], name)
		}
		assert.Equal(t, want, total, name)
	}
	assert.Len(t, h.rec.of(metrics.WSPing), 1)
	assert.Len(t, h.rec.of(metrics.WSSessionDuration), 1)

	v = h.vu(2, "interval")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	n, ok := v.global("n").(int64)
	require.True(t, ok)
	assert.GreaterOrEqual(t, n, int64(3), "the interval ran until close() (and on until the server's answer)")
	assert.Equal(t, n, v.global("atClose"), "and never after the close event")
}

func TestWSConnectStopped(t *testing.T) {
	t.Parallel()
	srv := newWSServer(t)
	h := wsHarness(t, "ws.js", map[string]string{"WS": srv.URL})
	v := h.vu(1, "hold")
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-srv.connected
		cancel()
	}()
	require.ErrorIs(t, v.Iterate(ctx, engine.Iteration{}), context.Canceled)
	assert.Nil(t, v.global("after"), "connect ended the iteration at the stop")
	assert.Nil(t, v.global("closed"))
	require.Eventually(t, func() bool { return srv.ended.Load() == 1 }, 10*time.Second, 5*time.Millisecond)
}
