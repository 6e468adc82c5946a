package report

import (
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// figures picks the key numbers shown at the top: duration, load, throughput, errors,
// latency, the script's own counters (payments_ok, ...) and what the database monitor saw.
func figures(d *Data, dbs []SourcedDB) []Figure {
	rows := map[string]MetricRow{}
	for _, r := range d.Metrics {
		rows[r.Name] = r
	}
	out := []Figure{{Label: "duration", Value: d.ElapsedMs, Unit: "ms"}}
	if r, ok := rows[metrics.VUsMax]; ok {
		out = append(out, Figure{Label: "max VUs", Value: r.Max, Unit: "count"})
	} else if r, ok := rows[metrics.VUs]; ok {
		out = append(out, Figure{Label: "max VUs", Value: r.Max, Unit: "count"})
	}
	if r, ok := rows[metrics.Iterations]; ok {
		out = append(out, Figure{Label: "iterations", Value: r.Sum, Unit: "count"},
			Figure{Label: "iterations/s", Value: r.Rate, Unit: "rate"})
	}
	if r, ok := rows[metrics.HTTPReqs]; ok {
		out = append(out, Figure{Label: "requests", Value: r.Sum, Unit: "count"},
			Figure{Label: "requests/s", Value: r.Rate, Unit: "rate"})
	}
	if r, ok := rows[metrics.HTTPReqFailed]; ok {
		out = append(out, Figure{Label: "failed requests", Value: r.Rate, Unit: "share", Bad: r.Sum > 0})
	}
	if r, ok := rows[metrics.HTTPReqDuration]; ok {
		out = append(out, Figure{Label: "p95 latency", Value: r.P95, Unit: "ms"},
			Figure{Label: "p99 latency", Value: r.P99, Unit: "ms"})
	}
	if r, ok := rows[sqlQueries]; ok {
		out = append(out, Figure{Label: "SQL queries/s", Value: r.Rate, Unit: "rate"})
	}
	if r, ok := rows[sqlQueryDuration]; ok {
		out = append(out, Figure{Label: "SQL p95", Value: r.P95, Unit: "ms"})
	}
	if r, ok := rows[metrics.Checks]; ok {
		out = append(out, Figure{Label: "checks passed", Value: r.Rate, Unit: "share", Bad: r.Sum < float64(r.Count)})
	}
	for _, r := range d.Metrics {
		if r.Type == "counter" && customMetric(r.Name) {
			out = append(out, Figure{Label: r.Name, Value: r.Sum, Unit: "count", Bad: badName(r.Name) && r.Sum > 0})
		}
	}
	for _, db := range dbs {
		out = append(out, Figure{Label: "deadlocks", Value: float64(db.Report.Deadlocks), Unit: "count", Bad: db.Report.Deadlocks > 0},
			Figure{Label: "longest lock wait", Value: db.Report.MaxLockWaitMs, Unit: "ms"})
	}
	return out
}

// customMetric reports whether a metric is the script's own (not k6's, the monitor's or
// nnjs/sql's).
func customMetric(name string) bool {
	_, charted := chartGroupByName(name)
	return charted && !chartedWhole[name] && chartedByTag[name] == ""
}

// chartGroupByName is chartGroup for a metric name alone.
func chartGroupByName(name string) (string, bool) {
	return chartGroup(&metrics.Metric{Name: name}, nil)
}

// badName reports whether a counter's name says it counts failures.
func badName(name string) bool {
	for _, w := range []string{"fail", "error", "deadlock", "lost"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
