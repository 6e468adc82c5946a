package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi"
	"github.com/nnprotect/nnjs/jsapi/k6http"
)

// loadVUs is the number of VUs of BenchmarkHTTPLoad, as in http-vs-wrk.sh.
const loadVUs = 50

// BenchmarkHTTPLoad runs bench/http.js in-process the way `nnjs run -u 50` does: the jsapi
// runner with k6/http, 50 VUs each looping on its own goroutine, samples recorded into a
// metrics.Collector flushed every second. One op is one iteration (one GET). The target is
// $NNJS_BENCH_TARGET (e.g. bin/target pinned to another CPU, so that a CPU profile shows only
// the generator), or an in-process httptest server with the same answer as examples/target.
//
//	taskset -c 1 go test -run XXX -bench HTTPLoad -benchtime 200000x -cpuprofile cpu.out ./bench/
func BenchmarkHTTPLoad(b *testing.B) {
	target := os.Getenv("NNJS_BENCH_TARGET")
	if target == "" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "hello from target\n")
		}))
		defer srv.Close()
		target = srv.URL + "/"
	}
	l := newLoad(b, map[string]string{"TARGET": target})
	b.ReportAllocs()
	b.ResetTimer()
	l.run(b, uint64(b.N))
	b.StopTimer()
	snap := l.collector.Snapshot()
	var reqs, failed float64
	for _, s := range snap.Series {
		switch s.Metric.Name {
		case metrics.HTTPReqs:
			reqs += float64(s.Sink.Count)
		case metrics.HTTPReqFailed:
			failed += s.Sink.Sum
		}
	}
	require.InDelta(b, float64(b.N), reqs, 0, "http_reqs")
	require.Zero(b, failed, "http_req_failed")
}

// load is bench/http.js compiled and initialised for loadVUs VUs.
type load struct {
	collector *metrics.Collector
	mod       *k6http.Module
	vus       []engine.ActiveVU
	stop      context.CancelFunc
	flushed   sync.WaitGroup
}

func newLoad(tb testing.TB, env map[string]string) *load {
	mods := jsapi.DefaultModules()
	l := &load{mod: k6http.New(k6http.Config{})}
	mods.Register(l.mod, "k6/http")
	reg := metrics.NewRegistry()
	prog, err := jsapi.Compile("http.js", jsapi.CompileOptions{Modules: mods})
	require.NoError(tb, err)
	ctx := context.Background()
	raw, err := prog.Probe(ctx, env, reg)
	require.NoError(tb, err)
	opts, err := options.Parse(raw)
	require.NoError(tb, err)
	l.collector = metrics.NewCollector(reg, metrics.CollectorConfig{})
	r, err := jsapi.NewRunner(prog, jsapi.RunnerConfig{Modules: mods, Registry: reg,
		NewRecorder: l.collector.Recorder, Env: env, Options: opts})
	require.NoError(tb, err)
	for id := uint64(1); id <= loadVUs; id++ {
		v, err := r.NewVU(ctx, id)
		require.NoError(tb, err)
		l.vus = append(l.vus, v.Activate(engine.Activation{Scenario: "default",
			Executor: "constant-vus", StartTime: time.Now()}))
	}
	flushCtx, stop := context.WithCancel(ctx)
	l.stop = stop
	l.flushed.Go(func() { l.collector.Run(flushCtx) })
	tb.Cleanup(l.close)
	return l
}

// run makes the VUs share n iterations, recording iterations and iteration_duration as the
// engine does, and waits for them.
func (l *load) run(tb testing.TB, n uint64) {
	reg := l.collector.Registry()
	iters, dur := reg.Get(metrics.Iterations), reg.Get(metrics.IterationDuration)
	tags := metrics.NewTags(map[string]string{"scenario": "default", "group": ""})
	var claimed atomic.Uint64
	var wg sync.WaitGroup
	ctx := context.Background()
	for i, v := range l.vus {
		rec := l.collector.Recorder(uint64(i + 1))
		wg.Go(func() {
			for claimed.Add(1) <= n {
				start := time.Now()
				if err := v.Iterate(ctx, engine.Iteration{}); err != nil {
					tb.Error(err)
					return
				}
				rec.Add(iters, tags, 1)
				rec.Add(dur, tags, float64(time.Since(start))/float64(time.Millisecond))
			}
		})
	}
	wg.Wait()
	l.collector.Flush()
}

func (l *load) close() {
	l.stop()
	l.flushed.Wait()
	for _, v := range l.vus {
		v.Deactivate()
	}
	l.mod.CloseIdleConnections()
}
