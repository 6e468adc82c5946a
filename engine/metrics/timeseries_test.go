package metrics_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// lineOf returns the time series of m with tags.
func lineOf(t *testing.T, c *metrics.Collector, m *metrics.Metric, tags *metrics.Tags) []metrics.Point {
	t.Helper()
	for _, ts := range c.TimeSeries() {
		if ts.Metric == m && ts.Tags.Key() == tags.Key() {
			return ts.Points
		}
	}
	require.Failf(t, "time series missing", "%s{%s}", m.Name, tags.Key())
	return nil
}

func TestRunTicksOnePointPerInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := metrics.NewRegistry()
		c := metrics.NewCollector(reg, metrics.CollectorConfig{Interval: time.Second, KeepSeries: true})
		start := time.Now()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { c.Run(ctx); close(done) }()

		reqs, dur, vus := reg.Get(metrics.HTTPReqs), reg.Get(metrics.HTTPReqDuration), reg.Get(metrics.VUs)
		rec := c.Recorder(1)
		time.Sleep(time.Second / 2)
		for i := range 100 { // interval 1: 100 requests of 1..100 ms, 3 VUs
			rec.Add(reqs, nil, 1)
			rec.Add(dur, nil, float64(i+1))
		}
		rec.Add(vus, nil, 3)
		time.Sleep(2 * time.Second) // interval 2: nothing
		rec.Add(reqs, nil, 10)      // interval 3
		rec.Add(dur, nil, 7)
		rec.Add(vus, nil, 5)
		time.Sleep(time.Second)
		synctest.Wait()
		assert.Equal(t, 3*time.Second, c.Snapshot().Elapsed)

		cancel()
		<-done
		rp := lineOf(t, c, reqs, nil)
		require.Len(t, rp, 2)
		assert.Equal(t, start.Add(time.Second), rp[0].Time)
		assert.Equal(t, time.Second, rp[0].Duration)
		assert.Equal(t, metrics.Point{Time: start.Add(time.Second), Duration: time.Second, Count: 100, Sum: 100, Rate: 100}, rp[0])
		assert.Equal(t, start.Add(3*time.Second), rp[1].Time)
		assert.Equal(t, 10.0, rp[1].Rate)

		dp := lineOf(t, c, dur, nil)
		require.Len(t, dp, 2)
		assert.Equal(t, 1.0, dp[0].Min)
		assert.Equal(t, 100.0, dp[0].Max)
		assert.InDelta(t, 50, dp[0].P50, 0.1)
		assert.InDelta(t, 90, dp[0].P90, 0.1)
		assert.InDelta(t, 95, dp[0].P95, 0.1)
		assert.InDelta(t, 99, dp[0].P99, 0.1)
		assert.Equal(t, 7.0, dp[1].P99)

		vp := lineOf(t, c, vus, nil)
		require.Len(t, vp, 2)
		assert.Equal(t, []float64{3, 5}, []float64{vp[0].Last, vp[1].Last})
		assert.Equal(t, 3*time.Second+time.Second/2, c.Snapshot().Elapsed, "final flush on cancel")
	})
}

func TestTimeSeriesIsBoundedByMaxPoints(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := metrics.NewRegistry()
		c := metrics.NewCollector(reg, metrics.CollectorConfig{MaxPoints: 8, KeepSeries: true})
		reqs, dur := reg.Get(metrics.HTTPReqs), reg.Get(metrics.HTTPReqDuration)
		start := time.Now()
		const flushes = 100
		for i := range flushes {
			time.Sleep(time.Second)
			c.Recorder(0).Add(reqs, nil, 2)
			c.Recorder(0).Add(dur, nil, float64(i))
			c.Flush()
		}
		for _, m := range []*metrics.Metric{reqs, dur} {
			pts := lineOf(t, c, m, nil)
			require.LessOrEqual(t, len(pts), 8)
			require.GreaterOrEqual(t, len(pts), 4)
			var count uint64
			var covered time.Duration
			for _, p := range pts {
				count += p.Count
				covered += p.Duration
			}
			assert.Equal(t, uint64(flushes), count, m.Name)
			assert.Equal(t, flushes*time.Second, covered, m.Name)
			assert.Equal(t, start.Add(flushes*time.Second), pts[len(pts)-1].Time)
		}
		rp := lineOf(t, c, reqs, nil)
		assert.Equal(t, 2.0, rp[0].Rate, "merged counter points keep their per-second rate")
		dp := lineOf(t, c, dur, nil)
		assert.Equal(t, 0.0, dp[0].Min)
		assert.Equal(t, float64(flushes-1), dp[len(dp)-1].Max)
	})
}

// TestMemoryIsBoundedByRunLength records 5M trend samples (1M under the race detector) over
// many intervals and checks that the collector's retained memory stays flat instead of growing
// with the sample count.
func TestMemoryIsBoundedByRunLength(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 4, KeepSeries: true})
	m := reg.Get(metrics.HTTPReqDuration)
	tags := metrics.NewTags(map[string]string{"name": "pay"})
	total, perFlush := 5_000_000, 250_000
	if raceEnabled {
		total, perFlush = 1_000_000, 50_000
	}
	record := func(from, to int) {
		for i := from; i < to; i++ {
			c.Recorder(uint64(i)).Add(m, tags, float64(i%10_000)/7)
		}
		c.Flush()
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	record(0, perFlush)
	before := heap()
	for i := perFlush; i < total; i += perFlush {
		record(i, i+perFlush)
	}
	after := heap()

	sink := seriesOf(t, c.Snapshot(), m, tags)
	require.Equal(t, uint64(total), sink.Count)
	assert.Less(t, sink.Hist.GetMemorySize(), 64<<10, "trend histogram is sparse and bounded")
	assert.Less(t, after, before+(4<<20), "heap grew by %d bytes over %d samples", after-before, total)
}
