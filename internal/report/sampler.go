package report

import (
	"math"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Bounds of a Sampler's timeline: memory and page size stay bounded whatever the run length.
const (
	// MaxColumns is the most columns kept: one hour at one column per second. Past it the
	// resolution halves.
	MaxColumns = 3600
	// MaxLines is the most charted groups; later groups are counted in DroppedGroups.
	MaxLines = 96
)

// Sampler builds a Timeline from a run's successive snapshots: each new snapshot closes one
// column, whose values are the difference between it and the previous one, per group. Trend
// percentiles are those of the interval's samples (the difference of the cumulative HDR
// histograms), so they are exact within HDR precision, across every series of a group.
//
// Observe and Timeline are safe for concurrent use.
type Sampler struct {
	mu         sync.Mutex
	tl         Timeline
	groups     map[groupKey]*group
	lastTaken  time.Time
	last       *metrics.Snapshot
	maxColumns int
	// mergeable says that every group's before is the start of the last column, so a short
	// column (the final flush, moments after the last tick) can be folded into it exactly.
	mergeable bool
}

// groupKey identifies a charted group: a metric and one of its tags ("" for the whole metric).
type groupKey struct {
	metric *metrics.Metric
	tag    string
}

// group is a charted group's state: its line and its cumulative totals at the end of the last
// column (prev) and at its start (before).
type group struct {
	line   *Line
	prev   *metrics.Sink
	before *metrics.Sink
}

// NewSampler returns a sampler whose base interval is interval (the collector's flush period).
func NewSampler(interval time.Duration) *Sampler {
	return &Sampler{
		tl:         Timeline{IntervalMs: float64(interval) / float64(time.Millisecond)},
		groups:     map[groupKey]*group{},
		maxColumns: MaxColumns,
	}
}

// Observe adds a column for snap, a collector's snapshot, when it was taken after the last one
// observed (snapshots already seen are ignored, so a caller may poll). The column ends when
// the snapshot was taken (Snapshot.Taken). It reports whether it added one.
func (s *Sampler) Observe(snap *metrics.Snapshot) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if snap == nil || snap == s.last || !snap.Taken.After(s.lastTaken) {
		return false
	}
	cur := cumulative(snap)
	prev := s.lastTaken
	if prev.IsZero() {
		prev = snap.Start
	}
	dur := float64(snap.Taken.Sub(prev)) / float64(time.Millisecond)
	if dur <= 0 { // the run's start was marked after this flush's interval began
		dur = s.tl.IntervalMs
	}
	s.last, s.lastTaken = snap, snap.Taken
	if n := len(s.tl.End); s.mergeable && n > 0 && dur < s.tl.IntervalMs/2 {
		s.dropLastColumn() // the short column and the last one become one, diffed exactly
		dur += s.tl.Dur[n-1]
		s.tl.End, s.tl.Dur = s.tl.End[:n-1], s.tl.Dur[:n-1]
	}
	s.addGroups(cur)
	s.tl.End = append(s.tl.End, snap.Taken.UnixMilli())
	s.tl.Dur = append(s.tl.Dur, dur)
	for k, g := range s.groups {
		sink := cur.sinks[k]
		if sink == nil { // no series of the group in this snapshot: nothing new
			sink = g.prev
		}
		appendInterval(g.line, g.prev, sink)
		g.before, g.prev = g.prev, sink
	}
	s.mergeable = true
	if len(s.tl.End) > s.maxColumns {
		s.tl.halve()
		s.mergeable = false
	}
	return true
}

// dropLastColumn removes the last column and rewinds every group to its start.
func (s *Sampler) dropLastColumn() {
	for _, g := range s.groups {
		for _, v := range g.line.arrays() {
			*v = (*v)[:len(*v)-1]
		}
		g.prev = g.before
	}
}

// addGroups starts a line for each group of cur not seen before, padded with missing
// columns; past MaxLines groups are only counted.
func (s *Sampler) addGroups(cur snapshotGroups) {
	for k := range cur.sinks {
		if s.groups[k] != nil {
			continue
		}
		if len(s.tl.Lines) >= MaxLines {
			s.tl.DroppedGroups++
			delete(cur.sinks, k)
			continue
		}
		l := newLine(k.metric.Name, k.metric.Type.String(), k.metric.Contains.String(), k.tag, len(s.tl.End))
		empty := metrics.NewSink(k.metric.Type)
		s.groups[k] = &group{line: l, prev: empty, before: empty}
		s.tl.Lines = append(s.tl.Lines, l)
	}
}

// Timeline returns a copy of the timeline so far.
func (s *Sampler) Timeline() *Timeline {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tl.clone()
}

// snapshotGroups is a snapshot's series merged by charted group.
type snapshotGroups struct {
	sinks map[groupKey]*metrics.Sink
}

// cumulative merges the run totals of snap's series into their groups.
func cumulative(snap *metrics.Snapshot) snapshotGroups {
	g := snapshotGroups{sinks: map[groupKey]*metrics.Sink{}}
	for _, se := range snap.Series {
		tag, ok := chartGroup(se.Metric, se.Tags)
		if !ok {
			continue
		}
		k := groupKey{metric: se.Metric, tag: tag}
		if sink := g.sinks[k]; sink != nil {
			sink.Merge(se.Sink)
		} else {
			g.sinks[k] = se.Sink.Clone()
		}
	}
	return g
}

// appendInterval appends to l the column of the samples in cur but not in prev (cumulative
// totals of the same group at two moments).
func appendInterval(l *Line, prev, cur *metrics.Sink) {
	count := float64(cur.Count - prev.Count)
	l.Count = append(l.Count, count)
	switch cur.Type {
	case metrics.Counter, metrics.Rate:
		l.Sum = append(l.Sum, cur.Sum-prev.Sum)
	case metrics.Gauge:
		last := math.NaN()
		if cur.Count > 0 {
			last = cur.Last
		}
		l.Last = append(l.Last, last)
	case metrics.Trend:
		ps := intervalPercentiles(prev, cur)
		sum := cur.Sum - prev.Sum
		if count == 0 {
			sum = math.NaN()
		}
		l.Sum = append(l.Sum, sum)
		l.P50, l.P90 = append(l.P50, ps[0]), append(l.P90, ps[1])
		l.P95, l.P99 = append(l.P95, ps[2]), append(l.P99, ps[3])
	}
}

// chartPercentiles are the percentiles each trend column carries.
var chartPercentiles = []float64{50, 90, 95, 99}

// intervalPercentiles returns the percentiles of the samples in cur but not in prev (NaN when
// there are none), clamped to cur's exact min and max.
func intervalPercentiles(prev, cur *metrics.Sink) [4]float64 {
	out := [4]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	if cur.Count == prev.Count || cur.Hist == nil {
		return out
	}
	diff := hdr.NewPacked(1, cur.Hist.HighestTrackableValue(), int(cur.Hist.SignificantFigures()))
	cur.Hist.ForEachBucket(func(v, n int64) bool {
		if prev.Hist != nil {
			n -= prev.Hist.CountAtValue(v)
		}
		if n > 0 {
			_ = diff.RecordValues(v, n)
		}
		return true
	})
	if diff.TotalCount() == 0 {
		return out
	}
	for i, v := range diff.ValueAtPercentilesSlice(chartPercentiles) {
		out[i] = math.Min(math.Max(float64(v)/metrics.TrendScale, cur.Min), cur.Max)
	}
	return out
}
