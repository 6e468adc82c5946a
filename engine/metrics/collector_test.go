package metrics_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// seriesOf returns the series of m with tags in s, failing the test when it is missing.
func seriesOf(t *testing.T, s *metrics.Snapshot, m *metrics.Metric, tags *metrics.Tags) *metrics.Sink {
	t.Helper()
	for _, se := range s.Series {
		if se.Metric == m && se.Tags.Key() == tags.Key() {
			return se.Sink
		}
	}
	require.Failf(t, "series missing", "%s{%s}", m.Name, tags.Key())
	return nil
}

func TestCollectorConcurrentExactTotals(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 4})
	counter, rate, trend := reg.Get(metrics.HTTPReqs), reg.Get(metrics.Checks), reg.Get(metrics.HTTPReqDuration)
	tagA := metrics.NewTags(map[string]string{"name": "a"})
	tagB := metrics.NewTags(map[string]string{"name": "b"})
	const vus, perVU = 12, 3000

	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() { // flush and read snapshots while VUs record
		for {
			select {
			case <-stop:
				return
			default:
			}
			c.Flush()
			s := c.Snapshot()
			for _, se := range s.Series {
				_ = se.Sink.Percentile(95) + se.Sink.Avg()
			}
		}
	})
	var wg sync.WaitGroup
	for vu := range uint64(vus) {
		wg.Go(func() {
			rec := c.Recorder(vu + 1)
			// a tag set built per VU: equal content must land in the same series
			myB := metrics.NewTags(map[string]string{"name": "b"})
			for i := range perVU {
				rec.Add(counter, tagA, 2)
				rec.Add(rate, myB, float64(i%3))
				rec.Add(trend, tagA, float64(i%100))
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	c.Flush()

	s := c.Snapshot()
	require.Len(t, s.Series, 3)
	cs := seriesOf(t, s, counter, tagA)
	assert.Equal(t, uint64(vus*perVU), cs.Count)
	assert.Equal(t, float64(2*vus*perVU), cs.Sum)
	rs := seriesOf(t, s, rate, tagB)
	assert.Equal(t, uint64(vus*perVU), rs.Count)
	assert.Equal(t, float64(vus*2*perVU/3), rs.Sum)
	ts := seriesOf(t, s, trend, tagA)
	assert.Equal(t, uint64(vus*perVU), ts.Count)
	assert.Equal(t, float64(vus*perVU/100*4950), ts.Sum)
	assert.Equal(t, 0.0, ts.Min)
	assert.Equal(t, 99.0, ts.Max)
	assert.Equal(t, int64(vus*perVU), ts.Hist.TotalCount())
}

// exactPercentile is the percentile of sorted values with HDR's rank definition (nearest rank,
// rounded half up).
func exactPercentile(sorted []float64, p float64) float64 {
	rank := int(p/100*float64(len(sorted)) + 0.5)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func TestTrendPercentilesWithinHDRPrecision(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		gen  func() float64
	}{
		{"uniform", func() float64 { return rng.Float64() * 1000 }},
		{"lognormal", func() float64 { return math.Exp(rng.NormFloat64()*1.5 + 3) }},
		{"bimodal", func() float64 {
			if rng.IntN(10) == 0 {
				return 2000 + rng.Float64()*500
			}
			return 5 + rng.Float64()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reg := metrics.NewRegistry()
			c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 3})
			m := reg.Get(metrics.IterationDuration)
			vals := make([]float64, 20000)
			for i := range vals {
				vals[i] = tc.gen()
				c.Recorder(uint64(i)).Add(m, nil, vals[i])
				if i == len(vals)/2 {
					c.Flush() // totals must merge across intervals too
				}
			}
			c.Flush()
			slices.Sort(vals)
			sink := seriesOf(t, c.Snapshot(), m, nil)
			for _, p := range []float64{1, 50, 90, 95, 99, 99.9, 100} {
				want := exactPercentile(vals, p)
				assert.InDelta(t, want, sink.Percentile(p), want*1e-3+1.0/metrics.TrendScale, "p(%v)", p)
			}
			assert.Equal(t, vals[0], sink.Min)
			assert.Equal(t, vals[len(vals)-1], sink.Max)
		})
	}
}

func TestGaugeLatestWinsAcrossShards(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 4})
	g := reg.Get(metrics.VUs)
	// Later samples go to lower shards, which the flusher merges first.
	c.Recorder(3).Add(g, nil, 10)
	c.Recorder(2).Add(g, nil, 50)
	c.Recorder(1).Add(g, nil, 7)
	c.Recorder(0).Add(g, nil, 20)
	c.Flush()
	s := seriesOf(t, c.Snapshot(), g, nil)
	assert.Equal(t, 20.0, s.Last)
	assert.Equal(t, 7.0, s.Min)
	assert.Equal(t, 50.0, s.Max)

	c.Recorder(3).Add(g, nil, 30)
	c.Recorder(1).Add(g, nil, 4)
	c.Flush()
	s = seriesOf(t, c.Snapshot(), g, nil)
	assert.Equal(t, 4.0, s.Last)
	assert.Equal(t, 4.0, s.Min)
	assert.Equal(t, 50.0, s.Max)
	assert.Equal(t, uint64(6), s.Count)
}

