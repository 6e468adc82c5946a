package jsapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/k6http"
)

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}

// backToBaseline waits until the goroutines and open files are back to the baseline (plus slack for
// the runtime's own), polling: connections close and goroutines exit asynchronously.
func backToBaseline(t *testing.T, goroutines, fds, slack int) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		g, f := runtime.NumGoroutine(), openFDs(t)
		if g <= goroutines+slack && f <= fds+slack {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("leak: %d goroutines (baseline %d), %d open files (baseline %d)\n%s",
				g, goroutines, f, fds, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNoLeakAfterAsyncLoad runs 200 VUs for 10s (20 VUs for 2s with -short) of timers, async
// requests and WebSockets (both modules), stops them in the middle of their iterations as a graceful stop does, and
// checks that the goroutines and open files come back to where they were.
func TestNoLeakAfterAsyncLoad(t *testing.T) {
	vus, dur := 200, 10*time.Second
	if testing.Short() {
		vus, dur = 20, 2*time.Second
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	wss := newWSServer(t)
	reg := DefaultModules()
	httpMod := k6http.New(k6http.Config{})
	reg.Register(httpMod, "k6/http")
	path, err := filepath.Abs(filepath.Join("testdata", "leak.js"))
	require.NoError(t, err)
	h := compiledHarness(t, path, reg, options.Options{}, map[string]string{"TARGET": srv.URL, "WS": wss.URL})
	runtime.GC()
	goroutines, fds := runtime.NumGoroutine(), openFDs(t)

	ctx, cancel := context.WithCancel(t.Context()) // cancelled like the engine's, not by a deadline
	defer cancel()
	stop := time.AfterFunc(dur, cancel)
	defer stop.Stop()
	var wg sync.WaitGroup
	var mu sync.Mutex
	completed, failed := 0, 0
	for id := range uint64(vus) {
		v, err := h.r.NewVU(t.Context(), id+1)
		require.NoError(t, err)
		act := v.Activate(engine.Activation{Scenario: "leak", Exec: "default"})
		wg.Go(func() {
			defer act.Deactivate()
			for ctx.Err() == nil {
				err := act.Iterate(ctx, engine.Iteration{})
				mu.Lock()
				switch {
				case err == nil:
					completed++
				case ctx.Err() == nil:
					failed++
					t.Errorf("iteration failed: %v", err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Positive(t, completed)
	assert.Zero(t, failed)
	httpMod.CloseIdleConnections()
	srv.CloseClientConnections()
	require.Eventually(t, func() bool { return wss.ended.Load() == wss.opened.Load() }, 30*time.Second,
		10*time.Millisecond, "every socket was closed")
	backToBaseline(t, goroutines, fds, 5)
}
