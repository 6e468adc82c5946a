package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dbPaymentDir holds the DB-direct payment scenario (examples/db-payment).
var dbPaymentDir = filepath.Join("..", "..", "examples", "db-payment")

// dbPaymentSeed seeds 40 members in a 3-ary tree with balances no run can drain.
var dbPaymentSeed = []string{"--count", "40", "--tree", "kary", "--fanout", "3",
	"--min-balance", "100000000", "--max-balance", "200000000"}

// runDBPayment runs payment.js scaled down (VUS VUs on 40 members for 4 s) with the given
// graceful stop in mode against dbURL, exporting the summary to export.
func runDBPayment(dbURL, mode, vus, gracefulStop, export string) (int, string, string) {
	return run(nil, "run", "-q", "--summary-export", export, "-e", "DB="+dbURL, "-e", "MODE="+mode,
		"-e", "VUS="+vus, "-e", "DURATION=4s", "-e", "GRACEFUL_STOP="+gracefulStop, "-e", "MEMBER_COUNT=40",
		filepath.Join(dbPaymentDir, "payment.js"))
}

// TestDBPaymentScenario runs examples/db-payment against a fresh staging database. Correct
// mode keeps every integrity check and has no deadlock, whatever the interleaving. The legacy
// lost update is provoked, not hoped for: lost-update.js commits a sibling's payment between
// the legacy code's unlocked read of the shared ancestor and its absolute write, so C19 fails
// on the root every time.
func TestDBPaymentScenario(t *testing.T) {
	dbURL, _ := initStaging(t, dbPaymentSeed...)
	export := filepath.Join(t.TempDir(), "correct.json")
	code, out, errOut := runDBPayment(dbURL, "correct", "20", "5s", export)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Greater(t, loadExport(t, export).num(t, "payments_ok", "count"), 20.0, "every VU paid at least once")
	for _, id := range []string{"C01", "C03", "C07", "C13", "C18", "C19", "C20", "C21", "R01", "R03", "R04"} {
		assert.Regexp(t, `(?m)^`+id+`\s+critical\s+pass\s+0\s`, out)
	}
	assert.Regexp(t, `(?m)^\s+deadlocks\.+: 0$`, out, "the monitor saw no deadlock")
	assert.NotContains(t, out+errOut, testPassword)

	code, _, errOut = run(nil, "seed", "--reset", "--db", dbURL)
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut = run(nil, "run", "-q", "-e", "DB="+dbURL, "-e", "MEMBER_COUNT=40",
		filepath.Join(dbPaymentDir, "lost-update.js"))
	assert.Equal(t, exitIntegrity, code, out+errOut)
	assert.Regexp(t, `(?m)^C19\s+critical\s+FAIL\s+1\s`, out)
	// Two orders of 1,758 PV each by children of 80000: the root got one of them.
	assert.Regexp(t, `(?m)^\s+80000\s+0\s+1758\s+1758\s+3516\s*$`, out)
	for _, id := range []string{"C18", "R01", "R03", "R04"} {
		assert.Regexp(t, `(?m)^`+id+`\s+critical\s+pass\s+0\s`, out, "only the lost update")
	}
}

// TestDBPaymentInterruptedIsNotAFailure is the case: with GRACEFUL_STOP=0s the
// payments in flight at the end are cut off; R04 failed (client_failed 5, db_unpaid 8) while
// every ledger check passed, and cancelled calls counted as failed payments. Their outcome is
// unknown, and reconciliation allows for exactly those.
func TestDBPaymentInterruptedIsNotAFailure(t *testing.T) {
	dbURL, _ := initStaging(t, dbPaymentSeed...)
	export := filepath.Join(t.TempDir(), "interrupted.json")
	code, out, errOut := runDBPayment(dbURL, "correct", "10", "0s", export)
	assert.Equal(t, exitOK, code, out+errOut)
	for _, id := range []string{"C01", "C02", "C03", "C04", "C07", "C08", "C18", "C19", "C24", "R03", "R04"} {
		assert.Regexp(t, `(?m)^`+id+`\s+critical\s+pass\s+0\s`, out)
	}
	doc := loadExport(t, export)
	started := doc.num(t, "payments_started", "count")
	seen := doc.num(t, "payments_ok", "count")
	assert.Greater(t, started, seen, "payments were cut off with no outcome")
	assert.Zero(t, doc.num(t, "payments_failed", "count"), "a cancelled call is not a failed payment")
}
