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
// stalls (as a starved CPU does) the goroutine that reaches a chosen iteration.
type lateScenario struct{ a arrival }

func (l lateScenario) Plan() engine.ScenarioPlan {
	return engine.ScenarioPlan{
		Name: "late", Executor: "constant-arrival-rate", Exec: DefaultExec,
		Duration: l.a.duration, GracefulStop: l.a.gracefulStop, MaxVUs: l.a.max,
	}
}

func (l lateScenario) Run(ctx context.Context, s *engine.ScenarioState) error { return l.a.run(ctx, s) }

// runLate runs 100 iterations/s for 1s on 60 VUs of 2s iterations: the VUs claim and start
// iterations 0 to 59 on time, then all are busy, so the watcher drops each later iteration
// when it comes due. The goroutine that reaches iteration stallAt (the watcher, when it drops
// the one before) stalls for stall. It returns the started and dropped iterations.
func runLate(t *testing.T, stallAt uint64, stall time.Duration, stop time.Duration) (started, dropped float64) {
	t.Helper()
	stalled := false
	a := arrival{
		duration: time.Second, gracefulStop: time.Second, pre: 60, max: 60,
		due: func(n uint64) (time.Duration, bool) {
			if n == stallAt && !stalled {
				stalled = true // due is called with the run's lock held
				time.Sleep(stall)
			}
			return constantDue(n, 10*time.Millisecond), true
		},
	}
	rec := enginetest.NewRecorder()
	eng, err := engine.New(engine.Config{
		Runner: &enginetest.Runner{OnIterate: func(ctx context.Context, _ enginetest.Call) error {
			return enginetest.Sleep(ctx, 2*time.Second)
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

func TestArrivalRateCountsIterationsTheWatcherReachedTooLateAsDropped(t *testing.T) {
	tests := []struct {
		name             string
		stallAt          uint64
		stall, stop      time.Duration
		started, dropped float64
	}{
		// Stalled at 0.69s until past the end: iterations 70..99 were due before the end but
		// never reached; each one is counted as dropped at the end, none is started late.
		{"stalled past the end", 70, 600 * time.Millisecond, time.Minute, 60, 40},
		// A stall inside the duration: the iterations that came due meanwhile are dropped once
		// the watcher runs again, and the schedule goes on.
		{"stalled within the duration", 70, 150 * time.Millisecond, time.Minute, 60, 40},
		// Stopped by the engine (Ctrl-C) while stalled: nothing more is counted, as k6.
		{"engine stop", 70, 600 * time.Millisecond, 900 * time.Millisecond, 60, 10},
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
