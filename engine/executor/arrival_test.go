package executor_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/enginetest"
	"github.com/nnprotect/nnjs/engine/metrics"
)

// starts records when each iteration started, as an offset from its scenario's start.
type starts struct {
	mu sync.Mutex
	at []time.Duration
}

func (s *starts) iterate(d time.Duration) func(ctx context.Context, c enginetest.Call) error {
	return func(ctx context.Context, c enginetest.Call) error {
		s.mu.Lock()
		s.at = append(s.at, time.Since(c.Activation.StartTime))
		s.mu.Unlock()
		return enginetest.Sleep(ctx, d)
	}
}

// between counts the iterations started in [from, to).
func (s *starts) between(from, to time.Duration) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, at := range s.at {
		if at >= from && at < to {
			n++
		}
	}
	return n
}

func (s *starts) sorted() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.at)
	slices.Sort(out)
	return out
}

func TestConstantArrivalRateKeepsTheRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var st starts
		h := newHarness(t, `{"scenarios": {"pay": {"executor": "constant-arrival-rate", "rate": 100,
			"duration": "10s", "preAllocatedVUs": 3}}}`, st.iterate(10*time.Millisecond))
		took, err := h.run()
		require.NoError(t, err)
		assert.InDelta(t, 1000, h.sum(metrics.Iterations), 1)
		assert.Zero(t, h.sum(metrics.DroppedIterations))
		assert.Equal(t, 100, st.between(0, time.Second))
		assert.Equal(t, 100, st.between(9*time.Second, 10*time.Second))
		assert.LessOrEqual(t, took, 10*time.Second+10*time.Millisecond)
		assert.Equal(t, 3.0, h.rec.Max(metrics.VUsMax, nil), "no VU beyond preAllocatedVUs")
	})
}

func TestConstantArrivalRateDropsInsteadOfSlowingDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 100/s for 2s with 995ms iterations and at most 4 VUs: each VU starts one iteration per
		// second, the rest are dropped; the 2 extra VUs are initialised on the first misses.
		var st starts
		h := newHarness(t, `{"scenarios": {"pay": {"executor": "constant-arrival-rate", "rate": 100,
			"duration": "2s", "preAllocatedVUs": 2, "maxVUs": 4}}}`, st.iterate(995*time.Millisecond))
		took, err := h.run()
		require.NoError(t, err)
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{0, 10 * ms, 30 * ms, 50 * ms, 1000 * ms, 1010 * ms, 1030 * ms, 1050 * ms}, st.sorted())
		assert.Equal(t, 8.0, h.sum(metrics.Iterations))
		assert.Equal(t, 192.0, h.rec.Sum(metrics.DroppedIterations, map[string]string{"scenario": "pay"}))
		assert.Equal(t, 2045*ms, took, "the last iteration started at 1.05s ends within gracefulStop")
		assert.Equal(t, 4, h.runner.Inits())
		assert.Equal(t, 4.0, h.rec.Max(metrics.VUsMax, nil))
	})
}

func TestArrivalRateInitialisesVUsOnDemandWithoutStalling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 10/s for 3s, 950ms iterations, 1 VU up front and 2 more on demand, each taking
		// 250ms to initialise, one at a time: iterations keep their schedule meanwhile.
		var st starts
		h := newHarness(t, `{"scenarios": {"pay": {"executor": "constant-arrival-rate", "rate": 10,
			"duration": "3s", "preAllocatedVUs": 1, "maxVUs": 3}}}`, st.iterate(950*time.Millisecond))
		var (
			mu       sync.Mutex
			initAt   []time.Duration
			inFlight int
			maxIn    int
		)
		start := time.Now()
		h.runner.OnInit = func(ctx context.Context, id uint64) error {
			if id == 1 {
				return nil
			}
			mu.Lock()
			initAt = append(initAt, time.Since(start))
			inFlight++
			maxIn = max(maxIn, inFlight)
			mu.Unlock()
			defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
			return enginetest.Sleep(ctx, 250*time.Millisecond)
		}
		_, err := h.run()
		require.NoError(t, err)
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{100 * ms, 500 * ms}, initAt, "an init starts on the first miss after the previous one")
		assert.Equal(t, 1, maxIn, "one init at a time")
		assert.Equal(t, []time.Duration{0, 400 * ms, 800 * ms, 1000 * ms, 1400 * ms, 1800 * ms, 2000 * ms, 2400 * ms, 2800 * ms},
			st.sorted())
		assert.Equal(t, 21.0, h.sum(metrics.DroppedIterations))
		assert.Equal(t, 3, h.runner.Inits())
		assert.Equal(t, []float64{1, 2, 3}, dedupe(h.rec.Values(metrics.VUsMax, nil)), "vus_max follows the VUs initialised")
	})
}

// dedupe drops consecutive repeats.
func dedupe(vs []float64) []float64 { return slices.Compact(slices.Clone(vs)) }

