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
	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

type harness struct {
	runner *enginetest.Runner
	rec    *enginetest.Recorder
	eng    *engine.Engine
}

func newHarness(t *testing.T, opts string, r *enginetest.Runner) *harness {
	t.Helper()
	o, err := options.Parse([]byte(opts))
	require.NoError(t, err)
	cfgs, err := executor.FromOptions(o)
	require.NoError(t, err)
	h := &harness{runner: r, rec: enginetest.NewRecorder()}
	h.eng, err = engine.New(engine.Config{
		Runner: r, Scenarios: executor.Scenarios(cfgs), Options: o,
		Registry: metrics.NewRegistry(), NewRecorder: h.rec.Factory(),
	})
	require.NoError(t, err)
	return h
}

func sleeper(d time.Duration) func(ctx context.Context, c enginetest.Call) error {
	return func(ctx context.Context, _ enginetest.Call) error { return enginetest.Sleep(ctx, d) }
}

func TestLifecycleOrderAndSetupData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu       sync.Mutex
			seen     []any
			teardown any
		)
		r := &enginetest.Runner{
			OnSetup: func(ctx context.Context) (any, error) { return "wallets-42", nil },
			OnIterate: func(ctx context.Context, c enginetest.Call) error {
				mu.Lock()
				seen = append(seen, c.Data)
				mu.Unlock()
				return enginetest.Sleep(ctx, time.Second)
			},
			OnTeardown: func(ctx context.Context, data any) error { teardown = data; return nil },
		}
		h := newHarness(t, `{"vus": 2, "iterations": 4}`, r)
		require.NoError(t, h.eng.Run(context.Background()))
		assert.Equal(t, []string{"setup", "iterate", "teardown"}, r.Events())
		assert.Equal(t, []any{"wallets-42", "wallets-42", "wallets-42", "wallets-42"}, seen)
		assert.Equal(t, "wallets-42", teardown)
		assert.Equal(t, 2, r.Inits())
	})
}

func TestIterationMetricsCarryScenarioAndRunTags(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
			if c.Iteration.InTest%2 == 1 {
				return errors.New("uncaught exception")
			}
			return enginetest.Sleep(ctx, time.Second)
		}}
		h := newHarness(t, `{"tags": {"env": "staging"}, "scenarios": {"pay": {"executor": "shared-iterations",
			"vus": 2, "iterations": 10, "tags": {"flow": "transfer"}}}}`, r)
		require.NoError(t, h.eng.Run(context.Background()), "an uncaught exception does not stop the run")
		want := map[string]string{"env": "staging", "scenario": "pay", "flow": "transfer"}
		assert.Equal(t, []map[string]string{want}, h.rec.Tags(metrics.Iterations))
		assert.Equal(t, 10.0, h.rec.Sum(metrics.Iterations, want))
		assert.Equal(t, 5.0, h.rec.Sum(metrics.IterationErrors, want))
		assert.Len(t, h.rec.Values(metrics.IterationDuration, want), 10)
		assert.Equal(t, []map[string]string{{"env": "staging"}}, h.rec.Tags(metrics.VUs))
	})
}

func TestAbortFromAVUStopsEverythingAndRunsTeardown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
			if c.Iteration.InTest == 5 {
				return &engine.AbortError{Reason: "wallet negative"}
			}
			return enginetest.Sleep(ctx, time.Second)
		}}
		h := newHarness(t, `{"scenarios": {
			"a": {"executor": "constant-vus", "vus": 3, "duration": "1m"},
			"b": {"executor": "constant-vus", "vus": 1, "duration": "1m", "startTime": "30s"}}}`, r)
		start := time.Now()
		err := h.eng.Run(context.Background())
		require.ErrorIs(t, err, engine.ErrAborted)
		var abort *engine.AbortError
		require.ErrorAs(t, err, &abort)
		assert.Equal(t, "wallet negative", abort.Reason)
		assert.Equal(t, "teardown", r.Events()[len(r.Events())-1])
		assert.Equal(t, 2*time.Second, time.Since(start), "running iterations finish, no new ones start")
		assert.Equal(t, engine.Skipped, h.eng.Progress()[1].Status, "a later scenario never starts")
		assert.Zero(t, h.rec.Sum(metrics.IterationsInterrupted, nil))
	})
}

type thresholdFailed struct{}

func (thresholdFailed) Error() string { return "threshold p(95)<300 crossed" }

