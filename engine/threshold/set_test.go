package threshold

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func cfg(exprs ...string) options.Thresholds {
	out := make(options.Thresholds, len(exprs))
	for i, e := range exprs {
		out[i] = options.Threshold{Source: e}
	}
	return out
}

func TestNewValid(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	_, err := reg.New("wallet_balance", metrics.Gauge, metrics.Default)
	require.NoError(t, err)
	set, err := New(reg, map[string]options.Thresholds{
		"http_req_duration":               cfg("p(95)<500", "avg<200", "min>0", "max<1000", "med<100"),
		"http_req_duration{name:pay}":     cfg("p(99.9)<300"),
		"http_req_duration{ name : pay }": cfg("p(90)<250"),
		"http_req_failed":                 cfg("rate<0.01"),
		"iterations":                      cfg("count>10", "rate>1"),
		"wallet_balance":                  cfg("value>0", "min>=0", "max<1e9"),
		"group_duration{group:::checkout}": {
			{Source: "avg<400", AbortOnFail: true, DelayAbortEval: options.Duration(10 * time.Second)},
		},
	})
	require.NoError(t, err)
	assert.Equal(t, 14, set.Len())

	subs := set.SubMetrics()
	require.Len(t, subs, 2, "the two spellings of {name:pay} are one sub-metric")
	assert.Equal(t, "group_duration{group:::checkout}", subs[0].Name)
	assert.Equal(t, "http_req_duration{name:pay}", subs[1].Name)
	assert.Same(t, reg.Get(metrics.HTTPReqDuration), subs[1].Metric)
	assert.Equal(t, map[string]string{"name": "pay"}, subs[1].Filter.Map())

	first := set.Thresholds()[0]
	assert.Equal(t, "group_duration{group:::checkout}", first.Name)
	assert.True(t, first.AbortOnFail)
	assert.Equal(t, 10*time.Second, first.DelayAbortEval)
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, expr string
		sentinel        error
		msg             string
	}{
		{"unknown metric", "http_req_durtion", "p(95)<500", ErrUnknownMetric,
			`thresholds["http_req_durtion"]: unknown metric "http_req_durtion"`},
		{"unknown parent of sub-metric", "nope{a:b}", "avg<1", ErrUnknownMetric,
			`thresholds["nope{a:b}"]: unknown metric "nope"`},
		{"bad key", "http_req_duration{name}", "avg<1", ErrSyntax, `thresholds["http_req_duration{name}"]: `},
		{"bad expression", "http_req_duration", "p95<500", ErrSyntax, `thresholds["http_req_duration"]["p95<500"]: `},
		{"percentile on counter", "iterations", "p(95)<5", ErrAggregation,
			`thresholds["iterations"]["p(95)<5"]: `},
		{"count on trend", "http_req_duration", "count>5", ErrAggregation, ""},
		{"rate on trend", "http_req_duration", "rate>5", ErrAggregation, ""},
		{"value on trend", "http_req_duration", "value>5", ErrAggregation, ""},
		{"avg on rate", "http_req_failed", "avg<0.1", ErrAggregation, ""},
		{"count on rate", "checks", "count>1", ErrAggregation, ""},
		{"avg on counter", "iterations", "avg>1", ErrAggregation, ""},
		{"value on counter", "iterations", "value>1", ErrAggregation, ""},
		{"rate on gauge", "vus", "rate>1", ErrAggregation, ""},
		{"p on gauge", "vus", "p(50)>1", ErrAggregation, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(metrics.NewRegistry(), map[string]options.Thresholds{tc.key: cfg(tc.expr)})
			require.ErrorIs(t, err, tc.sentinel)
			var te *Error
			require.True(t, errors.As(err, &te))
			assert.Equal(t, tc.key, te.Key)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}
