package k6http

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// barrierServer answers a request only once n requests are in flight at once (or after 10s),
// with the number it saw.
func barrierServer(t *testing.T, n int) *httptest.Server {
	var mu sync.Mutex
	inflight, all := 0, make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		if inflight == n {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(10 * time.Second):
		}
		mu.Lock()
		seen := inflight
		mu.Unlock()
		_, _ = io.WriteString(w, strconv.Itoa(seen))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAsyncRequestsRunConcurrently(t *testing.T) {
	t.Parallel()
	srv := barrierServer(t, 3)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	start := time.Now()
	_, err := e.vu.RunAsync(`
		globalThis.bodies = [];
		Promise.all([
			http.asyncRequest("GET", base + "/a"),
			http.asyncRequest("POST", base + "/b", "x"),
			http.asyncRequest("GET", base + "/c", null, { tags: { name: "c" } }),
		]).then((rs) => { globalThis.bodies = rs.map((r) => r.status + ":" + r.body) });`)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "the server saw the three requests at once")
	assert.Equal(t, []any{"200:3", "200:3", "200:3"}, e.vu.RT.Get("bodies").Export())
	assert.Len(t, e.vu.Rec.Of(metrics.HTTPReqs, nil), 3)
	assert.Len(t, e.vu.Rec.Of(metrics.HTTPReqs, map[string]string{"name": "c"}), 1)
}

// TestAsyncRequestSamplesLikeRequest: the same request, sync and async, records the same
// metrics with the same tags.
func TestAsyncRequestSamplesLikeRequest(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tagsOf := func(src string) []string {
		e := newEnv(t, nil)
		e.set("base", srv.URL)
		_, err := e.vu.RunAsync(src)
		require.NoError(t, err)
		var out []string
		for _, s := range e.vu.Rec.All() {
			out = append(out, fmt.Sprint(s.Metric, " ", s.Tags.Map()))
		}
		sort.Strings(out)
		return out
	}
	params := `{ tags: { flow: "pay" }, headers: { "X-A": "1" } }`
	sync := tagsOf(`http.request("POST", base + "/status/404", "body", ` + params + `)`)
	async := tagsOf(`http.asyncRequest("POST", base + "/status/404", "body", ` + params + `)`)
	require.NotEmpty(t, sync)
	assert.Equal(t, sync, async)
}

func TestAsyncRequestOutcomes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name, src, want string
		throw           bool
	}{
		{"response", `http.asyncRequest("GET", base + "/json").then((r) => r.json("data.items.1.id"))`, "8", false},
		{"http error resolves", `http.asyncRequest("GET", base + "/status/503").then((r) => r.status + " " + r.error_code)`, "503 1503", false},
		{"transport error resolves", `http.asyncRequest("GET", "http://127.0.0.1:1/").then((r) => r.status + " " + (r.error_code > 0))`, "0 true", false},
		{"invalid URL resolves", `http.asyncRequest("GET", "not a url").then((r) => r.status + " " + r.error_code)`, "0 1020", false},
		{"throw rejects", `http.asyncRequest("GET", "http://127.0.0.1:1/").catch((e) => "rejected")`, "rejected", true},
		{"bad method rejects", `http.asyncRequest("GE T", base).catch((e) => e.name)`, "TypeError", false},
		{"no method rejects", `http.asyncRequest().catch((e) => e.name)`, "TypeError", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, &options.Options{Throw: &tc.throw})
			e.set("base", srv.URL)
			_, err := e.vu.RunAsync(`(` + tc.src + `).then((v) => { globalThis.out = String(v) })`)
			require.NoError(t, err)
			assert.Equal(t, tc.want, e.vu.RT.Get("out").String())
		})
	}
	e := newEnv(t, nil)
	e.vu.Init = true
	assert.Contains(t, e.vu.Throws(t, `http.asyncRequest("GET", "http://127.0.0.1/")`), "init context")
}

// TestAsyncRequestCancelled: the VU's context ending while a request is in flight ends the
// run; the response callback never runs and nothing is recorded.
func TestAsyncRequestCancelled(t *testing.T) {
	t.Parallel()
	held := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e.vu.Ctx = ctx
	e.set("base", srv.URL)
	go func() {
		<-held
		cancel()
	}()
	_, err := e.vu.RunAsync(`http.asyncRequest("GET", base).then(() => { globalThis.after = true }, () => { globalThis.after = true })`)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, e.vu.RT.Get("after"))
	assert.Empty(t, e.vu.Rec.All())
}
