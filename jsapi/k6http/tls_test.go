package k6http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nnprotect/nnjs/engine/options"
)

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "secure")
	}))
	t.Cleanup(srv.Close)

	strict := newEnv(t, nil)
	strict.set("base", srv.URL)
	strict.run(`var res = http.get(base)`)
	assert.Equal(t, int64(codeX509UnknownAuth), strict.run(`res.error_code`).Export())

	e := newEnv(t, &options.Options{InsecureSkipTLSVerify: ptr(true)})
	e.set("base", srv.URL)
	e.run(`var res = http.get(base)`)
	assert.Equal(t, "secure", e.run(`res.body`).Export())
	assert.Equal(t, "HTTP/1.1", e.run(`res.proto`).Export())
	assert.Contains(t, []any{"tls1.2", "tls1.3"}, e.run(`res.tls_version`).Export())
	tm := timingsOf(e.run(`res.timings`))
	assert.Positive(t, tm["tls_handshaking"])
}
