package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/report"
)

// reportData reads the data embedded in a report page.
func reportData(t *testing.T, path string) *report.Data {
	t.Helper()
	page, err := os.ReadFile(path)
	require.NoError(t, err)
	m := regexp.MustCompile(`(?s)<script id="nnjs-data" type="application/json">(.*?)</script>`).FindSubmatch(page)
	require.NotNil(t, m, "the page embeds its data")
	var d report.Data
	require.NoError(t, json.Unmarshal(m[1], &d))
	return &d
}

// metricRow returns the report's row of a metric.
func metricRow(t *testing.T, d *report.Data, name string) report.MetricRow {
	t.Helper()
	for _, r := range d.Metrics {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no metric %s in the report", name)
	return report.MetricRow{}
}

// runSegments runs segmentScript as three execution segments writing result files.
func runSegments(t *testing.T, target, dir string) []string {
	t.Helper()
	script := scriptFile(t, "segments.js", segmentScript)
	var results []string
	for i, seg := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
		res := filepath.Join(dir, fmt.Sprintf("seg-%d.result", i))
		r := nnjs(context.Background(), nil, "run", "-q", "--no-summary", "-e", "TARGET="+target,
			"--execution-segment", seg, "--execution-segment-sequence", "0,1/3,2/3,1", "--out", "result="+res, script)
		require.Equal(t, exitOK, r.code, r.stderr)
		results = append(results, res)
	}
	return results
}

// TestReportOfSegmentsEqualsMerge is acceptance 3: the report rendered from three execution
// segments' result files shows the totals and percentiles of `nnjs merge` of the same files,
// and one time series covering all three.
func TestReportOfSegmentsEqualsMerge(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	dir := t.TempDir()
	results := runSegments(t, tg.URL, dir)

	merged := filepath.Join(dir, "merged.json")
	r := nnjs(context.Background(), nil, append([]string{"merge", "--summary-export", merged}, results...)...)
	require.Equal(t, exitOK, r.code, r.stderr)
	page := filepath.Join(dir, "report.html")
	r = nnjs(context.Background(), nil, append([]string{"report", "-o", page}, results...)...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, page)

	m, d := loadExport(t, merged), reportData(t, page)
	assert.Equal(t, 321.0, m.num(t, "iterations", "count"))
	for _, name := range []string{"iterations", "http_reqs"} {
		assert.Equal(t, m.num(t, name, "count"), metricRow(t, d, name).Sum, name)
	}
	spread := metricRow(t, d, "spread")
	for stat, got := range map[string]float64{"avg": spread.Avg, "min": spread.Min, "med": spread.Med,
		"max": spread.Max, "p(90)": spread.P90, "p(95)": spread.P95, "p(99)": spread.P99} {
		assert.Equal(t, m.num(t, "spread", stat), got, "spread %s", stat)
	}
	duration := metricRow(t, d, "http_req_duration")
	assert.Equal(t, m.num(t, "http_req_duration", "p(95)"), duration.P95)
	total := d.Requests[len(d.Requests)-1]
	assert.Equal(t, "Aggregated", total.Name)
	assert.Equal(t, m.num(t, "http_reqs", "count"), total.Count)
	assert.Equal(t, duration.P95, total.P95)

	require.NotNil(t, d.Timeline, "the result files carry the time series")
	var charted float64
	for _, v := range d.Timeline.Line("http_reqs").Sum {
		charted += v
	}
	assert.Equal(t, m.num(t, "http_reqs", "count"), charted, "the chart's columns add up to the total")
	assert.Len(t, d.Runs, 3)
	assert.True(t, d.Verdict.Passed)
}

// TestReportReadsOldResultsAndRefusesNewer: a result file of the first format renders (with
// a note), one from a newer nnjs is refused with a message that says so.
func TestReportReadsOldResultsAndRefusesNewer(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	dir := t.TempDir()
	res := runSegments(t, tg.URL, dir)[0]
	var doc map[string]any
	b, err := os.ReadFile(res)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, resultFormat, doc["format"])
	for _, k := range []string{"run", "exitCode", "verdict", "timeline", "db", "integrity"} {
		delete(doc, k)
	}
	write := func(name, format string) string {
		doc["format"] = format
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	page := filepath.Join(dir, "old.html")
	r := nnjs(context.Background(), nil, "report", "-o", page, write("v1.result", resultFormatV1))
	require.Equal(t, exitOK, r.code, r.stderr)
	d := reportData(t, page)
	assert.Nil(t, d.Timeline)
	require.NotEmpty(t, d.Notes)
	assert.Contains(t, d.Notes[0], "older nnjs")
	assert.NotZero(t, metricRow(t, d, "http_reqs").Sum)

	r = nnjs(context.Background(), nil, "report", "-o", page, write("v9.result", "nnjs-result/9"))
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "written by a newer nnjs (format nnjs-result/9)")
}
