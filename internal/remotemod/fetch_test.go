package remotemod

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetFetchesThenServesTheCache(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/lib.js" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("export const x = 1;\n"))
	}))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	dir := t.TempDir()
	f := New(Config{Dir: dir, RootCAs: roots})

	m, err := f.Get(t.Context(), srv.URL+"/lib.js")
	require.NoError(t, err)
	assert.Equal(t, "export const x = 1;\n", string(m.Content))
	assert.Equal(t, hashOf(m.Content), m.SHA256)
	assert.False(t, m.Cached)
	require.Equal(t, int64(1), hits.Load())

	again, err := New(Config{Dir: dir, RootCAs: roots}).Get(t.Context(), srv.URL+"/lib.js")
	require.NoError(t, err)
	assert.True(t, again.Cached)
	assert.Equal(t, m.SHA256, again.SHA256)
	assert.Equal(t, int64(1), hits.Load(), "a cache hit makes no request")

	off, err := New(Config{Dir: dir, Offline: true}).Get(t.Context(), srv.URL+"/lib.js")
	require.NoError(t, err, "offline serves cache hits")
	assert.True(t, off.Cached)

	_, err = New(Config{Dir: dir, Offline: true}).Get(t.Context(), srv.URL+"/other.js")
	require.ErrorIs(t, err, ErrOffline)
	assert.Contains(t, err.Error(), srv.URL+"/other.js")

	_, err = f.Get(t.Context(), srv.URL+"/missing.js")
	require.Error(t, err)
	assert.Contains(t, err.Error(), srv.URL+"/missing.js")
	assert.Contains(t, err.Error(), "404")

	_, err = New(Config{Dir: t.TempDir()}).Get(t.Context(), srv.URL+"/lib.js")
	require.Error(t, err, "the test server's CA is not in the system roots")
}

func TestGetRefusesPlainHTTPUnlessAllowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("export default 1;\n"))
	}))
	t.Cleanup(srv.Close)
	_, err := New(Config{Dir: t.TempDir()}).Get(t.Context(), srv.URL+"/m.js")
	require.ErrorIs(t, err, ErrInsecure)
	assert.Contains(t, err.Error(), srv.URL+"/m.js")

	m, err := New(Config{Dir: t.TempDir(), AllowHTTP: true}).Get(t.Context(), srv.URL+"/m.js")
	require.NoError(t, err)
	assert.Equal(t, "export default 1;\n", string(m.Content))

	_, err = New(Config{Dir: t.TempDir()}).Get(t.Context(), "ftp://example.test/m.js")
	require.Error(t, err)
}

func TestGetRefetchesACorruptedCacheEntry(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("export const y = 2;\n"))
	}))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	dir := t.TempDir()
	f := New(Config{Dir: dir, RootCAs: roots})
	_, err := f.Get(t.Context(), srv.URL+"/y.js")
	require.NoError(t, err)
	paths, err := filepath.Glob(filepath.Join(dir, "*.js"))
	require.NoError(t, err)
	require.Len(t, paths, 1)
	require.NoError(t, writeAtomic(dir, paths[0], []byte("tampered")))
	m, err := f.Get(t.Context(), srv.URL+"/y.js")
	require.NoError(t, err)
	assert.False(t, m.Cached, "content that no longer has the recorded hash is a miss")
	assert.Equal(t, "export const y = 2;\n", string(m.Content))
	assert.Equal(t, int64(2), hits.Load())
}
