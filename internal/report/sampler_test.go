package report_test

import (
	"encoding/json"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/report"
)

// TestSamplerColumnsAreIntervals: each observed snapshot adds one column holding what happened
// since the previous one, per group; trend percentiles are the interval's own, across every
// series of the group (two request names here), not a mean of per-series percentiles.
func TestSamplerColumnsAreIntervals(t *testing.T) {
	synctest.Test(t, samplerColumnsAreIntervals)
}

func samplerColumnsAreIntervals(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 1})
	s := report.NewSampler(time.Second)
	rec := c.Recorder(1)
	reqs, dur, vus := reg.Get(metrics.HTTPReqs), reg.Get(metrics.HTTPReqDuration), reg.Get(metrics.VUs)
	conns, err := reg.New("db_connections", metrics.Gauge, metrics.Default)
	require.NoError(t, err)
	pay := metrics.NewTags(map[string]string{"name": "pay"})
	wallet := metrics.NewTags(map[string]string{"name": "wallet"})

	// Interval 1: 90 fast wallet reads (1..90 ms) and 10 slow payments (1000 ms).
	for i := 1; i <= 90; i++ {
		rec.Add(reqs, wallet, 1)
		rec.Add(dur, wallet, float64(i))
	}
	for range 10 {
		rec.Add(reqs, pay, 1)
		rec.Add(dur, pay, 1000)
	}
	rec.Add(vus, nil, 5)
	rec.Add(conns, metrics.NewTags(map[string]string{"state": "active"}), 3)
	time.Sleep(time.Second)
	c.Flush()
	require.True(t, s.Observe(c.Snapshot()))
	assert.False(t, s.Observe(c.Snapshot()), "the same snapshot adds nothing")
	// Interval 2: nothing but 4 requests of 5 ms; the gauges keep their value.
	for range 4 {
		rec.Add(reqs, pay, 1)
		rec.Add(dur, pay, 5)
	}
	time.Sleep(time.Second)
	c.Flush()
	require.True(t, s.Observe(c.Snapshot()))

	tl := s.Timeline()
	require.Len(t, tl.End, 2)
	assert.Equal(t, []float64{100, 4}, []float64(tl.Line("http_reqs").Sum))
	d := tl.Line("http_req_duration")
	require.NotNil(t, d)
	assert.Equal(t, []float64{100, 4}, []float64(d.Count))
	assert.InDelta(t, 50, d.P50[0], 0.5, "median of 1..90 and ten 1000s")
	assert.InDelta(t, 1000, d.P95[0], 1, "p95 is a slow payment: a mean of per-name p95s would say ~590")
	assert.InDelta(t, 5, d.P99[1], 0.01, "the second column only sees its own samples")
	assert.Equal(t, []float64{5, 5}, []float64(tl.Line("vus").Last))
	assert.Equal(t, []float64{3, 3}, []float64(tl.Line("db_connections{state=active}").Last))

	// The final flush comes moments after the last tick: its short column is folded into the
	// last one, still exact.
	rec.Add(reqs, pay, 1)
	rec.Add(dur, pay, 7)
	time.Sleep(100 * time.Millisecond)
	c.Flush()
	require.True(t, s.Observe(c.Snapshot()))
	tl = s.Timeline()
	assert.Equal(t, []float64{100, 5}, []float64(tl.Line("http_reqs").Sum))
	assert.Equal(t, []float64{1000, 1100}, tl.Dur)
	assert.InDelta(t, 7, tl.Line("http_req_duration").P99[1], 0.01)
}

// TestSamplerHalvesPastMaxColumns keeps memory bounded: past MaxColumns columns neighbouring
// columns merge, counts add up and nothing is lost.
func TestSamplerHalvesPastMaxColumns(t *testing.T) {
	synctest.Test(t, samplerHalvesPastMaxColumns)
}

