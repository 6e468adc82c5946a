// Package bench holds nnjs's Go benchmarks; see README.md for how to run them.
package bench

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// BenchmarkRecorderAdd measures one Recorder.Add per metric type, from one goroutine (serial)
// and from GOMAXPROCS goroutines each holding its own VU's recorder (parallel).
func BenchmarkRecorderAdd(b *testing.B) {
	reg := metrics.NewRegistry()
	tags := metrics.NewTags(map[string]string{"name": "pay", "method": "POST", "scenario": "default"})
	cases := []struct {
		name string
		m    *metrics.Metric
	}{
		{"counter", reg.Get(metrics.HTTPReqs)},
		{"rate", reg.Get(metrics.HTTPReqFailed)},
		{"gauge", reg.Get(metrics.VUs)},
		{"trend", reg.Get(metrics.HTTPReqDuration)},
	}
	for _, tc := range cases {
		b.Run(tc.name+"/serial", func(b *testing.B) {
			c := metrics.NewCollector(reg, metrics.CollectorConfig{})
			rec := c.Recorder(1)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				rec.Add(tc.m, tags, float64(i%1000)+0.5)
				i++
			}
		})
		b.Run(tc.name+"/parallel", func(b *testing.B) {
			c := metrics.NewCollector(reg, metrics.CollectorConfig{})
			var vu atomic.Uint64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				rec := c.Recorder(vu.Add(1))
				i := 0
				for pb.Next() {
					rec.Add(tc.m, tags, float64(i%1000)+0.5)
					i++
				}
			})
		})
	}
}

// BenchmarkFlush measures one collector flush of 10 series (a trend and a counter under five
// tag sets), each of which received 100 samples on each of 8 shards since the last flush.
func BenchmarkFlush(b *testing.B) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 8})
	trend := reg.Get(metrics.HTTPReqDuration)
	counter := reg.Get(metrics.HTTPReqs)
	var tagSets []*metrics.Tags
	for i := range 5 {
		tagSets = append(tagSets, metrics.NewTags(map[string]string{"name": "req" + strconv.Itoa(i)}))
	}
	record := func() {
		for vu := range uint64(8) {
			rec := c.Recorder(vu)
			for _, tags := range tagSets {
				for j := range 100 {
					rec.Add(trend, tags, float64(j)*1.7+float64(vu))
					rec.Add(counter, tags, 1)
				}
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		record()
		b.StartTimer()
		c.Flush()
	}
}
