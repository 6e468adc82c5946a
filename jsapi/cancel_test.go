package jsapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/pgtest"
	"github.com/nnprotect/nnjs/jsapi/k6http"
	"github.com/nnprotect/nnjs/jsapi/k6sql"
)

// scriptHarness compiles src (written to a temporary file) with the default modules plus
// k6/http and nnjs/sql.
func scriptHarness(t *testing.T, src string, opts options.Options, env map[string]string) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.js")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o600))
	reg := DefaultModules()
	httpMod := k6http.New(k6http.Config{})
	t.Cleanup(httpMod.CloseIdleConnections)
	reg.Register(httpMod, "k6/http")
	sqlMod := k6sql.New()
	t.Cleanup(sqlMod.Close)
	sqlMod.Register(reg)
	return compiledHarness(t, path, reg, opts, env)
}

// heldServer answers nothing until the client goes away; it signals each request it holds.
func heldServer(t *testing.T) (*httptest.Server, <-chan struct{}) {
	t.Helper()
	held := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server watches the connection once the body is read
		held <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv, held
}

// cancelledScript wraps body in a script whose every statement after body would leave a
// trace: a global, a counter sample, a check sample.
func cancelledScript(body string) string {
	return `import http from 'k6/http';
import sql from 'nnjs/sql';
import { check, group, sleep } from 'k6';
import { Counter } from 'k6/metrics';
const after = new Counter('after');
const db = __ENV.DB ? sql.open(__ENV.DB) : null;
export default function () {
  ` + body + `;
  globalThis.after = true;
  after.add(1);
  check(1, { 'ran on': () => true });
}
export function again() { http.get(__ENV.OK); globalThis.again = true; }
`
}

// assertCutShort runs one iteration of v, cancelling it once started() returns, and checks
// that it ended at the cancelled call: an interrupt, no statement after it (not even a catch
// or a finally), and no sample from the call or after it. The VU then runs a fresh iteration.
// Samples of the metrics in before were recorded before the call and are not checked.
func assertCutShort(t *testing.T, h *harness, v *vu, started func(), before ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		started()
		cancel()
	}()
	err := v.Iterate(ctx, engine.Iteration{})
	require.ErrorIs(t, err, context.Canceled, "the iteration was interrupted")
	assert.Nil(t, v.global("after"), "no statement ran after the cancelled call")
	assert.Nil(t, v.global("caught"), "an interrupt is not catchable, and finally does not run")
	for _, m := range []string{"after", metrics.Checks, metrics.HTTPReqs, metrics.HTTPReqFailed,
		metrics.HTTPReqDuration, metrics.GroupDuration, k6sql.QueryDuration, k6sql.Errors, k6sql.TxDuration} {
		if slices.Contains(before, m) {
			continue
		}
		assert.Empty(t, h.rec.of(m), "no %s sample for the cancelled call or after it", m)
	}
	assert.Empty(t, h.logs.messages(), "a cancelled call is not an error to log")

	v.Deactivate()
	v.Activate(engine.Activation{Scenario: "s", Exec: "again"})
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}), "the VU runs on after an interrupt")
	assert.Equal(t, true, v.global("again"))
}

// TestCancelledHTTPCallEndsTheIteration: a request (any form) blocked on a server that never
// answers, cancelled by the VU's context, ends the iteration there.
func TestCancelledHTTPCallEndsTheIteration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		throw      bool
		requests   int
	}{
		{"get", `http.get(__ENV.HOLD)`, false, 1},
		{"post with throw", `http.post(__ENV.HOLD, 'x')`, true, 1},
		{"request", `http.request('PUT', __ENV.HOLD, 'x')`, false, 1},
		{"batch", `http.batch([__ENV.HOLD, ['GET', __ENV.HOLD]])`, false, 2},
		{"catch and finally", `try { http.get(__ENV.HOLD) } catch (e) { globalThis.caught = e } finally { globalThis.caught = 1 }`, false, 1},
		{"inside a check", `check(null, { c: () => { http.get(__ENV.HOLD); globalThis.after = 1; return true } })`, false, 1},
		{"inside a group", `group('g', () => { http.get(__ENV.HOLD); globalThis.after = 1 })`, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, held := heldServer(t)
			ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			t.Cleanup(ok.Close)
			h := scriptHarness(t, cancelledScript(tc.body), options.Options{Throw: &tc.throw},
				map[string]string{"HOLD": srv.URL, "OK": ok.URL})
			assertCutShort(t, h, h.vu(1, "default"), func() {
				for range tc.requests {
					<-held
				}
			})
		})
	}
}

// TestCancelledSleepEndsTheIteration: sleep() cut by the context ends the iteration too.
func TestCancelledSleepEndsTheIteration(t *testing.T) {
	t.Parallel()
	ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(ok.Close)
	h := scriptHarness(t, cancelledScript(`try { globalThis.sleeping = true; sleep(60) } finally { globalThis.caught = 1 }`),
		options.Options{}, map[string]string{"OK": ok.URL})
	v := h.vu(1, "default")
	assertCutShort(t, h, v, func() {}) // cancelled at once: before or during the sleep, it ends there
}

// TestCancelledSQLCallEndsTheIteration: a query, an exec and a transaction blocked in the
// database end the iteration when the VU's context is cancelled, with no sql sample.
func TestCancelledSQLCallEndsTheIteration(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	tests := []struct {
		name, body string
		tx         bool
	}{
		{"query", `db.query("SELECT pg_sleep(30), 'cancel-query'")`, false},
		{"exec", `db.exec("SELECT pg_sleep(30), 'cancel-exec'")`, false},
		{"queryRow in a caught tx", `try { db.tx((tx) => { tx.queryRow("SELECT pg_sleep(30), 'cancel-tx'"); globalThis.after = 1 }) } catch (e) { globalThis.caught = e }`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			t.Cleanup(ok.Close)
			h := scriptHarness(t, cancelledScript(tc.body), options.Options{},
				map[string]string{"DB": dbURL, "OK": ok.URL})
			started := func() { assert.NoError(t, pgtest.WaitActive(dbURL, "cancel-", 30*time.Second)) }
			if !tc.tx {
				assertCutShort(t, h, h.vu(1, "default"), started)
				return
			}
			assertCutShort(t, h, h.vu(1, "default"), started, k6sql.QueryDuration)
			for _, s := range h.rec.of(k6sql.QueryDuration) {
				assert.Equal(t, "BEGIN", s.Tags["name"], "only BEGIN ran before the cancel")
			}
		})
	}
}

// TestNoSampleAfterTheContextEnds: what a module records once the VU's context has ended
// (between the stop and the runtime's interrupt) is dropped, as k6 does.
func TestNoSampleAfterTheContextEnds(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "lifecycle.js", options.Options{}, nil)
	v := h.vu(1, "default")
	m := h.reg.Get(metrics.Checks)
	ctx, cancel := context.WithCancel(t.Context())
	v.ctx = ctx
	v.Recorder().Add(m, v.tags, 1)
	cancel()
	v.Recorder().Add(m, v.tags, 0)
	require.Len(t, h.rec.of(metrics.Checks), 1)
	assert.Equal(t, 1.0, h.rec.of(metrics.Checks)[0].Value, "only the sample before the stop")
}