func samplerHalvesPastMaxColumns(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 1})
	s := report.NewSampler(time.Second)
	reqs := reg.Get(metrics.HTTPReqs)
	for range report.MaxColumns + 1 {
		c.Recorder(0).Add(reqs, nil, 1)
		time.Sleep(time.Second)
		c.Flush()
		require.True(t, s.Observe(c.Snapshot()))
	}
	tl := s.Timeline()
	assert.LessOrEqual(t, len(tl.End), report.MaxColumns)
	assert.Equal(t, 1, tl.Halvings)
	var total float64
	for _, v := range tl.Line("http_reqs").Sum {
		total += v
	}
	assert.Equal(t, float64(report.MaxColumns+1), total)
}

// TestValuesJSON: missing values are null, numbers keep 6 significant digits.
func TestValuesJSON(t *testing.T) {
	b, err := json.Marshal(report.Values{1, math.NaN(), 2.123456789, 1e6})
	require.NoError(t, err)
	assert.JSONEq(t, `[1,null,2.12346,1000000]`, string(b))
	var v report.Values
	require.NoError(t, json.Unmarshal(b, &v))
	assert.True(t, math.IsNaN(v[1]))
	assert.Equal(t, 2.12346, v[2])
}

// TestMergeTimelinesAddsUpByTime: two processes' columns on the same seconds add up; VU
// gauges add up across processes, other gauges keep the highest value.
func TestMergeTimelinesAddsUpByTime(t *testing.T) {
	synctest.Test(t, mergeTimelinesAddsUpByTime)
}

func mergeTimelinesAddsUpByTime(t *testing.T) {
	mk := func(reqs []float64, vus, conns float64) *report.Timeline {
		s := report.NewSampler(time.Second)
		reg := metrics.NewRegistry()
		c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 1})
		cm, err := reg.New("db_connections", metrics.Gauge, metrics.Default)
		require.NoError(t, err)
		for _, n := range reqs {
			c.Recorder(0).Add(reg.Get(metrics.HTTPReqs), nil, n)
			c.Recorder(0).Add(reg.Get(metrics.VUs), nil, vus)
			c.Recorder(0).Add(cm, metrics.NewTags(map[string]string{"state": "idle"}), conns)
			time.Sleep(time.Second)
			c.Flush()
			require.True(t, s.Observe(c.Snapshot()))
		}
		return s.Timeline()
	}
	a, b := mk([]float64{3, 4}, 2, 5), mk([]float64{10, 20}, 3, 7)
	// Put both on the same two seconds, as two machines started together would be.
	b.End = a.End
	m := report.MergeTimelines(a, b)
	require.Len(t, m.End, 2)
	assert.Equal(t, []float64{13, 24}, []float64(m.Line("http_reqs").Sum))
	assert.Equal(t, []float64{5, 5}, []float64(m.Line("vus").Last))
	assert.Equal(t, []float64{7, 7}, []float64(m.Line("db_connections{state=idle}").Last))
	assert.True(t, m.ApproxPercentiles)
}

// TestSamplerSeesFlushesAfterTheEnd: once the run's end is marked, snapshots keep the same
// Elapsed, but what they add (the database monitor's last sample) still makes its column.
func TestSamplerSeesFlushesAfterTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := metrics.NewRegistry()
		c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 1})
		s := report.NewSampler(time.Second)
		deadlocks, err := reg.New("db_deadlocks", metrics.Counter, metrics.Default)
		require.NoError(t, err)
		c.Recorder(0).Add(deadlocks, nil, 1)
		time.Sleep(time.Second)
		c.Flush()
		require.True(t, s.Observe(c.Snapshot()))
		c.MarkEnd(time.Now())
		for range 2 {
			time.Sleep(time.Second)
			c.Recorder(0).Add(deadlocks, nil, 2)
			c.Flush()
			require.True(t, s.Observe(c.Snapshot()), "a later flush is a new column")
		}
		assert.Equal(t, []float64{1, 2, 2}, []float64(s.Timeline().Line("db_deadlocks").Sum))
	})
}
