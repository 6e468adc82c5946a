package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/integrity"
)

func counters(m map[string]int64) counterFunc {
	return func(name string) (int64, bool) { v, ok := m[name]; return v, ok }
}

func ptr(n int64) *int64 { return &n }

func TestReconcileCounts(t *testing.T) {
	n := defaultReconcileNames
	tests := []struct {
		name string
		in   map[string]int64
		want *integrity.Reconcile
	}{
		{"no ok counter", map[string]int64{"payments_failed": 1}, nil},
		{"every outcome seen", map[string]int64{"payments_ok": 16, "payments_refused": 31, "payments_failed": 0, "payments_started": 47},
			&integrity.Reconcile{PaymentsOK: 16, PaymentsRefused: ptr(31), PaymentsFailed: ptr(0)}},
		{"outcomes not seen", map[string]int64{"payments_ok": 16, "payments_refused": 31, "payments_failed": 1, "payments_started": 52},
			&integrity.Reconcile{PaymentsOK: 16, PaymentsRefused: ptr(31), PaymentsFailed: ptr(1), PaymentsUnknown: 4}},
		{"no started counter, every iteration ended", map[string]int64{"payments_ok": 3, "iterations_interrupted": 0},
			&integrity.Reconcile{PaymentsOK: 3}},
		{"no started counter, interrupted", map[string]int64{"payments_ok": 3, "iterations_interrupted": 2, "iteration_errors": 1},
			&integrity.Reconcile{PaymentsOK: 3, NotJudged: "2 iterations were interrupted and 1 ended with an exception, " +
				"and the script does not count payments_started, so the outcome of their payments is unknown"}},
		{"more outcomes than payments", map[string]int64{"payments_ok": 3, "payments_started": 2},
			&integrity.Reconcile{PaymentsOK: 3, NotJudged: "the script counted 2 payments in payments_started but 3 " +
				"outcomes in payments_ok, payments_refused and payments_failed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, reconcileCounts(n, counters(tc.in)))
		})
	}
}

func TestParseReconcileNames(t *testing.T) {
	got, err := parseReconcileNames("ok=paid, started=begun")
	require.NoError(t, err)
	assert.Equal(t, reconcileNames{OK: "paid", Refused: "payments_refused", Failed: "payments_failed", Started: "begun"}, got)
	for _, bad := range []string{"", "ok", "paid=x", "ok="} {
		_, err := parseReconcileNames(bad)
		assert.Error(t, err, bad)
	}
}

func TestExportCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"metrics": {"payments_ok": {"count": 5, "rate": 1},
		"payments_refused": {"count": 2}, "iterations_interrupted": {"count": 1}}}`), 0o600))
	count, err := exportCounters(path, defaultReconcileNames)
	require.NoError(t, err)
	assert.Equal(t, &integrity.Reconcile{PaymentsOK: 5, PaymentsRefused: ptr(2), PaymentsFailed: ptr(0),
		NotJudged: "1 iterations were interrupted and 0 ended with an exception, and the script does not count " +
			"payments_started, so the outcome of their payments is unknown"}, reconcileCounts(defaultReconcileNames, count))

	require.NoError(t, os.WriteFile(path, []byte(`{"root_group": {}}`), 0o600))
	_, err = exportCounters(path, defaultReconcileNames)
	assert.ErrorContains(t, err, "not a --summary-export file")
}

// TestIntegrityNotJudgedWhenSetupFails is the case: with the payment API not running,
// setup() failed, no load ran, and integrity still judged the database against an earlier
// run's baseline (C19 FAIL, exit 110).
func TestIntegrityNotJudgedWhenSetupFails(t *testing.T) {
	dbURL, env := initStaging(t, "--count", "12")
	code, _, errOut := run(env, "integrity", "--baseline")
	require.Equal(t, exitOK, code, errOut)
	// What an earlier run left behind: a change its baseline does not explain.
	psql(t, dbURL, `UPDATE users SET pvg_cache = pvg_cache + 200 WHERE member_id = 80000`)

	script := scriptFile(t, "setup-fails.js", `
export const options = { vus: 1, iterations: 1, integrity: { url: __ENV.DB, count: 12 } };
export function setup() { throw new Error('payment API at http://127.0.0.1:1 is not healthy'); }
export default function () {}
`)
	r := nnjs(context.Background(), []string{"DB=" + dbURL}, "run", "-q", script)
	assert.Equal(t, exitScriptException, r.code, "the script's exit code, not 110: "+r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "integrity: not judged: setup() failed, so no load ran")
	assert.Contains(t, r.stdout, "VERDICT: FAILED, exit code 107")
	assert.NotRegexp(t, `(?m)^C19\s`, r.stdout, "no check ran")
	assert.NotContains(t, r.stdout, "CRITICAL FAILURE")
	assert.NotContains(t, r.stdout+r.stderr, testPassword)
}
