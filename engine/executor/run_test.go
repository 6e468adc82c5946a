package executor_test

import (
	"context"
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
)

// harness runs options through FromOptions and the engine with a Go-func runner.
type harness struct {
	runner *enginetest.Runner
	rec    *enginetest.Recorder
	eng    *engine.Engine
}

func newHarness(t testing.TB, opts string, iterate func(ctx context.Context, c enginetest.Call) error) *harness {
	t.Helper()
	o := parse(t, opts)
	cfgs, err := executor.FromOptions(o)
	require.NoError(t, err)
	h := &harness{runner: &enginetest.Runner{OnIterate: iterate}, rec: enginetest.NewRecorder()}
	h.eng, err = engine.New(engine.Config{
		Runner: h.runner, Scenarios: executor.Scenarios(cfgs), Options: o,
		Registry: metrics.NewRegistry(), NewRecorder: h.rec.Factory(),
	})
	require.NoError(t, err)
	return h
}

// run runs the engine and returns its error and how long the run took on the bubble's clock.
func (h *harness) run() (time.Duration, error) {
	start := time.Now()
	err := h.eng.Run(context.Background())
	return time.Since(start), err
}

func (h *harness) sum(metric string) float64 { return h.rec.Sum(metric, nil) }

func sleeper(d time.Duration) func(ctx context.Context, c enginetest.Call) error {
	return func(ctx context.Context, _ enginetest.Call) error { return enginetest.Sleep(ctx, d) }
}

// perVU counts iterations per VU id.
type perVU struct {
	mu sync.Mutex
	n  map[uint64]int
}

func (p *perVU) iterate(d time.Duration) func(ctx context.Context, c enginetest.Call) error {
	p.n = map[uint64]int{}
	return func(ctx context.Context, c enginetest.Call) error {
		p.mu.Lock()
		p.n[c.VU]++
		p.mu.Unlock()
		return enginetest.Sleep(ctx, d)
	}
}

func TestPerVUIterationsRunsExactlyVUsTimesIterations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var count perVU
		h := newHarness(t, `{"scenarios": {"s": {"executor": "per-vu-iterations", "vus": 10, "iterations": 7}}}`,
			count.iterate(100*time.Millisecond))
		took, err := h.run()
		require.NoError(t, err)
		assert.Equal(t, 70.0, h.sum(metrics.Iterations))
		assert.Len(t, count.n, 10)
		for vu, n := range count.n {
			assert.Equal(t, 7, n, "VU %d", vu)
		}
		assert.Equal(t, 700*time.Millisecond, took)
		assert.Zero(t, h.sum(metrics.DroppedIterations))
		assert.Equal(t, 10.0, h.rec.Max(metrics.VUsMax, nil))
	})
}

func TestSharedIterationsRunsTheTotal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var count perVU
		h := newHarness(t, `{"vus": 7, "iterations": 100}`, count.iterate(10*time.Millisecond))
		_, err := h.run()
		require.NoError(t, err)
		assert.Equal(t, 100.0, h.sum(metrics.Iterations))
		total := 0
		for _, n := range count.n {
			total += n
		}
		assert.Equal(t, 100, total)
		assert.Len(t, count.n, 7)
		assert.Zero(t, h.sum(metrics.DroppedIterations))
		assert.Len(t, h.rec.Values(metrics.IterationDuration, map[string]string{"scenario": "default"}), 100)
	})
}

func TestConstantVUsLoopsForTheDuration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var count perVU
		h := newHarness(t, `{"vus": 3, "duration": "5s"}`, count.iterate(time.Second))
		took, err := h.run()
		require.NoError(t, err)
		assert.Equal(t, 5*time.Second, took)
		assert.Equal(t, 15.0, h.sum(metrics.Iterations))
		for vu, n := range count.n {
			assert.Equal(t, 5, n, "VU %d", vu)
		}
		for _, v := range h.rec.Values(metrics.IterationDuration, nil) {
			assert.Equal(t, 1000.0, v)
		}
		assert.Zero(t, h.sum(metrics.IterationsInterrupted))
	})
}

func TestGracefulStop(t *testing.T) {
	cases := []struct {
		name            string
		iteration       time.Duration
		wantTook        time.Duration
		wantIterations  float64
		wantInterrupted float64
	}{
		{"a long iteration is interrupted after gracefulStop", 10 * time.Second, 3 * time.Second, 0, 1},
		{"an iteration finishing within gracefulStop completes", 2500 * time.Millisecond, 2500 * time.Millisecond, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, `{"scenarios": {"s": {"executor": "constant-vus", "vus": 1, "duration": "2s", "gracefulStop": "1s"}}}`,
					sleeper(tc.iteration))
				took, err := h.run()
				require.NoError(t, err)
				assert.Equal(t, tc.wantTook, took)
				assert.Equal(t, tc.wantIterations, h.sum(metrics.Iterations))
				assert.Equal(t, tc.wantIterations, float64(len(h.rec.Values(metrics.IterationDuration, nil))))
				assert.Equal(t, tc.wantInterrupted, h.sum(metrics.IterationsInterrupted))
				assert.Zero(t, h.sum(metrics.IterationErrors))
			})
		})
	}
}

