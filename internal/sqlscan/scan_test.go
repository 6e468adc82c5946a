package sqlscan

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// compact renders tokens as "Kind:text" separated by spaces, with "_" marking Space.
func compact(sql string) string {
	var parts []string
	for tok := range Tokens(sql) {
		p := fmt.Sprintf("%s:%s", kindName[tok.Kind], tok.Text)
		if tok.Space {
			p = "_" + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

var kindName = map[Kind]string{Word: "W", QuotedIdent: "Q", String: "S", Number: "N", Param: "P", Punct: "."}

func TestTokens(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"words and params", "SELECT a FROM t WHERE id = $1",
			"W:SELECT _W:a _W:FROM _W:t _W:WHERE _W:id _.:= _P:$1"},
		{"dollar quote with a quote inside", "SELECT $$it's$$, id FROM t WHERE id = 7",
			"W:SELECT _S:$$it's$$ .:, _W:id _W:FROM _W:t _W:WHERE _W:id _.:= _N:7"},
		{"tagged dollar quote", "SELECT $fn$ $$ ' $fn$ x", "W:SELECT _S:$fn$ $$ ' $fn$ _W:x"},
		{"line comment with a quote", "SELECT id FROM t -- don't\nWHERE id = 7",
			"W:SELECT _W:id _W:FROM _W:t _W:WHERE _W:id _.:= _N:7"},
		{"nested block comment", "/* a /* b */ c */SELECT/**/1", "_W:SELECT _N:1"},
		{"escape string", `SELECT E'it\'s', 'a''b', x`, `W:SELECT _S:E'it\'s' .:, _S:'a''b' .:, _W:x`},
		{"backslash in a standard string", `SELECT 'a\', b`, `W:SELECT _S:'a\' .:, _W:b`},
		{"prefixed strings", "SELECT B'01', X'1f', N'n', U&'d\\0061t', U&\"i\"",
			`W:SELECT _S:B'01' .:, _S:X'1f' .:, _S:N'n' .:, _S:U&'d\0061t' .:, _Q:U&"i"`},
		{"identifier ending in e before a quote", "SELECT type'x'", "W:SELECT _W:type S:'x'"},
		{"quoted identifier", `SELECT "we""ird".col FROM "T"`, `W:SELECT _Q:"we""ird" .:. W:col _W:FROM _Q:"T"`},
		{"identifier with dollar and digits", "SELECT a$1, t2 FROM x", "W:SELECT _W:a$1 .:, _W:t2 _W:FROM _W:x"},
		{"numbers", "SELECT 1.5e-3, .5, 0x1F, 1_000, 1..2, 3e", "W:SELECT _N:1.5e-3 .:, _N:.5 .:, _N:0x1F .:, _N:1_000 .:, _N:1 .:. N:.2 .:, _N:3 W:e"},
		{"operators and casts", "a<>b::int", "W:a .:< .:> W:b .:: .:: W:int"},
		{"lone dollar", "SELECT $ x", "W:SELECT _.:$ _W:x"},
		{"non-ASCII identifier", "SELECT żółw FROM t", "W:SELECT _W:żółw _W:FROM _W:t"},
		{"unterminated string", "SELECT 'abc", "W:SELECT _S:'abc"},
		{"unterminated comment", "SELECT 1 /* never", "W:SELECT _N:1"},
		{"unterminated dollar quote", "SELECT $x$ abc", "W:SELECT _S:$x$ abc"},
		{"empty", "  \n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, compact(tc.in))
		})
	}
}

func TestTokensStopEarly(t *testing.T) {
	t.Parallel()
	n := 0
	for range Tokens("a b c d") {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdefghij", 8, "abcde…"},
		{"żżżżż", 8, "żż…"}, // 10 bytes; 5 left for text: two whole runes
		{"abcdef", 3, "abc"},
		{"żż", 1, ""},
		{"abc", 0, ""},
	}
	for _, tc := range tests {
		got := Truncate(tc.in, tc.n)
		assert.Equal(t, tc.want, got, "%q %d", tc.in, tc.n)
		assert.LessOrEqual(t, len(got), tc.n)
		assert.True(t, utf8.ValidString(got))
	}
}

// FuzzTokens checks that tokens are in order, never overlap, quote exactly their source
// bytes, leave only whitespace and comments between them, and never split a UTF-8 sequence.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{
		"SELECT $$it's$$, id FROM t WHERE id = 7", "x -- don't\nWHERE", `E'\'' /* /* */ */ "a""b"`,
		"$tag$ $ta $tag$", "$1$2", "U&'x' u&\"y\"", "0x 0b1 1.e5 1..2", "'", "/*", "é'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		end := 0
		for tok := range Tokens(sql) {
			if tok.Pos < end || tok.Pos+len(tok.Text) > len(sql) || tok.Text == "" {
				t.Fatalf("token %+v out of order or out of range (previous end %d)", tok, end)
			}
			if sql[tok.Pos:tok.Pos+len(tok.Text)] != tok.Text {
				t.Fatalf("token %+v does not quote its source", tok)
			}
			gap := scanner{src: sql[end:tok.Pos]}
			if space := gap.skipSpace(); gap.pos != len(gap.src) || space != tok.Space {
				t.Fatalf("gap %q before %+v is not whitespace and comments", gap.src, tok)
			}
			if utf8.ValidString(sql) && !utf8.ValidString(tok.Text) {
				t.Fatalf("token %+v splits a UTF-8 sequence", tok)
			}
			end = tok.Pos + len(tok.Text)
		}
		rest := scanner{src: sql[end:]}
		rest.skipSpace()
		if rest.pos != len(rest.src) {
			t.Fatalf("text after the last token was dropped: %q", sql[end:])
		}
	})
}
