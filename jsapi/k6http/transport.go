package k6http

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
	"time"
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

// newTransport builds a transport for one kind; hosts is options.hosts (nil when unset).
func newTransport(cfg Config, kind transportKind, hosts *hostTable) *http.Transport {
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
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSClientConfig != nil {
		tlsConf = cfg.TLSClientConfig.Clone()
	}
	tlsConf.InsecureSkipVerify = tlsConf.InsecureSkipVerify || kind&kindInsecure != 0 //nolint:gosec // k6 option
	tlsConf.NextProtos = []string{"http/1.1"}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dial,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   cfg.DialTimeout,
		MaxIdleConns:          0, // unlimited: bounded by MaxIdleConnsPerHost × hosts
		MaxIdleConnsPerHost:   cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:       cfg.IdleConnTimeout,
		ExpectContinueTimeout: time.Second,
		DisableKeepAlives:     kind&kindNoReuse != 0,
		DisableCompression:    true, // as k6: no implicit Accept-Encoding; readBody decodes what comes
		ForceAttemptHTTP2:     false,
		WriteBufferSize:       8 << 10,
		ReadBufferSize:        8 << 10,
	}
}
