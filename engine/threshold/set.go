package threshold

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// Threshold is one validated expression bound to a metric or sub-metric. It is immutable.
type Threshold struct {
	Key            string          // options key as written
	Name           string          // display name: "http_req_duration" or "http_req_duration{name:pay}"
	Metric         *metrics.Metric // the metric read
	Filter         *metrics.Tags   // sub-metric tag filter; nil for the whole metric
	Expr           Expr
	AbortOnFail    bool
	DelayAbortEval time.Duration
}

// SubMetric is a metric restricted to series whose tags contain Filter.
type SubMetric struct {
	Name   string // "http_req_duration{name:pay}"
	Metric *metrics.Metric
	Filter *metrics.Tags
}

// Set is the validated thresholds of a run. It is immutable and safe for concurrent use.
type Set struct {
	list []*Threshold
	subs []SubMetric
}

// New validates cfg (options.thresholds) against reg and returns the set. Keys are processed in
// sorted order and expressions in their written order; the first problem is returned as an
// *Error wrapping ErrSyntax, ErrUnknownMetric or ErrAggregation.
func New(reg *metrics.Registry, cfg map[string]options.Thresholds) (*Set, error) {
	s := &Set{}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		if err := s.add(reg, key, cfg[key]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Set) add(reg *metrics.Registry, key string, list options.Thresholds) error {
	name, filter, err := ParseKey(key)
	if err != nil {
		return &Error{Key: key, Err: err}
	}
	m := reg.Get(name)
	if m == nil {
		return &Error{Key: key, Err: fmt.Errorf("%w %q", ErrUnknownMetric, name)}
	}
	display := SubMetricName(name, filter)
	if filter != nil {
		s.addSub(SubMetric{Name: display, Metric: m, Filter: filter})
	}
	for _, cfg := range list {
		e, err := Parse(cfg.Source)
		if err != nil {
			return &Error{Key: key, Expr: cfg.Source, Err: err}
		}
		if err := fits(m, e); err != nil {
			return &Error{Key: key, Expr: cfg.Source, Err: err}
		}
		s.list = append(s.list, &Threshold{
			Key: key, Name: display, Metric: m, Filter: filter, Expr: e,
			AbortOnFail: cfg.AbortOnFail, DelayAbortEval: cfg.DelayAbortEval.D(),
		})
	}
	return nil
}

func (s *Set) addSub(sub SubMetric) {
	for _, have := range s.subs {
		if have.Name == sub.Name {
			return
		}
	}
	s.subs = append(s.subs, sub)
}

// supported lists the aggregations each metric type accepts. Gauges also accept min and max,
// which the summary shows for them.
var supported = map[metrics.Type][]Agg{
	metrics.Counter: {AggCount, AggRate},
	metrics.Gauge:   {AggValue, AggMin, AggMax},
	metrics.Rate:    {AggRate},
	metrics.Trend:   {AggAvg, AggMin, AggMed, AggMax, AggPercentile},
}

func fits(m *metrics.Metric, e Expr) error {
	aggs := supported[m.Type]
	if slices.Contains(aggs, e.Agg) {
		return nil
	}
	names := make([]string, len(aggs))
	for i, a := range aggs {
		names[i] = a.String()
		if a == AggPercentile {
			names[i] = "p(N)"
		}
	}
	return fmt.Errorf("%w: %s on %s %q (use %s)", ErrAggregation,
		e.AggKey(), m.Type, m.Name, strings.Join(names, ", "))
}

// Thresholds returns the thresholds in evaluation order. The slice must not be modified.
func (s *Set) Thresholds() []*Threshold { return s.list }

// SubMetrics returns the distinct sub-metrics the thresholds use, in key order, so the summary
// can show them as k6 does ("http_req_duration{name:pay}"). The slice must not be modified.
func (s *Set) SubMetrics() []SubMetric { return s.subs }

// Len returns the number of thresholds.
func (s *Set) Len() int { return len(s.list) }
