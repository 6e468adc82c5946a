package k6http

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"syscall"
	"time"
)

// probeAfter: idle connections older than this are probed before reuse.
const probeAfter = time.Second

// fastTransport is the HTTP/1.1 RoundTripper behind every VU's requests. Plain-http requests
// run on the caller's goroutine over a pooled keep-alive connection: the request is written
// and the response read by the VU itself, with none of http.Transport's per-connection read
// and write goroutines and the channel hand-offs between them, which cost more CPU than the
// syscalls on a fast loopback target. Everything else (https, proxies, Expect: 100-continue,
// no connection reuse) goes to the wrapped http.Transport. It keeps http.Transport's
// observable behaviour: httptrace hooks, context cancellation, and a retry
// on a fresh connection when a reused one turns out closed before any response byte.
//
// It is safe for concurrent use.
type fastTransport struct {
	fallback *http.Transport
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	proxied  bool          // a proxy is set in the environment: ask fallback.Proxy per request
	probe    time.Duration // idle connections older than this are probed before reuse
	netHTTP  bool          // every request takes fallback (tests compare the two paths)
	idle     idlePool

	// Free buffers for the connections taken into use. An idle connection holds none (16 KB
	// less per idle connection: with thousands of VUs that sleep between requests, most are
	// idle). Bounded free lists, not sync.Pool: a pool would keep one buffer per idle
	// connection alive (every idle connection put one there), saving nothing.
	readers chan *bufio.Reader
	writers chan *bufio.Writer
}

// freeBuffers bounds the free buffers of a transport: more than the requests in flight at
// once in most runs, so steady load allocates no buffer.
const freeBuffers = 256

// newFastTransport wraps fallback, whose idle limits (MaxIdleConnsPerHost, IdleConnTimeout)
// the fast path's own pool keeps too.
func newFastTransport(fallback *http.Transport) *fastTransport {
	return &fastTransport{
		fallback: fallback, dial: fallback.DialContext,
		proxied: os.Getenv("HTTP_PROXY") != "" || os.Getenv("http_proxy") != "",
		probe:   probeAfter,
		idle:    newIdlePool(fallback.MaxIdleConnsPerHost, fallback.IdleConnTimeout),
		readers: make(chan *bufio.Reader, freeBuffers),
		writers: make(chan *bufio.Writer, freeBuffers),
	}
}

// fastConn is one keep-alive connection, owned by one request at a time.
type fastConn struct {
	conn    net.Conn
	br      *bufio.Reader
	bw      *bufio.Writer
	key     string
	idleAt  time.Time
	gotByte bool // a byte of the current response arrived
}

// expire makes the connection's pending and future I/O fail at once (context cancelled).
func (c *fastConn) expire() { _ = c.conn.SetDeadline(time.Unix(1, 0)) }

// RoundTrip implements http.RoundTripper.
func (t *fastTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.eligible(req) {
		return t.fallback.RoundTrip(req)
	}
	key := req.URL.Host
	if req.URL.Port() == "" {
		key = net.JoinHostPort(req.URL.Hostname(), "80")
	}
	for {
		resp, retry, err := t.try(req, key)
		if !retry {
			return resp, err
		}
		if req.Body != nil && req.Body != http.NoBody {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
	}
}

// eligible reports whether req can take the fast path.
func (t *fastTransport) eligible(req *http.Request) bool {
	if t.netHTTP || req.URL.Scheme != "http" || t.fallback.DisableKeepAlives || req.Header.Get("Expect") != "" {
		return false
	}
	if t.proxied {
		if u, err := t.fallback.Proxy(req); err != nil || u != nil {
			return false
		}
	}
	return true
}

// try makes one attempt on one connection. retry is set when a reused connection failed
// before any response byte and the request can be sent again.
func (t *fastTransport) try(req *http.Request, key string) (_ *http.Response, retry bool, _ error) {
	ctx := req.Context()
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.GetConn != nil {
		trace.GetConn(key)
	}
	c, reused, err := t.getConn(ctx, key, replayable(req))
	if err != nil {
		return nil, false, err
	}
	if trace != nil && trace.GotConn != nil {
		info := httptrace.GotConnInfo{Conn: c.conn, Reused: reused, WasIdle: reused}
		if reused {
			info.IdleTime = time.Since(c.idleAt)
		}
		trace.GotConn(info)
	}
	stop := context.AfterFunc(ctx, c.expire)
	resp, err := c.roundTrip(req, trace)
	if err != nil {
		stop()
		_ = c.conn.Close()
		if ctx.Err() != nil {
			return nil, false, context.Cause(ctx)
		}
		return nil, reused && !c.gotByte && replayable(req), err
	}
	b := &fastBody{t: t, c: c, ctx: ctx, body: resp.Body, stop: stop,
		reuse: !resp.Close && !req.Close && resp.StatusCode != http.StatusSwitchingProtocols &&
			!headerHasClose(req.Header)}
	if resp.Body == http.NoBody {
		b.release(true)
		return resp, false, nil
	}
	resp.Body = b
	return resp, false, nil
}

// replayable reports whether a request that may not have reached the server can be sent
// again (as http.Transport: idempotent, with a body that can be rewound).
func replayable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
	default:
		if _, ok := req.Header["Idempotency-Key"]; !ok {
			return false
		}
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func headerHasClose(h http.Header) bool {
	for _, v := range h["Connection"] {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "close") {
				return true
			}
		}
	}
	return false
}

