package enginetest

import (
	"maps"
	"sync"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Recorder is a map-based metrics.Recorder for tests: it aggregates samples per metric and tag
// set. Unlike a real recorder it is shared by all VUs and safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	series map[string]*series // by metric name + "|" + tags key
}

type series struct {
	metric string
	tags   map[string]string
	count  int
	sum    float64
	max    float64
	last   float64
	values []float64
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{series: map[string]*series{}} }

// Factory returns a func for engine.Config.NewRecorder that hands out r for every VU.
func (r *Recorder) Factory() func(vuID uint64) metrics.Recorder {
	return func(uint64) metrics.Recorder { return r }
}

// Add implements metrics.Recorder.
func (r *Recorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := m.Name + "|" + tags.Key()
	s := r.series[key]
	if s == nil {
		s = &series{metric: m.Name, tags: tags.Map(), max: v}
		r.series[key] = s
	}
	s.count++
	s.sum += v
	s.max = max(s.max, v)
	s.last = v
	s.values = append(s.values, v)
}

// match calls fn for every series of metric whose tags contain filter.
func (r *Recorder) match(metric string, filter map[string]string, fn func(*series)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.series {
		if s.metric != metric {
			continue
		}
		ok := true
		for k, v := range filter {
			if s.tags[k] != v {
				ok = false
			}
		}
		if ok {
			fn(s)
		}
	}
}

// Sum returns the sum of the values of metric in series whose tags contain filter (nil: all).
func (r *Recorder) Sum(metric string, filter map[string]string) float64 {
	var sum float64
	r.match(metric, filter, func(s *series) { sum += s.sum })
	return sum
}

// Count returns how many samples of metric match filter.
func (r *Recorder) Count(metric string, filter map[string]string) int {
	var n int
	r.match(metric, filter, func(s *series) { n += s.count })
	return n
}

// Max returns the largest value of metric matching filter (0 without samples).
func (r *Recorder) Max(metric string, filter map[string]string) float64 {
	var m float64
	r.match(metric, filter, func(s *series) { m = max(m, s.max) })
	return m
}

// Values returns every value of metric matching filter, per series in no particular order.
func (r *Recorder) Values(metric string, filter map[string]string) []float64 {
	var out []float64
	r.match(metric, filter, func(s *series) { out = append(out, s.values...) })
	return out
}

// Tags returns the tag sets metric was recorded with.
func (r *Recorder) Tags(metric string) []map[string]string {
	var out []map[string]string
	r.match(metric, nil, func(s *series) { out = append(out, maps.Clone(s.tags)) })
	return out
}
