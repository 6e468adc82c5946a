package main

import (
	"context"
	"net/url"
	"os/user"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// initStaging creates a fresh staging database, seeds it with `nnjs seed --init` and the
// extra seed args, and returns its URL and an environment that names it.
func initStaging(t *testing.T, args ...string) (string, map[string]string) {
	t.Helper()
	dbURL, name := stagingURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "USER": "ci"}
	code, _, errOut := run(env, append([]string{"seed", "--init", "--i-know-this-is-staging=" + name}, args...)...)
	require.Equal(t, exitOK, code, errOut)
	return dbURL, env
}

// walletStats returns the range's member count, tree-path count, sponsors and minimum balance.
func walletStats(t *testing.T, dbURL string) (paths, sponsors int, minBalance float64) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	require.NoError(t, conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM usertreepath),
		(SELECT count(DISTINCT sponsor_id) FROM users), (SELECT min(balance) FROM wallets)`).Scan(&paths, &sponsors, &minBalance))
	return paths, sponsors, minBalance
}

// TestSeedResetKeepsTheRecordedPlan is the case: `nnjs seed --reset` used to replace
// a kary seed with large balances by the defaults (flat tree, 5-10k balances).
func TestSeedResetKeepsTheRecordedPlan(t *testing.T) {
	dbURL, name := stagingURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "USER": "ci"}
	kary := []string{"--count", "40", "--tree", "kary", "--fanout", "3", "--min-balance", "1000000", "--max-balance", "2000000"}
	code, out, errOut := run(env, append([]string{"seed", "--init", "--i-know-this-is-staging=" + name}, kary...)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "plan: --first 80000 --count 40 --tree kary --fanout 3 --min-balance 1000000 --max-balance 2000000 --seed 1")
	paths, sponsors, low := walletStats(t, dbURL)
	psql(t, dbURL, `UPDATE wallets SET balance = 1`)

	code, out, errOut = run(env, "seed", "--reset")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "reset member_id 80000-80039 to the seeded state of plan: --first 80000 --count 40 --tree kary --fanout 3")
	p, s, l := walletStats(t, dbURL)
	assert.Equal(t, []any{paths, sponsors, low}, []any{p, s, l}, "tree and balances as seeded")
	assert.GreaterOrEqual(t, l, 1000000.0)

	code, out, _ = run(env, "validate")
	assert.Equal(t, exitOK, code, out)
	assert.Regexp(t, `(?m)^PASS\s+reserved-range\s+member_id 80000-80039`, out, "the recorded range")
	assert.Regexp(t, `(?m)^PASS\s+tree\s+40 members`, out)
}

// TestPlainSeedOnAKaryRangeIsRefused is the case: `nnjs seed` with the defaults on a
// kary range added flat-tree paths (two depth-1 ancestors) and validate still passed.
func TestPlainSeedOnAKaryRangeIsRefused(t *testing.T) {
	dbURL, env := initStaging(t, "--count", "40", "--tree", "kary", "--fanout", "3")
	paths, _, _ := walletStats(t, dbURL)

	code, out, errOut := run(env, "seed", "--tree", "flat")
	assert.Equal(t, exitInvalidConfig, code, out)
	assert.Contains(t, errOut, "seeded with plan [--first 80000 --count 40 --tree kary --fanout 3")
	assert.Contains(t, errOut, "asks for [--first 80000 --count 40 --tree flat")
	assert.Contains(t, errOut, "--replan")
	p, _, _ := walletStats(t, dbURL)
	assert.Equal(t, paths, p, "nothing written")

	code, out, errOut = run(env, "seed")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "recorded plan: --first 80000 --count 40 --tree kary", "no flags: the plan is reused")
	assert.Contains(t, out, "0 users, 0 wallets, 0 tree paths created")

	code, out, errOut = run(env, "seed", "--tree", "flat", "--replan")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "plan: --first 80000 --count 40 --tree flat")
	_, sponsors, _ := walletStats(t, dbURL)
	assert.Equal(t, 1, sponsors, "flat: everyone under 80000")
	code, out, _ = run(env, "validate")
	assert.Equal(t, exitOK, code, out)
}

func TestSeedInitWithoutUSERUsesTheOSUser(t *testing.T) {
	dbURL, name := stagingURL(t)
	u, err := user.Current()
	require.NoError(t, err)
	require.NotEmpty(t, u.Username)
	code, out, errOut := run(nil, "seed", "--init", "--db", dbURL, "--i-know-this-is-staging="+name, "--count", "3")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "marked as staging by "+u.Username)
}

func TestValidateAnUnmarkedEmptyDatabase(t *testing.T) {
	dbURL, name := stagingURL(t)
	code, out, errOut := run(nil, "validate", "--db", dbURL)
	assert.Equal(t, exitValidationFailed, code)
	assert.NotContains(t, out+errOut, "refusing to write")
	assert.Regexp(t, `(?m)^FAIL\s+marker\s+database "`+name+`" is not marked as staging`, out)
	assert.Regexp(t, `(?m)^FAIL\s+schema\s+none of the 11 payment tables exist; .*nnjs seed --init --i-know-this-is-staging=`+name, out)
	for _, c := range []string{"products", "reserved-range", "tree", "period"} {
		assert.Regexp(t, `(?m)^SKIP\s+`+c+`\s+needs the schema`, out)
	}
	assert.Contains(t, out, "2 check(s) failed: [marker schema]; 4 skipped")
	for _, line := range strings.Split(out, "\n") {
		assert.Less(t, len(line), 400, "no line lists every column: %s", line)
	}
}

func TestSeedInitOnAMissingDatabaseSaysHowToCreateIt(t *testing.T) {
	dbURL, _ := stagingURL(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	u.Path = "/nnjs_no_such_db"
	code, _, errOut := run(nil, "seed", "--init", "--db", u.String(), "--i-know-this-is-staging=nnjs_no_such_db", "--operator", "ci")
	assert.Equal(t, exitDatabase, code)
	assert.Contains(t, errOut, `database "nnjs_no_such_db" does not exist`)
	assert.Contains(t, errOut, "createdb -h 127.0.0.1 -p 5432 -U "+u.User.Username()+" nnjs_no_such_db")
	assert.Contains(t, errOut, `CREATE DATABASE "nnjs_no_such_db";`)
	assert.NotContains(t, errOut, testPassword)
}
