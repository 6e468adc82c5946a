package executor

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/enginetest"
	"github.com/nnprotect/nnjs/engine/metrics"
)

// lateScenario runs an arrival runtime directly, so a test can give it a due func that
// stalls the pacer goroutine (as a starved CPU does) at a chosen iteration.
type lateScenario struct{ a arrival }

func (l lateScenario) Plan() engine.ScenarioPlan {
	return engine.ScenarioPlan{
		Name: "late", Executor: "constant-arrival-rate", Exec: DefaultExec,
		Duration: l.a.duration, GracefulStop: l.a.gracefulStop, MaxVUs: l.a.max,
	}
}

func (l lateScenario) Run(ctx context.Context, s *engine.ScenarioState) error { return l.a.run(ctx, s) }

// runLate runs 100 iterations/s for 1s on 20 VUs of 10 ms iterations; the pacer stalls for
// stall when it reaches iteration stallAt. It returns the started and dropped iterations.
func runLate(t *testing.T, stallAt uint64, stall time.Duration, stop time.Duration) (started, dropped float64) {
	t.Helper()
	stalled := false
	a := arrival{
		duration: time.Second, gracefulStop: time.Second, pre: 20, max: 20,
		due: func(n uint64) (time.Duration, bool) {
			if n == stallAt && !stalled {
				stalled = true // the pacer goroutine is the only caller
				time.Sleep(stall)
			}
			return constantDue(n, 10*time.Millisecond), true
		},
	}
	rec := enginetest.NewRecorder()
	eng, err := engine.New(engine.Config{
		Runner: &enginetest.Runner{OnIterate: func(ctx context.Context, _ enginetest.Call) error {
			return enginetest.Sleep(ctx, 10*time.Millisecond)
		}},
		Scenarios: []engine.Scenario{lateScenario{a: a}}, Registry: metrics.NewRegistry(), NewRecorder: rec.Factory(),
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), stop)
	defer cancel()
	_ = eng.Run(ctx) // ErrStopped when stop cuts the run short
	return rec.Sum(metrics.Iterations, nil) + rec.Sum(metrics.IterationsInterrupted, nil),
		rec.Sum(metrics.DroppedIterations, nil)
}

func TestArrivalRateCountsIterationsThePacerReachedTooLateAsDropped(t *testing.T) {
	tests := []struct {
		name             string
		stallAt          uint64
		stall, stop      time.Duration
		started, dropped float64
	}{
		// Stalled at 0.5s past the end: iterations 50..99 were due before the end but never
		// started; each one is counted as dropped, none is started late.
		{"stalled past the end", 50, 600 * time.Millisecond, time.Minute, 50, 50},
		// A stall inside the duration makes the due iterations start late in one batch (16 of
		// them, fewer than the 20 VUs, so none is dropped).
		{"stalled within the duration", 50, 150 * time.Millisecond, time.Minute, 100, 0},
		// Stopped by the engine (Ctrl-C) while stalled: nothing more is counted, as k6.
		{"engine stop", 50, 600 * time.Millisecond, 700 * time.Millisecond, 50, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				started, dropped := runLate(t, tc.stallAt, tc.stall, tc.stop)
				assert.Equal(t, tc.started, started, "started")
				assert.Equal(t, tc.dropped, dropped, "dropped")
			})
		})
	}
}