func TestEngineAbortInterruptsAfterGracefulStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: sleeper(time.Minute)}
		h := newHarness(t, `{"scenarios": {"a": {"executor": "constant-vus", "vus": 2, "duration": "10m", "gracefulStop": "3s"}}}`, r)
		go func() {
			time.Sleep(5 * time.Second)
			h.eng.Abort(thresholdFailed{})
		}()
		start := time.Now()
		err := h.eng.Run(context.Background())
		require.ErrorIs(t, err, engine.ErrAborted)
		require.ErrorAs(t, err, new(thresholdFailed))
		assert.Equal(t, 8*time.Second, time.Since(start))
		assert.Equal(t, 2.0, h.rec.Sum(metrics.IterationsInterrupted, nil))
		assert.Zero(t, h.rec.Sum(metrics.Iterations, nil))
		assert.Equal(t, []string{"setup", "iterate", "teardown"}, r.Events())
	})
}

func TestCancelledContextStopsGracefullyAndRunsTeardown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: sleeper(4 * time.Second)}
		h := newHarness(t, `{"scenarios": {"a": {"executor": "constant-vus", "vus": 2, "duration": "1h", "gracefulStop": "30s"}}}`, r)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(6 * time.Second)
			cancel()
		}()
		start := time.Now()
		err := h.eng.Run(ctx)
		require.ErrorIs(t, err, engine.ErrStopped)
		assert.NotErrorIs(t, err, engine.ErrAborted)
		assert.Equal(t, 8*time.Second, time.Since(start), "the iterations started at 4s finish")
		assert.Equal(t, 4.0, h.rec.Sum(metrics.Iterations, nil))
		assert.Zero(t, h.rec.Sum(metrics.DroppedIterations, nil))
		assert.Equal(t, "teardown", r.Events()[len(r.Events())-1])
	})
}

func TestSetupTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnSetup: func(ctx context.Context) (any, error) {
			return nil, enginetest.Sleep(ctx, time.Hour)
		}}
		h := newHarness(t, `{"setupTimeout": "2s", "iterations": 1}`, r)
		start := time.Now()
		err := h.eng.Run(context.Background())
		require.ErrorIs(t, err, engine.ErrSetupTimeout)
		assert.Equal(t, 2*time.Second, time.Since(start))
		assert.Equal(t, []string{"setup"}, r.Events(), "no iteration, no teardown")
	})
}

func TestSetupAndTeardownErrors(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name   string
		runner *enginetest.Runner
		want   []error
		events []string
	}{
		{"setup exception", &enginetest.Runner{OnSetup: func(context.Context) (any, error) { return nil, boom }},
			[]error{engine.ErrSetup, boom}, []string{"setup"}},
		{"abort in setup", &enginetest.Runner{OnSetup: func(context.Context) (any, error) { return nil, &engine.AbortError{} }},
			[]error{engine.ErrAborted}, []string{"setup"}},
		{"teardown exception", &enginetest.Runner{OnTeardown: func(context.Context, any) error { return boom }},
			[]error{engine.ErrTeardown, boom}, []string{"setup", "iterate", "teardown"}},
		{"teardown timeout", &enginetest.Runner{OnTeardown: func(ctx context.Context, _ any) error { return enginetest.Sleep(ctx, time.Hour) }},
			[]error{engine.ErrTeardownTimeout}, []string{"setup", "iterate", "teardown"}},
		{"init error", &enginetest.Runner{OnInit: func(_ context.Context, id uint64) error {
			if id == 2 {
				return boom
			}
			return nil
		}}, []error{boom}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, `{"vus": 3, "teardownTimeout": "1s"}`, tc.runner)
				err := h.eng.Run(context.Background())
				for _, w := range tc.want {
					assert.ErrorIs(t, err, w)
				}
				assert.Equal(t, tc.events, tc.runner.Events())
			})
		})
	}
	t.Run("init error is typed", func(t *testing.T) {
		r := &enginetest.Runner{OnInit: func(context.Context, uint64) error { return boom }}
		h := newHarness(t, `{}`, r)
		var ie *engine.InitError
		require.ErrorAs(t, h.eng.Run(context.Background()), &ie)
		assert.Equal(t, uint64(1), ie.VU)
	})
}

func TestStopDuringInitRunsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnInit: func(ctx context.Context, _ uint64) error {
			return enginetest.Sleep(ctx, time.Minute)
		}}
		h := newHarness(t, `{"vus": 50, "duration": "10s"}`, r)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err := h.eng.Run(ctx)
		require.ErrorIs(t, err, engine.ErrStopped)
		assert.Empty(t, r.Events(), "no setup, no iteration, no teardown")
	})
}

func TestBeforeScenariosRunsAfterSetupAndCanStopTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var events []string
		var mu sync.Mutex
		note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
		r := &enginetest.Runner{
			OnSetup:    func(ctx context.Context) (any, error) { note("setup"); return nil, nil },
			OnIterate:  func(ctx context.Context, c enginetest.Call) error { note("iterate"); return nil },
			OnTeardown: func(ctx context.Context, data any) error { note("teardown"); return nil },
		}
		o, err := options.Parse([]byte(`{"vus": 1, "iterations": 1}`))
		require.NoError(t, err)
		cfgs, err := executor.FromOptions(o)
		require.NoError(t, err)
		baseline := errors.New("baseline failed")
		for _, hookErr := range []error{nil, baseline} {
			events = nil
			eng, err := engine.New(engine.Config{
				Runner: r, Scenarios: executor.Scenarios(cfgs), Options: o,
				Registry: metrics.NewRegistry(), NewRecorder: enginetest.NewRecorder().Factory(),
				BeforeScenarios: func(ctx context.Context) error { note("baseline"); return hookErr },
			})
			require.NoError(t, err)
			err = eng.Run(context.Background())
			if hookErr == nil {
				require.NoError(t, err)
				assert.Equal(t, []string{"setup", "baseline", "iterate", "teardown"}, events)
				continue
			}
			require.ErrorIs(t, err, baseline)
			assert.Equal(t, []string{"setup", "baseline", "teardown"}, events, "no iteration after a failed hook; teardown still runs")
		}
	})
}

// TestPerVUIterationsRunOnDistinctVUs: each of the scenario's VUs runs its own iterations,
// even when an iteration ends before the next VU is handed out (a VU released early must not
// be handed out again to run another VU's share).
func TestPerVUIterationsRunOnDistinctVUs(t *testing.T) {
	for range 20 {
		var mu sync.Mutex
		perVU := map[uint64]int{}
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
			mu.Lock()
			perVU[c.VU]++
			mu.Unlock()
			return nil
		}}
		h := newHarness(t, `{"scenarios": {"p": {"executor": "per-vu-iterations", "vus": 8, "iterations": 3}}}`, r)
		require.NoError(t, h.eng.Run(context.Background()))
		require.Len(t, perVU, 8, "8 distinct VUs ran iterations: %v", perVU)
		for vu, n := range perVU {
			require.Equal(t, 3, n, "VU %d", vu)
		}
	}
}

// TestIterationEndingAfterItsContextIsInterrupted: an iteration that returns nil after its
// context ended (it ignored the stop) is interrupted, as in k6, not completed.
func TestIterationEndingAfterItsContextIsInterrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, _ enginetest.Call) error {
			<-ctx.Done()
			return nil
		}}
		h := newHarness(t, `{"scenarios": {"a": {"executor": "constant-vus", "vus": 2, "duration": "1s", "gracefulStop": "1s"}}}`, r)
		require.NoError(t, h.eng.Run(context.Background()))
		assert.Equal(t, 2.0, h.rec.Sum(metrics.IterationsInterrupted, nil))
		assert.Zero(t, h.rec.Sum(metrics.Iterations, nil))
		assert.Zero(t, h.rec.Sum(metrics.IterationErrors, nil))
	})
}

// TestAbortStopsNewIterationsAtOnce: once Abort returns, no VU starts another iteration, even
// the VU whose iteration called it and returns right away (test.abort() from a fast loop).
func TestAbortStopsNewIterationsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu    sync.Mutex
			calls int
			h     *harness
		)
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, _ enginetest.Call) error {
			mu.Lock()
			calls++
			first := calls == 1
			mu.Unlock()
			if first {
				h.eng.Abort(thresholdFailed{})
				return nil
			}
			return enginetest.Sleep(ctx, time.Second)
		}}
		h = newHarness(t, `{"scenarios": {"a": {"executor": "constant-vus", "vus": 1, "duration": "1m"}}}`, r)
		err := h.eng.Run(context.Background())
		require.ErrorIs(t, err, engine.ErrAborted)
		assert.Equal(t, 1, calls, "no iteration starts after Abort returned")
	})
}
