package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/internal/saturation"
)

// runTimeout bounds every in-process run; a run cut by it exits 105 and fails its test.
const runTimeout = 45 * time.Second

// countingTarget is the httptest server the scripts load. It counts requests by "METHOD /path" and
// answers like examples/target: /json (a document with two items), /echo (the request body),
// /status/{code}, /delay?ms=N and anything else with 200 "ok".
type countingTarget struct {
	*httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	onHit  func(key string, n int) // called after counting, before answering (may be nil)
	authed int                     // GET /json with an Authorization header
}

const countingTargetJSON = `{"id":42,"status":"ok","items":[{"sku":"KIT-1","price":1250.5},{"sku":"P-7","price":99.9}]}`

func newCountingTarget(t *testing.T, onHit func(key string, n int)) *countingTarget {
	tg := &countingTarget{hits: map[string]int{}, onHit: onHit}
	tg.Server = httptest.NewServer(http.HandlerFunc(tg.serve))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *countingTarget) serve(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	tg.mu.Lock()
	tg.hits[key]++
	n := tg.hits[key]
	if key == "GET /json" && r.Header.Get("Authorization") != "" {
		tg.authed++
	}
	tg.mu.Unlock()
	if tg.onHit != nil {
		tg.onHit(key, n)
	}
	switch {
	case r.URL.Path == "/json":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, countingTargetJSON)
	case r.URL.Path == "/echo":
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		_, _ = io.Copy(w, r.Body)
	case strings.HasPrefix(r.URL.Path, "/status/"):
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		w.WriteHeader(code)
	case r.URL.Path == "/delay":
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, "ok\n")
	default:
		_, _ = io.WriteString(w, "ok\n")
	}
}

// count returns how many requests "METHOD /path" the target received.
func (tg *countingTarget) count(key string) int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.hits[key]
}

// cliResult is what one in-process nnjs invocation produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// nnjs runs the CLI in-process under ctx (bounded by runTimeout) with environ as the process
// environment.
func nnjs(ctx context.Context, environ []string, args ...string) cliResult {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	var out, errb bytes.Buffer
	a := newApp(ctx, strings.NewReader(""), &out, &errb, func(string) (string, bool) { return "", false })
	a.environ = func() []string { return environ }
	code := a.main(args)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// scriptFile writes a script named name into a new temporary directory and returns its path.
func scriptFile(t *testing.T, name, body string) string {
	t.Helper()
	return scriptFileIn(t, t.TempDir(), name, body)
}

// scriptFileIn writes dir/name (creating subdirectories) and returns its path.
func scriptFileIn(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

// summaryDoc is the part of k6's handleSummary data object (and of the summary export) the
// tests read.
type summaryDoc struct {
	Metrics map[string]struct {
		Type       string                       `json:"type"`
		Values     map[string]float64           `json:"values"`
		Thresholds map[string]struct{ OK bool } `json:"thresholds"`
	} `json:"metrics"`
}

func loadSummaryData(t *testing.T, path string) summaryDoc {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, "handleSummary wrote its file")
	var d summaryDoc
	require.NoError(t, json.Unmarshal(b, &d))
	return d
}

// exportDoc is k6's --summary-export format: metrics flattened to their values.
type exportDoc struct {
	Metrics   map[string]map[string]any `json:"metrics"`
	RootGroup map[string]any            `json:"root_group"`
}

func loadExport(t *testing.T, path string) exportDoc {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, "--summary-export wrote its file")
	var d exportDoc
	require.NoError(t, json.Unmarshal(b, &d))
	return d
}

// num reads a number of an exported metric (0 and a failed assertion when missing).
func (d exportDoc) num(t *testing.T, metric, field string) float64 {
	t.Helper()
	v, ok := d.Metrics[metric][field].(float64)
	assert.True(t, ok, "export has %s.%s", metric, field)
	return v
}

