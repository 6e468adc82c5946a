package k6sql

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypesRoundTrip sends each value as a $1 argument, lets the server cast it, and checks
// the JS value read back (JS expression over the row's column v).
func TestTypesRoundTrip(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	cases := []struct {
		name  string
		sql   string
		arg   string // JS expression; "" for none
		check string // JS expression over v
	}{
		{"int2", "SELECT $1::int2 AS v", "7", "v === 7"},
		{"int4", "SELECT $1::int4 AS v", "-123456", "v === -123456"},
		{"int8 safe", "SELECT $1::int8 AS v", "9007199254740991", "v === 9007199254740991"},
		{"int8 2^53 as string", "SELECT $1::int8 AS v", "'9007199254740992'", "v === '9007199254740992'"},
		{"int8 negative beyond as string", "SELECT $1::int8 AS v", "'-9007199254740993'", "v === '-9007199254740993'"},
		{"int8 beyond 2^53 as string", "SELECT $1::int8 AS v", "'9007199254740993'", "v === '9007199254740993'"},
		{"int8 from BigInt", "SELECT $1::int8 AS v", "9223372036854775807n", "v === '9223372036854775807'"},
		{"float4", "SELECT $1::float4 AS v", "1.5", "v === 1.5"},
		{"float8", "SELECT $1::float8 AS v", "0.1", "v === 0.1"},
		{"numeric exact as string", "SELECT $1::numeric AS v", "'12345678901234567890.123456789'",
			"v === '12345678901234567890.123456789'"},
		{"numeric from number", "SELECT $1::numeric(10,2) AS v", "2.5", "v === '2.50'"},
		{"bool", "SELECT $1::bool AS v", "true", "v === true"},
		{"text", "SELECT $1::text AS v", "'żółw 🐢'", "v === 'żółw 🐢'"},
		{"varchar", "SELECT $1::varchar(10) AS v", "'abc'", "v === 'abc'"},
		{"uuid", "SELECT $1::uuid AS v", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
			"v === 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"},
		{"timestamptz from Date", "SELECT $1::timestamptz AS v", "new Date(1700000000123)",
			"v instanceof Date && v.getTime() === 1700000000123"},
		{"timestamp", "SELECT '2024-02-29 13:14:15.5'::timestamp AS v", "",
			"v instanceof Date && v.toISOString() === '2024-02-29T13:14:15.500Z'"},
		{"date", "SELECT '2024-02-29'::date AS v", "",
			"v instanceof Date && v.toISOString() === '2024-02-29T00:00:00.000Z'"},
		{"jsonb from object", "SELECT $1::jsonb AS v", "({a: 1, b: [1, 'x'], c: {d: null}})",
			"v.a === 1 && v.b[1] === 'x' && v.c.d === null && Array.isArray(v.b)"},
		{"json keeps key order", `SELECT '{"b":1,"a":2}'::json AS v`, "",
			"Object.keys(v).join() === 'b,a'"},
		{"json scalar", "SELECT $1::json AS v", "'\"hi\"'", "v === 'hi'"},
		{"bytea from ArrayBuffer", "SELECT $1::bytea AS v", "new Uint8Array([1, 2, 255]).buffer",
			"v instanceof ArrayBuffer && new Uint8Array(v).join() === '1,2,255'"},
		{"bytea from Uint8Array", "SELECT $1::bytea AS v", "new Uint8Array([9])",
			"v instanceof ArrayBuffer && new Uint8Array(v)[0] === 9"},
		{"int4 array", "SELECT $1::int4[] AS v", "[1, 2, 3]", "Array.isArray(v) && v.join() === '1,2,3'"},
		{"text array", "SELECT $1::text[] AS v", "['a', null, 'c']", "v[0] === 'a' && v[1] === null && v[2] === 'c'"},
		{"numeric array", "SELECT ARRAY[1.10, 2.25]::numeric[] AS v", "", "v[0] === '1.10' && v[1] === '2.25'"},
		{"null", "SELECT $1::int4 AS v", "null", "v === null"},
		{"undefined is null", "SELECT $1::text AS v", "void 0", "v === null"},
		{"interval as text", "SELECT '1 day 02:00:00'::interval AS v", "", "typeof v === 'string' && v.length > 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := ""
			if tc.arg != "" {
				args = ", " + tc.arg
			}
			js := "(function(){ const v = db.queryRow(" + quote(tc.sql) + args + ").v; return " + tc.check + "; })()"
			assert.True(t, v.Run(t, js).ToBoolean(), "%s: check %s failed", tc.name, tc.check)
		})
	}
}

func quote(s string) string { return "`" + s + "`" }

func TestQueryShapes(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	v.Run(t, `db.exec("CREATE TABLE wallets (id int PRIMARY KEY, owner text, balance numeric)")`)
	res := v.Run(t, `db.exec("INSERT INTO wallets SELECT g, 'u' || g, g * 10 FROM generate_series(1, 5) g")`)
	assert.EqualValues(t, 5, res.ToObject(v.RT).Get("rowsAffected").ToInteger())

	assert.True(t, v.Run(t, `(function(){
		const rows = db.query("SELECT id, owner FROM wallets WHERE id > $1 ORDER BY id", 2);
		return Array.isArray(rows) && rows.length === 3 && rows[0].id === 3 && rows[2].owner === 'u5';
	})()`).ToBoolean())
	assert.True(t, v.Run(t, `db.query("SELECT * FROM wallets WHERE id < 0").length === 0`).ToBoolean())
	assert.True(t, v.Run(t, `db.queryRow("SELECT * FROM wallets WHERE id < 0") === null`).ToBoolean())
	assert.True(t, v.Run(t, `db.queryRow("SELECT balance FROM wallets ORDER BY id DESC").balance === '50'`).ToBoolean())
	updated := v.Run(t, `db.exec("UPDATE wallets SET balance = balance + $1 WHERE id <= $2", 1, 2).rowsAffected`)
	assert.EqualValues(t, 2, updated.ToInteger())
}

func TestObjectArgumentIsJSONUnlessOptions(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	// one placeholder, one object: the object is the argument
	assert.True(t, v.Run(t, `db.queryRow("SELECT $1::jsonb->>'name' AS v", {name: 'x'}).v === 'x'`).ToBoolean())
	// one placeholder, two arguments: the trailing {name} is options
	assert.True(t, v.Run(t, `db.queryRow("SELECT $1::int4 AS v", 5, {name: 'five'}).v === 5`).ToBoolean())
	require.NotEmpty(t, w.rec.Of(Queries, map[string]string{"name": "five", "op": OpSelect}))
}
