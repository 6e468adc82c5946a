package threshold

import (
	"strconv"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p(95)<500", "avg <= 1.5", "count===0", "rate!=1", "p(99.9)>1e3", "value>-1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			return
		}
		if e.Agg == 0 || e.Op == 0 || e.Value != e.Value {
			t.Fatalf("Parse(%q) accepted an incomplete expression %+v", s, e)
		}
		if e.Agg == AggPercentile && (e.Percentile < 0 || e.Percentile > 100) {
			t.Fatalf("Parse(%q) accepted percentile %v", s, e.Percentile)
		}
		// The canonical form parses back to the same expression.
		again, err := Parse(e.AggKey() + e.Op.String() + formatValue(e.Value))
		if err != nil || again.Agg != e.Agg || again.Op != e.Op || again.Percentile != e.Percentile ||
			again.Value != e.Value {
			t.Fatalf("round trip of %q: %+v, %v", s, again, err)
		}
	})
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"http_req_duration", "a{b:c}", "group_duration{group:::x::y}", "a{ b : 'c' ,d:e}", "{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, filter, err := ParseKey(s)
		if err != nil {
			return
		}
		if m == "" || strings.Contains(m, "{") || m != strings.TrimSpace(m) {
			t.Fatalf("ParseKey(%q) gave metric %q", s, m)
		}
		for _, p := range filter.Pairs() {
			if p.Key == "" || p.Value == "" || strings.Contains(p.Key, ",") || strings.Contains(p.Value, ",") {
				t.Fatalf("ParseKey(%q) gave tag %q:%q", s, p.Key, p.Value)
			}
		}
	})
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
