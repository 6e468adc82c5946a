package summary

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDataShape(t *testing.T) {
	t.Parallel()
	r := newFixture(t).report(t, options.Options{})

	assert.Equal(t, DefaultTrendStats, r.Options.SummaryTrendStats)
	assert.Equal(t, "", r.Options.SummaryTimeUnit)
	assert.Equal(t, State{IsStdOutTTY: true, TestRunDurationMs: 10000}, r.State)

	dur := r.Metrics[metrics.HTTPReqDuration]
	assert.Equal(t, "trend", dur.Type)
	assert.Equal(t, "time", dur.Contains)
	assert.ElementsMatch(t, DefaultTrendStats, keys(dur.Values))
	assert.InDelta(t, 59, dur.Values["avg"], 0.001)
	assert.Equal(t, 600.0, dur.Values["max"])

	assert.Equal(t, Metric{Type: "counter", Contains: "default",
		Values: map[string]float64{"count": 20, "rate": 2}}, r.Metrics[metrics.HTTPReqs])
	assert.Equal(t, Metric{Type: "counter", Contains: "data",
		Values: map[string]float64{"count": 123456, "rate": 12345.6}}, r.Metrics[metrics.DataReceived])
	assert.Equal(t, Metric{Type: "gauge", Contains: "default",
		Values: map[string]float64{"value": 2, "min": 1, "max": 3}}, r.Metrics[metrics.VUs])
	assert.Equal(t, map[string]float64{"rate": 0.05, "passes": 1, "fails": 19},
		r.Metrics[metrics.HTTPReqFailed].Values)
	assert.Equal(t, "rate", r.Metrics[metrics.HTTPReqFailed].Type)
}

func TestDataOnlyObservedMetrics(t *testing.T) {
	t.Parallel()
	r := newFixture(t).report(t, options.Options{})
	assert.ElementsMatch(t, []string{
		"checks", "data_received", "group_duration", "http_req_duration", "http_req_failed",
		"http_req_waiting", "http_reqs", "iterations", "vus", "wallet_balance",
		"data_sent",                                 // no samples: k6 records 0 each iteration
		"dropped_iterations",                        // no samples, but a threshold names it
		"http_req_duration{name:pay}",               // threshold sub-metric
		"http_req_duration{expected_response:true}", // k6's automatic sub-metric
	}, keys(r.Metrics))
	assert.Equal(t, map[string]float64{"count": 0, "rate": 0}, r.Metrics["dropped_iterations"].Values)
}

func TestDataSubMetrics(t *testing.T) {
	t.Parallel()
	r := newFixture(t).report(t, options.Options{})
	pay := r.Metrics["http_req_duration{name:pay}"]
	assert.Equal(t, 400.0, pay.Values["min"])
	assert.Equal(t, 500.0, pay.Values["avg"])
	expected := r.Metrics["http_req_duration{expected_response:true}"]
	assert.Equal(t, 10.0, expected.Values["max"], "only the expected (list) responses")
}

