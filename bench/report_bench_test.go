package bench

import (
	"strconv"
	"testing"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/report"
)

// BenchmarkReportSamplerTick measures what --report and --dashboard add to a run: one
// Sampler.Observe per collector flush (once a second), over 8 request names x 3 HTTP metrics
// plus the run's gauges, each with new samples since the previous flush. The flush itself is
// paid with or without a report and is not timed. ns/op is the cost per second of run.
func BenchmarkReportSamplerTick(b *testing.B) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 2})
	reqs, dur, failed := reg.Get(metrics.HTTPReqs), reg.Get(metrics.HTTPReqDuration), reg.Get(metrics.HTTPReqFailed)
	vus := reg.Get(metrics.VUs)
	var tags []*metrics.Tags
	for i := range 8 {
		tags = append(tags, metrics.NewTags(map[string]string{"name": "req" + strconv.Itoa(i), "method": "GET", "status": "200"}))
	}
	rec := c.Recorder(1)
	s := report.NewSampler(time.Second)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		for j := range 200 {
			tg := tags[j%len(tags)]
			rec.Add(reqs, tg, 1)
			rec.Add(dur, tg, float64((i*200+j)%997)+0.5)
			rec.Add(failed, tg, 0)
		}
		rec.Add(vus, metrics.NewTags(nil), 50)
		c.Flush()
		snap := c.Snapshot()
		b.StartTimer()
		s.Observe(snap)
		i++
	}
}
