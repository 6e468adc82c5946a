package jsapi_test

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

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi"
	"github.com/nnprotect/nnjs/jsapi/k6http"
)

// manyVUsScript is bench/manyvus.js: the script of the many-VU benchmark.
const manyVUsScript = `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 10, duration: '1s' };
export default function () {
  http.get(__ENV.TARGET || 'http://127.0.0.1:8090/');
  sleep(1);
}
`

type nopRecorder struct{}

func (nopRecorder) Add(*metrics.Metric, *metrics.Tags, float64) {}

// keptVUs keeps the VUs of BenchmarkVUMemory alive until the process ends, so that
// -memprofile (written after the benchmarks) shows what they hold.
var keptVUs []engine.VU

// BenchmarkVUMemory creates b.N VUs of the many-VU script and reports the memory each one
// holds after a full GC: live heap (heap-B/VU) and goroutine stacks (stack-B/VU). "init" is
// right after the init code; "iterated" after one iteration of every VU at once against a
// loopback server, with the connections still open (idle, as between two iterations).
//
//	go test -run XXX -bench VUMemory -benchtime 500x -memprofile /tmp/vu.mem ./jsapi/
//	go tool pprof -sample_index=inuse_space -top /tmp/vu.mem
func BenchmarkVUMemory(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello from target\n")
	}))
	defer srv.Close()
	for _, iterate := range []bool{false, true} {
		name := map[bool]string{false: "init", true: "iterated"}[iterate]
		b.Run(name, func(b *testing.B) {
			r, httpMod := manyVUsRunner(b, srv.URL)
			defer httpMod.CloseIdleConnections()
			heap0, stack0 := liveMemory()
			vus := make([]engine.VU, 0, b.N)
			for i := range b.N {
				v, err := r.NewVU(context.Background(), uint64(i+1))
				if err != nil {
					b.Fatal(err)
				}
				vus = append(vus, v)
			}
			b.StopTimer()
			if iterate {
				iterateAll(b, vus)
			}
			heap, stack := liveMemory()
			b.ReportMetric(float64(heap-heap0)/float64(b.N), "heap-B/VU")
			b.ReportMetric((float64(stack)-float64(stack0))/float64(b.N), "stack-B/VU")
			keptVUs = append(keptVUs, vus...)
		})
	}
}

// manyVUsRunner compiles the many-VU script with k6/http and returns its runner.
func manyVUsRunner(b *testing.B, target string) (*jsapi.Runner, *k6http.Module) {
	path := filepath.Join(b.TempDir(), "manyvus.js")
	if err := os.WriteFile(path, []byte(manyVUsScript), 0o644); err != nil {
		b.Fatal(err)
	}
	mods := jsapi.DefaultModules()
	httpMod := k6http.New(k6http.Config{})
	mods.Register(httpMod, "k6/http", "nnjs/http")
	prog, err := jsapi.Compile(path, jsapi.CompileOptions{Modules: mods})
	if err != nil {
		b.Fatal(err)
	}
	r, err := jsapi.NewRunner(prog, jsapi.RunnerConfig{
		Registry: metrics.NewRegistry(), NewRecorder: func(uint64) metrics.Recorder { return nopRecorder{} },
		Env: map[string]string{"TARGET": target},
	})
	if err != nil {
		b.Fatal(err)
	}
	return r, httpMod
}

// iterateAll runs one iteration of every VU at once (each opens its own connection).
func iterateAll(b *testing.B, vus []engine.VU) {
	var wg sync.WaitGroup
	for _, v := range vus {
		a := v.Activate(engine.Activation{Scenario: "s", Executor: "constant-vus"})
		wg.Go(func() {
			if err := a.Iterate(context.Background(), engine.Iteration{}); err != nil {
				b.Error(err)
			}
			a.Deactivate()
		})
	}
	wg.Wait()
}

func liveMemory() (heap, stack uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.StackInuse
}
