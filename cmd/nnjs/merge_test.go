package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const mergeScript = `
import http from 'k6/http';
export const options = { vus: 1 };
export default function () { http.get(__ENV.TARGET); }
`

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.js")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func readExport(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc.Metrics
}

func TestMergeAddsCountsAndReevaluatesThresholds(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	script := writeScript(t, `
import http from 'k6/http';
export const options = { thresholds: { http_reqs: ['count>=70'], 'http_reqs{status:200}': ['count>=70'] } };
export default function () { http.get(__ENV.TARGET); }
`)
	parts := []struct {
		iters string
		file  string
	}{{"30", "a.result"}, {"40", "b.result"}}
	for _, p := range parts {
		code, _, errOut := run(nil, "run", "-q", "--no-summary", "-u", "3", "-i", p.iters, "-e", "TARGET="+srv.URL,
			"--out", "result="+filepath.Join(dir, p.file), script)
		require.Equal(t, exitThresholds, code, "each part alone has fewer than 70 requests: %s", errOut)
	}

	export := filepath.Join(dir, "total.json")
	code, out, errOut := run(nil, "merge", "--no-color", "--summary-export", export, filepath.Join(dir, "a.result"), filepath.Join(dir, "b.result"))
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "✓ 'count>=70'")
	m := readExport(t, export)
	assert.EqualValues(t, 70, m["http_reqs"]["count"])
	assert.EqualValues(t, 70, m["iterations"]["count"])
	d := m["http_req_duration"]
	assert.LessOrEqual(t, d["min"], d["p(95)"])
	assert.LessOrEqual(t, d["p(95)"], d["max"])
}

func TestMergeRefusesWhatIsNotAResult(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "x.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"metrics": {}}`), 0o644))
	code, _, errOut := run(nil, "merge", bad)
	assert.Equal(t, exitInvalidConfig, code)
	assert.Contains(t, errOut, "not an nnjs result file")

	code, _, errOut = run(nil, "merge")
	assert.Equal(t, exitInvalidConfig, code)
	assert.Contains(t, errOut, "RESULT")
}

func TestRunRejectsUnknownOutput(t *testing.T) {
	t.Parallel()
	code, _, errOut := run(nil, "run", "--out", "influxdb=http://x", writeScript(t, mergeScript))
	assert.Equal(t, exitInvalidConfig, code)
	assert.Contains(t, errOut, `unknown output type "influxdb" (allowed: result=FILE)`)
}
