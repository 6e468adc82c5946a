package jsapi

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestCustomMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "custom.js", options.Options{}, nil)
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "pay_latency", v.global("name"))

	want := map[string]struct {
		typ      metrics.Type
		contains metrics.ValueType
		values   []float64
	}{
		"payments":    {metrics.Counter, metrics.Default, []float64{2}},
		"balance":     {metrics.Gauge, metrics.Default, []float64{10.5}},
		"ok_rate":     {metrics.Rate, metrics.Default, []float64{1, 0}},
		"pay_latency": {metrics.Trend, metrics.Time, []float64{12}},
		"plain_trend": {metrics.Trend, metrics.Default, []float64{3}},
	}
	for name, w := range want {
		m := h.reg.Get(name)
		require.NotNil(t, m, name)
		assert.Equal(t, w.typ, m.Type, name)
		assert.Equal(t, w.contains, m.Contains, name)
		var got []float64
		for _, s := range h.rec.of(name) {
			got = append(got, s.Value)
			assert.Equal(t, "s", s.Tags["scenario"])
		}
		assert.Equal(t, w.values, got, name)
	}
	assert.Equal(t, "EUR", h.rec.of("payments")[0].Tags["currency"])
}

func TestCustomMetricMisuse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "custom.js", options.Options{}, nil)
	for _, exec := range []string{"addNaN", "lateMetric"} {
		v := h.vu(1, exec)
		var se *ScriptError
		require.ErrorAs(t, v.Iterate(context.Background(), engine.Iteration{}), &se, exec)
	}
	prg, err := Compile("testdata/badmetric.js", CompileOptions{})
	require.NoError(t, err)
	_, err = prg.Options(context.Background(), nil)
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Msg, "invalid metric name")
}

func TestExecutionModule(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "execution.js", options.Options{Tags: map[string]string{"env": "test"}}, nil)
	v, err := h.r.NewVU(context.Background(), 7)
	require.NoError(t, err)
	a := v.Activate(engine.Activation{Scenario: "pay", Executor: "ramping-vus"})
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{InTest: 40, InInstance: 20}))
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{InTest: 41, InInstance: 21}))
	assert.Equal(t, "7,1,1,pay,ramping-vus,41,21,test,1", v.(*vu).global("info"))
	a.Deactivate()
	a = v.Activate(engine.Activation{Scenario: "other", Executor: "constant-vus"})
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{InTest: 0}))
	assert.Equal(t, "7,2,0,other,constant-vus,0,0,test,1", v.(*vu).global("info"))
}

func TestAbort(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "execution.js", options.Options{}, nil)
	v := h.vu(1, "abortNow")
	err := v.Iterate(context.Background(), engine.Iteration{})
	var ab *engine.AbortError
	require.ErrorAs(t, err, &ab)
	assert.Equal(t, "enough", ab.Reason)
	assert.Nil(t, v.global("afterAbort"))
	assert.Empty(t, h.rec.of("iteration_errors"))
}

func TestContextCancelInterrupts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "busy.js", options.Options{}, nil)
	for _, exec := range []string{"", "sleeper"} {
		v := h.vu(1, exec)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		start := time.Now()
		err := v.Iterate(ctx, engine.Iteration{})
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded, exec)
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Nil(t, v.global("afterSleep"))
		// the runtime is usable again with a fresh context
		v.Deactivate()
		v.Activate(engine.Activation{Scenario: "s", Exec: "quick"})
		require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
		assert.Equal(t, int64(1), v.global("quick"))
	}
}

func TestHandleSummary(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "summary.js", options.Options{}, nil)
	data := map[string]any{"metrics": map[string]any{"checks": map[string]any{"values": map[string]any{"rate": 0.5}}}}
	out, ok, err := h.r.HandleSummary(context.Background(), data)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "checks: 0.5\n", string(out["stdout"]))
	assert.Equal(t, []byte("nn"), out["raw.bin"])
	var back map[string]any
	require.NoError(t, json.Unmarshal(out["out/summary.json"], &back))
	assert.Equal(t, data, back)

	h2 := newHarness(t, "nosetup.js", options.Options{}, nil)
	_, ok, err = h2.r.HandleSummary(context.Background(), data)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestOptionsProbe(t *testing.T) {
	t.Parallel()
	prg, err := Compile("testdata/summary.js", CompileOptions{})
	require.NoError(t, err)
	raw, err := prg.Options(context.Background(), map[string]string{"VUS": "12"})
	require.NoError(t, err)
	o, err := options.Parse(raw)
	require.NoError(t, err)
	require.NotNil(t, o.VUs)
	assert.Equal(t, int64(12), *o.VUs)
	assert.Equal(t, 10*time.Second, o.Duration.D())
	assert.Equal(t, "p(95)<500", o.Thresholds["http_req_duration"][0].Source)

	prg, err = Compile("testdata/nosetup.js", CompileOptions{})
	require.NoError(t, err)
	raw, err = prg.Options(context.Background(), nil)
	require.NoError(t, err)
	assert.JSONEq(t, "{}", string(raw))
}

func TestOptionsProbeCancelled(t *testing.T) {
	t.Parallel()
	prg, err := Compile("testdata/initloop.js", CompileOptions{})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = prg.Options(ctx, nil)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}

func TestInspectListsExportedFunctions(t *testing.T) {
	t.Parallel()
	prg, err := Compile("testdata/lifecycle.js", CompileOptions{})
	require.NoError(t, err)
	info, err := prg.Inspect(context.Background(), nil, nil)
	require.NoError(t, err)
	assert.Contains(t, info.Functions, "default")
	assert.Contains(t, info.Functions, "setup")
	assert.NotContains(t, info.Functions, "options", "options is not a function")
	assert.True(t, info.HasFunction("setup"))
	assert.False(t, info.HasFunction("nope"))
	assert.JSONEq(t, `{"vus": 2, "tags": {"team": "qa"}}`, string(info.Options))
}

// TestVUTagsPersistForTheScenario: a tag set through k6/execution stays for the VU's later
// iterations of the scenario (setting it again keeps the same tag set) and is gone in the
// next scenario.
func TestVUTagsPersistForTheScenario(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "execution.js", options.Options{}, nil)
	v, err := h.r.NewVU(context.Background(), 1)
	require.NoError(t, err)
	a := v.Activate(engine.Activation{Scenario: "pay", Exec: "tagged"})
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{}))
	first := v.(*vu).tags
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{}))
	assert.Same(t, first, v.(*vu).tags, "the same tag set again: no new set")
	flow, _ := first.Get("flow")
	assert.Equal(t, "pay", flow)
	assert.Equal(t, "flow,group,scenario", v.(*vu).global("tagsSeen"))
	a.Deactivate()
	v.Activate(engine.Activation{Scenario: "other"})
	_, ok := v.(*vu).tags.Get("flow")
	assert.False(t, ok, "a new scenario starts from its own tags")
}
