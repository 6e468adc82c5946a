package summary

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
)

// TextOptions controls WriteText.
type TextOptions struct {
	// NoColor disables ANSI colours and styles.
	NoColor bool
}

// WriteText writes the end-of-test summary in k6 v1's compact layout: a THRESHOLDS block
// (each expression with ✓/✗ and the observed value, or "no samples"), then TOTAL RESULTS with the checks
// (totals, then each check nested by group) and the metrics grouped CUSTOM, HTTP, EXECUTION
// and NETWORK with k6's dotted alignment and number formats.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	t := &textWriter{p: painter{on: !opts.NoColor}, r: r}
	t.thresholds()
	t.title("TOTAL RESULTS")
	t.checks()
	t.metrics()
	if _, err := io.WriteString(w, "\n"+strings.Join(t.lines, "\n")+"\n"); err != nil {
		return fmt.Errorf("summary: write text: %w", err)
	}
	return nil
}

// textWriter accumulates the lines of the text summary.
type textWriter struct {
	p     painter
	r     *Report
	lines []string
}

func (t *textWriter) line(indent int, s string) {
	t.lines = append(t.lines, strings.TrimRight(strings.Repeat(" ", indent)+s, " "))
}

func (t *textWriter) blank() { t.lines = append(t.lines, "") }

func (t *textWriter) title(s string) {
	t.line(2, "█ "+t.p.paint(s, sgrBold))
	t.blank()
}

func (t *textWriter) thresholds() {
	var names []string
	for name, m := range t.r.Metrics {
		if len(m.Thresholds) > 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	t.title("THRESHOLDS")
	for _, name := range sortMetricNames(names) {
		m := t.r.Metrics[name]
		indent, label := 4, name
		if parent := parentName(name); parent != name && len(t.r.Metrics[parent].Thresholds) > 0 {
			indent, label = 6, name[len(parent):]
		}
		t.line(indent, label)
		for _, src := range thresholdOrder(m) {
			t.line(indent, t.thresholdLine(src, m.Thresholds[src], m))
		}
		t.blank()
	}
	t.blank()
}

// thresholdOrder is the definition order when known, else the sorted expressions.
func thresholdOrder(m Metric) []string {
	if len(m.ThresholdOrder) == len(m.Thresholds) {
		return m.ThresholdOrder
	}
	keys := make([]string, 0, len(m.Thresholds))
	for k := range m.Thresholds {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (t *textWriter) thresholdLine(src string, res ThresholdResult, m Metric) string {
	mark := t.p.paint("✓", sgrGreen)
	if !res.OK {
		mark = t.p.paint("✗", sgrRed)
	}
	quoted := t.p.paint("'"+src+"'", sgrWhite)
	if res.Partial {
		return mark + " " + quoted + " " + t.p.paint("not judged: the run outgrew the series limit and lost this sub-metric's samples", sgrCyan)
	}
	agg := aggOf(src)
	if res.NoSamples && (res.Observed == nil || math.IsNaN(*res.Observed)) {
		return mark + " " + quoted + " " + t.p.paint("no samples: not judged, passes as in k6", sgrCyan)
	}
	if res.NoSamples {
		value := formatValue(*res.Observed, m, t.r.Options.SummaryTimeUnit)
		return mark + " " + quoted + " " + t.p.paint("no samples: judged on "+agg+"="+value+" as in k6", sgrCyan)
	}
	v, ok := m.Values[agg]
	if res.Observed != nil && !math.IsNaN(*res.Observed) {
		v, ok = *res.Observed, true
	}
	value := "-"
	if ok {
		value = formatValue(v, m, t.r.Options.SummaryTimeUnit)
		if m.Type == "counter" && agg == "rate" {
			value += "/s"
		}
	}
	return mark + " " + quoted + " " + t.p.paint(agg, sgrWhite) + "=" + t.p.paint(value, sgrCyan)
}

// aggOf returns the aggregation key of a threshold expression ("p(95)" for "p(95) < 500").
func aggOf(src string) string {
	if e, err := threshold.Parse(src); err == nil {
		return e.AggKey()
	}
	lhs, _, _ := strings.Cut(src, "<")
	lhs, _, _ = strings.Cut(lhs, ">")
	lhs, _, _ = strings.Cut(lhs, "=")
	lhs, _, _ = strings.Cut(lhs, "!")
	return strings.TrimSpace(lhs)
}

func (t *textWriter) checks() {
	cm, ok := t.r.Metrics[metrics.Checks]
	if !ok {
		return
	}
	passes, fails := cm.Values["passes"], cm.Values["fails"]
	total := passes + fails
	rate := 0.0
	if secs := t.r.State.TestRunDurationMs / 1000; secs > 0 {
		rate = total / secs
	}
	t.table([]row{
		{label: "checks_total", main: jsNumber(total), extras: []string{fixedNoTrailingZeros(rate, 6) + "/s"}},
		{label: "checks_succeeded", main: formatPercent(ratio(passes, total)), extras: []string{outOf(passes, total)}},
		{label: "checks_failed", main: formatPercent(ratio(fails, total)), extras: []string{outOf(fails, total)}},
	})
	t.blank()
	t.checkLines(t.r.RootGroup, 4, 0)
	t.blank()
}

func ratio(part, total float64) float64 {
	if total == 0 {
		return 0
	}
	return part / total
}

func outOf(part, total float64) string { return jsNumber(part) + " out of " + jsNumber(total) }

// checkLines writes g's checks, then each sub-group holding checks under a group title.
func (t *textWriter) checkLines(g Group, indent, depth int) {
	for _, c := range g.Checks {
		t.check(c, indent)
	}
	for _, sub := range g.Groups {
		if !hasChecks(sub) {
			continue
		}
		prefix := "█"
		if depth > 0 {
			prefix = "↳"
		}
		t.blank()
		t.line(indent, prefix+" "+t.p.paint("GROUP: "+sub.Name, sgrBold))
		t.checkLines(sub, indent+2, depth+1)
	}
}

func hasChecks(g Group) bool {
	return len(g.Checks) > 0 || slices.ContainsFunc(g.Groups, hasChecks)
}

func (t *textWriter) check(c Check, indent int) {
	if c.Fails == 0 {
		t.line(indent, t.p.paint("✓ "+c.Name, sgrGreen))
		return
	}
	pct := 100 * c.Passes / (c.Passes + c.Fails)
	t.line(indent, t.p.paint("✗ "+c.Name, sgrRed))
	t.line(indent+2, t.p.paint(fmt.Sprintf("↳  %d%% — ✓ %d / ✗ %d", pct, c.Passes, c.Fails), sgrRed))
}

func (t *textWriter) metrics() {
	for _, sec := range sections(t.r) {
		t.line(4, t.p.paint(sec.title, sgrBold))
		rows := make([]row, len(sec.names))
		for i, name := range sec.names {
			rows[i] = t.metricRow(name, t.r.Metrics[name])
		}
		t.table(rows)
		t.blank()
	}
}
