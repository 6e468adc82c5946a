package executor

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/options"
)

func st(d time.Duration, target int64) Stage {
	return Stage{Duration: options.Duration(d), Target: target}
}

func TestRampTarget(t *testing.T) {
	t.Parallel()
	s := time.Second
	up := []Stage{st(10*s, 10)}
	cases := []struct {
		name   string
		from   int64
		stages []Stage
		at     time.Duration
		want   int64
	}{
		{"start", 0, up, 0, 0},
		{"just before first VU", 0, up, s - 1, 0},
		{"first VU at 1s", 0, up, s, 1},
		{"half way", 0, up, 5*s + s/2, 5},
		{"stage end", 0, up, 10 * s, 10},
		{"after the last stage", 0, up, time.Hour, 10},
		{"from startVUs", 4, []Stage{st(6*s, 10)}, 3 * s, 7},
		{"ramp down rounds up", 10, []Stage{st(10*s, 0)}, s / 2, 10},
		{"ramp down one VU per second", 10, []Stage{st(10*s, 0)}, s, 9},
		{"ramp down near the end", 10, []Stage{st(10*s, 0)}, 10*s - 1, 1},
		{"ramp down end", 10, []Stage{st(10*s, 0)}, 10 * s, 0},
		{"plateau", 5, []Stage{st(10*s, 5)}, 7 * s, 5},
		{"zero-duration stage jumps", 1, []Stage{st(0, 8), st(10*s, 8)}, 0, 8},
		{"second stage", 0, []Stage{st(10*s, 10), st(10*s, 20)}, 15 * s, 15},
		{"third stage down", 0, []Stage{st(10*s, 10), st(10*s, 10), st(5*s, 0)}, 21*s + s/2, 7},
		{"no stages", 3, nil, s, 3},
		{"huge durations do not overflow", 0, []Stage{st(100*365*24*time.Hour, MaxVUs)}, 50 * 365 * 24 * time.Hour, MaxVUs / 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, rampTarget(tc.from, tc.stages, tc.at))
		})
	}
}

func TestRampNext(t *testing.T) {
	t.Parallel()
	s := time.Second
	cases := []struct {
		name   string
		from   int64
		stages []Stage
		at     time.Duration
		want   time.Duration
		ok     bool
	}{
		{"first VU", 0, []Stage{st(10*s, 10)}, 0, s, true},
		{"between VUs", 0, []Stage{st(10*s, 10)}, 2*s + s/2, 3 * s, true},
		{"on a crossing", 0, []Stage{st(10*s, 10)}, 3 * s, 4 * s, true},
		{"ramp down", 10, []Stage{st(5*s, 0)}, 0, s / 2, true},
		{"plateau goes to stage end", 5, []Stage{st(10*s, 5), st(s, 6)}, 0, 10 * s, true},
		{"uneven crossing rounds up", 0, []Stage{st(10*s, 3)}, 0, 3333333334, true},
		{"after the end", 0, []Stage{st(10*s, 10)}, 10 * s, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := rampNext(tc.from, tc.stages, tc.at)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestRampNextVisitsEveryChange walks the events of a schedule and checks that the target
// never changes between two consecutive events.
func TestRampNextVisitsEveryChange(t *testing.T) {
	t.Parallel()
	stages := []Stage{st(7*time.Second, 13), st(0, 2), st(3*time.Second, 2), st(11*time.Second, 0)}
	var at time.Duration
	events := 0
	for {
		next, ok := rampNext(1, stages, at)
		if !ok {
			break
		}
		require.Greater(t, next, at)
		assert.Equal(t, rampTarget(1, stages, at), rampTarget(1, stages, next-1), "target changed inside (%s, %s)", at, next)
		at = next
		events++
	}
	assert.Equal(t, 21*time.Second, at)
	assert.Equal(t, int64(0), rampTarget(1, stages, at))
	assert.Equal(t, 12+1+2, events, "one event per VU change, plus the end of the plateau")
}

func TestSharedPool(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name            string
		total, claims   int
		wantOK, dropped int64
	}{
		{"none claimed", 5, 0, 0, 5},
		{"some claimed", 5, 3, 3, 2},
		{"all claimed", 5, 5, 5, 0},
		{"over-claimed by finishing VUs", 5, 9, 5, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &sharedPool{total: int64(tc.total)}
			var ok int64
			for range tc.claims {
				if p.claim() {
					ok++
				}
			}
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.dropped, p.unclaimed())
		})
	}
}

func TestSharedPoolConcurrentClaimsNeverExceedTotal(t *testing.T) {
	t.Parallel()
	p := &sharedPool{total: 1000}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got int64
	)
	for range 8 {
		wg.Go(func() {
			var n int64
			for p.claim() {
				n++
			}
			mu.Lock()
			got += n
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1000), got)
	assert.Zero(t, p.unclaimed())
}
