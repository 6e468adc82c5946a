package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/enginetest"
)

// TestRunInfo checks what an active VU learns about the run (k6/execution): the scenario's
// progress by its executor, and the instance's completed (errors included) and interrupted
// iterations across scenarios.
func TestRunInfo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type seen struct {
			scenario               string
			progress               float64
			completed, interrupted int64
		}
		var (
			mu   sync.Mutex
			got  []seen
			info engine.RunInfo
		)
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
			require.NotNil(t, c.Activation.Run)
			done, cut := c.Activation.Run.Iterations()
			mu.Lock()
			info = c.Activation.Run
			got = append(got, seen{c.Activation.Scenario, c.Activation.Run.Progress(), done, cut})
			mu.Unlock()
			if c.Activation.Scenario == "timed" {
				return enginetest.Sleep(ctx, 3*time.Second) // the second one is cut by gracefulStop
			}
			if c.Iteration.InTest == 1 {
				return errors.New("an uncaught exception still completes the iteration")
			}
			return nil
		}}
		h := newHarness(t, `{"scenarios": {
			"counted": {"executor": "shared-iterations", "vus": 1, "iterations": 4},
			"timed": {"executor": "constant-vus", "vus": 1, "duration": "4s", "gracefulStop": "0s", "startTime": "10s"}}}`, r)
		require.NoError(t, h.eng.Run(context.Background()))
		require.Len(t, got, 6)
		for i := range 4 {
			assert.Equal(t, seen{"counted", float64(i) / 4, int64(i), 0}, got[i], "iteration %d", i)
		}
		assert.Equal(t, seen{"timed", 0, 4, 0}, got[4])
		assert.Equal(t, seen{"timed", 0.75, 5, 0}, got[5])
		done, cut := info.Iterations()
		assert.Equal(t, [2]int64{5, 1}, [2]int64{done, cut}, "after the run: the last timed iteration was cut")
		assert.Equal(t, 1.0, info.Progress(), "a scenario that ended is done")
	})
}
