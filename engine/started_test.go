package engine_test

import (
	"context"
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

// TestStartedAfterVUInit: the test-run clock starts once the VUs are initialised, before
// setup, as k6's does; a slow init is not part of it.
func TestStartedAfterVUInit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		begin := time.Now()
		var setupAt time.Time
		r := &enginetest.Runner{
			OnInit:  func(ctx context.Context, _ uint64) error { return enginetest.Sleep(ctx, 2*time.Second) },
			OnSetup: func(context.Context) (any, error) { setupAt = time.Now(); return nil, nil },
		}
		o, err := options.Parse([]byte(`{"vus": 2, "iterations": 2}`))
		require.NoError(t, err)
		cfgs, err := executor.FromOptions(o)
		require.NoError(t, err)
		var started []time.Time
		eng, err := engine.New(engine.Config{
			Runner: r, Scenarios: executor.Scenarios(cfgs), Options: o,
			Registry: metrics.NewRegistry(), NewRecorder: enginetest.NewRecorder().Factory(),
			Started: func(t time.Time) { started = append(started, t) },
		})
		require.NoError(t, err)
		require.NoError(t, eng.Run(context.Background()))
		require.Len(t, started, 1)
		assert.GreaterOrEqual(t, started[0].Sub(begin), 2*time.Second, "after the VUs' init")
		assert.False(t, started[0].After(setupAt), "before setup")
	})
}
