package k6http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// nopRecorder drops samples, so the benchmark measures the module, not the test recorder.
type nopRecorder struct{}

func (nopRecorder) Add(*metrics.Metric, *metrics.Tags, float64) {}

// BenchmarkGet measures one http.get plus a status check from JS against a loopback server.
func BenchmarkGet(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	e := newEnv(b, nil)
	e.set("base", srv.URL+"/bench")
	e.vu.RecorderOverride = nopRecorder{}
	fn, ok := goja.AssertFunction(e.run(`(function () { const r = http.get(base); if (r.status !== 200) throw new Error("status " + r.status); })`))
	require.True(b, ok)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := fn(goja.Undefined()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawNetHTTP is the floor BenchmarkGet compares to: a bare net/http GET of the same
// server, body read, no JS and no metrics.
func BenchmarkRawNetHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 10}}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Get(srv.URL + "/bench")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}
