package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dbPaymentScript is the DB-direct payment scenario (examples/db-payment).
var dbPaymentScript = filepath.Join("..", "..", "examples", "db-payment", "payment.js")

// dbPaymentSeed seeds 40 members in a 3-ary tree with balances no run can drain.
var dbPaymentSeed = []string{"--count", "40", "--tree", "kary", "--fanout", "3",
	"--min-balance", "100000000", "--max-balance", "200000000"}

// runDBPayment runs the scenario scaled down (20 VUs on 40 members for 4 s, at most 5 s of
// graceful stop) in mode against dbURL.
func runDBPayment(dbURL, mode string) (int, string, string) {
	return run(nil, "run", "-q", "-e", "DB="+dbURL, "-e", "MODE="+mode, "-e", "VUS=20",
		"-e", "DURATION=4s", "-e", "GRACEFUL_STOP=5s", "-e", "MEMBER_COUNT=40", dbPaymentScript)
}

var paymentsOKLine = regexp.MustCompile(`payments_ok\.*: (\d+)`)

// TestDBPaymentScenario runs examples/db-payment/payment.js against a fresh staging database:
// the correct mode keeps every integrity check and has no deadlock; after a reset, the legacy
// mode loses PVG increments (C19) or deadlocks (R01), and the run exits with exitIntegrity.
func TestDBPaymentScenario(t *testing.T) {
	dbURL, name := stagingURL(t)
	code, _, errOut := run(nil, append([]string{"seed", "--init", "--db", dbURL, "--operator", "ci",
		"--i-know-this-is-staging=" + name}, dbPaymentSeed...)...)
	require.Equal(t, exitOK, code, errOut)

	code, out, errOut := runDBPayment(dbURL, "correct")
	require.Equal(t, exitOK, code, out+errOut)
	m := paymentsOKLine.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	paid, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	assert.Greater(t, paid, 20, "every VU paid at least once")
	for _, id := range []string{"C01", "C03", "C07", "C13", "C18", "C19", "C20", "C21", "R01", "R03", "R04"} {
		assert.Regexp(t, `(?m)^`+id+`\s+critical\s+pass\s+0\s`, out)
	}
	assert.Regexp(t, `(?m)^\s+deadlocks\.+: 0$`, out, "the monitor saw no deadlock")
	assert.NotContains(t, out+errOut, testPassword)

	code, _, errOut = run(nil, append([]string{"seed", "--reset", "--db", dbURL}, dbPaymentSeed...)...)
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut = runDBPayment(dbURL, "legacy")
	assert.Equal(t, exitIntegrity, code, out+errOut)
	assert.Regexp(t, `(?m)^(C19|R01)\s+critical\s+FAIL\s+[1-9]`, out, "lost PVG update or deadlock")
	assert.Contains(t, out, "CRITICAL FAILURE")
}
