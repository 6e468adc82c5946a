package jsapi

import (
	"context"
	"testing"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// BenchmarkIterate measures the per-iteration overhead of the VU loop: an empty default
// function, and one that runs a check inside a group.
func BenchmarkIterate(b *testing.B) {
	for _, exec := range []string{"empty", "checked"} {
		b.Run(exec, func(b *testing.B) {
			h := newHarness(b, "bench.js", options.Options{Tags: map[string]string{"env": "bench"}}, nil)
			h.r.newRecorder = func(uint64) metrics.Recorder { return discardRecorder{} }
			v := h.vu(1, exec)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := v.Iterate(ctx, engine.Iteration{InTest: uint64(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
