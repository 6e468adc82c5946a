package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntegrityCommand(t *testing.T) {
	dbURL, name := stagingURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "USER": "ci"}
	code, _, errOut := run(env, "seed", "--init", "--i-know-this-is-staging="+name, "--count", "12", "--tree", "kary", "--fanout", "2")
	require.Equal(t, exitOK, code, errOut)

	code, out, errOut := run(env, "integrity", "--baseline", "--count", "12")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "for members 80000-80011: 12 members, 12 wallets, 0 paid orders")

	jsonPath := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut = run(env, "integrity", "--count", "12", "--payments-ok", "0", "--json", jsonPath)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Regexp(t, `(?m)^C19\s+critical\s+pass\s+0\s`, out)
	assert.Regexp(t, `(?m)^R03\s+critical\s+pass\s+0\s`, out)
	assert.Contains(t, out, "OK: 28 passed, 1 skipped")
	var rep struct {
		Results []struct{ ID, Status string }
	}
	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Len(t, rep.Results, 29)

	psql(t, dbURL, `UPDATE users SET pvg_cache = pvg_cache + 7 WHERE member_id = 80000`)
	code, out, _ = run(env, "integrity", "--count", "12")
	assert.Equal(t, exitIntegrity, code)
	assert.Regexp(t, `(?m)^C19\s+critical\s+FAIL\s+1\s`, out)
	assert.Regexp(t, `(?m)^\s+80000\s+0\s+7\s+7\s+0\s*$`, out, "the violating row with its key")
	assert.NotContains(t, out, testPassword)
}

func TestIntegrityCustomChecksAndWarnings(t *testing.T) {
	dbURL, name := stagingURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "USER": "ci"}
	code, _, errOut := run(env, "seed", "--init", "--i-know-this-is-staging="+name, "--count", "5")
	require.Equal(t, exitOK, code, errOut)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rich_wallets.sql"), []byte(
		"-- severity: warning\n-- explain: no wallet above 1,000 MXN\nSELECT member_id, balance FROM wallets WHERE member_id BETWEEN $1 AND $2 AND balance > 1000;\n"), 0o600))
	code, out, errOut := run(env, "integrity", "--count", "5", "--checks", dir)
	assert.Equal(t, exitOK, code, "a failing warning does not fail the run: "+errOut)
	assert.Regexp(t, `(?m)^rich_wallets\s+warning\s+WARN\s+5\s+no wallet above 1,000 MXN`, out)
	assert.Contains(t, out, "OK: 21 passed, 1 warning, 8 skipped", "a warning is not counted as a failure")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "poor_wallets.sql"), []byte(
		"SELECT member_id FROM wallets WHERE member_id BETWEEN $1 AND $2 AND balance > 0"), 0o600))
	code, out, _ = run(env, "integrity", "--count", "5", "--checks", dir)
	assert.Equal(t, exitIntegrity, code, "custom checks are critical by default")
	assert.Regexp(t, `(?m)^poor_wallets\s+critical\s+FAIL\s+5\s`, out)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "C01.sql"), []byte("SELECT 1"), 0o600))
	code, _, errOut = run(env, "integrity", "--count", "5", "--checks", dir)
	assert.Equal(t, exitInvalidConfig, code)
	assert.Contains(t, errOut, "id C01 is already used")
}

func TestIntegrityRefusalsAndUnreachableDatabase(t *testing.T) {
	bad := "postgres://nnjs:" + testPassword + "@127.0.0.1:1/staging?sslmode=disable&connect_timeout=2"
	code, out, errOut := run(nil, "integrity", "--db", bad)
	assert.Equal(t, exitDatabase, code)
	assert.Contains(t, errOut, "postgres://nnjs:xxxxx@127.0.0.1:1/staging")
	assert.NotContains(t, out+errOut, testPassword)

	dbURL, name := stagingURL(t)
	code, _, errOut = run(nil, "integrity", "--baseline", "--db", dbURL)
	assert.Equal(t, exitDatabase, code, "the baseline writes, so it needs a staging database")
	assert.Contains(t, errOut, "--i-know-this-is-staging="+name)

	code, _, _ = run(nil, "integrity", "--db", dbURL, "--limit", "0")
	assert.Equal(t, exitInvalidConfig, code)
	code, out, _ = run(nil, "integrity", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "--payments-ok")
}

