package k6sql

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pg"
)

// unmarkedWorld is a world whose module refuses writable opens (the guard), with a table t
// created outside the module, and a helper that counts t's rows from outside too.
func unmarkedWorld(t *testing.T) (*world, func() int) {
	t.Helper()
	w := newWorld(t)
	calls := 0
	w.mod.SetGuard(markerGuard(&calls))
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, w.url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close(ctx) })
	_, err = admin.Exec(ctx, "CREATE TABLE t (id int)")
	require.NoError(t, err)
	rows := func() int {
		var n int
		require.NoError(t, admin.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n))
		return n
	}
	return w, rows
}

// TestReadOnlyBypassesRefused runs the ways a script wrote through {readOnly: true} before
// (and a few more): each must fail, and the unmarked database must be unchanged.
func TestReadOnlyBypassesRefused(t *testing.T) {
	t.Parallel()
	w, rows := unmarkedWorld(t)
	v := w.vu(1)
	v.Run(t, `var db = sql.open(URL, {readOnly: true}), xdb = xsql.open(driver, URL, {readOnly: true})`)
	v.Init = false
	attempts := []struct{ name, js string }{
		{"session default off, then insert", `db.exec("SET default_transaction_read_only = off");`},
		{"insert after it", `db.exec("INSERT INTO t VALUES (1)")`},
		{"SET TRANSACTION READ WRITE in db.tx", `db.tx((tx) => { tx.exec("SET TRANSACTION READ WRITE"); tx.exec("INSERT INTO t VALUES (2)"); })`},
		{"SET LOCAL transaction_read_only in db.tx", `db.tx((tx) => { tx.exec("SET LOCAL transaction_read_only = off"); tx.exec("INSERT INTO t VALUES (3)"); })`},
		{"multi-statement", `db.exec("BEGIN READ WRITE; INSERT INTO t VALUES (4); COMMIT")`},
		{"multi-statement in a query", `db.query("SELECT 1; INSERT INTO t VALUES (5)")`},
		{"CREATE TABLE", `db.exec("CREATE TABLE x (id int)")`},
		{"session characteristics", `db.exec("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")`},
		{"RESET ALL", `db.exec("RESET ALL")`},
		{"START TRANSACTION READ WRITE", `db.exec("START TRANSACTION READ WRITE")`},
		{"COMMIT inside db.tx", `db.tx((tx) => { tx.exec("COMMIT"); tx.exec("INSERT INTO t VALUES (6)"); })`},
		{"ROLLBACK inside db.tx", `db.tx((tx) => { tx.exec("ROLLBACK"); })`},
		{"set_config", `db.queryRow("SELECT set_config('default_transaction_read_only', 'off', false)")`},
		{"xk6 form", `xdb.exec("INSERT INTO t VALUES (7); COMMIT")`},
	}
	for _, a := range attempts {
		exc := v.Exception(t, a.js)
		assert.Equal(t, "25006", exc.Get("code").String(), "%s: %s", a.name, exc.Get("message"))
	}
	assert.Zero(t, rows(), "nothing was written")
	var x bool
	require.NoError(t, pgxQueryRow(t, w.url, "SELECT to_regclass('x') IS NOT NULL", &x))
	assert.False(t, x, "no table was created")
	assert.EqualValues(t, len(attempts), w.rec.Sum(Errors, map[string]string{"code": "25006"}))

	// what a reading script does still works
	assert.EqualValues(t, 0, v.Run(t, `db.queryRow("SELECT count(*)::int AS n FROM t").n`).Export())
	assert.Equal(t, "on", v.Run(t, `db.tx((tx) => {
		tx.exec("SET LOCAL statement_timeout = '5s'");
		tx.exec("SAVEPOINT s"); tx.exec("ROLLBACK TO SAVEPOINT s");
		return tx.queryRow("SHOW transaction_read_only").transaction_read_only;
	}, {isolation: 'repeatable read'})`).String())
	assert.Equal(t, "on", v.Run(t, `db.queryRow("SHOW transaction_read_only").transaction_read_only`).String())
}