// TestK6CompatCounts runs examples/k6-compat.{js,ts} (imported unmodified by testdata
// wrappers that only add per-scenario sub-metric thresholds and a handleSummary) and checks
// k6's exact counts per scenario.
func TestK6CompatCounts(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"js", "ts"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			out := filepath.Join(t.TempDir(), "summary.json")
			r := nnjs(t.Context(), nil, "run", "-q", "-e", "TARGET="+tg.URL, "-e", "SUMMARY_OUT="+out,
				filepath.Join("testdata", "k6-compat-counts."+lang))
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, r.stdout, "handleSummary replaced the default summary")

			d := loadSummaryData(t, out)
			for metric, want := range map[string]float64{
				"iterations{scenario:per_vu}": 70, "http_reqs{scenario:per_vu}": 70,
				"iterations{scenario:shared}": 30, "http_reqs{scenario:shared}": 30,
			} {
				assert.Equal(t, want, d.Metrics[metric].Values["count"], metric)
				for src, th := range d.Metrics[metric].Thresholds {
					assert.True(t, th.OK, "%s %s", metric, src)
				}
			}
			steady := d.Metrics["iterations{scenario:steady}"].Values["count"]
			assert.Positive(t, steady)
			assert.Equal(t, 100+steady, d.Metrics["iterations"].Values["count"], "no other iterations")
			assert.Equal(t, 70+30+steady+1, d.Metrics["http_reqs"].Values["count"], "plus setup's request")
			assert.Equal(t, 30+steady, d.Metrics["orders_placed"].Values["count"], "custom counter")
			assert.Equal(t, 1.0, d.Metrics["checks"].Values["rate"])
			assert.Equal(t, 70, tg.authed, "browse sent setup's token 70 times")
			assert.Equal(t, 30+int(steady), tg.count("POST /echo"))
		})
	}
}

// TestK6CompatUnmodified runs the example files themselves, as a user would.
func TestK6CompatUnmodified(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"k6-compat.js", "k6-compat.ts"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			export := filepath.Join(t.TempDir(), "export.json")
			r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-e", "TARGET="+tg.URL,
				"--summary-export", export, filepath.Join("..", "..", "examples", file))
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Contains(t, r.stdout, "✓ 'count>=30'", "default text summary with thresholds")
			d := loadExport(t, export)
			orders := d.num(t, "orders_placed", "count")
			assert.Equal(t, 70+orders, d.num(t, "iterations", "count"), "70 browse + every order")
			assert.Equal(t, 70+orders+1, d.num(t, "http_reqs", "count"))
			assert.Equal(t, 70, tg.authed)
			assert.Equal(t, 15.0, d.num(t, "vus_max", "value"), "10 + 3 + 2 VUs overlap")
		})
	}
}

func TestFailedThresholdExits99AndIsMarked(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	r := nnjs(t.Context(), nil, "run", "-q", "-e", "TARGET="+tg.URL, filepath.Join("..", "..", "examples", "thresholds-fail.js"))
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	assert.Contains(t, r.stdout, "✗ 'rate<0.01'", "the crossed threshold is marked")
	assert.Contains(t, r.stdout, "✓ 'p(95)<10000'", "the passing one is not")
	assert.Equal(t, 10, tg.count("GET /status/503"), "the run went to its end")
}

