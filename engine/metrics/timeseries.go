package metrics

import (
	"math"
	"time"
)

// trendPercentiles are the percentiles kept per time-series point of a trend.
var trendPercentiles = []float64{50, 90, 95, 99}

// Point is the compact summary of one series over one period (one flush interval, or several
// merged when the series outgrew MaxPoints). It holds no histogram.
type Point struct {
	Time     time.Time     // end of the period
	Duration time.Duration // length of the period
	Count    uint64        // samples in the period
	Sum      float64       // Counter: total; Rate: non-zero samples; Trend: sum of values
	Min, Max float64       // Gauge and Trend (0 for Counter and Rate)
	Last     float64       // Gauge: value at the end of the period
	// Rate is Sum per second for a Counter, the non-zero share for a Rate, and samples per
	// second for a Gauge or a Trend.
	Rate float64
	// P50..P99 are the trend's percentiles over the period (0 for other types). Within one
	// interval they carry HDR precision; merged points hold count-weighted means of them.
	P50, P90, P95, P99 float64
}

// TimeSeries is the list of points of one series, oldest first. Intervals in which the series
// received no sample have no point.
type TimeSeries struct {
	Metric *Metric
	Tags   *Tags
	Points []Point
}

// total is the collector's state for one series: run totals, the accumulator of the current
// interval, and its time series. It is used by the flusher only.
type total struct {
	m         *Metric
	tags      *Tags
	sink      *Sink  // run totals
	seq       uint64 // Gauge: sequence number of sink.Last
	published *Sink  // immutable clone of sink shared by snapshots
	iv        *acc   // current interval
	touched   bool   // iv received samples in the current flush
	line      line
}

func newTotal(m *Metric, tags *Tags) *total {
	s := NewSink(m.Type)
	return &total{m: m, tags: tags, sink: s, published: s.Clone(), iv: newAcc(m, tags), line: line{span: 1, typ: m.Type}}
}

// close ends the interval flush: it appends a point (unless maxPoints is 0: no time series),
// merges the interval into the run totals, refreshes the published sink and resets the
// interval.
func (t *total) close(now time.Time, dt time.Duration, flush int64, maxPoints int) {
	iv := t.iv
	iv.fold()
	if maxPoints > 0 {
		t.line.add(pointOf(iv, now, dt), flush, maxPoints)
	}
	s := t.sink
	s.Count += iv.count
	s.Sum += iv.sum
	switch t.m.Type {
	case Gauge:
		s.minMax(iv.min)
		s.minMax(iv.max)
		if iv.seq >= t.seq {
			s.Last, t.seq = iv.last, iv.seq
		}
	case Trend:
		s.minMax(iv.min)
		s.minMax(iv.max)
		s.Hist.Merge(iv.hist)
	}
	t.published = s.Clone()
	iv.reset()
	t.touched = false
}

// pointOf summarises an interval accumulator (its raw samples already folded).
func pointOf(a *acc, end time.Time, dt time.Duration) Point {
	p := Point{Time: end, Duration: dt, Count: a.count, Sum: a.sum}
	switch a.m.Type {
	case Gauge:
		p.Min, p.Max, p.Last = a.min, a.max, a.last
	case Trend:
		p.Min, p.Max = a.min, a.max
		ps := a.hist.ValueAtPercentilesSlice(trendPercentiles)
		clamp := func(v int64) float64 { return math.Min(math.Max(float64(v)/TrendScale, a.min), a.max) }
		p.P50, p.P90, p.P95, p.P99 = clamp(ps[0]), clamp(ps[1]), clamp(ps[2]), clamp(ps[3])
	}
	p.setRate(a.m.Type)
	return p
}

func (p *Point) setRate(t Type) {
	p.Rate = 0
	switch {
	case t == Rate:
		if p.Count > 0 {
			p.Rate = p.Sum / float64(p.Count)
		}
	case p.Duration <= 0:
	case t == Counter:
		p.Rate = p.Sum / p.Duration.Seconds()
	default:
		p.Rate = float64(p.Count) / p.Duration.Seconds()
	}
}

// merge extends p (the older point) with o (the next one) of a series of type t.
func (p *Point) merge(o Point, t Type) {
	start := p.Time.Add(-p.Duration)
	wp, wo := float64(p.Count), float64(o.Count)
	mean := func(a, b float64) float64 { return (a*wp + b*wo) / (wp + wo) }
	p.P50, p.P90, p.P95, p.P99 = mean(p.P50, o.P50), mean(p.P90, o.P90), mean(p.P95, o.P95), mean(p.P99, o.P99)
	p.Time, p.Duration = o.Time, o.Time.Sub(start)
	p.Count += o.Count
	p.Sum += o.Sum
	p.Min, p.Max = math.Min(p.Min, o.Min), math.Max(p.Max, o.Max)
	p.Last = o.Last
	p.setRate(t)
}

// line is a series' time series, kept under maxPoints by halving its resolution: each point
// covers span consecutive flushes (span is a power of two).
type line struct {
	points []Point
	first  []int64 // index of the first flush each point covers
	span   int64
	typ    Type
}

// add appends the point of flush number flush (only for flushes with samples).
func (l *line) add(p Point, flush int64, maxPoints int) {
	if n := len(l.points); n > 0 && l.first[n-1]/l.span == flush/l.span {
		l.points[n-1].merge(p, l.typ)
		return
	}
	l.points = append(l.points, p)
	l.first = append(l.first, flush)
	for len(l.points) > maxPoints {
		l.span *= 2
		l.compact()
	}
}

// compact merges neighbouring points that fall into the same span.
func (l *line) compact() {
	t := l.typ
	out := 0
	for i := range l.points {
		if out > 0 && l.first[out-1]/l.span == l.first[i]/l.span {
			l.points[out-1].merge(l.points[i], t)
			continue
		}
		l.points[out], l.first[out] = l.points[i], l.first[i]
		out++
	}
	clear(l.points[out:])
	l.points, l.first = l.points[:out], l.first[:out]
}
