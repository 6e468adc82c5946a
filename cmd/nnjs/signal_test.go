package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain removes the nnjs binary the process tests build (once, on first use).
func TestMain(m *testing.M) {
	code := m.Run()
	if nnjsBinary.dir != "" {
		_ = os.RemoveAll(nnjsBinary.dir)
	}
	os.Exit(code)
}

var nnjsBinary struct {
	once      sync.Once
	dir, path string
	err       error
}

// builtNNJS builds ./cmd/nnjs once per test process (with -race when the tests have it, so
// the build cache is shared) and returns the binary's path.
func builtNNJS(t *testing.T) string {
	t.Helper()
	nnjsBinary.once.Do(func() {
		nnjsBinary.dir, nnjsBinary.err = os.MkdirTemp("", "nnjs-test-bin-")
		if nnjsBinary.err != nil {
			return
		}
		nnjsBinary.path = filepath.Join(nnjsBinary.dir, "nnjs")
		args := []string{"build", "-o", nnjsBinary.path}
		if raceEnabled() {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			nnjsBinary.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	require.NoError(t, nnjsBinary.err)
	return nnjsBinary.path
}

func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// stopScript runs one VU for a minute; each iteration hits /start, sleeps, hits /end.
func stopScript(t *testing.T, sleep, gracefulStop string) string {
	return scriptFile(t, "stop.js", `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { steady: { executor: 'constant-vus', vus: 1, duration: '1m', gracefulStop: '`+gracefulStop+`' } } };
export default function () {
  http.get(__ENV.TARGET + '/start');
  sleep(`+sleep+`);
  http.get(__ENV.TARGET + '/end');
}
export function teardown() { http.get(__ENV.TARGET + '/teardown'); }
`)
}

// signalWhen returns a target that closes the returned channel when /start has been hit n
// times.
func signalWhen(t *testing.T, n int, also func()) (*countingTarget, <-chan struct{}) {
	reached := make(chan struct{})
	tg := newCountingTarget(t, func(key string, hits int) {
		if key == "GET /start" && hits == n {
			if also != nil {
				also()
			}
			close(reached)
		}
	})
	return tg, reached
}

// TestCancelIsAGracefulStop cancels the app's context mid-run, as the first Ctrl-C does: the
// running iteration finishes, no new one starts, teardown runs, the summary is printed and
// exported, and the exit code is 105.
func TestCancelIsAGracefulStop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tg, _ := signalWhen(t, 3, cancel) // cancelled while the third iteration runs
	export := filepath.Join(t.TempDir(), "export.json")
	r := nnjs(ctx, nil, "run", "-q", "--no-color", "--summary-export", export, "-e", "TARGET="+tg.URL,
		stopScript(t, "0.5", "10s"))
	assert.Equal(t, exitSignal, r.code, r.stderr)
	assert.Equal(t, 3, tg.count("GET /start"), "no iteration started after the stop")
	assert.Equal(t, 3, tg.count("GET /end"), "the running iteration finished within gracefulStop")
	assert.Equal(t, 1, tg.count("GET /teardown"))
	assert.Contains(t, r.stdout, "TOTAL RESULTS")
	assert.Equal(t, 3.0, loadExport(t, export).num(t, "iterations", "count"))
}

// TestCancelInterruptsAfterGracefulStop checks that an iteration longer than gracefulStop is
// cut when it expires, and teardown still runs.
func TestCancelInterruptsAfterGracefulStop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tg, _ := signalWhen(t, 1, cancel)
	start := time.Now()
	r := nnjs(ctx, nil, "run", "-q", "--no-summary", "-e", "TARGET="+tg.URL, stopScript(t, "30", "1s"))
	assert.Equal(t, exitSignal, r.code, r.stderr)
	assert.Less(t, time.Since(start), 15*time.Second, "the 30s sleep was cut at gracefulStop")
	assert.Zero(t, tg.count("GET /end"))
	assert.Equal(t, 1, tg.count("GET /teardown"))
}

// process is a started nnjs binary with its outputs.
type process struct {
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{}
	err            error
}

func startNNJS(t *testing.T, args ...string) *process {
	t.Helper()
	p := &process{done: make(chan struct{})}
	p.cmd = exec.Command(builtNNJS(t), args...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill() // a no-op once it has exited
		<-p.done
	})
	return p
}

// exitCode waits up to limit for the process and returns its exit code.
func (p *process) exitCode(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		require.FailNow(t, "nnjs did not exit", "within %s; stderr:\n%s", limit, p.stderr.String())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, p.err)
	return 0
}

// waitStderr waits until stderr contains s.
func (p *process) waitStderr(t *testing.T, s string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(p.stderr.String(), s) },
		20*time.Second, 10*time.Millisecond, "stderr never said %q:\n%s", s, p.stderr.String())
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		require.FailNow(t, "timed out waiting for "+what)
	}
}