// TestFlagsOverrideOptions checks k6's precedence: -u/-d/-i/-s replace the script's
// scenarios, -d keeps the script's vus.
func TestFlagsOverrideOptions(t *testing.T) {
	t.Parallel()
	const scenarios = `{ vus: 4, scenarios: { a: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } }`
	tests := []struct {
		name    string
		options string
		flags   []string
		iters   float64 // exact iterations; 0: at least one
		vusMax  float64
	}{
		{"script scenarios", scenarios, nil, 6, 2},
		{"-u -i replace the scenarios", scenarios, []string{"-u", "3", "-i", "9"}, 9, 3},
		{"-i alone keeps the script's vus", scenarios, []string{"-i", "5"}, 5, 4},
		{"-d keeps the script's vus", scenarios, []string{"-d", "1s"}, 0, 4},
		{"-s replaces the scenarios, vus start them", scenarios, []string{"-s", "1s:2"}, 0, 4},
		{"-s ramps from one VU", `{ scenarios: { a: { executor: 'per-vu-iterations', vus: 5 } } }`, []string{"-s", "1s:2"}, 0, 2},
		{"-u over the iterations shortcut", `{ vus: 4, iterations: 8 }`, []string{"-u", "2"}, 8, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			script := scriptFile(t, "s.js", "import http from 'k6/http';\nimport { sleep } from 'k6';\n"+
				"export const options = "+tc.options+";\n"+
				"export default function () { http.get(`${__ENV.TARGET}/hit`); sleep(0.1); }\n")
			export := filepath.Join(t.TempDir(), "export.json")
			args := append([]string{"run", "-q", "--no-summary", "--summary-export", export, "-e", "TARGET=" + tg.URL}, tc.flags...)
			r := nnjs(t.Context(), nil, append(args, script)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			d := loadExport(t, export)
			iters := d.num(t, "iterations", "count")
			if tc.iters > 0 {
				assert.Equal(t, tc.iters, iters)
			} else {
				assert.Positive(t, iters)
			}
			assert.Equal(t, int(iters), tg.count("GET /hit"))
			assert.Equal(t, tc.vusMax, d.num(t, "vus_max", "value"))
		})
	}
}

// TestEnvReachesScript checks __ENV: process environment, then --env-file, then -e (last
// wins), in init code and in iterations.
func TestEnvReachesScript(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	envFile := scriptFile(t, "vars.env", "# test\nA=file\nB=file\nexport D='quoted value'\n")
	script := scriptFile(t, "s.js", `import http from 'k6/http';
export const options = { iterations: Number(__ENV.ITERS) };
export default function () {
  http.get(`+"`${__ENV.TARGET}/env/${__ENV.A}/${__ENV.B}/${__ENV.C}/${__ENV.PROC}/${encodeURIComponent(__ENV.D)}`"+`);
}
`)
	r := nnjs(t.Context(), []string{"PROC=proc", "A=proc", "ITERS=1"}, "run", "-q", "--no-summary",
		"--env-file", envFile, "-e", "B=flag", "-e", "C=flag", "-e", "ITERS=2", "-e", "TARGET="+tg.URL, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 2, tg.count("GET /env/file/flag/flag/proc/quoted value"), "-e ITERS=2 won in init code too")
}

// TestHandleSummaryReplacesTheDefault checks handleSummary's stdout, stderr and file keys.
func TestHandleSummaryReplacesTheDefault(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "reports", "summary.json")
	script := scriptFile(t, "s.js", `export const options = { iterations: 3 };
export default function () {}
export function handleSummary(data) {
  return {
    stdout: 'custom summary: ' + data.metrics.iterations.values.count + ' iterations\n',
    stderr: 'to stderr\n',
    [__ENV.OUT]: JSON.stringify(data),
  };
}
`)
	r := nnjs(t.Context(), nil, "run", "-q", "-e", "OUT="+out, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "custom summary: 3 iterations\n", r.stdout, "no default summary")
	assert.Contains(t, r.stderr, "to stderr\n")
	d := loadSummaryData(t, out)
	assert.Equal(t, "counter", d.Metrics["iterations"].Type)
	assert.Equal(t, 3.0, d.Metrics["iterations"].Values["count"])

	// As in k6, --no-summary skips handleSummary; nnjs still writes --summary-export.
	skipped, export := filepath.Join(t.TempDir(), "skipped.json"), filepath.Join(t.TempDir(), "export.json")
	r = nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--summary-export", export, "-e", "OUT="+skipped, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.NotContains(t, r.stderr, "to stderr")
	assert.NoFileExists(t, skipped)
	assert.Equal(t, 3.0, loadExport(t, export).num(t, "iterations", "count"))
}

