package executor

import (
	"math"
	"math/big"
	"math/bits"
	"sort"
	"time"
)

// The arrival-rate pacing maths: when iteration n of the whole test (0-based, before any
// execution segment takes its share) is due, as an offset from the scenario's start. They are
// pure; the runtime asks for the due time of each iteration its Part owns, always counting
// from the start, so that timer lateness never accumulates.

// tickerPeriod is the time between two iterations of rate iterations per unit, as k6 computes
// it: unit/rate rounded to the nearest float64, then truncated to the nanosecond (at least 1).
// k6 then starts iteration n at n*period, so with a period that is not a whole number of
// nanoseconds the iterations run very slightly early: 3/s starts 4 iterations in 1s (at 0,
// 333333333ns, 666666666ns and 999999999ns). nnjs keeps that, so that a window holds as many
// iterations as under k6.
func tickerPeriod(rate int64, unit time.Duration) time.Duration {
	f, _ := new(big.Rat).SetFrac64(int64(unit), rate).Float64()
	return max(time.Duration(f), 1)
}

// constantDue returns when iteration n is due: n*period (k6), so iteration 0 starts at once.
// It saturates at math.MaxInt64.
func constantDue(n uint64, period time.Duration) time.Duration {
	hi, lo := bits.Mul64(n, uint64(period))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(lo)
}

// rampRate is the piecewise-linear rate of a ramping-arrival-rate scenario: from startRate it
// moves linearly to each stage's target over the stage's duration (iterations per timeUnit).
// Its arithmetic is k6's, operation for operation (float64 per-nanosecond rates, due times
// truncated to the nanosecond), so that a schedule starts the same iterations as under k6.
type rampRate struct {
	stages []rampStage
}

type rampStage struct {
	start    time.Duration
	dur      float64 // nanoseconds
	from, to float64 // iterations per ns at the stage's start and end
	before   float64 // iterations due before the stage (area under the rate)
	after    float64 // iterations due by the stage's end
}

func newRampRate(startRate int64, stages []Stage, unit time.Duration) rampRate {
	var (
		r        rampRate
		start    time.Duration
		endCount float64
		u        = float64(unit)
		from     = float64(startRate) / u
	)
	for _, st := range stages {
		to := float64(st.Target) / u
		dur := float64(st.Duration.D())
		before := endCount
		if from != to {
			endCount += dur * ((to-from)/2 + from)
		} else {
			endCount += dur * to
		}
		r.stages = append(r.stages, rampStage{start: start, dur: dur, from: from, to: to, before: before, after: endCount})
		start += st.Duration.D()
		from = to
	}
	return r
}

// due returns when iteration n is due: the time the area under the rate reaches n+1 (as k6,
// so iteration 0 of a ramp from 0 starts once one iteration's worth has accrued), truncated to
// the nanosecond; false when the stages end first. Stages at rate 0 take no iterations.
func (r rampRate) due(n uint64) (time.Duration, bool) {
	i := float64(n) + 1
	k := sort.Search(len(r.stages), func(k int) bool { return r.stages[k].after >= i })
	if k == len(r.stages) {
		return 0, false
	}
	st := r.stages[k]
	var x float64
	if st.from != st.to {
		disc := st.dur * (st.from*st.from*st.dur + 2*(i-st.before)*(st.to-st.from))
		x = (st.from*st.dur - math.Sqrt(max(disc, 0))) / (st.from - st.to)
	} else {
		x = (i - st.before) / st.to
	}
	return st.start + time.Duration(x), true
}
