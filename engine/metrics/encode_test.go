package metrics_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// machine simulates one load generator: it records samples into its own collector and returns
// the encoded snapshot.
func machine(t *testing.T, start time.Time, record func(rec metrics.Recorder, reg *metrics.Registry)) []byte {
	t.Helper()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	record(c.Recorder(1), reg)
	c.Flush()
	s := c.Snapshot().Clone()
	s.Start, s.Elapsed = start, 10*time.Second
	data, err := s.MarshalBinary()
	require.NoError(t, err)
	return data
}

func TestSnapshotEncodeDecodeMergeAcrossMachines(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rng := rand.New(rand.NewPCG(3, 4))
	tags := metrics.NewTags(map[string]string{"name": "pay", "status": "200"})
	var all []float64
	encoded := make([][]byte, 3)
	for i := range encoded {
		encoded[i] = machine(t, t0.Add(time.Duration(i)*time.Second), func(rec metrics.Recorder, reg *metrics.Registry) {
			for range 5000 {
				v := rng.ExpFloat64() * float64(20*(i+1)) // each machine sees a different distribution
				all = append(all, v)
				rec.Add(reg.Get(metrics.HTTPReqDuration), tags, v)
				rec.Add(reg.Get(metrics.HTTPReqs), tags, 1)
			}
			rec.Add(reg.Get(metrics.Checks), nil, float64(i%2))
			rec.Add(reg.Get(metrics.VUs), nil, float64(10*(i+1)))
			custom, err := reg.New("wallet_balance", metrics.Gauge, metrics.Default)
			require.NoError(t, err)
			rec.Add(custom, nil, float64(i))
		})
	}

	reg := metrics.NewRegistry()
	merged, err := metrics.DecodeSnapshot(reg, encoded[0])
	require.NoError(t, err)
	for _, data := range encoded[1:] {
		o, err := metrics.DecodeSnapshot(reg, data)
		require.NoError(t, err)
		merged.Merge(o)
	}

	assert.Equal(t, t0, merged.Start.UTC())
	assert.Equal(t, 12*time.Second, merged.Elapsed)
	require.Len(t, merged.Series, 5)
	reqs := merged.Aggregate(reg.Get(metrics.HTTPReqs), nil)
	assert.Equal(t, uint64(15000), reqs.Count)
	assert.Equal(t, 15000.0, reqs.Sum)
	checks := merged.Aggregate(reg.Get(metrics.Checks), nil)
	assert.Equal(t, uint64(3), checks.Count)
	assert.Equal(t, 1.0, checks.Sum)
	vus := merged.Aggregate(reg.Get(metrics.VUs), nil)
	assert.Equal(t, 60.0, vus.Last, "the machines' VUs add up: they ran at the same time")
	assert.Equal(t, 60.0, vus.Min)
	assert.Equal(t, 60.0, vus.Max)
	balance := merged.Aggregate(reg.Get("wallet_balance"), nil)
	assert.Equal(t, 2.0, balance.Last, "any other gauge: the last merged value wins")
	require.NotNil(t, reg.Get("wallet_balance"), "custom metrics are registered on decode")

	dur := merged.Aggregate(reg.Get(metrics.HTTPReqDuration), tags)
	slices.Sort(all)
	require.Equal(t, uint64(len(all)), dur.Count)
	assert.Equal(t, all[0], dur.Min)
	assert.Equal(t, all[len(all)-1], dur.Max)
	for _, p := range []float64{50, 90, 95, 99} {
		want := exactPercentile(all, p)
		assert.InDelta(t, want, dur.Percentile(p), want*1e-3+1.0/metrics.TrendScale, "p(%v)", p)
	}
}

func TestDecodeSnapshotRoundTripKeepsEverything(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	tags := metrics.NewTags(map[string]string{"scenario": "pay", "group": "::checkout"})
	for i := range 100 {
		c.Recorder(uint64(i)).Add(reg.Get(metrics.IterationDuration), tags, float64(i)+0.25)
		c.Recorder(uint64(i)).Add(reg.Get(metrics.DataSent), nil, 512)
	}
	c.Recorder(0).Add(reg.Get(metrics.VUsMax), nil, 42)
	c.Flush()
	orig := c.Snapshot()
	data, err := orig.MarshalBinary()
	require.NoError(t, err)

	got, err := metrics.DecodeSnapshot(reg, data)
	require.NoError(t, err)
	assert.True(t, orig.Start.Equal(got.Start))
	assert.Equal(t, orig.Elapsed, got.Elapsed)
	require.Len(t, got.Series, len(orig.Series))
	for i, want := range orig.Series {
		se := got.Series[i]
		assert.Same(t, want.Metric, se.Metric)
		assert.Equal(t, want.Tags.Key(), se.Tags.Key())
		w, g := want.Sink, se.Sink
		assert.Equal(t, [5]any{w.Type, w.Count, w.Sum, w.Min, w.Max}, [5]any{g.Type, g.Count, g.Sum, g.Min, g.Max})
		assert.Equal(t, w.Last, g.Last)
		if w.Hist != nil {
			assert.Equal(t, w.Percentile(99), g.Percentile(99))
		}
	}
}

func TestDecodeSnapshotErrors(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	c.Recorder(0).Add(reg.Get(metrics.HTTPReqDuration), nil, 3)
	c.Flush()
	good, err := c.Snapshot().MarshalBinary()
	require.NoError(t, err)

	conflicting := metrics.NewRegistry()
	_, err = conflicting.New("custom", metrics.Counter, metrics.Default)
	require.NoError(t, err)
	other := metrics.NewRegistry()
	_, err = other.New("custom", metrics.Trend, metrics.Default)
	require.NoError(t, err)
	oc := metrics.NewCollector(other, metrics.CollectorConfig{})
	oc.Recorder(0).Add(other.Get("custom"), nil, 1)
	oc.Flush()
	customTrend, err := oc.Snapshot().MarshalBinary()
	require.NoError(t, err)

	cases := []struct {
		name string
		reg  *metrics.Registry
		data []byte
		want error
	}{
		{"empty", reg, nil, metrics.ErrBadSnapshot},
		{"bad magic", reg, append([]byte("XXXXXXXX"), good[8:]...), metrics.ErrBadSnapshot},
		{"truncated", reg, good[:len(good)-3], metrics.ErrBadSnapshot},
		{"trailing", reg, append(slices.Clone(good), 0), metrics.ErrBadSnapshot},
		{"type conflict", conflicting, customTrend, metrics.ErrConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := metrics.DecodeSnapshot(tc.reg, tc.data)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	for i := range 50 {
		c.Recorder(0).Add(reg.Get(metrics.HTTPReqDuration), metrics.NewTags(map[string]string{"n": "x"}), float64(i))
	}
	c.Recorder(0).Add(reg.Get(metrics.VUs), nil, 3)
	c.Flush()
	seed, err := c.Snapshot().MarshalBinary()
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte("NNJSSNP\x01\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := metrics.DecodeSnapshot(metrics.NewRegistry(), data)
		if err != nil {
			return
		}
		again, err := s.MarshalBinary()
		require.NoError(t, err)
		s2, err := metrics.DecodeSnapshot(metrics.NewRegistry(), again)
		require.NoError(t, err)
		require.Len(t, s2.Series, len(s.Series))
		s2.Merge(s)
	})
}
