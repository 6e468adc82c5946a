package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangingTarget is a loopback server that accepts every request and never answers it; it
// counts the requests it holds. Handlers return when the client goes away or the test ends.
func hangingTarget(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var held atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: Close waits for the handlers
	return srv, &held
}

// TestCancelledRequestEndsTheIteration is the reproduction of "script code runs after a
// cancelled call": 10 VUs wait on a server that never answers until gracefulStop expires. As
// in k6, the 10 iterations are interrupted, not completed; the checks after the requests never
// run, so the checks threshold has nothing to fail on, and the run exits 0.
func TestCancelledRequestEndsTheIteration(t *testing.T) {
	t.Parallel()
	srv, held := hangingTarget(t)
	script := scriptFile(t, "hang.js", `import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const after = new Counter('after_request');
export const options = {
  scenarios: { hang: { executor: 'constant-vus', vus: 10, duration: '2s', gracefulStop: '2s' } },
  thresholds: { checks: ['rate>0.99'] },
};
export default function () {
  const res = http.get(__ENV.TARGET);
  after.add(1);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`)
	export := filepath.Join(t.TempDir(), "export.json")
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "--summary-export", export,
		"-e", "TARGET="+srv.URL, script)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.EqualValues(t, 10, held.Load(), "each VU sent one request")
	d := loadExport(t, export)
	assert.Equal(t, 10.0, d.num(t, "iterations_interrupted", "count"))
	for _, m := range []string{"iterations", "iteration_errors", "checks", "after_request", "http_req_failed", "http_reqs"} {
		assert.Zero(t, d.Metrics[m]["count"], "%s: nothing after a cancelled call is recorded", m)
		assert.Zero(t, d.Metrics[m]["passes"], m)
		assert.Zero(t, d.Metrics[m]["fails"], m)
	}
	assert.NotContains(t, r.stderr, "context canceled", "a cancelled request is not a failure to report")
}
