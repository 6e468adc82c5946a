package k6sql

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// TestXK6Form runs xk6-sql's README example (PostgreSQL driver) unchanged.
func TestXK6Form(t *testing.T) {
	w := newWorld(t)
	v := w.vu(1)
	v.Run(t, `var db = xsql.open(driver, URL);`)
	v.Init = false
	v.Run(t, `db.exec("CREATE TABLE IF NOT EXISTS roster (id SERIAL PRIMARY KEY, given_name VARCHAR(50) NOT NULL, family_name VARCHAR(50) NOT NULL);")`)
	n := v.Run(t, `db.exec("INSERT INTO roster (given_name, family_name) VALUES ('Peter', 'Pan'), ('Wendy', 'Darling'), ('Tinker', 'Bell'), ('James', 'Hook');").rowsAffected()`)
	assert.EqualValues(t, 4, n.ToInteger())

	got := v.Run(t, `(function(){
		let out = [];
		for (const row of db.query("SELECT * FROM roster WHERE given_name = $1;", "Peter")) out.push(row.family_name + ", " + row.given_name);
		for (const row of xsql.query(db, "SELECT * FROM roster WHERE given_name = $1;", "Wendy")) out.push(row.family_name);
		return out.join("|");
	})()`)
	assert.Equal(t, "Pan, Peter|Darling", got.String())

	exc := v.Exception(t, `db.exec("SELECT 1").lastInsertId()`)
	assert.Contains(t, exc.Get("message").String(), "RETURNING")
	v.Run(t, `db.exec("DROP TABLE IF EXISTS roster;"); db.close();`)
	require.Len(t, w.mod.Pools(), 1, "xk6 and native forms share the module's pools")
}

func TestXK6Drivers(t *testing.T) {
	w := newWorld(t)
	v := w.vu(1)
	v.Run(t, `xsql.open("postgres", URL, {max_open_conns: 4, conn_max_lifetime: "1m", max_idle_conns: 2})`)
	exc := v.Exception(t, `xsql.open(Symbol("mysql"), URL)`)
	assert.Contains(t, exc.Get("message").String(), ErrDriver.Error())
	exc = v.Exception(t, `xsql.open("sqlite3", "./test.db")`)
	assert.Contains(t, exc.Get("message").String(), ErrDriver.Error())
	v.Init = false
	exc = v.Exception(t, `xsql.open(driver, URL)`)
	assert.Contains(t, exc.Get("message").String(), ErrOpenOutsideInit.Error())
}

// TestPasswordNeverInErrors checks open, connect and query failures for every URL form.
func TestPasswordNeverInErrors(t *testing.T) {
	const secret = "s3cr3t-P4ss"
	cases := []struct {
		name string
		url  string
		open bool // the failure happens at open (parse) rather than at the first statement
	}{
		{"url refused", "postgres://bob:" + secret + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", false},
		{"url escaped", "postgres://bob:" + strings.ReplaceAll(secret, "-", "%2D") + "@127.0.0.1:1/db?sslmode=disable", false},
		{"query param", "postgres://bob@127.0.0.1:1/db?password=" + secret + "&sslmode=disable", false},
		{"dsn", "host=127.0.0.1 port=1 user=bob password=" + secret + " sslmode=disable", false},
		{"bad port", "postgres://bob:" + secret + "@127.0.0.1:notaport/db", true},
		{"bad dsn", "host=127.0.0.1 password=" + secret + " sslmode=bogus", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := &world{t: t, mod: New(), reg: metrics.NewRegistry(), rec: &modulestest.Recorder{}, url: tc.url}
			t.Cleanup(w.mod.Close)
			v := w.vu(1)
			_, err := v.RunErr(`var db = sql.open(URL)`)
			if tc.open {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), secret)
				assert.Contains(t, err.Error(), "xxxxx", "the masked URL is shown")
				return
			}
			require.NoError(t, err)
			v.Init = false
			assert.NotContains(t, v.Run(t, `db.name`).String(), secret)
			exc := v.Exception(t, `db.query("SELECT 1")`)
			msg := exc.Get("message").String()
			for _, form := range []string{secret, strings.ReplaceAll(secret, "-", "%2D")} {
				assert.NotContains(t, msg, form)
				assert.NotContains(t, exc.String(), form)
			}
			assert.NotEmpty(t, msg)
		})
	}
}