// TestSummaryExportFormat checks k6's --summary-export layout for each metric type, the
// threshold map (true = crossed), root_group checks and groups, and --no-summary.
func TestSummaryExportFormat(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	export := filepath.Join(t.TempDir(), "export.json")
	script := scriptFile(t, "s.js", `import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const c = new Counter('my_counter'), g = new Gauge('my_gauge'), r = new Rate('my_rate'), tr = new Trend('my_trend');
export const options = {
  vus: 1, iterations: 4,
  thresholds: { my_counter: ['count==4'], my_rate: ['rate<0.5'] },
};
export default function () {
  group('shop', () => {
    const res = http.get(__ENV.TARGET + '/json');
    check(res, { 'is 200': (x) => x.status === 200, 'is 404': (x) => x.status === 404 });
  });
  c.add(1); g.add(__ITER + 5); r.add(__VU === 1); tr.add(10);
}
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--summary-trend-stats", "avg,max,p(99)",
		"--summary-export", export, "-e", "TARGET="+tg.URL, script)
	require.Equal(t, exitThresholds, r.code, r.stderr)
	assert.Empty(t, r.stdout, "--no-summary prints nothing")

	d := loadExport(t, export)
	assert.Equal(t, map[string]any{"count": 4.0, "rate": d.Metrics["my_counter"]["rate"],
		"thresholds": map[string]any{"count==4": false}}, d.Metrics["my_counter"])
	assert.Equal(t, map[string]any{"avg": 10.0, "max": 10.0, "p(99)": 10.0}, d.Metrics["my_trend"])
	assert.Equal(t, map[string]any{"value": 8.0, "min": 5.0, "max": 8.0}, d.Metrics["my_gauge"])
	assert.Equal(t, map[string]any{"count": 4.0, "rate": d.Metrics["http_reqs"]["rate"]}, d.Metrics["http_reqs"])
	assert.Equal(t, 4.0, d.num(t, "checks", "passes"))
	assert.Equal(t, 4.0, d.num(t, "checks", "fails"))
	assert.Equal(t, 0.5, d.num(t, "checks", "value"))
	assert.Equal(t, map[string]any{"passes": 4.0, "fails": 0.0, "value": 1.0,
		"thresholds": map[string]any{"rate<0.5": true}}, d.Metrics["my_rate"], "true: crossed")

	shop, _ := d.RootGroup["groups"].(map[string]any)["shop"].(map[string]any)
	require.NotNil(t, shop, "root_group.groups.shop")
	assert.Equal(t, "::shop", shop["path"])
	check, _ := shop["checks"].(map[string]any)["is 200"].(map[string]any)
	require.NotNil(t, check)
	assert.Equal(t, 4.0, check["passes"])
	assert.Equal(t, 0.0, check["fails"])
}

// fakeProgress is a fixed progress source.
type fakeProgress []engine.ScenarioProgress

func (f fakeProgress) Progress() []engine.ScenarioProgress { return f }

func TestProgressLine(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		scenarios fakeProgress
		elapsed   time.Duration
		want      string
	}{
		{"one running scenario", fakeProgress{{Name: "default", Status: engine.Running, ActiveVUs: 3, MaxVUs: 5, Completed: 70, Interrupted: 1, Fraction: 0.5}},
			62500 * time.Millisecond,
			"running (01m02.5s), 3/5 VUs, 70 complete and 1 interrupted iterations  default [ 50%]"},
		{"waiting, skipped and done scenarios with drops",
			fakeProgress{
				{Name: "a", Status: engine.Done, MaxVUs: 2, Completed: 10, Fraction: 1},
				{Name: "b", Status: engine.Running, ActiveVUs: 4, MaxVUs: 4, Completed: 5, Dropped: 3, Fraction: 0.25},
				{Name: "c", Status: engine.Waiting, MaxVUs: 1},
				{Name: "d", Status: engine.Skipped},
			},
			10 * time.Second,
			"running (00m10.0s), 4/7 VUs, 15 complete and 0 interrupted iterations, 3 dropped  a [100%] b [ 25%] c [waiting] d [skipped]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newProgress(io.Discard, false, tc.scenarios, start)
			assert.Equal(t, tc.want, p.line(start.Add(tc.elapsed)))
		})
	}
}

// TestProgressPlainEveryTenSeconds checks that a non-terminal gets one plain line every 10s
// and nothing more when the run ends.
func TestProgressPlainEveryTenSeconds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		src := fakeProgress{{Name: "default", Status: engine.Running, ActiveVUs: 1, MaxVUs: 1, Fraction: 0.1}}
		p := newProgress(&out, false, src, time.Now())
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.loop(ctx); close(done) }()

		time.Sleep(9500 * time.Millisecond)
		synctest.Wait()
		assert.Empty(t, out.String(), "nothing before 10s")
		time.Sleep(time.Second)
		synctest.Wait()
		assert.Equal(t, []string{"running (00m10.0s)"}, progressClocks(out.String()))
		time.Sleep(20 * time.Second)
		synctest.Wait()
		assert.Equal(t, []string{"running (00m10.0s)", "running (00m20.0s)", "running (00m30.0s)"}, progressClocks(out.String()))
		assert.NotContains(t, out.String(), "\r")
		cancel()
		<-done
		assert.Len(t, progressClocks(out.String()), 3, "no line at the end")
		assert.True(t, strings.HasSuffix(out.String(), "[ 10%]\n"), "whole lines: %q", out.String())
	})
}

// TestProgressTerminalRedraws checks the live line on a terminal: redrawn in place every
// 200ms, ended by a newline when the run stops.
func TestProgressTerminalRedraws(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		p := newProgress(&out, true, fakeProgress{{Name: "default", Status: engine.Running}}, time.Now())
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.loop(ctx); close(done) }()
		time.Sleep(time.Second + 100*time.Millisecond)
		synctest.Wait()
		assert.Equal(t, 5, strings.Count(out.String(), "\r\x1b[K"))
		assert.NotContains(t, out.String(), "\n")
		cancel()
		<-done
		assert.True(t, strings.HasSuffix(out.String(), "\n"))
	})
}

var progressClock = regexp.MustCompile(`(?m)^running \(\d\dm\d\d\.\ds\)`)

func progressClocks(s string) []string { return progressClock.FindAllString(s, -1) }

func TestProgressLineWarnsWhenTheGeneratorIsSaturated(t *testing.T) {
	t.Parallel()
	start := time.Now()
	src := fakeProgress{{Name: "default", Status: engine.Running, ActiveVUs: 1, MaxVUs: 1, Fraction: 0.5}}
	p := newProgress(io.Discard, false, src, start)
	st := saturation.Status{}
	p.saturation = func() saturation.Status { return st }
	calm := "running (00m01.0s), 1/1 VUs, 0 complete and 0 interrupted iterations  default [ 50%]"
	assert.Equal(t, calm, p.line(start.Add(time.Second)))
	st = saturation.Status{Saturated: true, SchedP99: 12 * time.Millisecond, GCShare: 0.3, GCJudged: true}
	assert.Equal(t, calm+"  WARN: generator saturated (scheduling p99 12ms, GC 30% of CPU)", p.line(start.Add(time.Second)))
	st = saturation.Status{Saturated: true, SchedP99: time.Millisecond, GCShare: 0.25, GCJudged: true}
	assert.Equal(t, calm+"  WARN: generator saturated (GC 25% of CPU)", p.line(start.Add(time.Second)))
}

func TestWarnSaturation(t *testing.T) {
	t.Parallel()
	m := saturation.NewMonitor(nil)
	var out strings.Builder
	warnSaturation(&out, m.Report())
	assert.Empty(t, out.String(), "no warning when never saturated")
	m.Observe(saturation.Sample{TotalCPU: 1})
	m.Observe(saturation.Sample{GCCPU: 0.5, TotalCPU: 2})
	warnSaturation(&out, m.Report())
	assert.Equal(t, "WARN: the load generator was saturated in 1 of 1 checks (once a second, each over the last 5 s; goroutine scheduling latency "+
		"p99 up to 0.0 ms, threshold 5 ms; garbage collection up to 50% of its CPU, threshold 20%): latencies measured "+
		"then include nnjs's own delay, not only the server's; give nnjs more CPU or run fewer VUs\n", out.String())
}
