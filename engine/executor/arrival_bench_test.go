package executor_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/nnprotect/nnjs/engine/enginetest"
	"github.com/nnprotect/nnjs/engine/metrics"
)

// BenchmarkArrivalRateRealClock runs iterations at 1000/s and 20000/s for 1s on the real
// clock and reports how many started, how many were dropped, and the CPU time of the whole
// test process (user + system, from getrusage) per started iteration: the pacer must keep up
// with high rates on coarse timers, and each iteration's wake-ups are most of the cost of an
// open model at low rates. The 1000/s case with 100 ms iterations and 150 VUs is the shape of
// bench/arrival.sh without the HTTP request.
// Run with: go test -run XXX -bench ArrivalRateRealClock -benchtime 3x -cpu 2 ./engine/executor/
func BenchmarkArrivalRateRealClock(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts string
		iter time.Duration
	}{
		{"1000/s", `"rate": 1000, "preAllocatedVUs": 5`, 0},
		{"1000/s_100ms", `"rate": 1000, "preAllocatedVUs": 150`, 100 * time.Millisecond},
		{"20000/s", `"rate": 20000, "preAllocatedVUs": 100`, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var iters, dropped, cpu float64
			for b.Loop() {
				h := newHarness(b, `{"scenarios": {"s": {"executor": "constant-arrival-rate", "duration": "1s", `+
					bc.opts+`}}}`, func(ctx context.Context, _ enginetest.Call) error {
					if bc.iter == 0 {
						return nil
					}
					return enginetest.Sleep(ctx, bc.iter)
				})
				before := cpuTime(b)
				if _, err := h.run(); err != nil {
					b.Fatal(err)
				}
				cpu += (cpuTime(b) - before).Seconds()
				iters += h.sum(metrics.Iterations) + h.sum(metrics.IterationsInterrupted)
				dropped += h.sum(metrics.DroppedIterations)
			}
			n := float64(b.N)
			b.ReportMetric(iters/n, "iterations")
			b.ReportMetric(dropped/n, "dropped")
			b.ReportMetric(cpu/iters*1e6, "cpu-µs/iteration")
		})
	}
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
