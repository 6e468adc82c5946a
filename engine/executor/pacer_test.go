package executor

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConstantDue(t *testing.T) {
	t.Parallel()
	s := time.Second
	cases := []struct {
		name string
		n    uint64
		rate int64
		unit time.Duration
		want time.Duration
	}{
		{"first at once", 0, 10, s, 0},
		{"second", 1, 10, s, 100 * time.Millisecond},
		{"1000/s", 999, 1000, s, 999 * time.Millisecond},
		{"per minute", 3, 6, time.Minute, 30 * s},
		{"thirds truncate", 1, 3, s, 333333333},
		{"k6 drifts early: the third third", 3, 3, s, 999999999},
		{"k6 drifts early over a million thirds", 3_000_000, 3, s, 1_000_000*s - time.Millisecond},
		{"sevenths", 7, 7, s, 999999994},
		{"huge n saturates", math.MaxUint64, 1, time.Hour, math.MaxInt64},
		{"rate above 1/ns: one per ns", 5, 2_000_000_000, s, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, constantDue(tc.n, tickerPeriod(tc.rate, tc.unit)))
		})
	}
}

// TestConstantArrivalCountsAsK6 counts the iterations due within a duration: k6 starts
// ceil(duration/period) with its truncated period, one more than duration*rate/unit when the
// period is not a whole number of nanoseconds.
func TestConstantArrivalCountsAsK6(t *testing.T) {
	t.Parallel()
	s := time.Second
	cases := []struct {
		rate int64
		unit time.Duration
		dur  time.Duration
		want uint64
	}{
		{10, s, s, 10},
		{3, s, s, 4},
		{3, s, 10 * s, 31},
		{7, s, 2 * s, 15},
		{50, time.Minute, time.Minute, 50},
		{1000, s, 3 * s, 3000},
	}
	for _, tc := range cases {
		period := tickerPeriod(tc.rate, tc.unit)
		var n uint64
		for constantDue(n, period) < tc.dur {
			n++
		}
		assert.Equal(t, tc.want, n, "%d per %s over %s", tc.rate, tc.unit, tc.dur)
	}
}

func TestRampRateDue(t *testing.T) {
	t.Parallel()
	s := time.Second
	ms := time.Millisecond
	cases := []struct {
		name   string
		start  int64
		stages []Stage
		unit   time.Duration
		n      uint64
		want   time.Duration
		ok     bool
	}{
		{"constant stage: first after one period", 10, []Stage{st(10*s, 10)}, s, 0, 100 * ms, true},
		{"constant stage", 10, []Stage{st(10*s, 10)}, s, 49, 5 * s, true},
		{"constant stage: last at the end", 10, []Stage{st(10*s, 10)}, s, 99, 10 * s, true},
		{"after the stages", 10, []Stage{st(10*s, 10)}, s, 100, 0, false},
		{"ramp up from 0: sqrt(2)", 0, []Stage{st(10*s, 10)}, s, 0, 1414213562, true},
		{"ramp up from 0: half the area", 0, []Stage{st(10*s, 10)}, s, 24, 7071067812, true},
		{"ramp up from 0: the whole area", 0, []Stage{st(10*s, 10)}, s, 49, 10 * s, true},
		{"ramp down to 0: first", 10, []Stage{st(10*s, 0)}, s, 0, 100505063, true},
		{"ramp down to 0: last just before the end (k6 float arithmetic)", 10, []Stage{st(10*s, 0)}, s, 49, 9999999854, true},
		{"rate 0 stage takes nothing", 0, []Stage{st(5*s, 0), st(s, 10)}, s, 0, 5*s + 447213595, true},
		{"rate 0 plateau in the middle", 10, []Stage{st(s, 10), st(0, 0), st(3*s, 0), st(0, 10), st(s, 10)}, s, 10, 4*s + 100*ms, true},
		{"only rate 0", 0, []Stage{st(5*s, 0)}, s, 0, 0, false},
		{"per minute", 60, []Stage{st(time.Minute, 60)}, time.Minute, 1, 2 * s, true},
		{"zero-duration stage jumps the rate", 0, []Stage{st(0, 100), st(s, 100)}, s, 0, 10 * ms, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := newRampRate(tc.start, tc.stages, tc.unit).due(tc.n)
			assert.Equal(t, tc.ok, ok)
			assert.InDelta(t, float64(tc.want), float64(got), 2, "due %s, want %s", got, tc.want)
		})
	}
}

// TestRampRateDueFollowsTheArea checks over a whole schedule that due times never go back and
// that the number of iterations due by any time t is the area under the rate at t, rounded
// down (within one, for the iteration due exactly at t).
func TestRampRateDueFollowsTheArea(t *testing.T) {
	t.Parallel()
	s := time.Second
	stages := []Stage{st(2*s, 50), st(3*s, 50), st(s, 200), st(0, 10), st(2*s, 0), st(s, 0), st(2*s, 30)}
	r := newRampRate(0, stages, s)
	// area returns the iterations due by t, by integrating the rate numerically.
	area := func(t time.Duration) float64 {
		const step = time.Millisecond
		var sum float64
		for x := time.Duration(0); x < t; x += step {
			sum += float64(rampRateAt(0, stages, x+step/2)) * step.Seconds()
		}
		return sum
	}
	var times []time.Duration
	for n := uint64(0); ; n++ {
		at, ok := r.due(n)
		if !ok {
			break
		}
		times = append(times, at)
	}
	require.NotEmpty(t, times)
	for i := 1; i < len(times); i++ {
		require.GreaterOrEqual(t, times[i], times[i-1])
	}
	for _, at := range []time.Duration{s, 2 * s, 3500 * time.Millisecond, 5 * s, 5500 * time.Millisecond, 6 * s, 7 * s, 9 * s, 11 * s} {
		dueBy := 0
		for _, x := range times {
			if x <= at {
				dueBy++
			}
		}
		assert.InDelta(t, math.Floor(area(at)), float64(dueBy), 1, "at %s", at)
	}
	assert.Len(t, times, 50+150+125+10+30, "the whole area")
}

// rampRateAt is the rate of a ramping-arrival-rate schedule at t, for the area check.
func rampRateAt(start int64, stages []Stage, t time.Duration) float64 {
	from := float64(start)
	var off time.Duration
	for _, st := range stages {
		d := st.Duration.D()
		if t < off+d {
			return from + (float64(st.Target)-from)*float64(t-off)/float64(d)
		}
		off += d
		from = float64(st.Target)
	}
	return from
}