// roundTrip writes req and reads the response head. The WroteRequest hook fires from
// req.Write, before the final flush, as with http.Transport. Like the transport with
// DisableCompression, it adds no Accept-Encoding and leaves the body encoded.
func (c *fastConn) roundTrip(req *http.Request, trace *httptrace.ClientTrace) (*http.Response, error) {
	c.gotByte = false
	err := req.Write(c.bw)
	if err == nil {
		err = c.bw.Flush()
	}
	if err != nil {
		return nil, err
	}
	for {
		if _, err := c.br.Peek(1); err != nil {
			return nil, err
		}
		if !c.gotByte && trace != nil && trace.GotFirstResponseByte != nil {
			trace.GotFirstResponseByte()
		}
		c.gotByte = true
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode < 100 || resp.StatusCode > 199 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, nil
		}
		if trace != nil && trace.Got1xxResponse != nil {
			_ = trace.Got1xxResponse(resp.StatusCode, map[string][]string(resp.Header))
		}
	}
}

// getConn returns an idle connection to key, or dials one. An idle connection is probed
// (one non-blocking peek) before reuse when it has been idle for t.probe, or whatever its
// idle time when the request cannot be retried (replay false): a server may close a
// keep-alive connection at any time, and such a request would fail on it.
func (t *fastTransport) getConn(ctx context.Context, key string, replay bool) (*fastConn, bool, error) {
	for {
		c := t.idle.pop(key)
		if c == nil {
			break
		}
		idle := time.Since(c.idleAt)
		if (replay && idle < t.probe) || (idle < t.idle.timeout && alive(c.conn)) {
			t.attachBuffers(c)
			return c, true, nil
		}
		_ = c.conn.Close()
	}
	conn, err := t.dial(ctx, "tcp", key)
	if err != nil {
		return nil, false, err
	}
	c := &fastConn{conn: conn, key: key}
	t.attachBuffers(c)
	return c, false, nil
}

// attachBuffers gives a connection taken into use its read and write buffers.
func (t *fastTransport) attachBuffers(c *fastConn) {
	select {
	case c.br = <-t.readers:
		c.br.Reset(c.conn)
	default:
		c.br = bufio.NewReaderSize(c.conn, t.fallback.ReadBufferSize)
	}
	select {
	case c.bw = <-t.writers:
		c.bw.Reset(c.conn)
	default:
		c.bw = bufio.NewWriterSize(c.conn, t.fallback.WriteBufferSize)
	}
}

// detachBuffers frees the buffers of a connection going idle; false (buffers kept) when they
// still hold bytes, which a connection between two requests must not.
func (t *fastTransport) detachBuffers(c *fastConn) bool {
	if c.br.Buffered() > 0 || c.bw.Buffered() > 0 {
		return false
	}
	c.br.Reset(nil)
	c.bw.Reset(nil)
	select {
	case t.readers <- c.br:
	default:
	}
	select {
	case t.writers <- c.bw:
	default:
	}
	c.br, c.bw = nil, nil
	return true
}

// put returns a connection whose response was fully read to the idle pool.
func (t *fastTransport) put(c *fastConn) {
	if err := c.conn.SetDeadline(time.Time{}); err != nil {
		_ = c.conn.Close()
		return
	}
	if !t.detachBuffers(c) {
		_ = c.conn.Close()
		return
	}
	if !t.idle.push(c) {
		_ = c.conn.Close()
	}
}

// CloseIdleConnections closes the idle connections of both paths.
func (t *fastTransport) CloseIdleConnections() {
	t.idle.closeAll()
	t.fallback.CloseIdleConnections()
}

// fastBody is a response body read on the fast path: at EOF its connection goes back to the
// pool; closed early or failed, the connection is closed.
type fastBody struct {
	t     *fastTransport
	c     *fastConn
	ctx   context.Context
	body  io.ReadCloser
	stop  func() bool
	reuse bool
	done  bool
}

func (b *fastBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, errBodyClosed
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.release(true)
	case err != nil:
		if b.ctx.Err() != nil {
			err = context.Cause(b.ctx)
		}
		b.release(false)
	}
	return n, err
}

func (b *fastBody) Close() error {
	if !b.done {
		b.release(false)
	}
	return nil
}

// release ends the body: the connection is reused after a complete read, else closed.
func (b *fastBody) release(complete bool) {
	b.done = true
	if b.stop() && complete && b.reuse {
		b.t.put(b.c)
		return
	}
	_ = b.c.conn.Close()
}

var errBodyClosed = errors.New("http: read on closed response body")

// alive reports whether an idle connection is still open and silent: a non-blocking peek
// finds neither EOF nor unsolicited bytes.
func alive(conn net.Conn) bool {
	cc, ok := conn.(*countConn)
	if ok {
		conn = cc.Conn
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	return peekAlive(raw)
}
