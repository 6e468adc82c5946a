package exporter

import (
	"io"
	"math"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// testRun records a few samples of each metric type and returns the collector.
func testRun(t testing.TB) *metrics.Collector {
	t.Helper()
	reg := metrics.NewRegistry()
	reqs, err := reg.New("http_reqs", metrics.Counter, metrics.Default)
	require.NoError(t, err)
	failed, err := reg.New("http_req_failed", metrics.Rate, metrics.Default)
	require.NoError(t, err)
	dur, err := reg.New("http_req_duration", metrics.Trend, metrics.Time)
	require.NoError(t, err)
	vus, err := reg.New("vus", metrics.Gauge, metrics.Default)
	require.NoError(t, err)
	col := metrics.NewCollector(reg, metrics.CollectorConfig{})
	rec := col.Recorder(1)
	for i := range 100 {
		status := "200"
		if i%10 == 0 {
			status = "500"
		}
		// A URL per request: one series each in the collector, one label set here.
		tags := metrics.NewTags(map[string]string{"status": status, "url": "http://x/" + string(rune('a'+i%26)), "name": "n" + string(rune('a'+i%26)), "method": "GET"})
		rec.Add(reqs, tags, 1)
		rec.Add(failed, tags, map[bool]float64{true: 1}[status == "500"])
		rec.Add(dur, tags, float64(i+1)) // 1..100 ms
	}
	rec.Add(vus, nil, 7)
	col.Flush()
	return col
}

func find(fams []*dto.MetricFamily, name string) *dto.MetricFamily {
	for _, f := range fams {
		if f.GetName() == name {
			return f
		}
	}
	return nil
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.Label {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

func TestGatherCountersRatesGaugesTrends(t *testing.T) {
	t.Parallel()
	col := testRun(t)
	fams, err := New(col.Snapshot, Config{}).Gather()
	require.NoError(t, err)

	reqs := find(fams, "nnjs_http_reqs_total")
	require.NotNil(t, reqs)
	assert.Equal(t, dto.MetricType_COUNTER, reqs.GetType())
	got := map[string]float64{}
	for _, m := range reqs.Metric {
		assert.NotContains(t, labels(m), "url")
		assert.NotContains(t, labels(m), "name")
		got[labels(m)["status"]] = m.GetCounter().GetValue()
	}
	assert.Equal(t, map[string]float64{"200": 90, "500": 10}, got, "series differing only in url and name add up")

	var fails, samples float64
	for _, m := range find(fams, "nnjs_http_req_failed_total").Metric {
		fails += m.GetCounter().GetValue()
	}
	for _, m := range find(fams, "nnjs_http_req_failed_samples_total").Metric {
		samples += m.GetCounter().GetValue()
	}
	assert.Equal(t, 10.0, fails)
	assert.Equal(t, 100.0, samples)
	assert.Equal(t, 7.0, find(fams, "nnjs_vus").Metric[0].GetGauge().GetValue())

	dur := find(fams, "nnjs_http_req_duration_seconds")
	require.NotNil(t, dur)
	assert.Equal(t, dto.MetricType_HISTOGRAM, dur.GetType())
	var count uint64
	var sum float64
	var native int64
	for _, m := range dur.Metric {
		h := m.GetHistogram()
		count += h.GetSampleCount()
		sum += h.GetSampleSum()
		assert.Equal(t, h.GetSampleCount(), h.Bucket[len(h.Bucket)-1].GetCumulativeCount(), "every sample under 128 s")
		var c int64
		for _, d := range h.PositiveDelta {
			c += d
			native += c
		}
	}
	assert.Equal(t, uint64(100), count)
	assert.InDelta(t, 5.050, sum, 1e-9, "1+2+...+100 ms in seconds")
	assert.Equal(t, int64(100), native, "native buckets hold every sample")
}

// TestQuantileWithinBucketError: Prometheus's histogram_quantile over the classic buckets
// (linear interpolation within the bucket) lands in the bucket that holds the true p95.
func TestQuantileWithinBucketError(t *testing.T) {
	t.Parallel()
	col := testRun(t)
	snap := col.Snapshot()
	sink := snap.Aggregate(snap.Series[0].Metric, nil)
	for _, s := range snap.Series {
		if s.Metric.Name == "http_req_duration" {
			sink = snap.Aggregate(s.Metric, nil)
			break
		}
	}
	h := histogram(sink, metrics.Time, 1e-3)
	p95 := sink.Percentile(95) / 1000
	q := classicQuantile(0.95, h)
	lo, hi := bucketAround(h, p95)
	assert.True(t, q >= lo && q <= hi, "quantile %v not in (%v, %v] around p95 %v", q, lo, hi, p95)
}

// classicQuantile is histogram_quantile's interpolation over cumulative classic buckets.
func classicQuantile(q float64, h *dto.Histogram) float64 {
	rank := q * float64(h.GetSampleCount())
	prevBound, prevCount := 0.0, 0.0
	for _, b := range h.Bucket {
		c := float64(b.GetCumulativeCount())
		if c >= rank {
			return prevBound + (b.GetUpperBound()-prevBound)*(rank-prevCount)/(c-prevCount)
		}
		prevBound, prevCount = b.GetUpperBound(), c
	}
	return math.Inf(1)
}

func bucketAround(h *dto.Histogram, v float64) (lo, hi float64) {
	for _, b := range h.Bucket {
		if v <= b.GetUpperBound() {
			return lo, b.GetUpperBound()
		}
		lo = b.GetUpperBound()
	}
	return lo, math.Inf(1)
}

func TestNativeIndex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    float64
		want int32
	}{{1, 0}, {1.05, 1}, {2, 8}, {0.5, -8}, {math.Exp2(1.0 / 8), 1}, {math.Exp2(1.0/8) * 1.001, 2}, {0.001, -79}} {
		assert.Equal(t, tc.want, nativeIndex(tc.v), "%v", tc.v)
		// bucket i holds (2^((i-1)/8), 2^(i/8)]
		assert.Greater(t, tc.v, math.Exp2(float64(tc.want-1)/8)*(1-1e-12))
		assert.LessOrEqual(t, tc.v, math.Exp2(float64(tc.want)/8)*(1+1e-12))
	}
}

func TestSeriesLimitFoldsIntoOverflow(t *testing.T) {
	t.Parallel()
	col := testRun(t)
	e := New(col.Snapshot, Config{MaxSeries: 1})
	fams, err := e.Gather()
	require.NoError(t, err)
	var total float64
	var overflow bool
	for _, m := range find(fams, "nnjs_http_reqs_total").Metric {
		total += m.GetCounter().GetValue()
		overflow = overflow || labels(m)[OverflowLabel] == "true"
	}
	assert.Equal(t, 100.0, total, "totals stay exact")
	assert.True(t, overflow)
	assert.Positive(t, e.Overflowed())
}

func TestServeMetrics(t *testing.T) {
	t.Parallel()
	col := testRun(t)
	srv, err := New(col.Snapshot, Config{}).Listen("127.0.0.1:0")
	require.NoError(t, err)
	resp, err := http.Get("http://" + srv.Addr() + "/metrics")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `nnjs_http_reqs_total{method="GET",status="500"} 10`)
	assert.Contains(t, string(body), `nnjs_http_req_duration_seconds_bucket{method="GET",status="500",le="+Inf"} 10`)
	require.NoError(t, srv.Close())
	_, err = New(col.Snapshot, Config{}).Listen("256.0.0.1:1")
	assert.ErrorContains(t, err, "--prometheus 256.0.0.1:1")
}

// BenchmarkGather is the exporter's cost per scrape for a small run (four metrics, 26 URLs).
func BenchmarkGather(b *testing.B) {
	col := testRun(b)
	e := New(col.Snapshot, Config{})
	for b.Loop() {
		if _, err := e.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