func TestSnapshotIsImmutable(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	m := reg.Get(metrics.HTTPReqDuration)
	empty := c.Snapshot()
	require.NotNil(t, empty)
	assert.Empty(t, empty.Series)

	c.Recorder(1).Add(m, nil, 5)
	c.Flush()
	first := c.Snapshot()
	c.Recorder(1).Add(m, nil, 500)
	c.Flush()
	second := c.Snapshot()

	s1, s2 := seriesOf(t, first, m, nil), seriesOf(t, second, m, nil)
	assert.Equal(t, uint64(1), s1.Count)
	assert.Equal(t, 5.0, s1.Max)
	assert.Equal(t, int64(1), s1.Hist.TotalCount())
	assert.Equal(t, uint64(2), s2.Count)
	assert.Equal(t, 500.0, s2.Max)
	assert.GreaterOrEqual(t, second.Elapsed, first.Elapsed)
	assert.Empty(t, empty.Series)
}

func TestSnapshotSeriesOrder(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	rec := c.Recorder(0)
	iters, reqs := reg.Get(metrics.Iterations), reg.Get(metrics.HTTPReqs)
	rec.Add(reqs, metrics.NewTags(map[string]string{"name": "z"}), 1)
	rec.Add(reqs, metrics.NewTags(map[string]string{"name": "a"}), 1)
	rec.Add(iters, nil, 1)
	c.Flush()
	var got []string
	for _, se := range c.Snapshot().Series {
		got = append(got, se.Metric.Name+"{"+se.Tags.Key()+"}")
	}
	assert.Equal(t, []string{"iterations{}", "http_reqs{name:a}", "http_reqs{name:z}"}, got)
}

func TestRecorderAddDoesNotAllocate(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	tags := metrics.NewTags(map[string]string{"name": "pay", "status": "200"})
	for _, name := range []string{metrics.HTTPReqs, metrics.Checks, metrics.VUs, metrics.HTTPReqDuration} {
		t.Run(name, func(t *testing.T) {
			m := reg.Get(name)
			rec := c.Recorder(7)
			i := 0.0
			add := func() { i++; rec.Add(m, tags, math.Mod(i, 50)) }
			for range 3000 { // warm up both buffers and the histogram buckets
				add()
				if int(i)%1000 == 0 {
					c.Flush()
				}
			}
			assert.Zero(t, testing.AllocsPerRun(5000, add))
		})
	}
}

func TestNilMetricIsIgnored(t *testing.T) {
	t.Parallel()
	c := metrics.NewCollector(metrics.NewRegistry(), metrics.CollectorConfig{})
	c.Recorder(1).Add(nil, nil, 1)
	c.Flush()
	assert.Empty(t, c.Snapshot().Series)
}

// TestMarkStartMovesTheRunStart: Elapsed (and so every rate) counts from MarkStart to
// MarkEnd.
func TestMarkStartMovesTheRunStart(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := metrics.NewCollector(metrics.NewRegistry(), metrics.CollectorConfig{})
		time.Sleep(5 * time.Second) // a slow init
		c.MarkStart(time.Now())
		time.Sleep(3 * time.Second)
		c.Flush()
		assert.Equal(t, 3*time.Second, c.Snapshot().Elapsed)
		c.MarkEnd(time.Now())
		time.Sleep(2 * time.Second) // closing connections, the monitor's last sample
		c.Flush()
		assert.Equal(t, 3*time.Second, c.Snapshot().Elapsed, "the run ended at MarkEnd")
	})
}

// TestMaxSeriesBoundsMemory: beyond MaxSeries, new tag sets go to the metric's overflow
// series (keeping the scenario): the metric's total stays exact, the series count stays
// bounded and the snapshot says the metric overflowed.
func TestMaxSeriesBoundsMemory(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{MaxSeries: 10})
	dur := reg.Get(metrics.HTTPReqDuration)
	for i := range 1000 {
		tags := metrics.NewTags(map[string]string{"url": "http://x/" + strconv.Itoa(i), "scenario": "s"})
		c.Recorder(uint64(i)).Add(dur, tags, float64(i))
		if i%100 == 0 {
			c.Flush()
		}
	}
	c.Flush()
	snap := c.Snapshot()
	assert.LessOrEqual(t, len(snap.Series), 11, "10 series and one overflow series")
	total := snap.Aggregate(dur, nil)
	assert.Equal(t, uint64(1000), total.Count, "the total stays exact")
	assert.Equal(t, 999.0, total.Max)
	assert.True(t, snap.Overflowed(dur))
	assert.Positive(t, c.Overflowed())
	scenario := snap.Aggregate(dur, metrics.NewTags(map[string]string{"scenario": "s"}))
	assert.Equal(t, uint64(1000), scenario.Count, "per-scenario figures stay exact")
	assert.False(t, snap.Overflowed(reg.Get(metrics.HTTPReqs)))
}
