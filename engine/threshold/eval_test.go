package threshold

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func series(m *metrics.Metric, tags map[string]string, vals ...float64) metrics.Series {
	s := metrics.NewSink(m.Type)
	for _, v := range vals {
		s.Add(v)
	}
	return metrics.Series{Metric: m, Tags: metrics.NewTags(tags), Sink: s}
}

func TestObserve(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	trend := series(reg.Get(metrics.HTTPReqDuration), nil, 10, 20, 30, 40, 100).Sink
	counter := series(reg.Get(metrics.Iterations), nil, 1, 1, 1, 1, 1, 1).Sink
	gauge := series(reg.Get(metrics.VUs), nil, 5, 9, 2).Sink
	rate := series(reg.Get(metrics.Checks), nil, 1, 0, 1, 1).Sink
	tests := []struct {
		expr string
		sink *metrics.Sink
		want float64
	}{
		{"avg<1", trend, 40},
		{"min<1", trend, 10},
		{"max<1", trend, 100},
		{"med<1", trend, 30},
		{"p(100)<1", trend, 100},
		{"p(0)<1", trend, 10},
		{"p(75)<1", trend, 40},
		{"count<1", counter, 6},
		{"rate<1", counter, 2}, // 6 over 3s
		{"value<1", gauge, 2},
		{"min<1", gauge, 2},
		{"max<1", gauge, 9},
		{"rate<1", rate, 0.75},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tc.expr)
			require.NoError(t, err)
			assert.InDelta(t, tc.want, Observe(tc.sink, e, 3*time.Second), 0.05)
		})
	}
}

func TestObserveEmpty(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	for _, tc := range []struct {
		name, expr string
		typ        metrics.Type
		want       float64
	}{
		{"trend p95", "p(95)<1", metrics.Trend, 0},
		{"trend avg", "avg<1", metrics.Trend, 0},
		{"counter count", "count<1", metrics.Counter, 0},
		{"gauge value", "value<1", metrics.Gauge, 0},
	} {
		e, err := Parse(tc.expr)
		require.NoError(t, err)
		assert.Equal(t, tc.want, Observe(metrics.NewSink(tc.typ), e, time.Second), tc.name)
	}
	e, err := Parse("rate<1")
	require.NoError(t, err)
	assert.True(t, math.IsNaN(Observe(metrics.NewSink(metrics.Rate), e, time.Second)), "empty Rate is NaN as in k6")
	assert.Zero(t, Observe(series(reg.Get(metrics.Iterations), nil, 5).Sink, e, 0), "no elapsed time: rate 0")
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	dur := reg.Get(metrics.HTTPReqDuration)
	set, err := New(reg, map[string]options.Thresholds{
		"http_req_duration":           cfg("p(95)<500"),
		"http_req_duration{name:pay}": cfg("p(95)<300", "max<1000"),
		"http_req_failed":             cfg("rate<0.01"),
		"iterations":                  cfg("count>=3"),
	})
	require.NoError(t, err)
	snap := &metrics.Snapshot{Elapsed: 10 * time.Second, Series: []metrics.Series{
		series(dur, map[string]string{"name": "pay", "method": "POST"}, 400, 420, 450),
		series(dur, map[string]string{"name": "list"}, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
		series(reg.Get(metrics.Iterations), nil, 1, 1, 1),
	}}
	res := set.Evaluate(snap)
	require.Len(t, res, 5)
	byExpr := map[string]Result{}
	for _, r := range res {
		byExpr[r.Threshold.Name+" "+r.Threshold.Expr.Source] = r
	}
	assert.True(t, byExpr["http_req_duration p(95)<500"].OK, "whole metric is dominated by fast list calls")
	pay := byExpr["http_req_duration{name:pay} p(95)<300"]
	assert.False(t, pay.OK, "the pay sub-metric alone is slow")
	assert.InDelta(t, 450, pay.Observed, 1)
	assert.True(t, byExpr["http_req_duration{name:pay} max<1000"].OK)
	failed := byExpr["http_req_failed rate<0.01"]
	assert.True(t, failed.OK, "an empty Rate is not judged and does not fail, as in k6")
	assert.True(t, failed.Empty)
	assert.True(t, math.IsNaN(failed.Observed))
	assert.True(t, byExpr["iterations count>=3"].OK)
	assert.True(t, res.Failed())
	assert.Len(t, res.Failures(), 1)
}

func TestResultsFailed(t *testing.T) {
	t.Parallel()
	assert.False(t, Results{{OK: true}, {OK: true}}.Failed())
	assert.True(t, Results{{OK: true}, {OK: false}}.Failed())
	assert.False(t, Results(nil).Failed())
}

func TestShouldAbort(t *testing.T) {
	t.Parallel()
	abort := &Threshold{Name: "a", AbortOnFail: true}
	delayed := &Threshold{Name: "d", AbortOnFail: true, DelayAbortEval: 10 * time.Second}
	plain := &Threshold{Name: "p"}
	tests := []struct {
		name    string
		res     Results
		elapsed time.Duration
		want    *Threshold
	}{
		{"all ok", Results{{Threshold: abort, OK: true}}, time.Second, nil},
		{"failed without abortOnFail", Results{{Threshold: plain}}, time.Minute, nil},
		{"failed with abortOnFail", Results{{Threshold: plain}, {Threshold: abort}}, time.Second, abort},
		{"failed but empty", Results{{Threshold: abort, Empty: true}}, time.Minute, nil},
		{"within delayAbortEval", Results{{Threshold: delayed}}, 5 * time.Second, nil},
		{"at delayAbortEval", Results{{Threshold: delayed}}, 10 * time.Second, nil},
		{"after delayAbortEval", Results{{Threshold: delayed}}, 11 * time.Second, delayed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, th := (&Set{}).ShouldAbort(tc.res, tc.elapsed)
			assert.Equal(t, tc.want != nil, got)
			assert.Same(t, tc.want, th)
		})
	}
}

// TestSubMetricBeyondTheSeriesLimitIsNotJudged: once samples went to the overflow series,
// a sub-metric by any tag but scenario misses some: it fails as not judged.
func TestSubMetricBeyondTheSeriesLimitIsNotJudged(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	dur := reg.Get(metrics.HTTPReqDuration)
	set, err := New(reg, map[string]options.Thresholds{
		"http_req_duration":             cfg("p(95)<500"),
		"http_req_duration{name:pay}":   cfg("p(95)<500"),
		"http_req_duration{scenario:s}": cfg("p(95)<500"),
	})
	require.NoError(t, err)
	snap := &metrics.Snapshot{Elapsed: time.Second, Series: []metrics.Series{
		series(dur, map[string]string{"name": "pay", "scenario": "s"}, 100),
		series(dur, map[string]string{metrics.OverflowTag: "true", "scenario": "s"}, 900),
	}}
	byName := map[string]Result{}
	for _, r := range set.Evaluate(snap) {
		byName[r.Threshold.Name] = r
	}
	assert.True(t, byName["http_req_duration{name:pay}"].Partial)
	assert.False(t, byName["http_req_duration{name:pay}"].OK, "not judged: it fails")
	assert.False(t, byName["http_req_duration"].Partial, "the whole metric is exact")
	assert.False(t, byName["http_req_duration{scenario:s}"].Partial, "the overflow keeps the scenario")
}
