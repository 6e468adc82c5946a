package threshold

import (
	"math"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Result is the outcome of one threshold on one snapshot.
type Result struct {
	Threshold *Threshold
	Observed  float64 // the aggregation's value (NaN for the rate of an empty Rate, as in k6)
	OK        bool
	Empty     bool // the metric or sub-metric had no samples
	// Partial is true for a sub-metric that misses samples: the run outgrew the collector's
	// series limit and later tag sets lost their tags. It cannot be judged, so it fails.
	Partial bool
}

// Results holds one Result per threshold, in the Set's order.
type Results []Result

// Failed reports whether any threshold failed.
func (r Results) Failed() bool {
	for _, res := range r {
		if !res.OK {
			return true
		}
	}
	return false
}

// Failures returns the failed results.
func (r Results) Failures() Results {
	var out Results
	for _, res := range r {
		if !res.OK {
			out = append(out, res)
		}
	}
	return out
}

// Evaluate computes every threshold on snap. A counter's rate is per second of snap.Elapsed.
// Empty metrics are evaluated like k6 does at the end of a run: trends and counters read 0,
// and an empty Rate has no rate (Observed is NaN): its thresholds are not judged and do not
// fail (Empty says why), so a run whose checks never ran, all of them interrupted, does not
// fail "checks: rate>0.99". A sub-metric that lost samples to the collector's series limit
// is Partial and fails: it cannot be judged.
func (s *Set) Evaluate(snap *metrics.Snapshot) Results {
	out := make(Results, len(s.list))
	sinks := map[string]*metrics.Sink{}
	for i, t := range s.list {
		sink, ok := sinks[t.Name]
		if !ok {
			sink = snap.Aggregate(t.Metric, t.Filter)
			sinks[t.Name] = sink
		}
		v := Observe(sink, t.Expr, snap.Elapsed)
		empty := sink.Count == 0
		holds := t.Expr.Holds(v) || (empty && math.IsNaN(v))
		partial := filtersBeyondScenario(t.Filter) && snap.Overflowed(t.Metric)
		out[i] = Result{Threshold: t, Observed: v, OK: holds && !partial, Empty: empty, Partial: partial}
	}
	return out
}

// filtersBeyondScenario reports whether a sub-metric filter uses a tag other than scenario
// (the one tag the collector's overflow series keep).
func filtersBeyondScenario(f *metrics.Tags) bool {
	for _, p := range f.Pairs() {
		if p.Key != "scenario" {
			return true
		}
	}
	return false
}

// Observe returns the value of e's aggregation on sink, for a run of the given elapsed time.
func Observe(sink *metrics.Sink, e Expr, elapsed time.Duration) float64 {
	switch e.Agg {
	case AggCount:
		return sink.Sum
	case AggRate:
		return rate(sink, elapsed)
	case AggValue:
		return sink.Last
	case AggAvg:
		return sink.Avg()
	case AggMin:
		return sink.MinOrZero()
	case AggMax:
		return sink.MaxOrZero()
	case AggMed:
		return sink.Percentile(50)
	case AggPercentile:
		return sink.Percentile(e.Percentile)
	}
	return math.NaN()
}

func rate(sink *metrics.Sink, elapsed time.Duration) float64 {
	if sink.Type == metrics.Counter {
		if elapsed <= 0 {
			return 0
		}
		return sink.Sum / elapsed.Seconds()
	}
	if sink.Count == 0 {
		return math.NaN()
	}
	return sink.Rate()
}

// ShouldAbort reports whether the run must stop now, and the first threshold that says so: a
// failed threshold with abortOnFail whose delayAbortEval (if any) is shorter than elapsed.
// Thresholds on metrics without samples never abort, as in k6's periodic evaluation.
func (s *Set) ShouldAbort(res Results, elapsed time.Duration) (bool, *Threshold) {
	for _, r := range res {
		t := r.Threshold
		if r.OK || r.Empty || !t.AbortOnFail {
			continue
		}
		if t.DelayAbortEval == 0 || t.DelayAbortEval < elapsed {
			return true, t
		}
	}
	return false, nil
}
