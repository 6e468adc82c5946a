package jsapi

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/remotemod"
)

// remoteServer serves a module that imports a relative and a root-relative module; it
// counts the requests.
func remoteServer(t *testing.T) (*httptest.Server, *x509.CertPool, *atomic.Int64) {
	t.Helper()
	files := map[string]string{
		"/lib/1.0/index.js": `import { twice } from "./util.js"; import { base } from "/shared/base.js";
export function summary() { return twice(base); }`,
		"/lib/1.0/util.js": "export function twice(n) { return 2 * n; }\n",
		"/shared/base.js":  "export const base = 21;\n",
	}
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	return srv, roots, &hits
}

func TestRemoteModules(t *testing.T) {
	t.Parallel()
	srv, roots, hits := remoteServer(t)
	dir, cache := t.TempDir(), t.TempDir()
	script := filepath.Join(dir, "main.js")
	require.NoError(t, os.WriteFile(script, []byte(`import { summary } from "`+srv.URL+`/lib/1.0/index.js";
export const options = { vus: summary() };
export default function () {}`), 0o644))

	p, err := Compile(script, CompileOptions{Remote: remotemod.New(remotemod.Config{Dir: cache, RootCAs: roots})})
	require.NoError(t, err)
	info, err := p.Inspect(t.Context(), nil, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"vus": 42}`, string(info.Options), "the remote module and its imports ran")
	assert.Equal(t, int64(3), hits.Load())
	var urls []string
	for _, s := range p.Sources()[1:] {
		urls = append(urls, s.Path)
		assert.Len(t, s.SHA256, 64)
	}
	assert.Equal(t, []string{srv.URL + "/lib/1.0/index.js", srv.URL + "/lib/1.0/util.js", srv.URL + "/shared/base.js"}, urls)

	p2, err := Compile(script, CompileOptions{Remote: remotemod.New(remotemod.Config{Dir: cache, Offline: true})})
	require.NoError(t, err, "offline: the cache has every module")
	assert.Equal(t, p.Sources(), p2.Sources())
	assert.Equal(t, int64(3), hits.Load(), "the second compile made no request")

	_, err = Compile(script, CompileOptions{Remote: remotemod.New(remotemod.Config{Dir: t.TempDir(), Offline: true})})
	require.Error(t, err)
	assert.Contains(t, err.Error(), srv.URL+"/lib/1.0/index.js")
	assert.Contains(t, err.Error(), "--offline")
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, script, se.File, "the error points at the import")
	assert.Equal(t, 1, se.Line)
}

func TestRemoteModuleFetchErrorNamesURLAndStatus(t *testing.T) {
	t.Parallel()
	srv, roots, _ := remoteServer(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "main.js")
	require.NoError(t, os.WriteFile(script, []byte(`import x from "`+srv.URL+`/nope.js"; export default function () { x; }`), 0o644))
	_, err := Compile(script, CompileOptions{Remote: remotemod.New(remotemod.Config{Dir: t.TempDir(), RootCAs: roots})})
	require.Error(t, err)
	assert.Contains(t, err.Error(), srv.URL+"/nope.js")
	assert.Contains(t, err.Error(), "404 Not Found")
}
