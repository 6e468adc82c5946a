package executor_test

import (
	"context"
	"testing"

	"github.com/nnprotect/nnjs/engine/enginetest"
	"github.com/nnprotect/nnjs/engine/metrics"
)

// BenchmarkArrivalRateRealClock runs no-op iterations at 1000/s and 20000/s for 1s on the
// real clock and reports how many started and how many were dropped: the pacer must keep up
// with high rates on coarse timers.
// Run with: go test -run XXX -bench ArrivalRateRealClock -benchtime 1x -cpu 2 ./engine/executor/
func BenchmarkArrivalRateRealClock(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts string
	}{
		{"1000/s", `"rate": 1000, "preAllocatedVUs": 5`},
		{"20000/s", `"rate": 20000, "preAllocatedVUs": 100`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				h := newHarness(b, `{"scenarios": {"s": {"executor": "constant-arrival-rate", "duration": "1s", `+
					bc.opts+`}}}`, func(context.Context, enginetest.Call) error { return nil })
				if _, err := h.run(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(h.sum(metrics.Iterations), "iterations")
				b.ReportMetric(h.sum(metrics.DroppedIterations), "dropped")
			}
		})
	}
}
