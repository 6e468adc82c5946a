package k6http

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdleConnectionsHoldNoBuffers(t *testing.T) {
	t.Parallel()
	srv, conns := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello")
	})
	mod := New(Config{})
	tr := mod.transport(0, nil)
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	for i := range 3 {
		resp, err := client.Get(srv.URL + "/")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, "hello", string(body), "request %d", i)

		tr.idle.mu.Lock()
		var idle []*fastConn
		for _, list := range tr.idle.conns {
			idle = append(idle, list...)
		}
		tr.idle.mu.Unlock()
		require.Len(t, idle, 1, "request %d", i)
		assert.Nil(t, idle[0].br, "idle connection keeps its read buffer")
		assert.Nil(t, idle[0].bw, "idle connection keeps its write buffer")
	}
	assert.Equal(t, int64(1), conns.Load(), "the connection is reused")
}
