package report

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
)

// Input is what a report is built from. Snapshot holds the run totals (for `nnjs report`, the
// merge of every file's); everything else is optional.
type Input struct {
	Title      string
	Snapshot   *metrics.Snapshot
	Thresholds threshold.Results
	Verdict    Verdict
	Runs       []Run
	Timeline   *Timeline
	DB         []SourcedDB
	Integrity  []SourcedIntegrity
	Notes      []string
	Live       bool
}

// Build computes the report's tables and figures from in.
func Build(in Input) *Data {
	snap := in.Snapshot
	if snap == nil {
		snap = &metrics.Snapshot{}
	}
	d := &Data{
		Title: in.Title, Generated: time.Now().UTC(), Live: in.Live, Verdict: in.Verdict, Runs: in.Runs,
		Start: snap.Start.UTC(), End: snap.Start.Add(snap.Elapsed).UTC(), ElapsedMs: ms(snap.Elapsed),
		Thresholds: thresholdRows(in.Thresholds), Checks: checkRows(snap),
		Requests: statRows(snap, httpStats), Queries: statRows(snap, sqlStats), Metrics: metricRows(snap),
		Timeline: in.Timeline, DB: in.DB, Integrity: in.Integrity, Notes: in.Notes,
	}
	if d.Runs == nil {
		d.Runs = []Run{}
	}
	d.Figures = figures(d, in.DB)
	return d
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// thresholdRows turns threshold results into rows. A threshold whose aggregation had nothing
// to observe (the rate of a Rate with no samples) is "not judged", as the summary says.
func thresholdRows(res threshold.Results) []ThresholdRow {
	rows := make([]ThresholdRow, 0, len(res))
	for _, r := range res {
		row := ThresholdRow{
			Metric: r.Threshold.Name, Expr: r.Threshold.Expr.Source, Contains: r.Threshold.Metric.Contains.String(),
			Status: "pass", AbortOnFail: r.Threshold.AbortOnFail,
		}
		if !math.IsNaN(r.Observed) {
			v := r.Observed
			row.Observed = &v
		}
		switch {
		case !r.OK:
			row.Status = "fail"
		case row.Observed == nil:
			row.Status = "not judged"
		}
		if r.Empty {
			row.Note = "no samples"
		}
		rows = append(rows, row)
	}
	return rows
}

// checkRows counts passes and fails of each check (checks series by group and check tag).
func checkRows(snap *metrics.Snapshot) []CheckRow {
	byKey := map[[2]string]*CheckRow{}
	var order []*CheckRow
	for _, se := range snap.Series {
		if se.Metric.Name != metrics.Checks {
			continue
		}
		group, _ := se.Tags.Get("group")
		name, _ := se.Tags.Get("check")
		k := [2]string{group, name}
		row := byKey[k]
		if row == nil {
			row = &CheckRow{Group: strings.TrimPrefix(group, "::"), Name: name}
			byKey[k] = row
			order = append(order, row)
		}
		row.Passes += uint64(se.Sink.Sum)
		row.Fails += se.Sink.Count - uint64(se.Sink.Sum)
	}
	out := make([]CheckRow, 0, len(order))
	for _, r := range order {
		out = append(out, *r)
	}
	slices.SortStableFunc(out, func(a, b CheckRow) int { return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Name, b.Name)) })
	return out
}

// statKind says which metrics make a statistics table and which tags key its rows.
type statKind struct {
	count, failures, duration string
	keys                      [3]string // row key tags: name, then method/op, then status
}

var (
	httpStats = statKind{count: metrics.HTTPReqs, failures: metrics.HTTPReqFailed, duration: metrics.HTTPReqDuration,
		keys: [3]string{"name", "method", "status"}}
	sqlStats = statKind{count: sqlQueries, failures: sqlErrors, duration: sqlQueryDuration,
		keys: [3]string{"name", "op", ""}}
)

// statAcc accumulates one statistics row.
type statAcc struct {
	row      StatRow
	count    float64
	failures float64
	dur      *metrics.Sink
}

// statRows builds the per-request (or per-statement) table: one row per key, sorted by name,
// then an "Aggregated" row over all of them (absent when there is no row).
func statRows(snap *metrics.Snapshot, k statKind) []StatRow {
	rows := map[[3]string]*statAcc{}
	total := &statAcc{row: StatRow{Name: "Aggregated"}, dur: metrics.NewSink(metrics.Trend)}
	for _, se := range snap.Series {
		var key [3]string
		for i, t := range k.keys {
			if t != "" {
				key[i], _ = se.Tags.Get(t)
			}
		}
		acc := rows[key]
		get := func() *statAcc {
			if acc == nil {
				acc = &statAcc{row: StatRow{Name: key[0], Method: key[1], Status: key[2]}, dur: metrics.NewSink(metrics.Trend)}
				rows[key] = acc
			}
			return acc
		}
		switch se.Metric.Name {
		case k.count:
			get().count += se.Sink.Sum
			total.count += se.Sink.Sum
		case k.failures:
			get().failures += se.Sink.Sum
			total.failures += se.Sink.Sum
		case k.duration:
			get().dur.Merge(se.Sink)
			total.dur.Merge(se.Sink)
		}
	}
	if len(rows) == 0 {
		return []StatRow{}
	}
	out := make([]StatRow, 0, len(rows)+1)
	for _, acc := range rows {
		out = append(out, acc.finish(snap.Elapsed))
	}
	slices.SortFunc(out, func(a, b StatRow) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Status, b.Status))
	})
	return append(out, total.finish(snap.Elapsed))
}

func (a *statAcc) finish(elapsed time.Duration) StatRow {
	r := a.row
	r.Count, r.Failures = a.count, a.failures
	if elapsed > 0 {
		r.RPS = a.count / elapsed.Seconds()
	}
	s := a.dur
	r.Avg, r.Min, r.Max = s.Avg(), s.MinOrZero(), s.MaxOrZero()
	r.P50, r.P90, r.P95, r.P99 = s.Percentile(50), s.Percentile(90), s.Percentile(95), s.Percentile(99)
	return r
}

// metricRows gives every metric with samples its run totals, in registration order.
func metricRows(snap *metrics.Snapshot) []MetricRow {
	out := []MetricRow{}
	for _, m := range snap.Metrics() {
		s := snap.Aggregate(m, nil)
		row := MetricRow{Name: m.Name, Type: m.Type.String(), Contains: m.Contains.String(), Count: s.Count}
		switch m.Type {
		case metrics.Counter:
			row.Sum = s.Sum
			if snap.Elapsed > 0 {
				row.Rate = s.Sum / snap.Elapsed.Seconds()
			}
		case metrics.Rate:
			row.Sum, row.Rate = s.Sum, s.Rate()
		case metrics.Gauge:
			row.Value, row.Min, row.Max = s.Last, s.MinOrZero(), s.MaxOrZero()
		case metrics.Trend:
			row.Avg, row.Min, row.Max = s.Avg(), s.MinOrZero(), s.MaxOrZero()
			row.Med, row.P90, row.P95, row.P99 = s.Percentile(50), s.Percentile(90), s.Percentile(95), s.Percentile(99)
		}
		out = append(out, row)
	}
	return out
}
