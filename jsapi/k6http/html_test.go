package k6http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newHTMLServer serves a page with a form and a link, and echoes what the form and the link
// send as "METHOD path?query body".
func newHTMLServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/shop/page", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, `<html><body><h1>Shop</h1>
<a class="next" href="list?p=2">next</a>
<form id="pay" action="../pay" method="post">
  <input name="amount" value="10"><input name="currency" value="MXN">
  <input type="submit" name="go" value="Pay"></form>
<form id="search" action="/find"><input name="q" value="wallet"><button type="submit">Go</button></form>
</body></html>`)
	})
	echo := func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+string(b))
	}
	mux.HandleFunc("/pay", echo)
	mux.HandleFunc("/find", echo)
	mux.HandleFunc("/shop/list", echo)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestResponseHTML(t *testing.T) {
	t.Parallel()
	srv := newHTMLServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var res = http.get(base + "/shop/page")`)
	assert.Equal(t, "Shop", e.run(`res.html().find("h1").text()`).Export())
	assert.Equal(t, "Shop", e.run(`res.html("h1").text()`).Export())
	assert.Equal(t, "POST /pay amount=10&currency=MXN&go=Pay",
		e.run(`res.submitForm({formSelector: "#pay"}).body`).Export())
	assert.Equal(t, "POST /pay amount=99&currency=MXN&go=Pay",
		e.run(`res.submitForm({formSelector: "#pay", fields: {amount: "99"}}).body`).Export())
	assert.Equal(t, "GET /find?q=card ",
		e.run(`res.submitForm({formSelector: "#search", fields: {q: "card"}}).body`).Export())
	assert.Equal(t, "GET /shop/list?p=2 ", e.run(`res.clickLink().body`).Export())
	assert.Equal(t, "GET /shop/list?p=2 ", e.run(`res.clickLink({selector: "a.next", params: {tags: {name: "next"}}}).body`).Export())
	require.Error(t, e.runErr(`res.submitForm({formSelector: "#nope"})`))
	require.Error(t, e.runErr(`res.clickLink({selector: "h1"})`))
	require.Error(t, e.runErr(`res.html.call({})`))
}
