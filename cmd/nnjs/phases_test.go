package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pgtest"
)

// seededStaging returns the URL and name of a fresh staging database seeded with 10 members.
func seededStaging(t *testing.T) (string, string) {
	t.Helper()
	dbURL, name := stagingURL(t)
	code, _, errOut := run(nil, "seed", "--init", "--db", dbURL, "--operator", "ci", "--i-know-this-is-staging="+name, "--count", "10")
	require.Equal(t, exitOK, code, errOut)
	return dbURL, name
}

// afterLoadHook is an HTTP server the script's teardown calls (after the load, before the
// integrity checks) to inject a database fault: fault runs once, on GET /after-load.
func afterLoadHook(t *testing.T, fault func() error) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/after-load" {
			return
		}
		if err := fault(); err != nil {
			t.Errorf("after-load fault: %v", err)
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// adminExec runs q on the test server's admin database.
func adminExec(t *testing.T, q string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgtest.AdminURL(t))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, q)
	return err
}

// faultScript runs a few iterations with integrity checks on DB; teardown calls HOOK.
const faultScript = `import http from 'k6/http';
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } },
  integrity: { url: __ENV.DB, count: 10 },
  thresholds: { iterations: ['count>=6'] },
};
export default function () {}
export function teardown() { http.get(__ENV.HOOK + '/after-load'); }
`

// TestDatabaseOutageAfterTheLoadKeepsTheResults: the integrity database disappears after the
// load (dropped WITH (FORCE) from teardown). The summary, --summary-export, --out result= and
// handleSummary are all written, the summary says why integrity was not judged, and the exit
// code is the database's (111).
func TestDatabaseOutageAfterTheLoadKeepsTheResults(t *testing.T) {
	t.Parallel()
	for _, withHandleSummary := range []bool{false, true} {
		name := "text summary"
		if withHandleSummary {
			name = "handleSummary"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dbURL, db := seededStaging(t)
			hook := afterLoadHook(t, func() error { return adminExec(t, "DROP DATABASE "+db+" WITH (FORCE)") })
			dir := t.TempDir()
			src := faultScript
			if withHandleSummary {
				src += "export function handleSummary(data) { return { [__ENV.HS]: JSON.stringify(data) }; }\n"
			}
			export, result, hs := filepath.Join(dir, "export.json"), filepath.Join(dir, "run.result"), filepath.Join(dir, "hs.json")
			r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "--summary-export", export, "--out", "result="+result,
				"-e", "DB="+dbURL, "-e", "HOOK="+hook, "-e", "HS="+hs, scriptFile(t, "s.js", src))
			assert.Equal(t, exitDatabase, r.code, r.stdout+r.stderr)
			assert.Equal(t, 6.0, loadExport(t, export).num(t, "iterations", "count"))
			assert.FileExists(t, result)
			if withHandleSummary {
				assert.Equal(t, 6.0, loadSummaryData(t, hs).Metrics["iterations"].Values["count"])
				assert.Contains(t, r.stderr, "VERDICT: FAILED, exit code 111")
			} else {
				assert.Contains(t, r.stdout, "TOTAL RESULTS")
				assert.Contains(t, r.stdout, "integrity: not judged: the database failed during the checks")
				assert.Contains(t, r.stdout, "VERDICT: FAILED, exit code 111")
			}
			b, err := os.ReadFile(export)
			require.NoError(t, err)
			assert.Contains(t, string(b), `"judged": false`, "the export says integrity was not judged")
			assert.NotContains(t, r.stdout+r.stderr, "integrity: integrity:")
			assert.NotContains(t, r.stdout+r.stderr, testPassword)
		})
	}
}

// lockWallets returns a fault that takes LOCK TABLE wallets IN ACCESS EXCLUSIVE MODE in a
// transaction held until the test ends.
func lockWallets(t *testing.T, dbURL string) func() error {
	return func() error {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return err
		}
		t.Cleanup(func() { _ = conn.Close(context.Background()) })
		if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
			return err
		}
		_, err = conn.Exec(ctx, "LOCK TABLE wallets IN ACCESS EXCLUSIVE MODE")
		return err
	}
}

// TestIntegrityBehindALockHasADeadline: another session holds an exclusive lock on wallets
// after the load; the checks stop at --post-load-timeout and the results are written.
func TestIntegrityBehindALockHasADeadline(t *testing.T) {
	t.Parallel()
	dbURL, _ := seededStaging(t)
	hook := afterLoadHook(t, lockWallets(t, dbURL))
	export := filepath.Join(t.TempDir(), "export.json")
	start := time.Now()
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "--post-load-timeout", "2s", "--summary-export", export,
		"-e", "DB="+dbURL, "-e", "HOOK="+hook, scriptFile(t, "s.js", faultScript))
	assert.Equal(t, exitDatabase, r.code, r.stdout+r.stderr)
	assert.Less(t, time.Since(start), 30*time.Second)
	assert.Contains(t, r.stdout, "integrity: not judged: the checks did not finish within 2s (--post-load-timeout)")
	assert.Contains(t, r.stdout, "TOTAL RESULTS")
	assert.Equal(t, 6.0, loadExport(t, export).num(t, "iterations", "count"))
}

