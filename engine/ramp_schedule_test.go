package engine_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/enginetest"
	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// rampRun is one ramping-vus run to peak VUs over ramp, then hold at peak, recorded by a
// collector ticking every interval, with the engine's vus gauge recorded twice as often (so
// that every interval has a sample whatever the order of simultaneous ticks).
type rampRun struct {
	start  time.Time       // the scenario's start
	points []metrics.Point // the vus gauge, one point per interval
}

func runRamp(t *testing.T, peak int64, ramp, hold, interval time.Duration) rampRun {
	t.Helper()
	o, err := options.Parse(fmt.Appendf(nil, `{"scenarios": {"ramp": {"executor": "ramping-vus", "startVUs": 0,
		"gracefulRampDown": "0s", "stages": [{"duration": %q, "target": %d}, {"duration": %q, "target": %d}]}}}`,
		ramp.String(), peak, hold.String(), peak))
	require.NoError(t, err)
	cfgs, err := executor.FromOptions(o)
	require.NoError(t, err)
	var (
		once sync.Once
		run  rampRun
	)
	runner := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
		once.Do(func() { run.start = c.Activation.StartTime })
		return enginetest.Sleep(ctx, 50*time.Millisecond)
	}}
	reg := metrics.NewRegistry()
	col := metrics.NewCollector(reg, metrics.CollectorConfig{Interval: interval, MaxPoints: 1 << 14, KeepSeries: true})
	eng, err := engine.New(engine.Config{
		Runner: runner, Scenarios: executor.Scenarios(cfgs), Options: o, Registry: reg,
		NewRecorder: col.Recorder, GaugeInterval: interval / 2,
	})
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { col.Run(ctx) })
	require.NoError(t, eng.Run(context.Background()))
	stop()
	wg.Wait()
	for _, ts := range col.TimeSeries() {
		if ts.Metric.Name == metrics.VUs {
			run.points = ts.Points
		}
	}
	require.NotEmpty(t, run.points, "no vus time series")
	return run
}

// TestRampingVUsFollowsItsScheduleInTheVUsTimeSeries proves the ramping-vus schedule:
// from 0 to 200 VUs over 2 minutes then holding 200 (scenarios/ramp.js), 10 times faster
// (12 s, then 2 s at 200) with Go-func VUs on the synctest clock, reaches
// every intermediate VU count within one (scaled) second of its schedule, and the vus gauge's
// time series shows it: at each sampled time t, |vus(t) − min(200·t/T, 200)| is at most the
// VUs one (scaled) second of the ramp covers (200/120).
func TestRampingVUsFollowsItsScheduleInTheVUsTimeSeries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const (
			peak     = 200
			scale    = 10
			ramp     = 2 * time.Minute / scale
			hold     = 20 * time.Second / scale
			second   = time.Second / scale // one second of the real ramp
			interval = 20 * time.Millisecond
		)
		run := runRamp(t, peak, ramp, hold, interval)
		slack := float64(peak) * float64(second) / float64(ramp) // VUs per (scaled) second

		reached := make([]time.Duration, peak+1) // when the gauge first showed n VUs
		for i := range reached {
			reached[i] = -1
		}
		sampled := 0
		for _, p := range run.points {
			at := p.Time.Sub(run.start)
			if at <= 0 || at >= ramp+hold {
				continue // before the start; at the end the scenario releases its VUs
			}
			sampled++
			want := min(float64(peak)*float64(at)/float64(ramp), peak)
			assert.LessOrEqual(t, math.Abs(p.Last-want), slack, "vus at %s: %v, schedule %.1f", at, p.Last, want)
			assert.LessOrEqual(t, p.Max, want+slack, "vus max in the interval ending at %s", at)
			for n := 1; n <= int(p.Max) && n <= peak; n++ {
				if reached[n] < 0 {
					reached[n] = at
				}
			}
		}
		require.Equal(t, int((ramp+hold)/interval)-1, sampled, "one vus point per interval")
		for n := 1; n <= peak; n++ {
			due := time.Duration(n) * ramp / peak
			if !assert.GreaterOrEqual(t, reached[n], time.Duration(0), "%d VUs never reached", n) {
				continue
			}
			// reached[n] is the end of the interval in which n VUs were first seen: an upper bound
			assert.InDelta(t, due, reached[n], float64(second), "%d VUs reached at %s, due at %s", n, reached[n], due)
		}
	})
}
