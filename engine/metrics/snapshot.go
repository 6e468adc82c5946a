package metrics

import (
	"slices"
	"time"
)

// Series is one metric with one tag set and its aggregated sink.
type Series struct {
	Metric *Metric
	Tags   *Tags
	Sink   *Sink
}

// Snapshot is an immutable view of the aggregates at one moment: the run totals per series.
// Readers (thresholds, summary, outputs) must not modify it.
type Snapshot struct {
	Start   time.Time     // when recording started
	Elapsed time.Duration // time covered by the snapshot
	// Taken is when the collector built the snapshot (its flush); zero for a decoded or
	// merged one. Unlike Start+Elapsed it keeps advancing after the run's end is marked.
	Taken  time.Time
	Series []Series // every metric × tag set that received samples, run totals
}

// Aggregate returns the merge of every series of m whose tags contain filter (nil filter: all
// series of m). It returns an empty sink when nothing matched.
func (s *Snapshot) Aggregate(m *Metric, filter *Tags) *Sink {
	out := NewSink(m.Type)
	for _, se := range s.Series {
		if se.Metric == m && se.Tags.Contains(filter) {
			out.Merge(se.Sink)
		}
	}
	return out
}

// Metrics returns the metrics that have at least one sample, in registration order.
func (s *Snapshot) Metrics() []*Metric {
	seen := map[*Metric]bool{}
	var out []*Metric
	for _, se := range s.Series {
		if se.Sink.Count > 0 && !seen[se.Metric] {
			seen[se.Metric] = true
			out = append(out, se.Metric)
		}
	}
	slices.SortFunc(out, func(a, b *Metric) int { return a.ID - b.ID })
	return out
}
