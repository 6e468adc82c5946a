package k6http

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"

	"github.com/nnprotect/nnjs/engine/options"
)

// clientCert is one options.tlsAuth entry, parsed.
type clientCert struct {
	domains []string
	cert    tls.Certificate
}

// tlsHostKey is the context key under which an https request carries its host name, for
// the choice of client certificate during the handshake (net/http dials with a context that
// keeps the request's values).
type tlsHostKey struct{}

func parseClientCerts(list options.TLSAuths) []clientCert {
	var out []clientCert
	for _, a := range list {
		if cert, err := a.Certificate(); err == nil { // checked when the options were read
			out = append(out, clientCert{domains: a.Domains, cert: cert})
		}
	}
	return out
}

// withTLSHost returns req carrying its host name for clientCertFor.
func withTLSHost(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), tlsHostKey{}, req.URL.Hostname()))
}

// clientCertFor returns the GetClientCertificate hook for a list of certificates: the first
// one whose domains name the server (exactly, or by a "*.example.com" pattern) and that the
// server's request accepts; else the first accepted one that names no domain; else none.
func clientCertFor(certs []clientCert) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(info *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		host, _ := info.Context().Value(tlsHostKey{}).(string)
		for i := range certs {
			c := &certs[i]
			if domainMatch(c.domains, host) && info.SupportsCertificate(&c.cert) == nil {
				return &c.cert, nil
			}
		}
		for i := range certs {
			c := &certs[i]
			if len(c.domains) == 0 && info.SupportsCertificate(&c.cert) == nil {
				return &c.cert, nil
			}
		}
		return &tls.Certificate{}, nil
	}
}

func domainMatch(domains []string, host string) bool {
	host = strings.ToLower(host)
	for _, d := range domains {
		d = strings.ToLower(d)
		if d == host {
			return true
		}
		if suffix, ok := strings.CutPrefix(d, "*"); ok && strings.HasSuffix(host, suffix) && len(host) > len(suffix) {
			return true
		}
	}
	return false
}
