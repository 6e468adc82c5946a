package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScriptsWriteOnlyToStagingDatabases: a script's sql.open of a database without the
// staging marker, or of one that cannot be reached, stops the run before any load with the
// database exit code 111 (password masked, with a hint); readOnly is allowed.
func TestScriptsWriteOnlyToStagingDatabases(t *testing.T) {
	t.Parallel()
	dbURL, _ := stagingURL(t)
	script := scriptFile(t, "sql.js", `
import sql from 'nnjs/sql';
const db = sql.open(__ENV.DB, { readOnly: __ENV.RO === '1' });
export default function () { db.queryRow('SELECT 1 AS n'); }
`)
	r := nnjs(context.Background(), nil, "run", "-q", "--no-summary", "-e", "DB="+dbURL, script)
	assert.Equal(t, exitDatabase, r.code, r.stderr)
	assert.Contains(t, r.stderr, "no nnjs_meta staging marker")
	assert.Contains(t, r.stderr, "readOnly: true")
	assert.NotContains(t, r.stderr+r.stdout, testPassword)

	unreachable := "postgres://nnjs:" + testPassword + "@127.0.0.1:1/staging?sslmode=disable&connect_timeout=2"
	r = nnjs(context.Background(), nil, "run", "-q", "--no-summary", "-e", "DB="+unreachable, script)
	assert.Equal(t, exitDatabase, r.code, r.stderr)
	assert.Contains(t, r.stderr, "127.0.0.1:1")
	assert.NotContains(t, r.stderr+r.stdout, testPassword)

	r = nnjs(context.Background(), nil, "run", "-q", "--no-summary", "-e", "DB="+dbURL, "-e", "RO=1", script)
	require.Equal(t, exitOK, r.code, r.stderr)
}