func TestRampingArrivalRateReachesEachStage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var st starts
		h := newHarness(t, `{"scenarios": {"r": {"executor": "ramping-arrival-rate", "startRate": 0,
			"preAllocatedVUs": 5, "stages": [{"duration": "1s", "target": 0}, {"duration": "2s", "target": 50},
			{"duration": "3s", "target": 50}, {"duration": "1s", "target": 200}, {"duration": "2s", "target": 200},
			{"duration": "2s", "target": 0}]}}}`, st.iterate(10*time.Millisecond))
		took, err := h.run()
		require.NoError(t, err)
		assert.Zero(t, st.between(0, time.Second), "rate 0 in the first stage")
		assert.InDelta(t, 50, st.between(time.Second, 3*time.Second), 1, "ramp to 50/s")
		assert.InDelta(t, 150, st.between(3*time.Second, 6*time.Second), 1, "50/s for 3s")
		assert.InDelta(t, 125, st.between(6*time.Second, 7*time.Second), 1, "ramp to 200/s")
		assert.InDelta(t, 400, st.between(7*time.Second, 9*time.Second), 1, "200/s for 2s")
		assert.InDelta(t, 200, st.between(9*time.Second, 11*time.Second), 1, "ramp down to 0")
		assert.InDelta(t, 925, h.sum(metrics.Iterations), 1)
		assert.Zero(t, h.sum(metrics.DroppedIterations))
		assert.LessOrEqual(t, took, 11*time.Second)
	})
}

func TestArrivalRateGracefulStopInterrupts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 2/s for 2s with 10s iterations: 4 start, and are interrupted 1s after the end.
		h := newHarness(t, `{"scenarios": {"s": {"executor": "constant-arrival-rate", "rate": 2,
			"duration": "2s", "preAllocatedVUs": 4, "gracefulStop": "1s"}}}`, sleeper(10*time.Second))
		took, err := h.run()
		require.NoError(t, err)
		assert.Equal(t, 3*time.Second, took)
		assert.Equal(t, 4.0, h.sum(metrics.IterationsInterrupted))
		assert.Zero(t, h.sum(metrics.Iterations))
		assert.Zero(t, h.sum(metrics.IterationErrors))
	})
}

func TestArrivalRateStopsOnEngineStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var st starts
		h := newHarness(t, `{"scenarios": {"s": {"executor": "ramping-arrival-rate", "preAllocatedVUs": 2,
			"stages": [{"duration": "1h", "target": 100}]}}}`, st.iterate(time.Millisecond))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err := h.eng.Run(ctx)
		require.ErrorIs(t, err, engine.ErrStopped)
		assert.Equal(t, 10*time.Second, time.Since(start))
		assert.Positive(t, st.between(0, 10*time.Second))
	})
}

func TestArrivalRateVUsAreReusedByALaterScenario(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// "burst" grows to 3 VUs on demand; "soak" starts after it and needs 3: the run
		// initialises 3 VUs in all, and vus_max never goes above 3.
		h := newHarness(t, `{"scenarios": {
			"burst": {"executor": "constant-arrival-rate", "rate": 10, "duration": "2s", "preAllocatedVUs": 1,
				"maxVUs": 3, "gracefulStop": "0s"},
			"soak": {"executor": "constant-vus", "vus": 3, "duration": "1s", "startTime": "2s"}}}`,
			sleeper(250*time.Millisecond))
		require.NoError(t, h.eng.Run(context.Background()))
		assert.Equal(t, 3, h.runner.Inits())
		assert.Equal(t, 3.0, h.rec.Max(metrics.VUsMax, nil))
		assert.Equal(t, 12.0, h.rec.Sum(metrics.Iterations, map[string]string{"scenario": "soak"}))
		assert.Equal(t, int64(3), h.eng.MaxVUs())
	})
}

func TestArrivalRatesRunOnDemandBesideClosedScenarios(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, `{"scenarios": {
			"open": {"executor": "constant-arrival-rate", "rate": 10, "duration": "2s", "preAllocatedVUs": 1, "maxVUs": 4},
			"closed": {"executor": "constant-vus", "vus": 2, "duration": "2s"}}}`, sleeper(250*time.Millisecond))
		assert.Equal(t, int64(3), h.eng.PlannedVUs())
		assert.Equal(t, int64(6), h.eng.MaxVUs())
		require.NoError(t, h.eng.Run(context.Background()))
		assert.Equal(t, 5, h.runner.Inits(), "3 up front, 2 on demand for 10/s with 250ms iterations")
		assert.Equal(t, 16.0, h.rec.Sum(metrics.Iterations, map[string]string{"scenario": "closed"}))
		open := map[string]string{"scenario": "open"}
		assert.Equal(t, 2.0, h.rec.Sum(metrics.DroppedIterations, open), "the misses at 100ms and 400ms")
		assert.Equal(t, 18.0, h.rec.Sum(metrics.Iterations, open))
	})
}

func TestArrivalRateReportsAFailedOnDemandInit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var st starts
		h := newHarness(t, `{"scenarios": {"pay": {"executor": "constant-arrival-rate", "rate": 10,
			"duration": "1s", "preAllocatedVUs": 1, "maxVUs": 2}}}`, st.iterate(150*time.Millisecond))
		h.runner.OnInit = func(_ context.Context, id uint64) error {
			if id == 2 {
				return errors.New("out of memory")
			}
			return nil
		}
		_, err := h.run()
		var ie *engine.InitError
		require.ErrorAs(t, err, &ie, "the run reports the failed init")
		assert.Equal(t, uint64(2), ie.VU)
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{0, 200 * ms, 400 * ms, 600 * ms, 800 * ms}, st.sorted(), "the run goes on with the VUs it has")
		assert.Equal(t, 5.0, h.sum(metrics.DroppedIterations))
		assert.Equal(t, 1.0, h.rec.Max(metrics.VUsMax, nil))
	})
}
