package jsapi

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/k6http"
)

// docHarness compiles testdata/k6docs/name with k6/http dialling srv whatever the host the
// script names (the examples of k6's documentation use k6's public test hosts).
func docHarness(t *testing.T, name string, srv *httptest.Server) *harness {
	t.Helper()
	reg := DefaultModules()
	mod := k6http.New(k6http.Config{
		Redirect:        func(string) string { return srv.Listener.Addr().String() },
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // a test server
	})
	t.Cleanup(mod.CloseIdleConnections)
	reg.Register(mod, "k6/http")
	path, err := filepath.Abs(filepath.Join("testdata", "k6docs", name))
	require.NoError(t, err)
	return compiledHarness(t, path, reg, options.Options{}, nil)
}

// httpbinPost answers POST /post like httpbin: the JSON body as "json", the form as "form".
func httpbinPost(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"json": nil, "form": map[string]string{}}
	if r.Header.Get("Content-Type") == "application/json" {
		b, _ := io.ReadAll(r.Body)
		var v any
		_ = json.Unmarshal(b, &v)
		out["json"] = v
	} else if err := r.ParseForm(); err == nil {
		form := map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostForm.Get(k)
		}
		out["form"] = form
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// TestK6DocAsyncRequest runs the http.asyncRequest example of k6's documentation unmodified:
// two POSTs, both answered, "Bert" logged twice, as under k6.
func TestK6DocAsyncRequest(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(httpbinPost))
	t.Cleanup(srv.Close)
	h := docHarness(t, "async-request.js", srv)
	v := h.vu(1, "default")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.Equal(t, []string{"Bert", "Bert"}, h.logs.messages())
	reqs := h.rec.of(metrics.HTTPReqs)
	require.Len(t, reqs, 2)
	for _, s := range reqs {
		assert.Equal(t, "200", s.Tags["status"])
		assert.Equal(t, "https://httpbin.test.k6.io/post", s.Tags["url"])
	}
}
