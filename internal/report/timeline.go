package report

import (
	"encoding/json"
	"math"
	"strconv"
)

// Timeline is what the report charts over time: one column per metrics interval (normally one
// second) on one shared time axis, and one Line per charted metric or metric-and-tag group.
// A Line has one value per column in each of its arrays; NaN (JSON null) means the group got
// no sample in that interval.
type Timeline struct {
	// IntervalMs is the length of one base interval in milliseconds.
	IntervalMs float64 `json:"intervalMs"`
	// End is the end of each column's interval (Unix milliseconds), Dur its length in ms.
	End []int64   `json:"end"`
	Dur []float64 `json:"dur"`
	// Lines are the charted groups, in the order they first received samples.
	Lines []*Line `json:"lines"`
	// Halvings counts how often the resolution was halved to keep at most MaxColumns columns.
	// Percentiles of a column that covers several intervals are count-weighted means of the
	// intervals' percentiles (ApproxPercentiles is then true).
	Halvings int `json:"halvings,omitempty"`
	// ApproxPercentiles says that some trend percentiles are count-weighted means (after
	// halving, or when several processes' timelines were merged) rather than exact.
	ApproxPercentiles bool `json:"approxPercentiles,omitempty"`
	// DroppedGroups counts groups not charted because the timeline already had MaxLines.
	DroppedGroups int `json:"droppedGroups,omitempty"`
}

// Line is one charted group: a metric, or a metric restricted to one tag value (Tag "k=v").
// Which arrays are filled depends on the metric type: Count always; Sum for counters, rates
// and trends; Last for gauges (the value at the interval's end); P50..P99 for trends.
type Line struct {
	Metric   string `json:"metric"`
	Type     string `json:"type"`
	Contains string `json:"contains"`
	Tag      string `json:"tag,omitempty"`
	// Custom marks a metric the script defined (payments_ok, ...).
	Custom bool   `json:"custom,omitempty"`
	Count  Values `json:"count"`
	Sum    Values `json:"sum,omitempty"`
	Last   Values `json:"last,omitempty"`
	P50    Values `json:"p50,omitempty"`
	P90    Values `json:"p90,omitempty"`
	P95    Values `json:"p95,omitempty"`
	P99    Values `json:"p99,omitempty"`
}

// Key identifies the line's group: "metric" or "metric{k=v}".
func (l *Line) Key() string {
	if l.Tag == "" {
		return l.Metric
	}
	return l.Metric + "{" + l.Tag + "}"
}

// arrays returns the line's filled value arrays.
func (l *Line) arrays() []*Values {
	out := []*Values{&l.Count}
	for _, v := range []*Values{&l.Sum, &l.Last, &l.P50, &l.P90, &l.P95, &l.P99} {
		if *v != nil {
			out = append(out, v)
		}
	}
	return out
}

// percentiles returns the trend's percentile arrays (none for other types).
func (l *Line) percentiles() []*Values {
	if l.P50 == nil {
		return nil
	}
	return []*Values{&l.P50, &l.P90, &l.P95, &l.P99}
}

// newLine returns an empty line of the given metric type, padded with n missing columns.
func newLine(metric, typ, contains, tag string, n int) *Line {
	l := &Line{Metric: metric, Type: typ, Contains: contains, Tag: tag, Custom: customMetric(metric), Count: missing(n)}
	switch typ {
	case "counter", "rate":
		l.Sum = missing(n)
	case "gauge":
		l.Last = missing(n)
	case "trend":
		l.Sum = missing(n)
		l.P50, l.P90, l.P95, l.P99 = missing(n), missing(n), missing(n), missing(n)
	}
	return l
}

func missing(n int) Values {
	v := make(Values, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// Line returns the line with key (see Line.Key), or nil.
func (t *Timeline) Line(key string) *Line {
	for _, l := range t.Lines {
		if l.Key() == key {
			return l
		}
	}
	return nil
}

// clone returns a deep copy.
func (t *Timeline) clone() *Timeline {
	c := *t
	c.End = append([]int64(nil), t.End...)
	c.Dur = append([]float64(nil), t.Dur...)
	c.Lines = make([]*Line, len(t.Lines))
	for i, l := range t.Lines {
		cl := *l
		for _, v := range cl.arrays() {
			*v = append(Values(nil), *v...)
		}
		c.Lines[i] = &cl
	}
	return &c
}

// halve merges neighbouring columns pairwise, halving the resolution.
func (t *Timeline) halve() {
	n := (len(t.End) + 1) / 2
	for i := range n {
		a, b := 2*i, 2*i+1
		t.End[i], t.Dur[i] = t.End[a], t.Dur[a]
		if b < len(t.End) {
			t.End[i], t.Dur[i] = t.End[b], t.Dur[a]+t.Dur[b]
		}
		for _, l := range t.Lines {
			l.combine(i, a, b)
		}
	}
	t.End, t.Dur = t.End[:n], t.Dur[:n]
	for _, l := range t.Lines {
		for _, v := range l.arrays() {
			*v = (*v)[:n]
		}
	}
	t.Halvings++
	t.ApproxPercentiles = true
}

// combine stores into column dst the merge of columns a and b (b may be past the end).
func (l *Line) combine(dst, a, b int) {
	if b >= len(l.Count) {
		for _, v := range l.arrays() {
			(*v)[dst] = (*v)[a]
		}
		return
	}
	ca, cb := l.Count[a], l.Count[b]
	for _, p := range l.percentiles() {
		(*p)[dst] = weighted((*p)[a], ca, (*p)[b], cb)
	}
	if l.Last != nil {
		l.Last[dst] = lastOf(l.Last[a], l.Last[b])
	}
	if l.Sum != nil {
		l.Sum[dst] = addMissing(l.Sum[a], l.Sum[b])
	}
	l.Count[dst] = addMissing(ca, cb)
}

// weighted is the count-weighted mean of two values, skipping missing ones.
func weighted(a, wa, b, wb float64) float64 {
	switch {
	case math.IsNaN(a) || !(wa > 0):
		return b
	case math.IsNaN(b) || !(wb > 0):
		return a
	}
	return (a*wa + b*wb) / (wa + wb)
}

// addMissing adds two values where NaN is "no sample" (NaN only when both are).
func addMissing(a, b float64) float64 {
	return bothPresent(a, b, func(x, y float64) float64 { return x + y })
}

// bothPresent applies f when neither value is missing (NaN), else returns the one present.
func bothPresent(a, b float64, f func(x, y float64) float64) float64 {
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return f(a, b)
}

// lastOf returns b unless it is missing.
func lastOf(a, b float64) float64 {
	if math.IsNaN(b) {
		return a
	}
	return b
}

// Values is a column of numbers where NaN (no sample) is written as JSON null.
type Values []float64

// MarshalJSON writes the numbers compactly, NaN and infinities as null.
func (v Values) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(v)*6)
	b = append(b, '[')
	for i, f := range v {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, roundSig(f), 'g', -1, 64)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads numbers and nulls (as NaN).
func (v *Values) UnmarshalJSON(b []byte) error {
	var raw []*float64
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Values, len(raw))
	for i, p := range raw {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	*v = out
	return nil
}

// roundSig keeps 6 significant digits: charts need no more, and the page stays small.
func roundSig(f float64) float64 {
	if f == 0 || f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// Since returns a copy of the line holding only the columns from index from on.
func (l *Line) Since(from int) *Line {
	c := *l
	for _, v := range c.arrays() {
		*v = append(Values(nil), (*v)[from:]...)
	}
	return &c
}
