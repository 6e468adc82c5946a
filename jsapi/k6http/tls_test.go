package k6http

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// tlsServer starts an HTTPS server answering its protocol, TLS version and client
// certificate subject; h2 enables HTTP/2 by ALPN.
func tlsServer(t *testing.T, h2 bool, mutate func(*tls.Config)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "-"
		if len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = io.WriteString(w, r.Proto+" "+tls.VersionName(r.TLS.Version)+" "+cn)
	}))
	srv.EnableHTTP2 = h2
	if mutate != nil {
		srv.TLS = &tls.Config{}
		mutate(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// trusting returns a module whose transports trust srv's certificate.
func trusting(srv *httptest.Server) *Module {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return New(Config{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}})
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t, false, nil)

	strict := newEnv(t, nil)
	strict.set("base", srv.URL)
	strict.run(`var res = http.get(base)`)
	assert.Equal(t, int64(codeX509UnknownAuth), strict.run(`res.error_code`).Export())

	e := newEnv(t, &options.Options{InsecureSkipTLSVerify: ptr(true)})
	e.set("base", srv.URL)
	e.run(`var res = http.get(base)`)
	assert.Equal(t, "HTTP/1.1 TLS 1.3 -", e.run(`res.body`).Export())
	assert.Equal(t, "HTTP/1.1", e.run(`res.proto`).Export())
	assert.Equal(t, "tls1.3", e.run(`res.tls_version`).Export())
	tm := timingsOf(e.run(`res.timings`))
	assert.Positive(t, tm["tls_handshaking"])
	d := e.vu.Rec.Of(metrics.HTTPReqTLSHandshaking, nil)
	require.Len(t, d, 1)
	assert.Positive(t, d[0].Value, "tls_handshaking timed")
	assert.Equal(t, "tls1.3", d[0].Tags.Map()["tls_version"])
}

// TestHTTP2: HTTP/2 is negotiated by ALPN with a server that offers it, and tagged.
func TestHTTP2(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t, true, nil)
	e := newEnvModule(t, nil, trusting(srv))
	e.set("base", srv.URL)
	e.run(`var res = http.get(base)`)
	assert.Equal(t, "HTTP/2.0 TLS 1.3 -", e.run(`res.body`).Export())
	assert.Equal(t, "HTTP/2.0", e.run(`res.proto`).Export())
	e.run(`var b = http.batch([base, base, base])`)
	assert.Equal(t, "HTTP/2.0,HTTP/2.0,HTTP/2.0", e.run(`b.map((r) => r.proto).join()`).Export())
	for _, s := range e.vu.Rec.Of(metrics.HTTPReqDuration, nil) {
		assert.Equal(t, "HTTP/2.0", s.Tags.Map()["proto"])
	}
	assert.Positive(t, e.vu.Rec.Sum(metrics.DataReceived, nil))

	h1 := tlsServer(t, false, nil)
	e1 := newEnvModule(t, nil, trusting(h1))
	e1.set("base", h1.URL)
	assert.Equal(t, "HTTP/1.1", e1.run(`http.get(base).proto`).Export(), "no h2 offered: HTTP/1.1")
}

func TestTLSVersionOption(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t, false, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 })
	tests := []struct {
		name  string
		v     options.TLSVersions
		want  string
		fails bool
	}{
		{"tls1.2 only", options.TLSVersions{Min: tls.VersionTLS12, Max: tls.VersionTLS12}, "tls1.2", false},
		{"min tls1.3", options.TLSVersions{Min: tls.VersionTLS13}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvModule(t, &options.Options{TLSVersion: &tc.v}, trusting(srv))
			e.set("base", srv.URL)
			e.run(`var res = http.get(base)`)
			if tc.fails {
				assert.Equal(t, int64(0), e.run(`res.status`).Export())
				return
			}
			assert.Equal(t, tc.want, e.run(`res.tls_version`).Export())
		})
	}
}

