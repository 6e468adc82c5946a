package exporter

import (
	"math"
	"sort"

	dto "github.com/prometheus/client_model/go"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// nativeSchema is the resolution of the native histograms: bucket boundaries at 2^(i/8), each
// bucket about 9% wide.
const nativeSchema = 3

// nativeBounds are the fractions (in [0.5, 1)) where the buckets of one power of two start, at
// nativeSchema.
var nativeBounds = func() []float64 {
	n := 1 << nativeSchema
	b := make([]float64, n)
	for i := range b {
		b[i] = math.Exp2(float64(i)/float64(n) - 1)
	}
	return b
}()

// classicBounds are the classic bucket upper bounds of a trend, in the histogram's unit:
// 61 µs to 128 s for time (each bucket 19% wide), 1 B to 1 TiB for data, 2^-10 to 2^40
// otherwise (41% wide).
var classicBounds = map[metrics.ValueType][]float64{
	metrics.Time:    powers(4, -56, 28),
	metrics.Data:    powers(2, 0, 80),
	metrics.Default: powers(2, -20, 80),
}

// powers returns 2^(k/perOctave) for k in [from, to].
func powers(perOctave, from, to int) []float64 {
	var out []float64
	for k := from; k <= to; k++ {
		out = append(out, math.Exp2(float64(k)/float64(perOctave)))
	}
	return out
}

// nativeIndex is the native bucket of v > 0: bucket i holds (2^((i-1)/8), 2^(i/8)].
func nativeIndex(v float64) int32 {
	frac, exp := math.Frexp(v) // v = frac × 2^exp, frac in [0.5, 1)
	return int32(sort.SearchFloat64s(nativeBounds, frac) + (exp-1)<<nativeSchema)
}

// histogram is the Prometheus histogram of a trend's sink: its exact count and sum, and the
// classic and native bucket counts of its HDR histogram. scale converts the trend's values to
// the histogram's unit.
func histogram(s *metrics.Sink, contains metrics.ValueType, scale float64) *dto.Histogram {
	bounds := classicBounds[contains]
	classic := make([]uint64, len(bounds))
	h := &dto.Histogram{SampleCount: ptr(s.Count), SampleSum: ptr(s.Sum * scale),
		Schema: ptr(int32(nativeSchema)), ZeroThreshold: ptr(0.0), ZeroCount: ptr(uint64(0))}
	var native nativeBuckets
	if s.Hist != nil {
		for value, count := range s.Hist.ForEachBucket {
			v := float64(value) / metrics.TrendScale * scale
			if i := sort.SearchFloat64s(bounds, v); i < len(bounds) {
				classic[i] += uint64(count)
			}
			if v <= 0 {
				*h.ZeroCount += uint64(count)
				continue
			}
			native.add(nativeIndex(v), int64(count))
		}
	}
	var cum uint64
	for i, b := range bounds {
		cum += classic[i]
		h.Bucket = append(h.Bucket, &dto.Bucket{UpperBound: ptr(b), CumulativeCount: ptr(cum)})
	}
	h.PositiveSpan, h.PositiveDelta = native.spans, native.deltas
	if len(h.PositiveSpan) == 0 && h.GetZeroCount() == 0 {
		// An empty native histogram still needs a span to be told from a classic one.
		h.PositiveSpan = []*dto.BucketSpan{{Offset: ptr(int32(0)), Length: ptr(uint32(0))}}
	}
	return h
}

// nativeBuckets builds the spans and delta-encoded counts of native buckets added in
// ascending index order.
type nativeBuckets struct {
	spans      []*dto.BucketSpan
	deltas     []int64
	last       int32
	lastCount  int64
	hasBuckets bool
}

func (n *nativeBuckets) add(idx int32, count int64) {
	switch {
	case n.hasBuckets && idx == n.last:
		n.deltas[len(n.deltas)-1] += count
		n.lastCount += count
		return
	case !n.hasBuckets:
		n.spans = append(n.spans, &dto.BucketSpan{Offset: ptr(idx), Length: ptr(uint32(0))})
	case idx != n.last+1:
		n.spans = append(n.spans, &dto.BucketSpan{Offset: ptr(idx - n.last - 1), Length: ptr(uint32(0))})
	}
	*n.spans[len(n.spans)-1].Length++
	n.deltas = append(n.deltas, count-n.lastCount)
	n.last, n.lastCount, n.hasBuckets = idx, count, true
}
