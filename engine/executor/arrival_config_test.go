package executor_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/executor"
)

func ptr(n int64) *int64 { return &n }

func TestArrivalRateConfigs(t *testing.T) {
	t.Parallel()
	cfgs, err := executor.FromOptions(parse(t, `{"scenarios": {
		"car": {"executor": "constant-arrival-rate", "rate": 30, "duration": "1m", "preAllocatedVUs": 5},
		"rar": {"executor": "ramping-arrival-rate", "timeUnit": "1m", "preAllocatedVUs": 2, "maxVUs": 20,
			"stages": [{"duration": "10s", "target": 60}, {"duration": "20s", "target": 0}]}}}`))
	require.NoError(t, err)
	require.Len(t, cfgs, 2)
	assert.Equal(t, &executor.ConstantArrivalRate{
		BaseConfig: executor.NewBaseConfig("car", "constant-arrival-rate"),
		Rate:       30, TimeUnit: dur(time.Second), Duration: dur(time.Minute),
		ArrivalVUs: executor.ArrivalVUs{PreAllocatedVUs: ptr(5)},
	}, cfgs[0])
	p := cfgs[0].Plan()
	assert.Equal(t, int64(5), p.MaxVUs, "maxVUs defaults to preAllocatedVUs")
	assert.Zero(t, p.OnDemandVUs)
	assert.Equal(t, time.Minute, p.Duration)

	rar := cfgs[1].(*executor.RampingArrivalRate)
	assert.Equal(t, int64(0), rar.StartRate)
	assert.Equal(t, dur(time.Minute), rar.TimeUnit)
	p = rar.Plan()
	assert.Equal(t, int64(20), p.MaxVUs)
	assert.Equal(t, int64(18), p.OnDemandVUs)
	assert.Equal(t, 30*time.Second, p.Duration)
	assert.Equal(t, 60*time.Second, p.End())
}

func TestArrivalRateConfigErrors(t *testing.T) {
	t.Parallel()
	const car = `"executor": "constant-arrival-rate", "rate": 10, "duration": "10s", "preAllocatedVUs": 2`
	const rar = `"executor": "ramping-arrival-rate", "preAllocatedVUs": 2, "stages": [{"duration": "10s", "target": 5}]`
	cases := []struct {
		name, scenario, want string
	}{
		{"no rate", `"executor": "constant-arrival-rate", "duration": "10s", "preAllocatedVUs": 1`, "s.rate: must be more than 0, got 0"},
		{"negative rate", car + `, "rate": -1`, "s.rate: must be more than 0, got -1"},
		{"zero timeUnit", car + `, "timeUnit": "0s"`, "s.timeUnit: must be more than 0, got 0s"},
		{"short duration", car + `, "duration": "500ms"`, "s.duration: must be at least 1s, got 500ms"},
		{"no preAllocatedVUs", `"executor": "constant-arrival-rate", "rate": 1, "duration": "1s"`,
			"s.preAllocatedVUs: is required (allowed: an integer from 0 to 100000000)"},
		{"negative preAllocatedVUs", car + `, "preAllocatedVUs": -1`, "s.preAllocatedVUs: must be between 0 and 100000000, got -1"},
		{"maxVUs below preAllocatedVUs", car + `, "maxVUs": 1`, "s.maxVUs: must not be less than preAllocatedVUs (2), got 1"},
		{"negative startRate", rar + `, "startRate": -5`, "s.startRate: must not be negative, got -5"},
		{"no stages", `"executor": "ramping-arrival-rate", "preAllocatedVUs": 1`,
			"s.stages: at least one stage is required (allowed: [{duration, target}, ...])"},
		{"negative target", rar + `, "stages": [{"duration": "1s", "target": -3}]`,
			"s.stages: stage 1: target must be between 0 and 9223372036854775807, got -3"},
		{"vus is not an option", car + `, "vus": 3`,
			"s.vus: unknown option (allowed: executor, startTime, gracefulStop, exec, env, tags, options, rate, timeUnit, duration, preAllocatedVUs, maxVUs)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := executor.FromOptions(parse(t, `{"scenarios": {"s": {`+tc.scenario+`}}}`))
			require.ErrorIs(t, err, executor.ErrConfig)
			assert.Contains(t, "\n"+err.Error()+"\n", "\nscenarios."+tc.want+"\n")
		})
	}
}
