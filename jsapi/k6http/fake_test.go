package k6http

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// sample is one recorded metric sample.
type sample struct {
	metric string
	tags   *metrics.Tags
	value  float64
}

// memRecorder keeps every sample (tests only).
type memRecorder struct {
	mu      sync.Mutex
	samples []sample
}

func (r *memRecorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	r.mu.Lock()
	r.samples = append(r.samples, sample{m.Name, tags, v})
	r.mu.Unlock()
}

// of returns the samples of a metric.
func (r *memRecorder) of(name string) []sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sample
	for _, s := range r.samples {
		if s.metric == name {
			out = append(out, s)
		}
	}
	return out
}

func (r *memRecorder) sum(name string) float64 {
	var t float64
	for _, s := range r.of(name) {
		t += s.value
	}
	return t
}

func (r *memRecorder) reset() {
	r.mu.Lock()
	r.samples = nil
	r.mu.Unlock()
}

// fakeVU is a minimal modules.VU over goja.New().
type fakeVU struct {
	rt      *goja.Runtime
	ctx     context.Context
	init    bool
	reg     *metrics.Registry
	rec     *memRecorder
	tags    *metrics.Tags
	opts    *options.Options
	onStart []func()
}

func (v *fakeVU) Runtime() *goja.Runtime      { return v.rt }
func (v *fakeVU) Context() context.Context    { return v.ctx }
func (v *fakeVU) InInit() bool                { return v.init }
func (v *fakeVU) ID() uint64                  { return 1 }
func (v *fakeVU) Recorder() metrics.Recorder  { return v.rec }
func (v *fakeVU) Registry() *metrics.Registry { return v.reg }
func (v *fakeVU) Tags() *metrics.Tags         { return v.tags }
func (v *fakeVU) SetTags(t *metrics.Tags)     { v.tags = t }
func (v *fakeVU) Options() *options.Options   { return v.opts }
func (v *fakeVU) OnIterationStart(fn func())  { v.onStart = append(v.onStart, fn) }
func (v *fakeVU) startIteration() {
	for _, f := range v.onStart {
		f()
	}
}

// env is a VU with the module loaded as the global `http`.
type env struct {
	t  testing.TB
	vu *fakeVU
}

func newEnv(t testing.TB, opts *options.Options) *env {
	t.Helper()
	return newEnvModule(t, opts, New(Config{}))
}

// newEnvModule is newEnv with the instance made by mod.
func newEnvModule(t testing.TB, opts *options.Options, mod *Module) *env {
	t.Helper()
	if opts == nil {
		opts = &options.Options{}
	}
	vu := &fakeVU{rt: goja.New(), ctx: t.Context(), reg: metrics.NewRegistry(), rec: &memRecorder{},
		tags: metrics.NewTags(map[string]string{"scenario": "default", "group": ""}), opts: opts}
	t.Cleanup(mod.CloseIdleConnections)
	exp, err := mod.NewInstance(vu)
	require.NoError(t, err)
	require.NoError(t, vu.rt.Set("http", exp))
	return &env{t: t, vu: vu}
}

// run evaluates JS and fails the test on an exception.
func (e *env) run(src string) goja.Value {
	e.t.Helper()
	v, err := e.vu.rt.RunString(src)
	require.NoError(e.t, err, src)
	return v
}

// runErr evaluates JS and returns the exception.
func (e *env) runErr(src string) error {
	_, err := e.vu.rt.RunString(src)
	return err
}

func (e *env) set(name string, v any) { require.NoError(e.t, e.vu.rt.Set(name, v)) }

// testServer serves the endpoints the tests use.
type testServer struct {
	*httptest.Server
	inflight, maxInflight atomic.Int64
}

func newServer(t testing.TB) *testServer {
	s := &testServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
			_, _ = io.WriteString(w, "slow")
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			_, _ = io.WriteString(w, "landed")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/setcookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: r.URL.Query().Get("v"), Path: "/"})
	})
	mux.HandleFunc("/conc", func(w http.ResponseWriter, r *http.Request) {
		n := s.inflight.Add(1)
		defer s.inflight.Add(-1)
		for {
			m := s.maxInflight.Load()
			if n <= m || s.maxInflight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		_, _ = io.WriteString(w, r.URL.Query().Get("i"))
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"items":[{"id":7},{"id":8}],"a.b":"dot"},"ok":true}`)
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte{0, 1, 2, 250, 255})
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// echo answers {method, body, headers, cookies} as JSON, with a repeated header.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	hdr := map[string]string{}
	for k, v := range r.Header {
		hdr[k] = strings.Join(v, ",")
	}
	w.Header().Add("X-Multi", "a")
	w.Header().Add("X-Multi", "b")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "body": string(body),
		"headers": hdr, "host": r.Host})
}

func ptr[T any](v T) *T { return &v }