// TestCtrlCInterruptsTheIntegrityChecks: with the lock held, the first Ctrl-C interrupts the
// waiting checks (not the process): the results are written and the exit code is 105.
func TestCtrlCInterruptsTheIntegrityChecks(t *testing.T) {
	t.Parallel()
	dbURL, db := seededStaging(t)
	hook := afterLoadHook(t, lockWallets(t, dbURL))
	export := filepath.Join(t.TempDir(), "export.json")
	var out, errb lockedBuffer
	a := newApp(t.Context(), strings.NewReader(""), &out, &errb, func(string) (string, bool) { return "", false })
	a.environ = func() []string { return nil }
	exited := make(chan int, 1)
	a.interrupts = newInterrupts(func(error) {}, &errb, func(code int) { exited <- code })
	go func() {
		waitForLockWaiter(t, db)
		a.interrupts.signal(os.Interrupt)
	}()
	code := a.main([]string{"run", "-q", "--no-color", "--summary-export", export,
		"-e", "DB=" + dbURL, "-e", "HOOK=" + hook, scriptFile(t, "s.js", faultScript)})
	assert.Equal(t, exitSignal, code, out.String()+errb.String())
	assert.Empty(t, exited, "one Ctrl-C interrupts the phase, it does not exit")
	assert.Contains(t, errb.String(), "interrupting the integrity checks")
	assert.Contains(t, out.String(), "integrity: not judged: interrupted by a signal")
	assert.Equal(t, 6.0, loadExport(t, export).num(t, "iterations", "count"))
}

// waitForLockWaiter waits until a session of database db waits for a lock.
func waitForLockWaiter(t *testing.T, db string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgtest.AdminURL(t))
	if err != nil {
		t.Errorf("connect: %v", err)
		return
	}
	defer conn.Close(context.Background())
	for ctx.Err() == nil {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, db).Scan(&n)
		if err == nil && n > 0 {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Errorf("no session of %s ever waited for a lock", db)
}

// TestOutputPathsAreCheckedBeforeTheLoad: an unwritable --summary-export or --out result=
// stops the run with 104 before any request.
func TestOutputPathsAreCheckedBeforeTheLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for _, args := range [][]string{
		{"--summary-export", filepath.Join(dir, "missing", "export.json")},
		{"--summary-export", dir},
		{"--out", "result=" + filepath.Join(file, "x.result")},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			r := nnjs(t.Context(), nil, append(append([]string{"run", "-q", "-e", "TARGET=" + tg.URL}, args...),
				scriptFile(t, "s.js", mergeScript))...)
			assert.Equal(t, exitInvalidConfig, r.code, r.stderr)
			assert.Contains(t, r.stderr, args[0])
			assert.Zero(t, tg.count("GET /"), "no load ran")
		})
	}
	assert.NoFileExists(t, filepath.Join(dir, "missing"))
}

// TestUnwritableHandleSummaryFileKeepsTheThresholdCode: a handleSummary file that cannot be
// written after the run keeps exit code 99 (crossed thresholds) and the summary is printed.
func TestUnwritableHandleSummaryFileKeepsTheThresholdCode(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	script := scriptFile(t, "s.js", `export const options = { iterations: 2, thresholds: { iterations: ['count>5'] } };
export default function () {}
export function handleSummary(data) { return { [__ENV.OUT]: 'x' }; }
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-e", "OUT="+filepath.Join(file, "sub", "s.json"), script)
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	assert.Contains(t, r.stdout, "TOTAL RESULTS", "the default summary replaces the lost file")
	assert.Contains(t, r.stdout, "(exit 104, hidden by 99)")
	assert.Contains(t, r.stderr, "handleSummary output")
}

// TestRatesCountFromTheStartOfTheLoad: a slow init (1.5 s in VU 1) is not part of the test
// run's duration, so per-second rates are those of the load.
func TestRatesCountFromTheStartOfTheLoad(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "data.json")
	script := scriptFile(t, "s.js", `import { sleep } from 'k6';
if (__VU === 1) { const t0 = Date.now(); while (Date.now() - t0 < 1500) {} }
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
export default function () { sleep(0.05); }
export function handleSummary(data) { return { [__ENV.OUT]: JSON.stringify(data) }; }
`)
	r := nnjs(t.Context(), nil, "run", "-q", "-e", "OUT="+out, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var d struct {
		State struct {
			TestRunDurationMs float64 `json:"testRunDurationMs"`
		} `json:"state"`
		Metrics map[string]struct {
			Values map[string]float64 `json:"values"`
		} `json:"metrics"`
	}
	require.NoError(t, json.Unmarshal(b, &d))
	ms := d.State.TestRunDurationMs
	assert.GreaterOrEqual(t, ms, 1000.0, "the 1s load")
	assert.Less(t, ms, 2400.0, "without the 1.5s init")
	it := d.Metrics["iterations"].Values
	assert.InDelta(t, it["count"]/(ms/1000), it["rate"], 0.01, "rate = count over the load's duration")
}

// bothOut runs nnjs with stdout and stderr in one buffer, as a terminal shows them.
func bothOut(ctx context.Context, environ []string, args ...string) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	var b lockedBuffer
	a := newApp(ctx, strings.NewReader(""), &b, &b, func(string) (string, bool) { return "", false })
	a.environ = func() []string { return environ }
	return a.main(args), b.String()
}