// TestIntegrityRefusesAStaleBaseline: a baseline taken before `nnjs seed --reset` would judge
// the reseeded wallets against balances that no longer exist.
func TestIntegrityRefusesAStaleBaseline(t *testing.T) {
	_, env := initStaging(t, "--count", "12")
	code, out, errOut := run(env, "integrity", "--baseline")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "for members 80000-80011", "the recorded plan's range")
	code, _, errOut = run(env, "seed", "--reset")
	require.Equal(t, exitOK, code, errOut)

	code, out, errOut = run(env, "integrity")
	assert.Equal(t, exitDatabase, code, out)
	assert.Contains(t, errOut, "before the last seed or reset")
	assert.Contains(t, errOut, "nnjs integrity --baseline")
	assert.NotContains(t, out, "C04")

	code, _, errOut = run(env, "integrity", "--baseline")
	require.Equal(t, exitOK, code, errOut)
	summary := filepath.Join(t.TempDir(), "summary.json")
	require.NoError(t, os.WriteFile(summary, []byte(`{"metrics": {"payments_ok": {"count": 0}, "payments_started": {"count": 2},
		"payments_refused": {"count": 1}}}`), 0o600))
	code, out, errOut = run(env, "integrity", "--summary", summary)
	assert.Equal(t, exitIntegrity, code, out+errOut)
	assert.Regexp(t, `(?m)^R03\s+critical\s+pass\s`, out, "no paid order, one payment's outcome unknown")
	assert.Regexp(t, `(?m)^R04\s+critical\s+FAIL\s+1\s`, out, "the refused payment's order is missing")

	require.NoError(t, os.WriteFile(summary, []byte(`{"metrics": {"paid": {"count": 0}}}`), 0o600))
	code, out, errOut = run(env, "integrity", "--summary", summary, "--reconcile", "ok=paid")
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Regexp(t, `(?m)^R04\s+critical\s+pass\s`, out)
	code, _, errOut = run(env, "integrity", "--summary", summary, "--payments-ok", "1")
	assert.Equal(t, exitInvalidConfig, code)
	assert.Contains(t, errOut, "use one")
}

// TestRunIntegrityTakesTheRecordedRange: `nnjs run --integrity` without options.integrity.first
// or count judges the range the last seed recorded, as `nnjs integrity` does; a script that
// names the range keeps its own.
func TestRunIntegrityTakesTheRecordedRange(t *testing.T) {
	dbURL, _ := initStaging(t, "--first", "90000", "--count", "12")
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.js")
	require.NoError(t, os.WriteFile(plain, []byte(`export const options = { iterations: 1 };
export default function () {}
`), 0o600))
	code, out, errOut := run(nil, "run", "-q", "--integrity", dbURL, plain)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "members 90000-90011")

	named := filepath.Join(dir, "named.js")
	require.NoError(t, os.WriteFile(named, []byte(`export const options = { iterations: 1, integrity: { first: 90000, count: 6 } };
export default function () {}
`), 0o600))
	code, out, errOut = run(nil, "run", "-q", "--integrity", dbURL, named)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "members 90000-90005")
}

// TestRunIntegrityOnAnEmptyRangeIsNotJudged: a range that holds no member would pass every
// check vacuously; the run says the integrity was not judged, and why, instead of "OK".
func TestRunIntegrityOnAnEmptyRangeIsNotJudged(t *testing.T) {
	dbURL, _ := initStaging(t, "--count", "12")
	script := filepath.Join(t.TempDir(), "elsewhere.js")
	require.NoError(t, os.WriteFile(script, []byte(`export const options = { iterations: 1, integrity: { first: 95000, count: 10 } };
export default function () {}
`), 0o600))
	code, out, errOut := run(nil, "run", "-q", "--integrity", dbURL, script)
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "integrity not judged: members 95000-95009 hold no member")
	assert.NotContains(t, out, "C01")
}

// TestMonitorWarningsReachTheConsole: the database monitor's warnings (a table of
// options.db.monitor.tables that does not exist) are logged when the run starts, not only in
// the summary at its end.
func TestMonitorWarningsReachTheConsole(t *testing.T) {
	dbURL, _ := initStaging(t, "--count", "2")
	script := filepath.Join(t.TempDir(), "typo.js")
	require.NoError(t, os.WriteFile(script, []byte(`export const options = { iterations: 1,
  db: { monitor: { interval: '100ms', flushWait: '0s', tables: ['walets'] } } };
export default function () {}
`), 0o600))
	code, out, errOut := run(nil, "run", "-q", "--db-monitor", dbURL, script)
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, errOut, `no table "walets"`)
	assert.NotContains(t, out+errOut, testPassword)
}
