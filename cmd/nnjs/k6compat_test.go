package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestK6CompatSuite runs the small k6 scripts of testdata/k6compat against a local server and
// checks the counts and exit codes k6 documents for them. Every script in the directory must
// have a row.
func TestK6CompatSuite(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		code int
		want map[string]float64 // "metric.field" of the summary export
		sum  map[string]float64 // these export values add up to the given total
	}{
		"checks.js": {exitOK, map[string]float64{"checks.passes": 10, "checks.fails": 5, "iterations.count": 5, "http_reqs.count": 5}, nil},
		"throwing_check.js": {exitOK, map[string]float64{
			"checks.passes": 3, "checks.fails": 3, "iterations.count": 3, "iteration_errors.count": 3}, nil},
		"thresholds.js": {exitThresholds, map[string]float64{"iterations.count": 4, "http_reqs.count": 4, "http_req_failed.passes": 4}, nil},
		"groups.js":     {exitOK, map[string]float64{"checks.passes": 4, "checks.fails": 0, "iterations.count": 2, "http_reqs.count": 4}, nil},
		"html_form.js":  {exitOK, map[string]float64{"checks.passes": 8, "checks.fails": 0, "iterations.count": 2, "http_reqs.count": 6}, nil},
		"execution.js":  {exitMarkedFailed, map[string]float64{"checks.passes": 8, "iterations.count": 4, "http_reqs.count": 4}, nil},
		"abort.js":      {exitAborted, map[string]float64{"iterations.count": 2}, nil},
		"arrival.js":    {exitOK, nil, map[string]float64{"iterations.count+dropped_iterations.count": 4}},
		"lifecycle.js":  {exitOK, map[string]float64{"checks.passes": 6, "iterations.count": 3, "orders_created.count": 3}, nil},
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "k6compat"))
	require.NoError(t, err)
	for _, e := range entries {
		require.Contains(t, tests, e.Name(), "testdata/k6compat/%s has no expectations", e.Name())
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			export := filepath.Join(t.TempDir(), "export.json")
			r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--summary-export", export,
				"-e", "TARGET="+tg.URL, filepath.Join("testdata", "k6compat", name))
			require.Equal(t, tc.code, r.code, r.stderr)
			d := loadExport(t, export)
			for key, want := range tc.want {
				metric, field, _ := strings.Cut(key, ".")
				assert.Equal(t, want, d.numOrZero(metric, field), key)
			}
			for keys, want := range tc.sum {
				total := 0.0
				for _, key := range strings.Split(keys, "+") {
					metric, field, _ := strings.Cut(key, ".")
					total += d.numOrZero(metric, field)
				}
				assert.Equal(t, want, total, keys)
			}
		})
	}
}

// numOrZero reads an exported number; a metric with no samples (absent) reads 0.
func (d exportDoc) numOrZero(metric, field string) float64 {
	v, _ := d.Metrics[metric][field].(float64)
	return v
}
