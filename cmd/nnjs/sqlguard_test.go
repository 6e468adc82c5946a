package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScriptsWriteOnlyToStagingDatabases: a script's sql.open of a database without the
// staging marker stops the run before any load (password masked); readOnly is allowed.
func TestScriptsWriteOnlyToStagingDatabases(t *testing.T) {
	t.Parallel()
	dbURL, _ := stagingURL(t)
	script := scriptFile(t, "sql.js", `
import sql from 'nnjs/sql';
const db = sql.open(__ENV.DB, { readOnly: __ENV.RO === '1' });
export default function () { db.queryRow('SELECT 1 AS n'); }
`)
	r := nnjs(context.Background(), nil, "run", "-q", "--no-summary", "-e", "DB="+dbURL, script)
	assert.Equal(t, exitScriptException, r.code)
	assert.Contains(t, r.stderr, "no nnjs_meta staging marker")
	assert.Contains(t, r.stderr, "readOnly: true")
	assert.NotContains(t, r.stderr+r.stdout, testPassword)

	r = nnjs(context.Background(), nil, "run", "-q", "--no-summary", "-e", "DB="+dbURL, "-e", "RO=1", script)
	require.Equal(t, exitOK, r.code, r.stderr)
}
