package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerdictNamesEveryFailure: thresholds crossed and a critical integrity failure in one
// run end with one verdict block; exit 110 says it hides 99.
func TestVerdictNamesEveryFailure(t *testing.T) {
	t.Parallel()
	dbURL, _ := seededStaging(t)
	script := scriptFile(t, "s.js", `import sql from 'nnjs/sql';
const db = sql.open(__ENV.DB);
export const options = { iterations: 1, integrity: { url: __ENV.DB, count: 10 },
  thresholds: { iterations: ['count>100'] } };
export default function () { db.exec('UPDATE users SET pvg_cache = pvg_cache + 7 WHERE member_id = 80000'); }
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-e", "DB="+dbURL, script)
	assert.Equal(t, exitIntegrity, r.code, r.stdout+r.stderr)
	assert.Equal(t, 1, strings.Count(r.stdout, "VERDICT"), "one verdict block")
	verdict := r.stdout[strings.Index(r.stdout, "VERDICT"):]
	assert.Contains(t, verdict, "VERDICT: FAILED, exit code 110")
	assert.Regexp(t, `✗ integrity failed: critical checks .*C19.* \(exit 110\)`, verdict)
	assert.Contains(t, verdict, "✗ thresholds crossed: 1 of 1: 'count>100' on iterations (exit 99, hidden by 110)")
}

// TestThresholdWithoutSamples: a threshold on an empty Rate prints "no samples" and passes,
// as in k6; the verdict says so.
func TestThresholdWithoutSamples(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", `export const options = { iterations: 1, thresholds: { http_req_failed: ['rate<0.01'] } };
export default function () {}
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", script)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "✓ 'rate<0.01' no samples: not judged, passes as in k6")
	assert.Contains(t, r.stdout, "VERDICT: exit code 0; not everything was judged")
	assert.Contains(t, r.stdout, "- thresholds not judged, no samples (they pass, as in k6): 'rate<0.01' on http_req_failed")
	assert.NotContains(t, r.stdout, "✓ thresholds:")
}

// TestThresholdsOnEmptyMetrics: as in k6, an empty trend or counter is judged on 0 and an empty
// Rate passes unjudged; the verdict says which, and the run ends with k6's line naming the
// crossed thresholds' metrics.
func TestThresholdsOnEmptyMetrics(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", `import { Trend } from 'k6/metrics';
const t = new Trend('my_trend');
export const options = { iterations: 2, thresholds: {
  checks: ['rate>0.99'], my_trend: ['p(95)<500', 'max>1'], dropped_iterations: ['count==0'], iterations: ['count>5'] } };
export default function () {}
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", script)
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	assert.Contains(t, r.stdout, "✓ 'rate>0.99' no samples: not judged, passes as in k6")
	assert.Contains(t, r.stdout, "✓ 'p(95)<500' no samples: judged on p(95)=0 as in k6")
	assert.Contains(t, r.stdout, "✗ 'max>1' no samples: judged on max=0 as in k6")
	assert.Contains(t, r.stdout, "✓ 'count==0' no samples: judged on count=0 as in k6")
	assert.Contains(t, r.stdout, "✗ thresholds crossed: 2 of 5: 'count>5' on iterations, 'max>1' on my_trend (no samples, judged on 0 as in k6) (exit 99)")
	assert.Contains(t, r.stdout, "- thresholds not judged, no samples (they pass, as in k6): 'rate>0.99' on checks")
	assert.Equal(t, "nnjs run: thresholds on metrics 'iterations, my_trend' have been crossed", strings.TrimSpace(r.stderr))
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestTheErrorThatStoppedTheRunIsPrintedLast runs scenarios/baseline.js with no payment API:
// the plan comes first, the summary next, and the error last with the command to start it.
func TestTheErrorThatStoppedTheRunIsPrintedLast(t *testing.T) {
	t.Parallel()
	api := "http://" + closedPort(t)
	code, out := bothOut(t.Context(), nil, "run", "--no-color", "-e", "API="+api, "-e", "DURATION=1s",
		filepath.Join("..", "..", "scenarios", "baseline.js"))
	assert.Equal(t, exitScriptException, code, out)
	plan, total := strings.Index(out, "scenarios: (100.00%) 1 scenario, 100 max VUs"), strings.Index(out, "TOTAL RESULTS")
	failed, hint := strings.Index(out, "is not healthy"), strings.Index(out, "hint: nothing answers at "+api)
	require.True(t, plan >= 0 && total >= 0 && failed >= 0 && hint >= 0, out)
	assert.Less(t, plan, total, "the plan first")
	assert.Less(t, total, strings.LastIndex(out, "is not healthy"), "the error after the summary")
	assert.Less(t, strings.LastIndex(out, "is not healthy"), hint)
	assert.Contains(t, out[hint:], "bin/paymentapi --db")
	assert.Equal(t, "", strings.TrimSpace(out[strings.Index(out[hint:], "\n")+hint:]), "nothing after the hint")
}

// TestNotStagingDatabaseHint: an unmarked integrity database stops the run with the seed
// command to mark it.
func TestNotStagingDatabaseHint(t *testing.T) {
	t.Parallel()
	dbURL, name := stagingURL(t)
	code, out := bothOut(t.Context(), nil, "run", "-q", "--integrity", dbURL, scriptFile(t, "s.js", mergeScript))
	assert.Equal(t, exitDatabase, code, out)
	assert.Contains(t, out, "hint: if \""+name+"\" is a disposable staging database, mark it once: nnjs seed --init")
	assert.NotContains(t, out, testPassword)
}

// TestAbortOnFailNamesTheThreshold: the run stopped by abortOnFail says which threshold.
func TestAbortOnFailNamesTheThreshold(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "s.js", `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 1, duration: '30s',
  thresholds: { http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true }] } };
export default function () { http.get(__ENV.TARGET + '/status/503'); sleep(0.05); }
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-e", "TARGET="+tg.URL, script)
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	assert.Contains(t, r.stderr, "threshold 'rate<0.01' on http_req_failed was crossed after")
	assert.Contains(t, r.stdout, "'rate<0.01' on http_req_failed stopped the run after")
}

// TestRunWarnings: unknown option keys and an arrival-rate scenario short of VUs are warned
// about.
func TestRunWarnings(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", `import { sleep } from 'k6';
export const options = { vsu: 3, httpDebug: 'full',
  scenarios: { fast: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '1s',
    preAllocatedVUs: 1, maxVUs: 1 } } };
export default function () { sleep(0.2); }
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", script)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "WARN: options.vsu is not an option nnjs or k6 knows; it is ignored (did you mean vus?)")
	assert.Contains(t, r.stderr, "WARN: options.httpDebug is a k6 option nnjs does not implement")
	assert.Regexp(t, `WARN: scenario fast dropped \d+ iterations: all its 1 VUs were busy`, r.stderr)
}

// TestRunScriptFromStdin: `nnjs run -` reads the script from stdin, as k6 does.
func TestRunScriptFromStdin(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	var out, errb lockedBuffer
	a := newApp(t.Context(), strings.NewReader(`import http from 'k6/http';
export const options = { iterations: 3 };
export default function () { http.get(__ENV.TARGET + '/stdin'); }
`), &out, &errb, func(string) (string, bool) { return "", false })
	a.environ = func() []string { return nil }
	code := a.main([]string{"run", "-q", "--no-summary", "-e", "TARGET=" + tg.URL, "-"})
	assert.Equal(t, exitOK, code, errb.String())
	assert.Equal(t, 3, tg.count("GET /stdin"))
}

// TestHandleSummaryIsNotToldDevNullIsATerminal: /dev/null is a character device, not a
// terminal.
func TestHandleSummaryIsNotToldDevNullIsATerminal(t *testing.T) {
	t.Parallel()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	dataFile := filepath.Join(t.TempDir(), "data.json")
	a := newApp(t.Context(), strings.NewReader(""), null, null, func(string) (string, bool) { return "", false })
	a.environ = func() []string { return nil }
	code := a.main([]string{"run", "-q", "-e", "OUT=" + dataFile, scriptFile(t, "s.js", `export const options = { iterations: 1 };
export default function () {}
export function handleSummary(data) { return { [__ENV.OUT]: JSON.stringify(data.state) }; }
`)})
	require.Equal(t, exitOK, code)
	b, err := os.ReadFile(dataFile)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"isStdErrTTY":false`)
	assert.Contains(t, string(b), `"isStdOutTTY":false`)
}

// TestCtrlCDuringInitExits105: a signal while the init code runs is a stop (105), not a
// script error (107).
func TestCtrlCDuringInitExits105(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	script := scriptFile(t, "s.js", `while (true) {}
export default function () {}
`)
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	r := nnjs(ctx, nil, "run", "-q", script)
	assert.Equal(t, exitSignal, r.code, r.stderr)
}

// TestUniqueURLsHitTheSeriesLimit: a unique URL per request outgrows --max-series: nnjs warns
// like k6, keeps the totals exact, and a threshold on a URL sub-metric is not judged (99).
func TestUniqueURLsHitTheSeriesLimit(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	export := filepath.Join(t.TempDir(), "export.json")
	script := scriptFile(t, "s.js", `import http from 'k6/http';
export const options = { iterations: 200, thresholds: { 'http_req_duration{method:GET}': ['p(95)<60000'] } };
export default function () { http.get(__ENV.TARGET + '/item/' + __ITER + '-' + __VU + '-' + Math.random()); }
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "--max-series", "50", "--summary-export", export, "-e", "TARGET="+tg.URL, script)
	assert.Equal(t, exitThresholds, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "distinct time series (metric x tag set), the limit (--max-series)")
	assert.Equal(t, 1, strings.Count(r.stderr, "the limit (--max-series)"), "warned once")
	assert.Equal(t, 200.0, loadExport(t, export).num(t, "http_reqs", "count"), "totals stay exact")
	assert.Contains(t, r.stdout, "not judged: the run outgrew the series limit")
}
