package executor_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/enginetest"
	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
)

var thirds = []string{"0:1/3", "1/3:2/3", "2/3:1"}

// segmented returns opts with an execution segment of the thirds sequence.
func segmented(t *testing.T, opts, seg string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(opts), &m))
	m["executionSegment"] = seg
	m["executionSegmentSequence"] = "0,1/3,2/3,1"
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

func TestSegmentSplitsConfigs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts string
		got  func(executor.Config) []int64
		want [][]int64 // per third
	}{
		{"constant-vus: 7 VUs", `{"vus": 7, "duration": "10s"}`,
			func(c executor.Config) []int64 { return []int64{c.(*executor.ConstantVUs).VUs} },
			[][]int64{{3}, {2}, {2}}},
		{"per-vu-iterations: VUs split, iterations kept", `{"scenarios": {"s": {"executor": "per-vu-iterations", "vus": 7, "iterations": 5}}}`,
			func(c executor.Config) []int64 {
				p := c.(*executor.PerVUIterations)
				return []int64{p.VUs, p.Iterations, p.Plan().Iterations}
			},
			[][]int64{{3, 5, 15}, {2, 5, 10}, {2, 5, 10}}},
		{"shared-iterations: 100 over 7 VUs", `{"vus": 7, "iterations": 100}`,
			func(c executor.Config) []int64 {
				s := c.(*executor.SharedIterations)
				return []int64{s.VUs, s.Iterations}
			},
			[][]int64{{3, 43}, {2, 29}, {2, 28}}},
		{"shared-iterations: 1 VU takes every iteration", `{"vus": 1, "iterations": 10}`,
			func(c executor.Config) []int64 {
				s := c.(*executor.SharedIterations)
				return []int64{s.VUs, s.Iterations}
			},
			[][]int64{{1, 10}, {0, 0}, {0, 0}}},
		{"ramping-vus: targets split", `{"vus": 5, "stages": [{"duration": "10s", "target": 10}, {"duration": "5s", "target": 1}]}`,
			func(c executor.Config) []int64 {
				r := c.(*executor.RampingVUs)
				return []int64{r.StartVUs, r.Stages[0].Target, r.Stages[1].Target, r.Plan().MaxVUs}
			},
			[][]int64{{2, 4, 1, 4}, {2, 3, 0, 3}, {1, 3, 0, 3}}},
		{"constant-arrival-rate: VUs split", `{"scenarios": {"s": {"executor": "constant-arrival-rate", "rate": 1000,
			"duration": "1s", "preAllocatedVUs": 4, "maxVUs": 10}}}`,
			func(c executor.Config) []int64 {
				p := c.Plan()
				return []int64{p.MaxVUs - p.OnDemandVUs, p.MaxVUs}
			},
			[][]int64{{2, 4}, {1, 3}, {1, 3}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for i, seg := range thirds {
				cfgs, err := executor.FromOptions(parse(t, segmented(t, tc.opts, seg)))
				require.NoError(t, err)
				require.Len(t, cfgs, 1)
				assert.Equal(t, tc.want[i], tc.got(cfgs[0]), "segment %s", seg)
			}
		})
	}
}

func TestSegmentOptionErrors(t *testing.T) {
	t.Parallel()
	for _, opts := range []string{
		`{"executionSegment": "2/3:1/3"}`,
		`{"executionSegment": "0:1/2", "executionSegmentSequence": "0,1/3,2/3,1"}`,
		`{"executionSegmentSequence": "0,1/3,2/3,1"}`,
		`{"executionSegmentSequence": "0,2/3,1/3"}`,
	} {
		_, err := executor.FromOptions(parse(t, opts))
		assert.ErrorIs(t, err, executor.ErrSegment, opts)
		assert.ErrorIs(t, err, executor.ErrConfig, opts)
	}
}

// segmentRun runs opts in each third, one engine per third as separate processes would, and
// returns the iterations' InTest numbers and the iterations and drops per third.
func segmentRun(t *testing.T, opts string, iterate time.Duration) (inTest map[uint64]int, iters, dropped []float64) {
	t.Helper()
	inTest = map[uint64]int{}
	var mu sync.Mutex
	for _, seg := range thirds {
		synctest.Test(t, func(t *testing.T) {
			h := newHarness(t, segmented(t, opts, seg), func(ctx context.Context, c enginetest.Call) error {
				mu.Lock()
				inTest[c.Iteration.InTest]++
				mu.Unlock()
				return enginetest.Sleep(ctx, iterate)
			})
			_, err := h.run()
			require.NoError(t, err)
			iters = append(iters, h.sum(metrics.Iterations))
			dropped = append(dropped, h.sum(metrics.DroppedIterations))
		})
	}
	return inTest, iters, dropped
}

func assertUniqueFromZero(t *testing.T, inTest map[uint64]int, n int) {
	t.Helper()
	assert.Len(t, inTest, n)
	for i := range uint64(n) {
		assert.Equal(t, 1, inTest[i], "iterationInTest %d", i)
	}
}

func TestSegmentsRunExactlyTheWhole(t *testing.T) {
	t.Run("constant-arrival-rate 1000/s", func(t *testing.T) {
		inTest, iters, dropped := segmentRun(t, `{"scenarios": {"s": {"executor": "constant-arrival-rate",
			"rate": 1000, "duration": "2s", "preAllocatedVUs": 6}}}`, time.Millisecond)
		assert.Equal(t, []float64{667, 667, 666}, iters)
		assert.Equal(t, []float64{0, 0, 0}, dropped)
		assertUniqueFromZero(t, inTest, 2000)
	})
	t.Run("ramping-arrival-rate", func(t *testing.T) {
		inTest, iters, _ := segmentRun(t, `{"scenarios": {"s": {"executor": "ramping-arrival-rate",
			"preAllocatedVUs": 3, "stages": [{"duration": "2s", "target": 300}, {"duration": "1s", "target": 300}]}}}`,
			time.Millisecond)
		assert.InDelta(t, 600, iters[0]+iters[1]+iters[2], 1)
		assert.InDelta(t, iters[0], iters[2], 1)
		assert.Len(t, inTest, int(iters[0]+iters[1]+iters[2]), "iterationInTest values are unique across segments")
	})
	t.Run("shared-iterations 100", func(t *testing.T) {
		inTest, iters, _ := segmentRun(t, `{"vus": 7, "iterations": 100}`, time.Millisecond)
		assert.Equal(t, []float64{43, 29, 28}, iters)
		assertUniqueFromZero(t, inTest, 100)
	})
	t.Run("constant-vus", func(t *testing.T) {
		inTest, iters, _ := segmentRun(t, `{"vus": 7, "duration": "1s"}`, 100*time.Millisecond)
		assert.Equal(t, []float64{30, 20, 20}, iters)
		assert.Len(t, inTest, 70)
	})
}
