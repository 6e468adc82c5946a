package executor

import (
	"math"
	"math/bits"
	"sort"
	"time"
)

// The arrival-rate pacing maths: when iteration n of the whole test (0-based, before any
// execution segment takes its share) is due, as an offset from the scenario's start. They are
// pure; the runtime asks for the due time of each iteration its Part owns, always counting
// from the start, so that timer lateness never accumulates.

// constantDue returns when iteration n of rate iterations per unit is due: n*unit/rate,
// rounded down, so that iteration 0 starts at once (as k6). It saturates at math.MaxInt64.
func constantDue(n uint64, rate int64, unit time.Duration) time.Duration {
	hi, lo := bits.Mul64(n, uint64(unit))
	if hi >= uint64(rate) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(rate))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// rampRate is the piecewise-linear rate of a ramping-arrival-rate scenario: from startRate it
// moves linearly to each stage's target over the stage's duration (iterations per timeUnit).
type rampRate struct {
	stages []rampStage
}

type rampStage struct {
	start, dur time.Duration
	from, to   float64 // iterations per ns at the stage's start and end
	before     float64 // iterations due before the stage (area under the rate)
	after      float64 // iterations due by the stage's end
}

func newRampRate(startRate int64, stages []Stage, unit time.Duration) rampRate {
	var (
		r     rampRate
		start time.Duration
		done  float64
		u     = float64(unit)
		from  = float64(startRate)
	)
	for _, st := range stages {
		d := st.Duration.D()
		to := float64(st.Target)
		area := (from + to) * float64(d) / (2 * u)
		r.stages = append(r.stages, rampStage{
			start: start, dur: d, from: from / u, to: to / u, before: done, after: done + area,
		})
		done += area
		start += d
		from = to
	}
	return r
}

// due returns when iteration n is due: the first time the area under the rate reaches n+1
// (as k6, so iteration 0 of a ramp from 0 starts once one iteration's worth has accrued),
// rounded to the nanosecond; false when the stages end first. Stages at rate 0 take no
// iterations.
func (r rampRate) due(n uint64) (time.Duration, bool) {
	want := float64(n) + 1
	i := sort.Search(len(r.stages), func(i int) bool { return r.stages[i].after >= want })
	if i == len(r.stages) {
		return 0, false
	}
	st := r.stages[i]
	a := want - st.before
	var x float64
	if st.from == st.to {
		x = a / st.from
	} else {
		// Solve from*x + k*x²/2 = a with k = (to-from)/dur, in a form without cancellation.
		k := (st.to - st.from) / float64(st.dur)
		x = 2 * a / (st.from + math.Sqrt(max(st.from*st.from+2*k*a, 0)))
	}
	x = min(max(math.Round(x), 0), float64(st.dur))
	return st.start + time.Duration(x), true
}
