package k6http

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// env is a VU with the module loaded as the global `http`.
type env struct {
	t  testing.TB
	vu *modulestest.VU
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
	vu := modulestest.NewVU(t)
	vu.Ctx, vu.Opts = t.Context(), *opts
	t.Cleanup(mod.CloseIdleConnections)
	vu.Instance(t, mod, "http")
	return &env{t: t, vu: vu}
}

// run evaluates JS and fails the test on an exception.
func (e *env) run(src string) goja.Value {
	e.t.Helper()
	return e.vu.Run(e.t, src)
}

// runErr evaluates JS and returns the exception.
func (e *env) runErr(src string) error {
	_, err := e.vu.RunErr(src)
	return err
}

func (e *env) set(name string, v any) { require.NoError(e.t, e.vu.RT.Set(name, v)) }

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
	mux.HandleFunc("/slow", slow)
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

// slow answers "slow" after ?ms= milliseconds, or nothing if the client goes first.
func slow(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
		_, _ = io.WriteString(w, "slow")
	case <-r.Context().Done():
	}
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
