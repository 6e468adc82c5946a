package metrics

import (
	"math"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Trend values are stored in an HDR histogram as integers of TrendScale units per value unit:
// a time trend in milliseconds is stored in microseconds. Percentiles carry HDR's
// TrendSigFigs significant digits; count, sum, min and max are exact.
const (
	TrendScale   = 1000
	TrendSigFigs = 3
	// trendMax is the largest storable value in scaled units (1e12 µs ≈ 11.5 days).
	trendMax = 1_000_000_000_000
)

// ScaleTrend converts a trend value to its histogram unit, clamped to the storable range
// (negative values count as 0 in percentiles; min, max and sum stay exact).
func ScaleTrend(v float64) int64 {
	s := math.Round(v * TrendScale)
	switch {
	case s < 0 || math.IsNaN(s):
		return 0
	case s > trendMax:
		return trendMax
	}
	return int64(s)
}

// Sink is the aggregated state of one series, or of several merged. The zero value is an empty
// sink of no type; use NewSink. A Sink is not safe for concurrent use.
type Sink struct {
	Type  Type
	Count uint64  // samples added
	Sum   float64 // Counter: total; Rate: non-zero samples; Trend: sum of values
	Min   float64 // Gauge and Trend
	Max   float64 // Gauge and Trend
	Last  float64 // Gauge: current value
	Hist  *hdr.PackedHistogram
}

// NewSink returns an empty sink for a metric type.
func NewSink(t Type) *Sink {
	s := &Sink{Type: t, Min: math.Inf(1), Max: math.Inf(-1)}
	if t == Trend {
		s.Hist = hdr.NewPacked(1, trendMax, TrendSigFigs)
	}
	return s
}

// Add records one sample.
func (s *Sink) Add(v float64) {
	s.Count++
	switch s.Type {
	case Counter:
		s.Sum += v
	case Rate:
		if v != 0 {
			s.Sum++
		}
	case Gauge:
		s.Last = v
		s.minMax(v)
	case Trend:
		s.Sum += v
		s.minMax(v)
		_ = s.Hist.RecordValue(ScaleTrend(v))
	}
}

func (s *Sink) minMax(v float64) {
	if v < s.Min {
		s.Min = v
	}
	if v > s.Max {
		s.Max = v
	}
}

// MergeHistogram adds a dense trend histogram recorded elsewhere, with the exact count, sum,
// min and max of the same samples.
func (s *Sink) MergeHistogram(h *hdr.Histogram, count uint64, sum, minV, maxV float64) {
	if count == 0 {
		return
	}
	s.Count += count
	s.Sum += sum
	s.minMax(minV)
	s.minMax(maxV)
	s.Hist.MergeFrom(h)
}

// Merge adds o into s. For gauges, o's Last wins (o is the newer state).
func (s *Sink) Merge(o *Sink) {
	if o == nil || o.Count == 0 {
		return
	}
	s.Count += o.Count
	switch s.Type {
	case Counter, Rate:
		s.Sum += o.Sum
	case Gauge:
		s.Last = o.Last
		s.minMax(o.Min)
		s.minMax(o.Max)
	case Trend:
		s.Sum += o.Sum
		s.minMax(o.Min)
		s.minMax(o.Max)
		s.Hist.Merge(o.Hist)
	}
}

// Clone returns an independent copy.
func (s *Sink) Clone() *Sink {
	c := *s
	if s.Hist != nil {
		c.Hist = s.Hist.Clone()
	}
	return &c
}

// Avg returns the mean of a trend (0 when empty).
func (s *Sink) Avg() float64 {
	if s.Count == 0 {
		return 0
	}
	return s.Sum / float64(s.Count)
}

// Percentile returns the p-th percentile (0..100) of a trend, clamped to the exact min and max.
func (s *Sink) Percentile(p float64) float64 {
	if s.Count == 0 || s.Hist == nil {
		return 0
	}
	v := float64(s.Hist.ValueAtPercentile(p)) / TrendScale
	return math.Min(math.Max(v, s.Min), s.Max)
}

// Rate returns the share of non-zero samples of a Rate (0 when empty).
func (s *Sink) Rate() float64 {
	if s.Count == 0 {
		return 0
	}
	return s.Sum / float64(s.Count)
}

// MinOrZero and MaxOrZero return Min/Max, or 0 for an empty sink (for display).
func (s *Sink) MinOrZero() float64 {
	if s.Count == 0 {
		return 0
	}
	return s.Min
}

// MaxOrZero returns Max, or 0 for an empty sink.
func (s *Sink) MaxOrZero() float64 {
	if s.Count == 0 {
		return 0
	}
	return s.Max
}
