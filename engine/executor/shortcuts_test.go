package executor_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/options"
)

func parse(t testing.TB, js string) options.Options {
	t.Helper()
	o, err := options.Parse([]byte(js))
	require.NoError(t, err)
	return o
}

func dur(d time.Duration) options.Duration { return options.Duration(d) }

func TestFromOptionsShortcuts(t *testing.T) {
	t.Parallel()
	base := func(typ string) executor.BaseConfig { return executor.NewBaseConfig("default", typ) }
	cases := []struct {
		name string
		opts string
		want executor.Config
	}{
		{"nothing", `{}`, &executor.PerVUIterations{
			BaseConfig: base("per-vu-iterations"), VUs: 1, Iterations: 1, MaxDuration: dur(10 * time.Minute)}},
		{"empty stages", `{"stages": []}`, &executor.PerVUIterations{
			BaseConfig: base("per-vu-iterations"), VUs: 1, Iterations: 1, MaxDuration: dur(10 * time.Minute)}},
		{"empty scenarios with vus", `{"scenarios": {}, "vus": 3}`, &executor.PerVUIterations{
			BaseConfig: base("per-vu-iterations"), VUs: 1, Iterations: 1, MaxDuration: dur(10 * time.Minute)}},
		{"iterations", `{"iterations": 5}`, &executor.SharedIterations{
			BaseConfig: base("shared-iterations"), VUs: 1, Iterations: 5, MaxDuration: dur(10 * time.Minute)}},
		{"iterations vus duration", `{"iterations": 50, "vus": 5, "duration": "30s"}`, &executor.SharedIterations{
			BaseConfig: base("shared-iterations"), VUs: 5, Iterations: 50, MaxDuration: dur(30 * time.Second)}},
		{"duration", `{"duration": "1m"}`, &executor.ConstantVUs{
			BaseConfig: base("constant-vus"), VUs: 1, Duration: dur(time.Minute)}},
		{"duration vus", `{"duration": "10s", "vus": 20}`, &executor.ConstantVUs{
			BaseConfig: base("constant-vus"), VUs: 20, Duration: dur(10 * time.Second)}},
		{"stages", `{"stages": [{"duration": "10s", "target": 5}, {"duration": "5s", "target": 0}]}`, &executor.RampingVUs{
			BaseConfig: base("ramping-vus"), StartVUs: 1, GracefulRampDown: dur(30 * time.Second),
			Stages: executor.Stages{{Duration: dur(10 * time.Second), Target: 5}, {Duration: dur(5 * time.Second)}}}},
		{"stages vus", `{"vus": 3, "stages": [{"duration": "1m", "target": 9}]}`, &executor.RampingVUs{
			BaseConfig: base("ramping-vus"), StartVUs: 3, GracefulRampDown: dur(30 * time.Second),
			Stages: executor.Stages{{Duration: dur(time.Minute), Target: 9}}}},
		{"only vus", `{"vus": 4}`, &executor.SharedIterations{
			BaseConfig: base("shared-iterations"), VUs: 4, Iterations: 4, MaxDuration: dur(10 * time.Minute)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfgs, err := executor.FromOptions(parse(t, tc.opts))
			require.NoError(t, err)
			require.Len(t, cfgs, 1)
			assert.Equal(t, tc.want, cfgs[0])
		})
	}
}

func TestFromOptionsScenarios(t *testing.T) {
	t.Parallel()
	cfgs, err := executor.FromOptions(parse(t, `{"scenarios": {
		"pay": {"executor": "constant-vus", "vus": 3, "duration": "20s", "startTime": "10s",
			"gracefulStop": "5s", "exec": "pay", "env": {"A": "1"}, "tags": {"kind": "money"}},
		"browse": {"executor": "ramping-vus", "startVUs": 0, "gracefulRampDown": "1s",
			"stages": [{"duration": "5s", "target": 2}]},
		"once": {"executor": "per-vu-iterations", "vus": 2, "iterations": 3, "maxDuration": "1m"},
		"bulk": {"executor": "shared-iterations", "vus": 2, "iterations": 8, "startTime": "10s"}
	}}`))
	require.NoError(t, err)
	var names []string
	for _, c := range cfgs {
		names = append(names, c.Base().Name)
	}
	assert.Equal(t, []string{"browse", "once", "bulk", "pay"}, names, "sorted by startTime, then name")

	pay := cfgs[3].(*executor.ConstantVUs)
	assert.Equal(t, executor.BaseConfig{
		Name: "pay", Type: "constant-vus", StartTime: dur(10 * time.Second), GracefulStop: dur(5 * time.Second),
		Exec: "pay", Env: map[string]string{"A": "1"}, Tags: map[string]string{"kind": "money"},
	}, pay.BaseConfig)
	assert.Equal(t, int64(3), pay.VUs)

	plan := cfgs[1].Plan()
	assert.Equal(t, int64(6), plan.Iterations)
	assert.Equal(t, int64(2), plan.MaxVUs)
	assert.Equal(t, time.Minute, plan.Duration)
	assert.Equal(t, 90*time.Second, plan.End())

	browse := cfgs[0].(*executor.RampingVUs)
	assert.Equal(t, int64(0), browse.StartVUs)
	assert.Equal(t, int64(2), browse.Plan().MaxVUs)
	assert.Equal(t, 5*time.Second, browse.Plan().Duration)
}

func TestFromOptionsErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts string
		want []string // each must appear as a whole line of the error
	}{
		{"iterations and stages", `{"iterations": 3, "stages": [{"duration": "1s", "target": 1}]}`,
			[]string{"iterations: cannot be used together with stages (allowed: one of iterations (with optional duration), duration, stages or scenarios; vus goes with any shortcut)"}},
		{"iterations and scenarios", `{"iterations": 3, "scenarios": {}}`,
			[]string{"iterations: cannot be used together with scenarios (allowed: one of iterations (with optional duration), duration, stages or scenarios; vus goes with any shortcut)"}},
		{"duration and stages", `{"duration": "3s", "stages": [{"duration": "1s", "target": 1}]}`,
			[]string{"duration: cannot be used together with stages (allowed: one of iterations (with optional duration), duration, stages or scenarios; vus goes with any shortcut)"}},
		{"duration and scenarios", `{"duration": "3s", "scenarios": {"a": {"executor": "constant-vus", "duration": "1s"}}}`,
			[]string{"duration: cannot be used together with scenarios (allowed: one of iterations (with optional duration), duration, stages or scenarios; vus goes with any shortcut)"}},
		{"stages and scenarios", `{"stages": [{"duration": "1s", "target": 1}], "scenarios": {}}`,
			[]string{"stages: cannot be used together with scenarios (allowed: one of iterations (with optional duration), duration, stages or scenarios; vus goes with any shortcut)"}},
		{"zero duration", `{"duration": "0s"}`, []string{"duration: must be more than 0 (allowed: a duration of at least 1s)"}},
		{"zero vus with duration", `{"duration": "5s", "vus": 0}`, []string{"vus: must be between 1 and 100000000, got 0"}},
		{"iterations below vus", `{"iterations": 2, "vus": 3}`, []string{"iterations: must be at least vus (3), got 2"}},
		{"short maxDuration via duration", `{"iterations": 2, "duration": "500ms"}`, []string{"duration: must be at least 1s, got 500ms"}},
		{"stages with no VUs", `{"vus": 0, "stages": [{"duration": "1s", "target": 0}]}`, []string{"stages: startVUs or a stage target must be above 0"}},
		{"negative stage target", `{"stages": [{"duration": "1s", "target": -1}]}`, []string{"stages: stage 1: target must be between 0 and 100000000, got -1"}},
		{"unknown executor", `{"scenarios": {"pay": {"executor": "foo"}}}`,
			[]string{`scenarios.pay.executor: unknown executor "foo" (allowed: constant-arrival-rate, constant-vus, per-vu-iterations, ramping-arrival-rate, ramping-vus, shared-iterations)`}},
		{"missing executor", `{"scenarios": {"pay": {"vus": 2}}}`,
			[]string{`scenarios.pay.executor: missing or not a string (allowed: constant-arrival-rate, constant-vus, per-vu-iterations, ramping-arrival-rate, ramping-vus, shared-iterations)`}},
		{"scenario not an object", `{"scenarios": {"pay": 3}}`,
			[]string{`scenarios.pay: must be an object with an executor (allowed: constant-arrival-rate, constant-vus, per-vu-iterations, ramping-arrival-rate, ramping-vus, shared-iterations)`}},
		{"bad name", `{"scenarios": {"pay now": {"executor": "constant-vus", "duration": "1s"}}}`,
			[]string{`scenarios.pay now: invalid scenario name (allowed: letters, digits, _ and -)`}},
		{"unknown field", `{"scenarios": {"pay": {"executor": "constant-vus", "duration": "1s", "rate": 3}}}`,
			[]string{`scenarios.pay.rate: unknown option (allowed: executor, startTime, gracefulStop, exec, env, tags, options, vus, duration)`}},
		{"wrong type", `{"scenarios": {"pay": {"executor": "constant-vus", "duration": "1s", "vus": "many"}}}`,
			[]string{`scenarios.pay.vus: expected an integer, got string`}},
		{"bad duration", `{"scenarios": {"pay": {"executor": "constant-vus", "duration": "soon"}}}`,
			[]string{`scenarios.pay.duration: invalid duration: "soon" (use e.g. 30s, 1m30s, 500ms)`}},
		{"missing duration", `{"scenarios": {"pay": {"executor": "constant-vus"}}}`,
			[]string{`scenarios.pay.duration: must be at least 1s, got 0s`}},
		{"empty exec", `{"scenarios": {"pay": {"executor": "per-vu-iterations", "exec": ""}}}`,
			[]string{`scenarios.pay.exec: must not be empty (allowed: the name of an exported function)`}},
		{"stage without target", `{"scenarios": {"r": {"executor": "ramping-vus", "stages": [{"duration": "1s", "target": 1}, {"duration": "1s"}]}}}`,
			[]string{`scenarios.r.stages: stage 2: needs both duration and target`}},
		{"no stages", `{"scenarios": {"r": {"executor": "ramping-vus"}}}`,
			[]string{`scenarios.r.stages: at least one stage is required (allowed: [{duration, target}, ...])`}},
		{"several errors", `{"scenarios": {"a": {"executor": "shared-iterations", "vus": 0}, "b": {"executor": "x"}}}`,
			[]string{`scenarios.a.vus: must be between 1 and 100000000, got 0`,
				`scenarios.b.executor: unknown executor "x" (allowed: constant-arrival-rate, constant-vus, per-vu-iterations, ramping-arrival-rate, ramping-vus, shared-iterations)`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfgs, err := executor.FromOptions(parse(t, tc.opts))
			require.Error(t, err)
			assert.Nil(t, cfgs)
			assert.ErrorIs(t, err, executor.ErrConfig)
			for _, want := range tc.want {
				assert.Contains(t, "\n"+err.Error()+"\n", "\n"+want+"\n")
			}
			var fe *executor.FieldError
			assert.True(t, errors.As(err, &fe))
		})
	}
}

