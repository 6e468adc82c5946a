package summary

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
)

// fixture is a hand-built run: HTTP requests to two endpoints, checks in nested groups,
// a custom gauge, and thresholds of which one fails.
type fixture struct {
	reg  *metrics.Registry
	snap *metrics.Snapshot
	set  *threshold.Set
}

func add(m *metrics.Metric, tags map[string]string, vals ...float64) metrics.Series {
	s := metrics.NewSink(m.Type)
	for _, v := range vals {
		s.Add(v)
	}
	return metrics.Series{Metric: m, Tags: metrics.NewTags(tags), Sink: s}
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	reg := metrics.NewRegistry()
	balance, err := reg.New("wallet_balance", metrics.Gauge, metrics.Default)
	require.NoError(t, err)
	g := reg.Get
	checks := g(metrics.Checks)
	snap := &metrics.Snapshot{Elapsed: 10 * time.Second, Series: []metrics.Series{
		add(g(metrics.HTTPReqDuration), map[string]string{"name": "list", "expected_response": "true"}, repeat(10, 18)...),
		add(g(metrics.HTTPReqDuration), map[string]string{"name": "pay", "expected_response": "false"}, 400, 600),
		add(g(metrics.HTTPReqs), map[string]string{"name": "list"}, repeat(1, 18)...),
		add(g(metrics.HTTPReqs), map[string]string{"name": "pay"}, 1, 1),
		add(g(metrics.HTTPReqFailed), nil, append(repeat(0, 19), 1)...),
		add(g(metrics.HTTPReqWaiting), nil, 5, 5),
		add(g(metrics.Iterations), nil, repeat(1, 5)...),
		add(g(metrics.VUs), nil, 1, 3, 2),
		add(g(metrics.DataReceived), nil, 123456),
		add(balance, nil, 100, 250),
		add(checks, map[string]string{"check": "status is 200", "group": ""}, 1, 1, 1),
		add(checks, map[string]string{"check": "paid", "group": "::checkout"}, 1, 0),
		add(checks, map[string]string{"check": "receipt", "group": "::checkout::confirm"}, 1, 1),
		add(checks, map[string]string{"check": "paid", "group": "::checkout", "scenario": "b"}, 1),
		add(g(metrics.GroupDuration), map[string]string{"group": "::browse"}, 12),
	}}
	set, err := threshold.New(reg, map[string]options.Thresholds{
		"http_req_duration":           {{Source: "p(95)<500"}, {Source: "avg<1000"}},
		"http_req_duration{name:pay}": {{Source: "p(95)<300"}},
		"http_req_failed":             {{Source: "rate<0.1"}},
		"iterations":                  {{Source: "rate>0.1"}},
		"dropped_iterations":          {{Source: "count==0"}},
	})
	require.NoError(t, err)
	return fixture{reg: reg, snap: snap, set: set}
}

func (f fixture) report(t *testing.T, o options.Options) *Report {
	t.Helper()
	r, err := Data(Input{Snapshot: f.snap, Results: f.set.Evaluate(f.snap), Options: o, IsStdOutTTY: true})
	require.NoError(t, err)
	return r
}
