package k6http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

const catalogue = `{"items":[{"id":7,"name":"a","tags":["x"]},{"id":8,"name":"b","tags":["y","z"]}],` +
	`"owner":{"first":"Ann","last":"Lee"},"count":2,"big":12345678901,"nothing":null,"ok":false}`

// jsonServer serves catalogue at /json, a non-JSON body at /text and a cut JSON at /half.
func jsonServer(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/json", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, catalogue)
	})
	mux.HandleFunc("/text", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "<html>not json</html>")
	})
	mux.HandleFunc("/half", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"items":[{"id":7}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestJSONSelector runs gjson's path syntax through res.json(selector); each result is
// compared as JSON text, so arrays and objects are checked whole, with key order.
func TestJSONSelector(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.set("base", jsonServer(t))
	e.run(`var res = http.get(base+"/json"); var j = (s) => JSON.stringify(res.json(s))`)
	tests := []struct{ sel, want string }{
		{"items.1.id", "8"},
		{"items.#", "2"},
		{"items.#.id", "[7,8]"},
		{"items.#(id==8).name", `"b"`},
		{"items.#(id>6)#.name", `["a","b"]`},
		{"items.#(tags.#>1).id", "8"},
		{"items.@reverse.#.id", "[8,7]"},
		{"owner", `{"first":"Ann","last":"Lee"}`},
		{"owner.f*", `"Ann"`},
		{"owner.?ast", `"Lee"`},
		{"{owner.first,count}", `{"first":"Ann","count":2}`},
		{"[count,ok]", "[2,false]"},
		{"big", "12345678901"},
		{"nothing", "null"},
		{"ok", "false"},
		{"@this.count", "2"},
	}
	for _, tc := range tests {
		t.Run(tc.sel, func(t *testing.T) {
			got := e.run("j(" + strconv.Quote(tc.sel) + ")").Export()
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestJSONUndefined covers what k6 answers with undefined: a missing path, an empty selector,
// and any selector on a body that is not JSON.
func TestJSONUndefined(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.set("base", jsonServer(t))
	for _, src := range []string{
		`http.get(base+"/json").json("items.5.id")`,
		`http.get(base+"/json").json("missing")`,
		`http.get(base+"/json").json("items.#(id==99).name")`,
		`http.get(base+"/json").json("")`,
		`http.get(base+"/text").json("items")`,
		`http.get(base+"/half").json("items.0.id")`,
	} {
		t.Run(src, func(t *testing.T) {
			assert.Equal(t, true, e.run(src+` === undefined`).Export())
		})
	}
}

// TestJSONThrows covers what k6 throws on: no selector and a body that is not JSON, and a
// response without a body whatever the selector.
func TestJSONThrows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.set("base", jsonServer(t))
	for _, src := range []string{
		`http.get(base+"/text").json()`,
		`http.get(base+"/half").json()`,
		`http.get(base+"/json", {responseType: "none"}).json("items")`,
		`http.get("http://127.0.0.1:1/").json("items")`,
	} {
		t.Run(src, func(t *testing.T) {
			assert.Error(t, e.runErr(src))
		})
	}
}

func TestJSONBinaryBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.set("base", jsonServer(t))
	e.run(`var res = http.get(base+"/json", {responseType: "binary"})`)
	assert.Equal(t, "[7,8]", e.run(`JSON.stringify(res.json("items.#.id"))`).Export())
	assert.Equal(t, "Ann", e.run(`res.json().owner.first`).Export())
}
