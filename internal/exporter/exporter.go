package exporter

import (
	"slices"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Prefix starts every metric name the exporter serves.
const Prefix = "nnjs_"

// DefaultMaxSeries is Config.MaxSeries's default.
const DefaultMaxSeries = 1000

// OverflowLabel marks a metric's series that holds the label sets beyond MaxSeries.
const OverflowLabel = "nnjs_series_limit"

// DefaultDropTags are the tags left out of the labels by default: their values are unbounded.
var DefaultDropTags = []string{"url", "name", "error", "vu", "iter"}

// Config configures an Exporter. The zero value gives the defaults.
type Config struct {
	// DropTags are the tags left out of the labels (default DefaultDropTags).
	DropTags []string
	// MaxSeries bounds the label sets served over all metrics (default DefaultMaxSeries).
	MaxSeries int
}

// Exporter builds Prometheus metric families from a run's latest snapshot. It is a
// prometheus.Gatherer; all methods are safe for concurrent use.
type Exporter struct {
	snap func() *metrics.Snapshot
	drop []string
	max  int

	mu       sync.Mutex
	admitted map[string]bool // metric name + "\x00" + label key: the label sets served
	overflow map[string]bool // the same for the label sets folded into overflow series
}

// New returns an exporter of the snapshots snap returns.
func New(snap func() *metrics.Snapshot, cfg Config) *Exporter {
	e := &Exporter{snap: snap, drop: cfg.DropTags, max: cfg.MaxSeries,
		admitted: map[string]bool{}, overflow: map[string]bool{}}
	if e.drop == nil {
		e.drop = DefaultDropTags
	}
	if e.max <= 0 {
		e.max = DefaultMaxSeries
	}
	return e
}

// Overflowed returns how many label sets were folded into overflow series so far.
func (e *Exporter) Overflowed() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.overflow)
}

// group is the series of one metric that share a label set, added up.
type group struct {
	labels []*dto.LabelPair
	sink   *metrics.Sink
	shared bool // sink is the snapshot's (not to be modified)
}

func (g *group) add(s *metrics.Sink) {
	if g.sink == nil {
		g.sink, g.shared = s, true
		return
	}
	if g.shared {
		g.sink, g.shared = g.sink.Clone(), false
	}
	g.sink.Merge(s)
}

// Gather returns the metric families of the latest snapshot, in metric order.
func (e *Exporter) Gather() ([]*dto.MetricFamily, error) {
	snap := e.snap()
	var out []*dto.MetricFamily
	names := map[string]bool{}
	for i := 0; i < len(snap.Series); {
		m := snap.Series[i].Metric
		j := i
		for j < len(snap.Series) && snap.Series[j].Metric == m {
			j++
		}
		for _, f := range families(m, e.group(m, snap.Series[i:j])) {
			for names[f.GetName()] { // two metric names that differ only in invalid characters
				f.Name = ptr(f.GetName() + "_")
			}
			names[f.GetName()] = true
			out = append(out, f)
		}
		i = j
	}
	return out, nil
}

// group adds up the series of m by label set, admitting new label sets up to the limit.
func (e *Exporter) group(m *metrics.Metric, series []metrics.Series) []*group {
	e.mu.Lock()
	defer e.mu.Unlock()
	byKey := map[string]*group{}
	var order []*group
	for _, s := range series {
		labels, key := e.labels(s.Tags)
		id := m.Name + "\x00" + key
		if !e.admitted[id] {
			if len(e.admitted) >= e.max {
				e.overflow[id] = true
				labels = []*dto.LabelPair{{Name: ptr(OverflowLabel), Value: ptr("true")}}
				key = "\x00overflow"
			} else {
				e.admitted[id] = true
			}
		}
		g := byKey[key]
		if g == nil {
			g = &group{labels: labels}
			byKey[key] = g
			order = append(order, g)
		}
		g.add(s.Sink)
	}
	return order
}

// labels returns the label pairs of a tag set (without the dropped tags, names made valid)
// and their identity.
func (e *Exporter) labels(t *metrics.Tags) ([]*dto.LabelPair, string) {
	var pairs []*dto.LabelPair
	var key strings.Builder
	for _, p := range t.Pairs() {
		if slices.Contains(e.drop, p.Key) || p.Value == "" {
			continue
		}
		name := labelName(p.Key)
		if slices.ContainsFunc(pairs, func(l *dto.LabelPair) bool { return l.GetName() == name }) {
			continue // two tags that differ only in invalid characters: the first wins
		}
		pairs = append(pairs, &dto.LabelPair{Name: ptr(name), Value: ptr(p.Value)})
		key.WriteString(name + "\x00" + p.Value + "\x00")
	}
	return pairs, key.String()
}

// families builds the metric families of one metric from its groups.
func families(m *metrics.Metric, groups []*group) []*dto.MetricFamily {
	base := Prefix + metricName(m.Name)
	switch m.Type {
	case metrics.Counter:
		return []*dto.MetricFamily{family(base+"_total", m, dto.MetricType_COUNTER, groups, func(s *metrics.Sink) *dto.Metric {
			return &dto.Metric{Counter: &dto.Counter{Value: ptr(s.Sum)}}
		})}
	case metrics.Gauge:
		return []*dto.MetricFamily{family(base, m, dto.MetricType_GAUGE, groups, func(s *metrics.Sink) *dto.Metric {
			return &dto.Metric{Gauge: &dto.Gauge{Value: ptr(s.Last)}}
		})}
	case metrics.Rate:
		return []*dto.MetricFamily{
			family(base+"_total", m, dto.MetricType_COUNTER, groups, func(s *metrics.Sink) *dto.Metric {
				return &dto.Metric{Counter: &dto.Counter{Value: ptr(s.Sum)}}
			}),
			family(base+"_samples_total", m, dto.MetricType_COUNTER, groups, func(s *metrics.Sink) *dto.Metric {
				return &dto.Metric{Counter: &dto.Counter{Value: ptr(float64(s.Count))}}
			}),
		}
	case metrics.Trend:
		unit, scale := trendUnit(m.Contains)
		return []*dto.MetricFamily{family(base+unit, m, dto.MetricType_HISTOGRAM, groups, func(s *metrics.Sink) *dto.Metric {
			return &dto.Metric{Histogram: histogram(s, m.Contains, scale)}
		})}
	}
	return nil
}

func family(name string, m *metrics.Metric, typ dto.MetricType, groups []*group, value func(*metrics.Sink) *dto.Metric) *dto.MetricFamily {
	f := &dto.MetricFamily{Name: ptr(name), Help: ptr("nnjs metric " + m.Name + " (" + m.Type.String() + ")"), Type: typ.Enum()}
	for _, g := range groups {
		v := value(g.sink)
		v.Label = g.labels
		f.Metric = append(f.Metric, v)
	}
	return f
}

// trendUnit is the name suffix of a trend's histogram and the factor from its values to it.
func trendUnit(c metrics.ValueType) (string, float64) {
	switch c {
	case metrics.Time:
		return "_seconds", 1e-3 // milliseconds to seconds
	case metrics.Data:
		return "_bytes", 1
	}
	return "", 1
}

// metricName replaces what a Prometheus metric name cannot hold with '_'.
func metricName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r == '_' || r == ':' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

// labelName replaces what a Prometheus label name cannot hold with '_' (and cannot start with).
func labelName(s string) string {
	n := strings.ReplaceAll(metricName(s), ":", "_")
	if n == "" || n[0] >= '0' && n[0] <= '9' || strings.HasPrefix(n, "__") {
		n = "tag_" + n
	}
	return n
}

func ptr[T any](v T) *T { return &v }
