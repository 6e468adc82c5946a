package summary

import (
	"strings"
	"unicode/utf8"
)

// row is one "name.....: values" line of a metrics table.
type row struct {
	sub    bool     // a sub-metric, indented under its parent
	label  string   // metric name or "{ tag:value }"
	stats  []string // trend: the stat names
	cols   []string // trend: the formatted stat values
	main   string   // non-trend: the main value
	extras []string // non-trend: rate/s, min=/max=, "x out of y"
}

func (t *textWriter) metricRow(name string, m Metric) row {
	rw := row{label: name}
	if parent := parentName(name); parent != name {
		rw.sub, rw.label = true, "{ "+strings.TrimSuffix(name[len(parent)+1:], "}")+" }"
	}
	unit := t.r.Options.SummaryTimeUnit
	fv := func(key string) string { return formatValue(m.Values[key], m, unit) }
	switch m.Type {
	case "trend":
		rw.stats = t.r.Options.SummaryTrendStats
		for _, stat := range rw.stats {
			if stat == "count" {
				rw.cols = append(rw.cols, jsNumber(m.Values[stat]))
				continue
			}
			rw.cols = append(rw.cols, fv(stat))
		}
	case "counter":
		rw.main, rw.extras = fv("count"), []string{fv("rate") + "/s"}
	case "gauge":
		rw.main, rw.extras = fv("value"), []string{"min=" + fv("min"), "max=" + fv("max")}
	case "rate":
		passes, fails := m.Values["passes"], m.Values["fails"]
		rw.main, rw.extras = fv("rate"), []string{outOf(passes, passes+fails)}
	default:
		rw.main = "[no data]"
	}
	return rw
}

// tableWidths are the column widths of one table, so its values line up.
type tableWidths struct {
	label, main int
	cols        []int
	extras      []int
}

func widths(rows []row) tableWidths {
	var w tableWidths
	for _, r := range rows {
		w.label = max(w.label, r.labelWidth())
		w.main = max(w.main, width(r.main))
		w.cols = growMax(w.cols, r.cols)
		w.extras = growMax(w.extras, r.extras)
	}
	return w
}

func growMax(maxes []int, vals []string) []int {
	for i, v := range vals {
		if i == len(maxes) {
			maxes = append(maxes, 0)
		}
		maxes[i] = max(maxes[i], width(v))
	}
	return maxes
}

func (r row) labelWidth() int {
	if r.sub {
		return 2 + width(r.label)
	}
	return width(r.label)
}

func width(s string) int { return utf8.RuneCountInString(s) }

func pad(s string, w int) string { return strings.Repeat(" ", max(0, w-width(s))) }

// table writes rows with k6's dotted alignment: three dots past the longest name.
func (t *textWriter) table(rows []row) {
	w := widths(rows)
	for _, r := range rows {
		name := r.label
		if r.sub {
			name = "  " + name
		}
		dots := t.p.paint(strings.Repeat(".", w.label-r.labelWidth()+3)+":", sgrFaint, sgrWhite)
		t.line(4, name+dots+" "+t.rowData(r, w))
	}
}

func (t *textWriter) rowData(r row, w tableWidths) string {
	if r.stats != nil {
		parts := make([]string, len(r.cols))
		for i, col := range r.cols {
			parts[i] = r.stats[i] + "=" + t.p.paint(col, sgrCyan) + pad(col, w.cols[i])
		}
		return strings.Join(parts, " ")
	}
	out := t.p.paint(r.main, sgrCyan) + pad(r.main, w.main)
	if len(r.extras) == 1 {
		return out + " " + t.p.paint(r.extras[0], sgrFaint, sgrCyan)
	}
	parts := make([]string, len(r.extras))
	for i, e := range r.extras {
		parts[i] = t.p.paint(e, sgrFaint, sgrCyan) + pad(e, w.extras[i])
	}
	if len(parts) == 0 {
		return out
	}
	return out + " " + strings.Join(parts, " ")
}
