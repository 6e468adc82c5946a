package summary

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
)

// Report is the handleSummary(data) object in k6's shape. It marshals to the JSON k6 gives
// scripts; fields tagged `json:"-"` are extras for WriteText.
type Report struct {
	RootGroup Group             `json:"root_group"`
	Options   ReportOptions     `json:"options"`
	State     State             `json:"state"`
	Metrics   map[string]Metric `json:"metrics"`
}

// Group is a k6 group with its checks; the root group has name, path "" and its children.
type Group struct {
	Name   string  `json:"name"`
	Path   string  `json:"path"` // "::outer::inner"
	ID     string  `json:"id"`   // hex md5 of Path, as in k6
	Groups []Group `json:"groups"`
	Checks []Check `json:"checks"`
}

// Check is one named check in a group.
type Check struct {
	Name   string `json:"name"`
	Path   string `json:"path"` // group path + "::" + name
	ID     string `json:"id"`   // hex md5 of Path
	Passes int64  `json:"passes"`
	Fails  int64  `json:"fails"`
}

// ReportOptions are the summary options k6 passes to handleSummary.
type ReportOptions struct {
	SummaryTrendStats []string `json:"summaryTrendStats"`
	SummaryTimeUnit   string   `json:"summaryTimeUnit"`
	NoColor           bool     `json:"noColor"`
}

// State describes the run and the terminal.
type State struct {
	IsStdOutTTY       bool    `json:"isStdOutTTY"`
	IsStdErrTTY       bool    `json:"isStdErrTTY"`
	TestRunDurationMs float64 `json:"testRunDurationMs"`
}

// Metric is one metric or sub-metric of the summary.
type Metric struct {
	Type       string                     `json:"type"`     // counter, gauge, rate, trend
	Contains   string                     `json:"contains"` // default, time, data
	Values     map[string]float64         `json:"values"`
	Thresholds map[string]ThresholdResult `json:"thresholds,omitempty"`
	// ThresholdOrder lists the Thresholds keys in definition order (not in JSON).
	ThresholdOrder []string `json:"-"`
}

// ThresholdResult is one threshold's outcome under its expression.
type ThresholdResult struct {
	OK bool `json:"ok"`
	// Observed is the value the threshold compared, when known (not in JSON).
	Observed *float64 `json:"-"`
	// NoSamples is true when the (sub-)metric had no samples (not in JSON).
	NoSamples bool `json:"-"`
	// Partial is true when the sub-metric misses samples beyond the series limit, so the
	// threshold was not judged (not in JSON).
	Partial bool `json:"-"`
}

// DefaultTrendStats is k6's default summaryTrendStats.
var DefaultTrendStats = []string{"avg", "min", "med", "max", "p(90)", "p(95)"}

// Input is what Data needs. Results may be nil (no thresholds).
type Input struct {
	Snapshot *metrics.Snapshot
	Results  threshold.Results // from Set.Evaluate on Snapshot
	Options  options.Options   // SummaryTrendStats (default DefaultTrendStats), SummaryTimeUnit
	NoColor  bool
	// IsStdOutTTY and IsStdErrTTY are passed to handleSummary in data.state.
	IsStdOutTTY, IsStdErrTTY bool
}