func TestDataThresholds(t *testing.T) {
	t.Parallel()
	r := newFixture(t).report(t, options.Options{})
	pay := r.Metrics["http_req_duration{name:pay}"]
	require.Contains(t, pay.Thresholds, "p(95)<300")
	assert.False(t, pay.Thresholds["p(95)<300"].OK)
	require.NotNil(t, pay.Thresholds["p(95)<300"].Observed)
	assert.InDelta(t, 600, *pay.Thresholds["p(95)<300"].Observed, 1)

	dur := r.Metrics[metrics.HTTPReqDuration]
	assert.Equal(t, []string{"p(95)<500", "avg<1000"}, dur.ThresholdOrder)
	assert.True(t, dur.Thresholds["p(95)<500"].OK)
	assert.Nil(t, r.Metrics[metrics.VUs].Thresholds)

	b, err := json.Marshal(pay)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"thresholds":{"p(95)\u003c300":{"ok":false}}`)
	b, err = json.Marshal(r.Metrics[metrics.VUs])
	require.NoError(t, err)
	assert.NotContains(t, string(b), "thresholds")
}

func TestDataTrendStats(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.report(t, options.Options{SummaryTrendStats: []string{"p(99.9)", "count", "med"}, SummaryTimeUnit: "ms"})
	dur := r.Metrics[metrics.HTTPReqDuration]
	assert.ElementsMatch(t, []string{"p(99.9)", "count", "med"}, keys(dur.Values))
	assert.Equal(t, 20.0, dur.Values["count"])
	assert.Equal(t, "ms", r.Options.SummaryTimeUnit)

	for _, bad := range [][]string{{"p95"}, {"mean"}, {"p(101)"}, {"avg", ""}} {
		_, err := Data(Input{Snapshot: f.snap, Options: options.Options{SummaryTrendStats: bad}})
		require.ErrorIs(t, err, ErrTrendStat, "%q", bad)
	}
	_, err := Data(Input{Snapshot: f.snap, Options: options.Options{SummaryTimeUnit: "min"}})
	require.ErrorIs(t, err, ErrTimeUnit)
	require.NoError(t, ValidateTrendStats([]string{"avg", "p(0)", "p(100)", "p(99.99)", "count"}))
}

func TestDataGroups(t *testing.T) {
	t.Parallel()
	root := newFixture(t).report(t, options.Options{}).RootGroup
	assert.Equal(t, "", root.Name)
	assert.Equal(t, "", root.Path)
	assert.Equal(t, "d41d8cd98f00b204e9800998ecf8427e", root.ID, "md5 of the empty path")
	require.Equal(t, []Check{{Name: "status is 200", Path: "::status is 200",
		ID: pathID("::status is 200"), Passes: 3}}, root.Checks)

	require.Len(t, root.Groups, 2)
	checkout, browse := root.Groups[0], root.Groups[1]
	assert.Equal(t, "browse", browse.Name)
	assert.Empty(t, browse.Checks, "a group known only from group_duration")
	assert.Equal(t, "::checkout", checkout.Path)
	assert.Equal(t, "a69b0f40ccd50973137f179db751c8db", checkout.ID)
	require.Len(t, checkout.Checks, 1)
	assert.Equal(t, Check{Name: "paid", Path: "::checkout::paid", ID: pathID("::checkout::paid"),
		Passes: 2, Fails: 1}, checkout.Checks[0], "series of two scenarios merged")
	require.Len(t, checkout.Groups, 1)
	confirm := checkout.Groups[0]
	assert.Equal(t, "::checkout::confirm", confirm.Path)
	assert.Equal(t, "::checkout::confirm::receipt", confirm.Checks[0].Path)
	assert.NotNil(t, confirm.Groups, "empty lists marshal as [] like k6")
}

func TestReportMap(t *testing.T) {
	t.Parallel()
	m, err := newFixture(t).report(t, options.Options{}).Map()
	require.NoError(t, err)
	root := m["root_group"].(map[string]any)
	assert.Equal(t, "", root["path"])
	assert.IsType(t, []any{}, root["groups"])
	state := m["state"].(map[string]any)
	assert.Equal(t, 10000.0, state["testRunDurationMs"])
	opts := m["options"].(map[string]any)
	assert.Equal(t, []any{"avg", "min", "med", "max", "p(90)", "p(95)"}, opts["summaryTrendStats"])
	assert.Equal(t, false, opts["noColor"])
	pay := m["metrics"].(map[string]any)["http_req_duration{name:pay}"].(map[string]any)
	assert.Equal(t, map[string]any{"p(95)<300": map[string]any{"ok": false}}, pay["thresholds"])
}

func TestDataEmptySnapshot(t *testing.T) {
	t.Parallel()
	r, err := Data(Input{Snapshot: &metrics.Snapshot{}})
	require.NoError(t, err)
	assert.Empty(t, r.Metrics)
	assert.Empty(t, r.RootGroup.Checks)
	_, err = json.Marshal(r)
	require.NoError(t, err)
}
