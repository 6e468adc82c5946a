package k6http

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/nnprotect/nnjs/engine/options"
)

// Defaults of Config.
const (
	defaultMaxIdleConnsPerHost = 10_000
	defaultIdleConnTimeout     = 90 * time.Second
	defaultDialTimeout         = 30 * time.Second
	defaultUserAgent           = "nnjs (+https://github.com/nnprotect/nnjs)"
)

// transportKind indexes the (at most four) shared transports of a run.
type transportKind uint8

const (
	kindInsecure transportKind = 1 << iota // skip TLS verification
	kindNoReuse                            // no keep-alive
)

// countConn counts the bytes read from and written to a connection for the request that
// holds it: owner, set when a request gets the connection (httptrace GotConn) and cleared when
// it finishes. Bytes moved while no request holds it (a dial's TLS handshake) wait in
// unowned* until the next owner takes them. A count goes to the holder at the time of the
// I/O, so a request never counts the bytes of the next one (a connection goes back to the
// pool before its last request has finished). Read and Write run on the transport's
// goroutines, hence the atomics.
type countConn struct {
	net.Conn
	owner                       atomic.Pointer[tracer]
	unownedRead, unownedWritten atomic.Int64
}

func (c *countConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.count(int64(n), false)
	}
	return n, err
}

// Write counts b before writing it: once the peer has the bytes it may answer, and the VU
// may finish the request before a count made after Write returned (net/http writes on its
// own goroutine). A short write takes the unsent rest back.
func (c *countConn) Write(b []byte) (int, error) {
	c.count(int64(len(b)), true)
	n, err := c.Conn.Write(b)
	if n < len(b) {
		c.count(int64(n-len(b)), true)
	}
	return n, err
}

func (c *countConn) count(n int64, written bool) {
	t := c.owner.Load()
	switch {
	case t != nil && written:
		t.sent.Add(n)
	case t != nil:
		t.recv.Add(n)
	case written:
		c.unownedWritten.Add(n)
	default:
		c.unownedRead.Add(n)
	}
}

// counted returns the countConn under a connection handed out by the transport.
func counted(c net.Conn) *countConn {
	switch cc := c.(type) {
	case *countConn:
		return cc
	case *tls.Conn:
		inner, _ := cc.NetConn().(*countConn)
		return inner
	}
	return nil
}

// netSettings are the options that shape a run's transports.
type netSettings struct {
	hosts *hostTable
	tls   *tls.Config  // versions and cipher suites; nil: none set
	certs []clientCert // options.tlsAuth
}

// newNetSettings reads options.hosts and the TLS options (checked when they were read).
func newNetSettings(o *options.Options) *netSettings {
	ns := &netSettings{}
	if o == nil {
		return ns
	}
	ns.hosts = newHostTable(o.Hosts)
	ns.certs = parseClientCerts(o.TLSAuth)
	if o.TLSVersion == nil && len(o.TLSCipherSuites) == 0 {
		return ns
	}
	c := &tls.Config{}
	if v := o.TLSVersion; v != nil {
		c.MinVersion, c.MaxVersion = v.Min, v.Max
	}
	if len(o.TLSCipherSuites) > 0 {
		c.CipherSuites = o.TLSCipherSuites.IDs()
	}
	ns.tls = c
	return ns
}

// tlsConfig builds the client TLS configuration: the base one of Config, then k6's options
// (versions, cipher suites, client certificates), then the transport kind's verification.
// Roots are the system's (SSL_CERT_FILE and SSL_CERT_DIR are honoured) unless Config sets
// them. ALPN offers h2 and http/1.1.
func tlsConfig(cfg Config, kind transportKind, ns *netSettings) *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSClientConfig != nil {
		c = cfg.TLSClientConfig.Clone()
	}
	if o := ns.tls; o != nil {
		if o.MinVersion != 0 {
			c.MinVersion = o.MinVersion
		}
		if o.MaxVersion != 0 {
			c.MaxVersion = o.MaxVersion
		}
		if o.CipherSuites != nil {
			c.CipherSuites = o.CipherSuites
		}
	}
	if len(ns.certs) > 0 {
		c.GetClientCertificate = clientCertFor(ns.certs)
	}
	c.InsecureSkipVerify = c.InsecureSkipVerify || kind&kindInsecure != 0 //nolint:gosec // k6 option
	return c
}

// newTransport builds a transport for one kind.
func newTransport(cfg Config, kind transportKind, ns *netSettings) *http.Transport {
	hosts := ns.hosts
	dialer := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		addr = hosts.route(addr)
		if cfg.Redirect != nil {
			addr = cfg.Redirect(addr)
		}
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countConn{Conn: c}, nil
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dial,
		TLSClientConfig:       tlsConfig(cfg, kind, ns),
		TLSHandshakeTimeout:   cfg.DialTimeout,
		MaxIdleConns:          0, // unlimited: bounded by MaxIdleConnsPerHost × hosts
		MaxIdleConnsPerHost:   cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:       cfg.IdleConnTimeout,
		ExpectContinueTimeout: time.Second,
		DisableKeepAlives:     kind&kindNoReuse != 0,
		DisableCompression:    true, // as k6: no implicit Accept-Encoding; readBody decodes what comes
		ForceAttemptHTTP2:     true, // as k6: HTTP/2 when the server offers it by ALPN
		WriteBufferSize:       8 << 10,
		ReadBufferSize:        8 << 10,
	}
}
