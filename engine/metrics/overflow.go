package metrics

// DefaultMaxSeries is CollectorConfig.MaxSeries's default: far more series than a test with
// grouped URLs makes, while memory stays around a few hundred bytes to a few KB per series.
const DefaultMaxSeries = 50_000

// OverflowTag marks the overflow series of a metric: where the samples of new tag sets go once
// the collector keeps MaxSeries series. Its value is "true".
const OverflowTag = "nnjs_series_limit"

// overflowTags returns the tags of the overflow series for samples tagged tags: only their
// scenario survives, so per-scenario figures stay exact.
func overflowTags(tags *Tags) *Tags {
	m := map[string]string{OverflowTag: "true"}
	if sc, ok := tags.Get("scenario"); ok {
		m["scenario"] = sc
	}
	return NewTags(m)
}

// overflowFilter matches every overflow series.
var overflowFilter = NewTags(map[string]string{OverflowTag: "true"})

// Overflowed reports whether some samples of m were recorded without their own tags because
// the series limit was reached: sub-metrics of m (other than by scenario) then miss them.
func (s *Snapshot) Overflowed(m *Metric) bool {
	for _, se := range s.Series {
		if se.Metric == m && se.Tags.Contains(overflowFilter) && se.Sink.Count > 0 {
			return true
		}
	}
	return false
}

// Overflowed returns how many tag sets were folded into overflow series so far, each counted
// once per flush interval in which it had samples (0 while the run stays under MaxSeries).
func (c *Collector) Overflowed() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.overflowed
}

// overflow returns the overflow total for a new series of m with tags (called under c.mu).
func (c *Collector) overflow(m *Metric, tags *Tags) *total {
	c.overflowed++
	ot := overflowTags(tags)
	k := seriesKey{m: m, tags: ot.Key()}
	t := c.totals[k]
	if t == nil {
		t = newTotal(m, ot)
		c.totals[k] = t
		c.order = append(c.order, t)
		c.sorted = false
	}
	return t
}
