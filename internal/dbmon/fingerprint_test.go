package dbmon

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestFingerprint(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"numbers and params", "UPDATE wallets SET balance = 12.5 WHERE member_id = $1",
			"UPDATE wallets SET balance = ? WHERE member_id = ?"},
		{"strings with escaped quote", "SELECT * FROM users WHERE name = 'O''Brien' AND x='a'",
			"SELECT * FROM users WHERE name = ? AND x=?"},
		{"whitespace collapsed", "SELECT\n\t1\n  FROM   t", "SELECT ? FROM t"},
		{"in list collapsed", "SELECT * FROM t WHERE id IN (1, 2,3 , 4)", "SELECT * FROM t WHERE id IN (?)"},
		{"separate assignments kept", "SET a = 1, b = 2", "SET a = ?, b = ?"},
		{"identifier digits kept", "SELECT col2 FROM t1 WHERE \"c3\" = 4", "SELECT col2 FROM t1 WHERE \"c3\" = ?"},
		{"exponent", "SELECT 1.5e-3 + 2E10", "SELECT ? + ?"},
		{"unterminated string", "SELECT 'abc", "SELECT ?"},
		// a quote inside a dollar-quoted constant does not open a string
		{"dollar quote", "SELECT $$it's$$, id FROM t WHERE id = 7", "SELECT ?, id FROM t WHERE id = ?"},
		{"tagged dollar quote", "SELECT $f$ $$ it's $f$ FROM t", "SELECT ? FROM t"},
		// a quote inside a comment does not swallow the rest of the statement
		{"line comment", "SELECT id FROM t -- don't\nWHERE id = 7", "SELECT id FROM t WHERE id = ?"},
		{"nested block comment", "SELECT /* it's /* nested */ still */ id FROM t WHERE id = 7", "SELECT id FROM t WHERE id = ?"},
		{"escape string", `SELECT E'it\'s', id FROM t WHERE id = 7`, "SELECT ?, id FROM t WHERE id = ?"},
		{"quoted identifier with a quote", `SELECT "it's" FROM t WHERE x = 'a'`, `SELECT "it's" FROM t WHERE x = ?`},
		{"cast kept", "SELECT '7'::int, date '2024-01-01'", "SELECT ?::int, date ?"},
		{"empty", "   ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, fingerprint(tc.in))
		})
	}
}

func TestFingerprintGroupsConstants(t *testing.T) {
	t.Parallel()
	a := fingerprint("SELECT * FROM orders WHERE id = 17 FOR UPDATE")
	b := fingerprint("SELECT  *  FROM orders WHERE id = 90210 FOR UPDATE")
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, fingerprint("SELECT * FROM wallets WHERE id = 17 FOR UPDATE"))
}

func TestFingerprintAndExampleBounded(t *testing.T) {
	t.Parallel()
	long := "SELECT " + strings.Repeat("é_column, ", 200)
	fp, ex := fingerprint(long), example(long)
	assert.LessOrEqual(t, len(fp), maxFingerprint)
	assert.LessOrEqual(t, len(ex), maxExample)
	assert.True(t, utf8.ValidString(fp))
	assert.True(t, utf8.ValidString(ex))
	assert.True(t, strings.HasSuffix(ex, "…"))
}

func FuzzFingerprint(f *testing.F) {
	for _, s := range []string{"SELECT 1", "x IN ($1, $2)", "'a''", "é1.e+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp := fingerprint(s)
		if len(fp) > maxFingerprint {
			t.Fatalf("fingerprint of %d bytes", len(fp))
		}
		if utf8.ValidString(s) && !utf8.ValidString(fp) {
			t.Fatalf("fingerprint %q of valid UTF-8 is not valid", fp)
		}
	})
}
