package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pgtest"
)

const testPassword = "hunter2-secret"

// run executes nnjs in-process with env as the environment.
func run(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code = newApp(context.Background(), strings.NewReader(""), &out, &errb, lookup).main(args)
	return code, out.String(), errb.String()
}

// stagingURL returns a fresh database's URL carrying a password (trust auth ignores it, so
// only the masking is exercised) and the database name.
func stagingURL(t *testing.T) (string, string) {
	u, err := url.Parse(pgtest.NewDatabase(t))
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), testPassword)
	return u.String(), strings.TrimPrefix(u.Path, "/")
}

func psql(t *testing.T, dbURL, q string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, q)
	require.NoError(t, err)
}

func TestSeedRefusesAnUnmarkedDatabase(t *testing.T) {
	dbURL, name := stagingURL(t)
	code, out, errOut := run(nil, "seed", "--db", dbURL, "--count", "5")
	assert.Equal(t, exitDatabase, code)
	assert.Contains(t, errOut, "--i-know-this-is-staging="+name, "says how to proceed")
	assert.NotContains(t, out+errOut, testPassword)

	code, _, errOut = run(nil, "seed", "--init", "--operator", "ci", "--db", dbURL, "--i-know-this-is-staging", "nnprotect")
	assert.Equal(t, exitDatabase, code, "consent must name this database")
	assert.NotContains(t, errOut, testPassword)
	code, _, _ = run(nil, "validate", "--db", dbURL)
	assert.Equal(t, exitValidationFailed, code, "nothing was created")
}

func TestSeedInitThenValidate(t *testing.T) {
	dbURL, name := stagingURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "USER": "ci"}
	code, out, errOut := run(env, "seed", "--init", "--i-know-this-is-staging="+name, "--count", "12", "--tree", "kary", "--fanout", "2")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "marked as staging by ci")
	assert.Contains(t, out, "12 users, 12 wallets")
	assert.Contains(t, errOut, "(from DATABASE_URL)")
	assert.NotContains(t, out+errOut, testPassword)

	code, out, errOut = run(env, "seed", "--count", "12", "--tree", "kary", "--fanout", "2")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "0 users, 0 wallets, 0 tree paths created", "the marker now suffices; idempotent")

	code, out, _ = run(env, "validate", "--count", "12")
	assert.Equal(t, exitOK, code, out)
	for _, check := range []string{"connect", "marker", "schema", "products", "reserved-range", "period"} {
		assert.Regexp(t, `(?m)^PASS\s+`+check+`\s`, out)
	}

	psql(t, dbURL, `DELETE FROM products`)
	code, out, _ = run(env, "validate", "--count", "12")
	assert.Equal(t, exitValidationFailed, code)
	assert.Regexp(t, `(?m)^FAIL\s+products\s`, out)
	assert.Regexp(t, `(?m)^PASS\s+period\s`, out)
	assert.NotContains(t, out, testPassword)

	code, out, errOut = run(env, "seed", "--reset", "--count", "12", "--tree", "kary", "--fanout", "2")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "reset member_id 80000-80011")
}

func TestValidateUnreachableDatabaseIsMasked(t *testing.T) {
	bad := "postgres://nnjs:" + testPassword + "@127.0.0.1:1/staging?sslmode=disable&connect_timeout=2"
	code, out, errOut := run(nil, "validate", "--db", bad)
	assert.Equal(t, exitDatabase, code)
	assert.Regexp(t, `(?m)^FAIL\s+connect\s`, out)
	assert.Contains(t, errOut, "postgres://nnjs:xxxxx@127.0.0.1:1/staging")
	assert.NotContains(t, out+errOut, testPassword)
}

func TestDatabaseURLSources(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env.staging")
	require.NoError(t, os.WriteFile(envFile, []byte("# staging\nexport DATABASE_URL='postgres://u:"+testPassword+"@127.0.0.1:1/x?connect_timeout=2'\n"), 0o600))
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		message string
	}{
		{"none: no silent default", nil, nil, exitInvalidConfig, "no database URL"},
		{"both flags", nil, []string{"--db", "postgres://h/x", "--env-file", envFile}, exitInvalidConfig, "either --db or --env-file"},
		{"env file", nil, []string{"--env-file", envFile}, exitDatabase, "(from " + envFile + ")"},
		{"missing env file", nil, []string{"--env-file", filepath.Join(dir, "nope")}, exitInvalidConfig, "env file"},
		{"environment", map[string]string{"DATABASE_URL": "host=127.0.0.1 port=1 password=" + testPassword + " connect_timeout=2"}, nil, exitDatabase, "password=xxxxx"},
		{"bad flag", nil, []string{"--nope"}, exitInvalidConfig, "unknown flag"},
		{"bad tree", nil, []string{"--tree", "binary", "--db", "postgres://h/x"}, exitInvalidConfig, "tree"},
		{"bad count, said once", nil, []string{"--count", "0", "--db", "postgres://h/x"}, exitInvalidConfig,
			"nnjs seed: count 0 must be at least 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := run(tc.env, append([]string{"seed"}, tc.args...)...)
			assert.Equal(t, tc.code, code, errOut)
			assert.Contains(t, errOut, tc.message)
			assert.NotContains(t, out+errOut, testPassword)
		})
	}
}

func TestSeedHelp(t *testing.T) {
	tests := []struct {
		args []string
		cmd  string
	}{{[]string{"seed", "--help"}, "seed"}, {[]string{"help", "validate"}, "validate"}}
	for _, tc := range tests {
		code, out, _ := run(nil, tc.args...)
		assert.Equal(t, exitOK, code)
		assert.Contains(t, out, "--env-file")
		assert.Contains(t, out, "Usage: nnjs "+tc.cmd)
	}
}
