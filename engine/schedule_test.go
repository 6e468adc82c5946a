package engine_test

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
	"github.com/nnprotect/nnjs/engine/options"
)

func TestPlanVUs(t *testing.T) {
	t.Parallel()
	s := time.Second
	plan := func(start, dur, grace time.Duration, vus int64) engine.ScenarioPlan {
		return engine.ScenarioPlan{StartTime: start, Duration: dur, GracefulStop: grace, MaxVUs: vus}
	}
	cases := []struct {
		name  string
		plans []engine.ScenarioPlan
		want  int64
	}{
		{"one", []engine.ScenarioPlan{plan(0, 10*s, 30*s, 5)}, 5},
		{"parallel", []engine.ScenarioPlan{plan(0, 10*s, 0, 5), plan(0, 10*s, 0, 3)}, 8},
		{"sequential reuse", []engine.ScenarioPlan{plan(0, 10*s, 0, 5), plan(10*s, 10*s, 0, 3)}, 5},
		{"graceful stop overlaps", []engine.ScenarioPlan{plan(0, 10*s, 5*s, 5), plan(12*s, 10*s, 0, 3)}, 8},
		{"peak in the middle", []engine.ScenarioPlan{
			plan(0, 10*s, 0, 2), plan(5*s, 10*s, 0, 4), plan(12*s, 10*s, 0, 1), plan(30*s, s, 0, 6)}, 6},
		{"zero-length window", []engine.ScenarioPlan{plan(0, 0, 0, 2)}, 2},
		{"three overlapping", []engine.ScenarioPlan{plan(0, 10*s, 0, 2), plan(5*s, 10*s, 0, 4), plan(8*s, 10*s, 0, 1)}, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, engine.PlanVUs(tc.plans))
		})
	}
}

func TestStartTimeSequencesScenariosAndReusesVUs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu     sync.Mutex
			starts = map[string]time.Duration{}
			vus    = map[string]map[uint64]bool{}
		)
		runStart := time.Now()
		r := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
			mu.Lock()
			sc := c.Activation.Scenario
			if _, ok := starts[sc]; !ok {
				starts[sc] = time.Since(runStart)
				vus[sc] = map[uint64]bool{}
			}
			vus[sc][c.VU] = true
			mu.Unlock()
			return enginetest.Sleep(ctx, 500*time.Millisecond)
		}}
		// login ends at 1s (maxDuration 1s, gracefulStop 0s); pay starts at 1s: 5 VUs serve both.
		h := newHarness(t, `{"scenarios": {
			"login": {"executor": "per-vu-iterations", "vus": 5, "iterations": 1, "maxDuration": "1s", "gracefulStop": "0s"},
			"pay": {"executor": "constant-vus", "vus": 3, "duration": "2s", "startTime": "1s", "exec": "pay"}}}`, r)
		assert.Equal(t, int64(5), h.eng.MaxVUs())
		require.NoError(t, h.eng.Run(context.Background()))
		assert.Equal(t, 5, r.Inits())
		assert.Equal(t, 5.0, h.rec.Max(metrics.VUsMax, nil), "vus_max is the largest concurrent need, not the sum")
		assert.Equal(t, 5.0, h.rec.Max(metrics.VUs, nil))
		assert.Equal(t, map[string]time.Duration{"login": 0, "pay": time.Second}, starts)
		assert.Len(t, vus["pay"], 3)
		for id := range vus["pay"] {
			assert.LessOrEqual(t, id, uint64(5))
		}
		assert.Equal(t, 5.0, h.rec.Sum(metrics.Iterations, map[string]string{"scenario": "login"}))
		assert.Equal(t, 12.0, h.rec.Sum(metrics.Iterations, map[string]string{"scenario": "pay"}))
	})
}

func TestOverlappingScenariosGetTheirOwnVUs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: sleeper(time.Second)}
		h := newHarness(t, `{"scenarios": {
			"a": {"executor": "constant-vus", "vus": 4, "duration": "3s"},
			"b": {"executor": "constant-vus", "vus": 2, "duration": "3s", "startTime": "1s"}}}`, r)
		require.NoError(t, h.eng.Run(context.Background()))
		assert.Equal(t, 6, r.Inits())
		assert.Equal(t, 6, r.MaxActive())
		assert.Equal(t, 6.0, h.rec.Max(metrics.VUs, nil))
		assert.Equal(t, 6.0, h.rec.Max(metrics.VUsMax, nil))
	})
}

func TestProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &enginetest.Runner{OnIterate: sleeper(time.Second)}
		h := newHarness(t, `{"scenarios": {
			"bulk": {"executor": "shared-iterations", "vus": 2, "iterations": 8},
			"soak": {"executor": "constant-vus", "vus": 1, "duration": "10s", "startTime": "2s"}}}`, r)
		done := make(chan error)
		go func() { done <- h.eng.Run(context.Background()) }()
		time.Sleep(1500 * time.Millisecond)
		synctest.Wait()
		p := h.eng.Progress()
		require.Len(t, p, 2)
		assert.Equal(t, engine.ScenarioProgress{
			Name: "bulk", Executor: "shared-iterations", Status: engine.Running, ActiveVUs: 2, MaxVUs: 2,
			Completed: 2, Elapsed: 1500 * time.Millisecond, PlannedDuration: 10 * time.Minute,
			PlannedIterations: 8, Fraction: 0.25,
		}, p[0])
		assert.Equal(t, engine.Waiting, p[1].Status)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		p = h.eng.Progress()
		assert.Equal(t, engine.Done, p[0].Status)
		assert.Equal(t, 4*time.Second, p[0].Elapsed)
		assert.Equal(t, 1.0, p[0].Fraction)
		assert.Equal(t, 4500*time.Millisecond, p[1].Elapsed)
		assert.InDelta(t, 0.45, p[1].Fraction, 1e-9)
		assert.Equal(t, int64(1), p[1].ActiveVUs)
		require.NoError(t, <-done)
	})
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	ok := engine.Config{Runner: &enginetest.Runner{}, Registry: metrics.NewRegistry(),
		NewRecorder: enginetest.NewRecorder().Factory()}
	cases := []struct {
		name   string
		mutate func(*engine.Config)
	}{
		{"no runner", func(c *engine.Config) { c.Runner = nil }},
		{"no registry", func(c *engine.Config) { c.Registry = nil }},
		{"no recorder", func(c *engine.Config) { c.NewRecorder = nil }},
		{"no scenarios", func(c *engine.Config) { c.Scenarios = nil }},
		{"duplicate scenario", func(c *engine.Config) { c.Scenarios = append(c.Scenarios, c.Scenarios[0]) }},
		{"negative VUs", func(c *engine.Config) { c.Scenarios = []engine.Scenario{planOnly{MaxVUs: -1}} }},
		{"more on demand than in all", func(c *engine.Config) {
			c.Scenarios = []engine.Scenario{planOnly{MaxVUs: 2, OnDemandVUs: 3}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			cfg.Scenarios = oneScenario(t)
			tc.mutate(&cfg)
			_, err := engine.New(cfg)
			assert.Error(t, err)
		})
	}
	t.Run("valid", func(t *testing.T) {
		cfg := ok
		cfg.Scenarios = oneScenario(t)
		_, err := engine.New(cfg)
		assert.NoError(t, err)
	})
}

func oneScenario(t *testing.T) []engine.Scenario {
	t.Helper()
	cfgs, err := executor.FromOptions(options.Options{})
	require.NoError(t, err)
	return executor.Scenarios(cfgs)
}

// planOnly is a scenario that only has a plan.
type planOnly engine.ScenarioPlan

func (p planOnly) Plan() engine.ScenarioPlan                      { return engine.ScenarioPlan(p) }
func (planOnly) Run(context.Context, *engine.ScenarioState) error { return nil }

func TestOnDemandVUsArePlannedSeparately(t *testing.T) {
	t.Parallel()
	s := time.Second
	cfg := engine.Config{Runner: &enginetest.Runner{}, Registry: metrics.NewRegistry(),
		NewRecorder: enginetest.NewRecorder().Factory(), Scenarios: []engine.Scenario{
			planOnly{Name: "open", Duration: 10 * s, MaxVUs: 10, OnDemandVUs: 8},
			planOnly{Name: "closed", Duration: 10 * s, MaxVUs: 3},
			planOnly{Name: "later", StartTime: 20 * s, Duration: s, MaxVUs: 6},
		}}
	eng, err := engine.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, int64(6), eng.PlannedVUs(), "max(2+3, 6) up front")
	assert.Equal(t, int64(13), eng.MaxVUs(), "max(10+3, 6) at most")
}

func TestIterationInTestFollowsThePlan(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu  sync.Mutex
			got []engine.Iteration
		)
		r := &enginetest.Runner{OnIterate: func(_ context.Context, c enginetest.Call) error {
			mu.Lock()
			got = append(got, c.Iteration)
			mu.Unlock()
			return nil
		}}
		sc := &countingScenario{planOnly: planOnly{Name: "s", MaxVUs: 1, InTest: func(n uint64) uint64 { return 3*n + 1 }}, n: 3}
		eng, err := engine.New(engine.Config{Runner: r, Registry: metrics.NewRegistry(),
			NewRecorder: enginetest.NewRecorder().Factory(), Scenarios: []engine.Scenario{sc}})
		require.NoError(t, err)
		require.NoError(t, eng.Run(context.Background()))
		assert.Equal(t, []engine.Iteration{{InTest: 1, InInstance: 0}, {InTest: 4, InInstance: 1}, {InTest: 7, InInstance: 2}}, got)
	})
}

// countingScenario runs n iterations on one VU.
type countingScenario struct {
	planOnly
	n int
}

func (c *countingScenario) Run(ctx context.Context, s *engine.ScenarioState) error {
	h, err := s.Acquire(ctx)
	if err != nil {
		return err
	}
	defer h.Release()
	for range c.n {
		h.Iterate(ctx)
	}
	return nil
}
