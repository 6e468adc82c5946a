package k6sql

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestAnalyze(t *testing.T) {
	cases := []struct {
		sql          string
		name, op     string
		placeholders int
	}{
		{"SELECT * FROM wallets WHERE id = $1", "SELECT wallets", OpSelect, 1},
		{"  select id from Public.Wallets w join ledger l on true", "SELECT public.wallets", OpSelect, 0},
		{`UPDATE "Wallets" SET n = $2 WHERE id = $1`, `UPDATE "Wallets"`, OpUpdate, 2},
		{"update only wallets set n = 1", "UPDATE wallets", OpUpdate, 0},
		{"INSERT INTO ledger (a, b) VALUES ($1, $2) RETURNING id", "INSERT ledger", OpInsert, 2},
		{"DELETE FROM sessions WHERE at < now()", "DELETE sessions", OpDelete, 0},
		{"-- pay\n/* c */ SELECT 1", "SELECT", OpSelect, 0},
		{"SELECT (SELECT max(x) FROM inner_t) AS m FROM outer_t", "SELECT outer_t", OpSelect, 0},
		{"SELECT * FROM (SELECT 1) s", "SELECT", OpSelect, 0},
		{"WITH x AS (SELECT * FROM a WHERE id = $3) UPDATE b SET v = 1 FROM x", "UPDATE b", OpUpdate, 3},
		{"SELECT '$9 FROM fake' AS s FROM real_t WHERE a = $1", "SELECT real_t", OpSelect, 1},
		{"SELECT $$ $7 $$ FROM t", "SELECT t", OpSelect, 0},
		{"SELECT $tag$ it's $5 $tag$, $2 FROM t", "SELECT t", OpSelect, 2},
		{"BEGIN", "BEGIN", OpOther, 0},
		{"create table x (id int)", "CREATE", OpOther, 0},
		{"", "", OpOther, 0},
		{"SELECT pg_sleep($1)", "SELECT", OpSelect, 1},
		{`SELECT E'it\'s FROM fake $8' FROM real_t WHERE a = $1`, "SELECT real_t", OpSelect, 1},
		{"/* a /* nested */ FROM fake $9 */ SELECT x FROM real_t", "SELECT real_t", OpSelect, 0},
		{"SELECT x -- don't\nFROM real_t WHERE a = $2", "SELECT real_t", OpSelect, 2},
		{"SELECT 1; UPDATE other SET a = 1", "SELECT", OpSelect, 0},
	}
	for _, tc := range cases {
		t.Run(tc.sql, func(t *testing.T) {
			got := analyze(tc.sql)
			assert.Equal(t, tc.name, got.name)
			assert.Equal(t, tc.op, got.op)
			assert.Equal(t, tc.placeholders, got.params)
			name, op := Fingerprint(tc.sql)
			assert.Equal(t, tc.name, name)
			assert.Equal(t, tc.op, op)
		})
	}
	long := "SELECT * FROM " + strings.Repeat("ż", 100)
	assert.LessOrEqual(t, len(analyze(long).name), maxNameLen)
	assert.True(t, utf8.ValidString(analyze(long).name))
}

func TestAnalyzeStatementsAndLead(t *testing.T) {
	t.Parallel()
	info := analyze(" ; set LOCAL \"Role\" = x; ; SELECT set_config('a', 'b', true)")
	assert.Equal(t, 2, info.stmts)
	assert.Equal(t, []string{"SET", "LOCAL", `"Role"`, "X"}, info.lead)
	assert.True(t, info.setConfig)
	info = analyze("SELECT a.b FROM pg_catalog.pg_class")
	assert.Equal(t, 1, info.stmts)
	assert.Equal(t, []string{"SELECT", "A.B", "FROM", "PG_CATALOG.PG_CLASS"}, info.lead)
	assert.False(t, info.setConfig)
	assert.Zero(t, analyze(" -- only a comment\n;").stmts)
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"SELECT * FROM t WHERE a=$1", "WITH x AS (", `"a"."b`, "$tag$", "'", "/*", "$99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		info := analyze(sql)
		if len(info.name) > maxNameLen {
			t.Fatalf("name too long: %q", info.name)
		}
		if utf8.ValidString(sql) && !utf8.ValidString(info.name) {
			t.Fatalf("invalid UTF-8 name %q", info.name)
		}
		if info.params < 0 {
			t.Fatalf("negative placeholder count")
		}
		switch info.op {
		case OpSelect, OpInsert, OpUpdate, OpDelete, OpOther:
		default:
			t.Fatalf("bad op %q", info.op)
		}
	})
}