func TestTLSCipherSuitesOption(t *testing.T) {
	t.Parallel()
	const suite = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
	srv := tlsServer(t, false, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 })
	var o options.Options
	require.NoError(t, o.TLSCipherSuites.UnmarshalJSON([]byte(`["`+suite+`"]`)))
	e := newEnvModule(t, &o, trusting(srv))
	e.set("base", srv.URL)
	e.run(`var res = http.get(base)`)
	// httptest's certificate is RSA: an ECDSA-only suite cannot be agreed on.
	assert.Equal(t, int64(0), e.run(`res.status`).Export())
	assert.NotEmpty(t, e.run(`res.error`).String())

	require.NoError(t, o.TLSCipherSuites.UnmarshalJSON([]byte(`["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]`)))
	ok := newEnvModule(t, &o, trusting(srv))
	ok.set("base", srv.URL)
	assert.Equal(t, int64(200), ok.run(`http.get(base).status`).Export())
}

// TestTLSAuthOption: a server that requires a client certificate gets the one of
// options.tlsAuth whose domains name it, else one without domains, else none.
func TestTLSAuthOption(t *testing.T) {
	t.Parallel()
	clients := x509.NewCertPool()
	pair := map[string]string{}
	for _, cn := range []string{"for-other", "for-local", "for-any"} {
		certPEM, keyPEM := selfSigned(t, cn)
		block, _ := pem.Decode([]byte(certPEM))
		c, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		clients.AddCert(c)
		pair[cn] = `"cert": ` + jsonString(certPEM) + `, "key": ` + jsonString(keyPEM)
	}
	srv := tlsServer(t, true, func(c *tls.Config) {
		c.ClientAuth = tls.RequireAndVerifyClientCert
		c.ClientCAs = clients
	})
	tests := []struct{ name, auth, want string }{
		{"by domain", `[{"domains": ["other.test"], ` + pair["for-other"] + `}, {"domains": ["127.0.0.1"], ` + pair["for-local"] + `}]`,
			"HTTP/2.0 TLS 1.3 for-local"},
		{"wildcard domain no match, fallback without domains", `[{"domains": ["*.other.test"], ` + pair["for-other"] + `}, {` + pair["for-any"] + `}]`,
			"HTTP/2.0 TLS 1.3 for-any"},
		{"no certificate for this host", `[{"domains": ["other.test"], ` + pair["for-other"] + `}]`, ""},
		{"none", `[]`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var auth options.TLSAuths
			require.NoError(t, auth.UnmarshalJSON([]byte(tc.auth)))
			e := newEnvModule(t, &options.Options{TLSAuth: auth}, trusting(srv))
			e.set("base", srv.URL)
			e.run(`var res = http.get(base)`)
			if tc.want == "" {
				assert.Equal(t, int64(0), e.run(`res.status`).Export(), "refused by the server")
				return
			}
			assert.Equal(t, tc.want, e.run(`res.body`).Export())
		})
	}
}

func TestDomainMatch(t *testing.T) {
	t.Parallel()
	assert.True(t, domainMatch([]string{"a.test"}, "A.test"))
	assert.True(t, domainMatch([]string{"*.test"}, "a.test"))
	assert.False(t, domainMatch([]string{"*.test"}, "test"))
	assert.False(t, domainMatch([]string{"a.test"}, "b.test"))
	assert.False(t, domainMatch(nil, "a.test"))
}

// TestSSLCertFile: the system roots honour SSL_CERT_FILE. The system pool is loaded once
// per process, so the check runs in a child process of this test binary.
func TestSSLCertFile(t *testing.T) {
	if url := os.Getenv("NNJS_TEST_SSL_URL"); url != "" {
		e := newEnv(t, nil)
		e.set("base", url)
		e.run(`var res = http.get(base)`)
		require.Equal(t, int64(200), e.run(`res.status`).Export(), e.run(`res.error`).String())
		return
	}
	t.Parallel()
	srv := tlsServer(t, false, nil)
	file := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	run := func(certFile string) error {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSSLCertFile$", "-test.count=1")
		cmd.Env = append(os.Environ(), "NNJS_TEST_SSL_URL="+srv.URL, "SSL_CERT_FILE="+certFile, "SSL_CERT_DIR=/nonexistent")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Log(string(out))
		}
		return err
	}
	assert.NoError(t, run(file), "the CA in SSL_CERT_FILE is trusted")
	assert.Error(t, run("/nonexistent.pem"), "without it the certificate is refused")
}

func jsonString(s string) string {
	return `"` + strings.NewReplacer("\n", `\n`, `"`, `\"`).Replace(s) + `"`
}

// selfSigned returns a self-signed client certificate and its key, in PEM.
func selfSigned(t *testing.T, cn string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}