// Data builds the handleSummary object. Metrics with samples appear, plus every metric and
// sub-metric a threshold names (as k6 marks them observed), plus
// http_req_duration{expected_response:true} when it has samples, plus data_sent and
// data_received at 0 when an iteration ran without network traffic (k6 records both, 0 or
// not, at the end of every iteration).
// It fails with ErrTrendStat or ErrTimeUnit for bad summary options.
func Data(in Input) (*Report, error) {
	stats := in.Options.SummaryTrendStats
	if len(stats) == 0 {
		stats = DefaultTrendStats
	}
	resolvers, err := trendResolvers(stats)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	if err := ValidateTimeUnit(in.Options.SummaryTimeUnit); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	snap := in.Snapshot
	r := &Report{
		RootGroup: buildGroups(snap),
		Options: ReportOptions{
			SummaryTrendStats: append([]string(nil), stats...),
			SummaryTimeUnit:   in.Options.SummaryTimeUnit, NoColor: in.NoColor,
		},
		State: State{
			IsStdOutTTY: in.IsStdOutTTY, IsStdErrTTY: in.IsStdErrTTY,
			TestRunDurationMs: float64(snap.Elapsed) / float64(time.Millisecond),
		},
		Metrics: map[string]Metric{},
	}
	vb := valueBuilder{stats: stats, resolvers: resolvers, elapsed: snap.Elapsed}
	for _, m := range snap.Metrics() {
		r.Metrics[m.Name] = vb.metric(m, snap.Aggregate(m, nil))
	}
	addExpectedResponse(r, snap, vb)
	addZeroData(r, vb)
	r.addThresholds(snap, in.Results, vb)
	return r, nil
}

// addExpectedResponse adds k6's automatic http_req_duration{expected_response:true}.
func addExpectedResponse(r *Report, snap *metrics.Snapshot, vb valueBuilder) {
	m := metricOf(snap, metrics.HTTPReqDuration)
	if m == nil {
		return
	}
	for _, se := range snap.Series {
		if _, ok := se.Tags.Get("expected_response"); ok && se.Metric == m {
			filter := metrics.NewTags(map[string]string{"expected_response": "true"})
			if sink := snap.Aggregate(m, filter); sink.Count > 0 {
				r.Metrics[threshold.SubMetricName(m.Name, filter)] = vb.metric(m, sink)
			}
			return
		}
	}
}

// addZeroData adds data_sent and data_received at 0 when an iteration ran (ended or
// interrupted) and they have no samples, as k6 reports them.
func addZeroData(r *Report, vb valueBuilder) {
	_, ran := r.Metrics[metrics.Iterations]
	_, cut := r.Metrics[metrics.IterationsInterrupted]
	if !ran && !cut {
		return
	}
	for _, name := range []string{metrics.DataSent, metrics.DataReceived} {
		if _, ok := r.Metrics[name]; !ok {
			r.Metrics[name] = Metric{
				Type: metrics.Counter.String(), Contains: metrics.Data.String(),
				Values: vb.values(metrics.NewSink(metrics.Counter)),
			}
		}
	}
}

func metricOf(snap *metrics.Snapshot, name string) *metrics.Metric {
	for _, se := range snap.Series {
		if se.Metric.Name == name {
			return se.Metric
		}
	}
	return nil
}

func (r *Report) addThresholds(snap *metrics.Snapshot, res threshold.Results, vb valueBuilder) {
	for _, tr := range res {
		t := tr.Threshold
		r.ensure(snap, vb, t.Metric.Name, t.Metric, nil)
		r.ensure(snap, vb, t.Name, t.Metric, t.Filter)
		m := r.Metrics[t.Name]
		if m.Thresholds == nil {
			m.Thresholds = map[string]ThresholdResult{}
		}
		if _, dup := m.Thresholds[t.Expr.Source]; !dup {
			m.ThresholdOrder = append(m.ThresholdOrder, t.Expr.Source)
		}
		obs := tr.Observed
		m.Thresholds[t.Expr.Source] = ThresholdResult{OK: tr.OK, Observed: &obs, NoSamples: tr.Empty, Partial: tr.Partial}
		r.Metrics[t.Name] = m
	}
}

// ensure adds the (sub-)metric name, even without samples, if it is not there yet.
func (r *Report) ensure(snap *metrics.Snapshot, vb valueBuilder, name string, m *metrics.Metric, filter *metrics.Tags) {
	if _, ok := r.Metrics[name]; !ok {
		r.Metrics[name] = vb.metric(m, snap.Aggregate(m, filter))
	}
}

// Map returns the report as plain JSON-compatible maps and slices (for a JavaScript runtime).
func (r *Report) Map() (map[string]any, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("summary: encode: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("summary: decode: %w", err)
	}
	return out, nil
}

// finite turns NaN and ±Inf (which JSON cannot carry) into 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