// FuzzFromOptions feeds arbitrary JSON options: FromOptions must not panic, and whatever it
// accepts must be valid and plan at least one VU.
func FuzzFromOptions(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"vus": 3}`, `{"iterations": 4, "vus": 2, "duration": "2s"}`, `{"duration": "1m"}`,
		`{"stages": [{"duration": "10s", "target": 3}]}`,
		`{"scenarios": {"a": {"executor": "ramping-vus", "stages": [{"duration": 1000, "target": 2}]}}}`,
		`{"scenarios": {"b": {"executor": "shared-iterations", "vus": 2, "iterations": 2, "startTime": 1e300}}}`,
		`{"scenarios": {"c": {"executor": "constant-vus", "duration": "1h", "tags": {"x": "y"}, "options": {"k": [1]}}}}`,
		`{"scenarios": {"d": {"executor": "constant-arrival-rate", "rate": 5, "duration": "2s", "preAllocatedVUs": 1, "maxVUs": 3}}}`,
		`{"scenarios": {"e": {"executor": "ramping-arrival-rate", "preAllocatedVUs": 0, "stages": [{"duration": "1s", "target": 9}]}}}`,
		`{"vus": 7, "duration": "3s", "executionSegment": "1/3:2/3", "executionSegmentSequence": "0,1/3,2/3,1"}`,
		`{"iterations": 9, "executionSegment": "50%"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := options.Parse(data)
		if err != nil {
			return
		}
		cfgs, err := executor.FromOptions(o)
		if err != nil {
			require.ErrorIs(t, err, executor.ErrConfig)
			return
		}
		require.NotEmpty(t, cfgs)
		for _, c := range cfgs {
			require.NoError(t, c.Validate())
			p := c.Plan()
			require.GreaterOrEqual(t, p.MaxVUs, p.OnDemandVUs)
			require.GreaterOrEqual(t, p.OnDemandVUs, int64(0))
			require.GreaterOrEqual(t, p.End(), p.StartTime)
		}
	})
}
