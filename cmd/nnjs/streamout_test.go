package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// streamLine is one line of k6's JSON output.
type streamLine struct {
	Type   string `json:"type"`
	Metric string `json:"metric"`
	Data   struct {
		Value *float64          `json:"value"`
		Tags  map[string]string `json:"tags"`
		Type  string            `json:"type"`
	} `json:"data"`
}

// streamTotals sums what a JSON stream holds: per metric the sum, min and max of its points.
type streamTotals struct {
	metricLines   map[string]int
	sum, min, max map[string]float64
}

func readStream(t *testing.T, r io.Reader) streamTotals {
	t.Helper()
	st := streamTotals{metricLines: map[string]int{}, sum: map[string]float64{}, min: map[string]float64{}, max: map[string]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l streamLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		switch l.Type {
		case "Metric":
			st.metricLines[l.Metric]++
		case "Point":
			if st.metricLines[l.Metric] != 1 || l.Data.Value == nil {
				t.Fatalf("a point without its Metric line before it, or without a value: %s", sc.Text())
			}
			v := *l.Data.Value
			if _, ok := st.min[l.Metric]; !ok {
				st.min[l.Metric], st.max[l.Metric] = v, v
			}
			st.sum[l.Metric] += v
			st.min[l.Metric], st.max[l.Metric] = math.Min(st.min[l.Metric], v), math.Max(st.max[l.Metric], v)
		default:
			t.Fatalf("unknown line %s", sc.Text())
		}
	}
	require.NoError(t, sc.Err())
	return st
}

// TestOutJSONMatchesTheSummary is acceptance 2: the JSON stream's http_reqs points add up to
// the summary's count exactly, its http_req_duration points reproduce the summary's min and
// max, the .gz variant reads with gzip (and zcat when installed), and the CSV of the same run
// has a row per sample. --out json, csv and result combine.
func TestOutJSONMatchesTheSummary(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	dir := t.TempDir()
	script := scriptFile(t, "s.js", `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 4, duration: '2s', thresholds: { 'http_reqs{status:200}': ['count>0'] } };
export default function () { http.get(__ENV.TARGET + '/json'); http.get(__ENV.TARGET + '/status/404'); sleep(0.01); }
`)
	plain, gz, cs, export := filepath.Join(dir, "out.json"), filepath.Join(dir, "out.json.gz"), filepath.Join(dir, "out.csv"), filepath.Join(dir, "export.json")
	r := nnjs(t.Context(), nil, "run", "-q", "-e", "TARGET="+tg.URL, "--out", "json="+plain, "--out", "csv="+cs,
		"--out", "result="+filepath.Join(dir, "run.result"), "--summary-export", export, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "WARN", "nothing dropped")
	exp := loadExport(t, export)
	count := exp.num(t, "http_reqs", "count")
	require.Positive(t, count)

	f, err := os.Open(plain)
	require.NoError(t, err)
	defer f.Close()
	st := readStream(t, f)
	assert.Equal(t, count, st.sum["http_reqs"], "http_reqs points add up to the summary's count")
	assert.Equal(t, exp.num(t, "iterations", "count"), st.sum["iterations"])
	assert.InDelta(t, exp.num(t, "http_req_duration", "min"), st.min["http_req_duration"], 1e-9)
	assert.InDelta(t, exp.num(t, "http_req_duration", "max"), st.max["http_req_duration"], 1e-9)
	assert.InDelta(t, exp.num(t, "http_req_failed", "passes"), st.sum["http_req_failed"], 0, "a failed request is a 1")

	csvFile, err := os.Open(cs)
	require.NoError(t, err)
	defer csvFile.Close()
	rows, err := csv.NewReader(csvFile).ReadAll()
	require.NoError(t, err)
	var reqs, notFound int
	for _, row := range rows[1:] {
		if row[0] == "http_reqs" {
			reqs++
			if row[13] == "404" {
				notFound++
			}
		}
	}
	assert.Equal(t, int(count), reqs)
	assert.Equal(t, tg.count("GET /status/404"), notFound, "status column")

	// The same run written gzip-compressed.
	r = nnjs(t.Context(), nil, "run", "-q", "-e", "TARGET="+tg.URL, "--out", "json="+gz, "--summary-export", export, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	count = loadExport(t, export).num(t, "http_reqs", "count")
	g, err := os.Open(gz)
	require.NoError(t, err)
	defer g.Close()
	zr, err := gzip.NewReader(g)
	require.NoError(t, err)
	assert.Equal(t, count, readStream(t, zr).sum["http_reqs"])
	if zcat, err := exec.LookPath("zcat"); err == nil {
		out, err := exec.Command(zcat, gz).Output()
		require.NoError(t, err)
		assert.Equal(t, count, readStream(t, strings.NewReader(string(out))).sum["http_reqs"])
	}
}

// TestOutFlagErrors: bad --out values are refused before the load, naming the flag.
func TestOutFlagErrors(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", "export default function () {}\n")
	dir := t.TempDir()
	for _, tc := range []struct{ args []string }{
		{[]string{"--out", "xml=a"}},
		{[]string{"--out", "json=" + filepath.Join(dir, "a.json"), "--out", "json=" + filepath.Join(dir, "b.json")}},
		{[]string{"--out", "csv=" + filepath.Join(dir, "missing", "a.csv")}},
	} {
		r := nnjs(t.Context(), nil, append(append([]string{"run", "-q"}, tc.args...), script)...)
		assert.Equal(t, exitInvalidConfig, r.code, r.stderr)
		assert.Contains(t, r.stderr, "--out ", r.stderr)
	}
	assert.NoFileExists(t, filepath.Join(dir, "a.json"))
}

// TestOutJSONClosedAfterInterrupt: a run stopped by Ctrl-C still leaves a complete stream
// (every line whole, the points up to the stop).
func TestOutJSONClosedAfterInterrupt(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tg := newCountingTarget(t, func(key string, n int) {
		if key == "GET /json" && n == 50 {
			cancel()
		}
	})
	out, export := filepath.Join(t.TempDir(), "out.json"), filepath.Join(t.TempDir(), "export.json")
	script := scriptFile(t, "s.js", `import http from 'k6/http';
export const options = { vus: 2, duration: '60s' };
export default function () { http.get(__ENV.TARGET + '/json'); }
`)
	r := nnjs(ctx, nil, "run", "-q", "-e", "TARGET="+tg.URL, "--out", "json="+out, "--summary-export", export, script)
	assert.Equal(t, exitSignal, r.code, r.stderr)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	st := readStream(t, f)
	assert.Equal(t, loadExport(t, export).num(t, "http_reqs", "count"), st.sum["http_reqs"])
	assert.GreaterOrEqual(t, st.sum["http_reqs"], 49.0, "the requests answered before the stop")
}