// TestReadOnlyServerSideLayers bypasses the text checks and drives a readOnly transaction
// directly: the server-side layers alone must keep a write from committing.
func TestReadOnlyServerSideLayers(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"", "&default_query_exec_mode=simple_protocol"} {
		t.Run("mode"+mode, func(t *testing.T) {
			t.Parallel()
			w, rows := unmarkedWorld(t)
			ctx := context.Background()
			cfg, err := pg.PoolConfig(w.url+mode, pg.AppName)
			require.NoError(t, err)
			begin := func() readOnlyQuerier { // on a fresh connection: a failed commit closes it
				conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
				require.NoError(t, err)
				t.Cleanup(func() { _ = conn.Close(ctx) })
				tx, err := conn.BeginTx(ctx, readOnlyTx(pgx.TxOptions{}))
				require.NoError(t, err)
				return readOnlyQuerier{tx}
			}

			q := begin() // the access mode is fixed by the check that follows BEGIN
			_, err = q.Exec(ctx, "SET TRANSACTION READ WRITE")
			assert.Error(t, err)
			assert.ErrorIs(t, commitReadOnly(ctx, q.tx), pgx.ErrTxCommitRollback)

			q = begin() // one statement per call, whatever the text
			_, err = q.Exec(ctx, "SELECT 1; SELECT 2")
			assert.Equal(t, "42601", pg.SQLState(err), "%v", err)
			rollback(ctx, q.tx)

			q = begin() // a chained transaction has a fresh access mode: the commit check stops it
			_, err = q.Exec(ctx, "COMMIT AND CHAIN")
			require.NoError(t, err)
			_, err = q.Exec(ctx, "SET TRANSACTION READ WRITE")
			require.NoError(t, err)
			_, err = q.Exec(ctx, "INSERT INTO t VALUES (1)")
			require.NoError(t, err)
			err = commitReadOnly(ctx, q.tx)
			assert.Equal(t, "25006", pg.SQLState(err), "%v", err)

			q = begin() // after the script's own COMMIT nothing more is sent
			_, err = q.Exec(ctx, "COMMIT")
			require.NoError(t, err)
			_, err = q.Exec(ctx, "SELECT 1")
			assert.ErrorIs(t, err, ErrReadOnly)
			assert.Zero(t, rows())
		})
	}
}

func TestReadOnlyRefusal(t *testing.T) {
	t.Parallel()
	refused := []string{
		"SELECT 1; SELECT 2", "BEGIN", "begin read write", "START TRANSACTION", "COMMIT", "END", "ABORT",
		"ROLLBACK", "ROLLBACK AND CHAIN", "PREPARE TRANSACTION 'x'", "SET x = 1", "SET SESSION x = 1",
		"set default_transaction_read_only = off", `SET LOCAL "Transaction_Read_Only" = off`,
		"SET LOCAL TRANSACTION READ WRITE", "SET TRANSACTION READ WRITE", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
		"RESET ALL", "RESET statement_timeout", "DISCARD ALL", "SELECT pg_catalog.set_config('a', 'b', false)",
		"/* c */ -- x\n COMMIT",
	}
	for _, sql := range refused {
		assert.ErrorIs(t, readOnlyRefusal(analyze(sql)), ErrReadOnly, sql)
	}
	allowed := []string{
		"SELECT 1", "SELECT 1;", "", "SELECT 'BEGIN; COMMIT'", "SELECT $$;$$", "-- COMMIT\nSELECT 1",
		"SET LOCAL statement_timeout = '1s'", "SAVEPOINT a", "RELEASE a", "ROLLBACK TO a", "ROLLBACK TO SAVEPOINT a",
		"WITH x AS (SELECT 1) SELECT * FROM x", `SELECT "set_config" FROM t`, "PREPARE p AS SELECT 1",
	}
	for _, sql := range allowed {
		assert.NoError(t, readOnlyRefusal(analyze(sql)), sql)
	}
}

// pgxQueryRow runs one query on a fresh connection to url.
func pgxQueryRow(t *testing.T, url, sql string, dst ...any) error {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	return conn.QueryRow(ctx, sql).Scan(dst...)
}
