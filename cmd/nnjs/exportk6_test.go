package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSummaryExportAsK6 checks the export's metric set against k6's: data_sent and
// data_received at 0 when iterations made no request, and no
// http_req_duration{expected_response:true} when no response was expected.
func TestSummaryExportAsK6(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	noHTTP := scriptFile(t, "a.js", "export const options = { iterations: 2 };\nexport default function () {}\n")
	export := filepath.Join(t.TempDir(), "a.json")
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--summary-export", export, noHTTP)
	require.Equal(t, exitOK, r.code, r.stderr)
	d := loadExport(t, export)
	assert.Zero(t, d.num(t, "data_sent", "count"))
	assert.Zero(t, d.num(t, "data_received", "count"))

	unexpected := scriptFile(t, "b.js", "import http from 'k6/http';\n"+
		"export const options = { iterations: 2 };\n"+
		"export default function () { http.get(`${__ENV.TARGET}/hit`, { responseCallback: http.expectedStatuses(500) }); }\n")
	export = filepath.Join(t.TempDir(), "b.json")
	r = nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--summary-export", export, "-e", "TARGET="+tg.URL, unexpected)
	require.Equal(t, exitOK, r.code, r.stderr)
	d = loadExport(t, export)
	assert.Equal(t, 2.0, d.num(t, "http_reqs", "count"))
	assert.NotContains(t, d.Metrics, "http_req_duration{expected_response:true}")
	assert.Positive(t, d.num(t, "data_sent", "count"))
}