func TestSIGINTStopsTheProcessGracefully(t *testing.T) {
	t.Parallel()
	tg, started := signalWhen(t, 2, nil)
	export := filepath.Join(t.TempDir(), "export.json")
	p := startNNJS(t, "run", "-q", "--no-color", "--summary-export", export, "-e", "TARGET="+tg.URL, stopScript(t, "0.5", "10s"))
	waitFor(t, started, "the second iteration")
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	assert.Equal(t, exitSignal, p.exitCode(t, 30*time.Second), p.stderr.String())
	assert.Equal(t, tg.count("GET /start"), tg.count("GET /end"), "the running iteration finished")
	assert.Equal(t, 1, tg.count("GET /teardown"))
	assert.Contains(t, p.stderr.String(), "stopping gracefully: running iterations get up to 10s (gracefulStop) to finish")
	assert.Contains(t, p.stdout.String(), "TOTAL RESULTS")
	assert.Equal(t, float64(tg.count("GET /end")), loadExport(t, export).num(t, "iterations", "count"))
}

func TestSecondSIGINTExitsAtOnce(t *testing.T) {
	t.Parallel()
	tg, started := signalWhen(t, 1, nil)
	p := startNNJS(t, "run", "-q", "-e", "TARGET="+tg.URL, stopScript(t, "60", "60s"))
	waitFor(t, started, "the first iteration")
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	p.waitStderr(t, "stopping gracefully")
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	start := time.Now()
	assert.Equal(t, exitSignal, p.exitCode(t, 10*time.Second), p.stderr.String())
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, p.stderr.String(), "second signal")
	assert.Zero(t, tg.count("GET /teardown"), "exited without waiting for gracefulStop and teardown")
}

// TestInterruptsGoToThePhase checks the routing of signals: outside a phase the first one
// cancels the base context; in a phase the first one cancels that phase only (with its
// notice), a second one in the same phase exits; a new phase gets its own first signal.
func TestInterruptsGoToThePhase(t *testing.T) {
	t.Parallel()
	base, cancel := context.WithCancelCause(context.Background())
	var w lockedBuffer
	exited := make(chan int, 1)
	in := newInterrupts(cancel, &w, func(code int) { exited <- code })

	load, leaveLoad := in.enter(base, "stopping gracefully")
	in.signal(os.Interrupt)
	require.Error(t, load.Err())
	assert.ErrorContains(t, context.Cause(load), "interrupt")
	assert.NoError(t, base.Err(), "only the phase was interrupted")
	assert.Contains(t, w.String(), "stopping gracefully; press Ctrl-C again")
	leaveLoad()

	check, leaveCheck := in.enter(context.WithoutCancel(base), "interrupting the integrity checks")
	assert.NoError(t, check.Err(), "a new phase starts uninterrupted")
	in.signal(syscall.SIGTERM)
	assert.Error(t, check.Err())
	assert.Contains(t, w.String(), "interrupting the integrity checks")
	select {
	case code := <-exited:
		t.Fatalf("exited with %d after one signal in the phase", code)
	default:
	}
	in.signal(os.Interrupt)
	assert.Equal(t, exitSignal, <-exited)
	assert.Contains(t, w.String(), "second signal")
	leaveCheck()

	in.signal(os.Interrupt)
	assert.Error(t, base.Err(), "outside a phase the base context is cancelled")
}

// TestLifecycleExits checks test.abort(), exceptions in setup and in iterations.
func TestLifecycleExits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		script  string
		code    int
		stderr  []string
		hits    map[string]int
		maxHits map[string]int
	}{
		{name: "test.abort stops the run and teardown still runs", code: exitAborted,
			script: `import http from 'k6/http';
import exec from 'k6/execution';
export const options = { vus: 2, duration: '30s' };
export default function () {
  if (exec.scenario.iterationInTest === 5) exec.test.abort('enough');
  http.get(__ENV.TARGET + '/iteration');
}
export function teardown() { http.get(__ENV.TARGET + '/teardown'); }
`,
			stderr: []string{"enough"}, hits: map[string]int{"GET /teardown": 1}, maxHits: map[string]int{"GET /iteration": 10}},
		{name: "an exception in setup exits 107 before any load", code: exitScriptException,
			script: `import http from 'k6/http';
export function setup() {
  throw new Error('setup broke');
}
export default function () { http.get(__ENV.TARGET + '/iteration'); }
export function teardown() { http.get(__ENV.TARGET + '/teardown'); }
`,
			stderr: []string{"setup broke", `s\.js:3:\d+`}, hits: map[string]int{"GET /iteration": 0, "GET /teardown": 0}},
		{name: "an exception in an iteration is logged with its stack and the run goes on", code: exitOK,
			script: `import http from 'k6/http';
export const options = { scenarios: { e: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } };
function boom(vu) {
  throw new Error('boom from VU ' + vu);
}
export default function () {
  if (__ITER === 1) boom(__VU);
  http.get(__ENV.TARGET + '/iteration');
}
`,
			stderr: []string{"boom from VU 1", "boom from VU 2", `at boom \(.*s\.js:4:\d+\)`, `s\.js:7:\d+`},
			hits:   map[string]int{"GET /iteration": 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "-e", "TARGET="+tg.URL, scriptFile(t, "s.js", tc.script))
			assert.Equal(t, tc.code, r.code, r.stderr)
			for _, re := range tc.stderr {
				assert.Regexp(t, re, r.stderr)
			}
			for key, n := range tc.hits {
				assert.Equal(t, n, tg.count(key), key)
			}
			for key, n := range tc.maxHits {
				assert.LessOrEqual(t, tg.count(key), n, key)
			}
		})
	}
}
