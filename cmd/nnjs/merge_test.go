package main

import (
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

func TestMergeAddsCountsAndReevaluatesThresholds(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	script := scriptFile(t, "script.js", `
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
	m := loadExport(t, export)
	assert.Equal(t, 70.0, m.num(t, "http_reqs", "count"))
	assert.Equal(t, 70.0, m.num(t, "iterations", "count"))
	assert.LessOrEqual(t, m.num(t, "http_req_duration", "min"), m.num(t, "http_req_duration", "p(95)"))
	assert.LessOrEqual(t, m.num(t, "http_req_duration", "p(95)"), m.num(t, "http_req_duration", "max"))
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
	code, _, errOut := run(nil, "run", "--out", "influxdb=http://x", scriptFile(t, "script.js", mergeScript))
	assert.Equal(t, exitInvalidConfig, code)
	assert.Contains(t, errOut, `unknown output type "influxdb" (allowed: result=FILE, json=FILE, csv=FILE`)
}

// TestMergeAddsVUsAcrossSegments: two 2-VU segments of a 4-VU test merge to vus_max 4, and
// merge writes its result with -o result=FILE (run's spelling) or --out FILE.
func TestMergeAddsVUsAcrossSegments(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	script := scriptFile(t, "script.js", mergeScript)
	var files []string
	for i, seg := range []string{"0:1/2", "1/2:1"} {
		f := filepath.Join(dir, []string{"a", "b"}[i]+".result")
		code, _, errOut := run(nil, "run", "-q", "--no-summary", "-u", "4", "-i", "8", "--execution-segment", seg,
			"-e", "TARGET="+srv.URL, "-o", "result="+f, script)
		require.Equal(t, exitOK, code, errOut)
		files = append(files, f)
	}
	for _, out := range [][]string{{"-o", "result=" + filepath.Join(dir, "m1.result")}, {"--out", filepath.Join(dir, "m2.result")}} {
		export := filepath.Join(dir, "total.json")
		code, _, errOut := run(nil, append(append([]string{"merge", "--summary-export", export}, out...), files...)...)
		require.Equal(t, exitOK, code, errOut)
		m := loadExport(t, export)
		assert.Equal(t, 4.0, m.num(t, "vus_max", "value"), "2 + 2 VUs ran at the same time")
		assert.Equal(t, 8.0, m.num(t, "iterations", "count"))
	}
	assert.FileExists(t, filepath.Join(dir, "m1.result"))
	assert.FileExists(t, filepath.Join(dir, "m2.result"))
}