func TestMaxDurationDropsUnstartedIterations(t *testing.T) {
	cases := []struct {
		name                                string
		opts                                string
		wantIterations, wantInter, wantDrop float64
	}{
		// 2 VUs, 300ms iterations: each completes 3 by 0.9s, the 4th is cut at 1s.
		{"shared-iterations", `{"scenarios": {"s": {"executor": "shared-iterations", "vus": 2, "iterations": 10, "maxDuration": "1s", "gracefulStop": "0s"}}}`, 6, 2, 2},
		{"per-vu-iterations", `{"scenarios": {"s": {"executor": "per-vu-iterations", "vus": 2, "iterations": 5, "maxDuration": "1s", "gracefulStop": "0s"}}}`, 6, 2, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, tc.opts, sleeper(300*time.Millisecond))
				took, err := h.run()
				require.NoError(t, err)
				assert.Equal(t, time.Second, took)
				assert.Equal(t, tc.wantIterations, h.sum(metrics.Iterations))
				assert.Equal(t, tc.wantInter, h.sum(metrics.IterationsInterrupted))
				assert.Equal(t, tc.wantDrop, h.rec.Sum(metrics.DroppedIterations, map[string]string{"scenario": "s"}))
			})
		})
	}
}

func TestRampingVUsFollowsTheStages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, `{"scenarios": {"r": {"executor": "ramping-vus", "startVUs": 0, "gracefulRampDown": "0s",
			"stages": [{"duration": "10s", "target": 10}, {"duration": "10s", "target": 10}, {"duration": "5s", "target": 0}]}}}`,
			sleeper(time.Second))
		done := make(chan error)
		go func() { _, err := h.run(); done <- err }()
		start := time.Now()
		for _, c := range []struct {
			at   time.Duration
			want int
		}{
			{500 * time.Millisecond, 0}, {1500 * time.Millisecond, 1}, {5500 * time.Millisecond, 5},
			{9500 * time.Millisecond, 9}, {10500 * time.Millisecond, 10}, {19500 * time.Millisecond, 10},
			{21500 * time.Millisecond, 7}, {24500 * time.Millisecond, 1},
		} {
			time.Sleep(c.at - time.Since(start))
			synctest.Wait()
			assert.Equal(t, c.want, h.runner.Active(), "active VUs at %s", c.at)
			assert.Equal(t, int64(c.want), h.eng.Progress()[0].ActiveVUs, "progress at %s", c.at)
		}
		require.NoError(t, <-done)
		assert.Equal(t, 25*time.Second, time.Since(start))
		assert.Equal(t, 10, h.runner.MaxActive())
		assert.Equal(t, 10.0, h.rec.Max(metrics.VUsMax, nil))
		assert.Positive(t, h.sum(metrics.IterationsInterrupted), "ramp-down with gracefulRampDown 0s interrupts")
	})
}

func TestRampingVUsGracefulRampDownLetsTheIterationFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 2 VUs go to 1 at 1s; the removed VU's 4s iteration has gracefulRampDown 10s to finish.
		h := newHarness(t, `{"scenarios": {"r": {"executor": "ramping-vus", "startVUs": 2, "gracefulRampDown": "10s",
			"stages": [{"duration": "1s", "target": 1}, {"duration": "9s", "target": 1}]}}}`,
			sleeper(4*time.Second))
		done := make(chan error)
		go func() { _, err := h.run(); done <- err }()
		time.Sleep(3 * time.Second)
		synctest.Wait()
		assert.Equal(t, 2, h.runner.Active(), "the ramped-down VU still finishes its iteration")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		assert.Equal(t, 1, h.runner.Active(), "and is released when it is done")
		require.NoError(t, <-done)
		assert.Zero(t, h.sum(metrics.IterationsInterrupted))
	})
}

func TestRampingVUsGracefulRampDownInterruptsWithoutFailing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 2 VUs go to 1 at 1s; the removed VU's 5s iteration gets gracefulRampDown 1s, then is
		// interrupted at 2s: an interruption, not an error, and the other VU carries on.
		h := newHarness(t, `{"scenarios": {"r": {"executor": "ramping-vus", "startVUs": 2, "gracefulRampDown": "1s",
			"gracefulStop": "0s", "stages": [{"duration": "1s", "target": 1}, {"duration": "8500ms", "target": 1}]}}}`,
			sleeper(5*time.Second))
		done := make(chan error)
		go func() { _, err := h.run(); done <- err }()
		time.Sleep(1900 * time.Millisecond)
		synctest.Wait()
		assert.Equal(t, 2, h.runner.Active())
		time.Sleep(200 * time.Millisecond)
		synctest.Wait()
		assert.Equal(t, 1, h.runner.Active(), "interrupted after gracefulRampDown")
		require.NoError(t, <-done)
		assert.Equal(t, 2.0, h.sum(metrics.IterationsInterrupted), "one by the ramp-down, one by the end (gracefulStop 0s)")
		assert.Equal(t, 1.0, h.sum(metrics.Iterations), "the remaining VU completed its first iteration")
		assert.Zero(t, h.sum(metrics.IterationErrors))
	})
}
