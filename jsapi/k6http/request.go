package k6http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

// result is the outcome of one request, built off the VU goroutine. It holds no goja values.
//
// A request succeeded only when its response arrived whole: head and body. A body that failed
// (timeout, reset, truncation, a cut chunked stream) makes a failed request as a transport
// error does (k6 does the same): status 0, no head, error and error_code set. The partial body
// stays readable, as k6 leaves it.
type result struct {
	resp    *http.Response // arrived whole, body already read and closed; nil after any error
	last    *http.Request  // the last request sent (the final redirect hop); nil if none was
	read    bool           // a body was read (whole or partial) into text or bin
	text    string         // body for responseType text
	bin     []byte         // body for responseType binary
	err     error
	code    int // k6 error code (transport errors, and 1000+status for status >= 400)
	msg     string
	timings Timings
	sent    int64
	recv    int64
	remote  *net.TCPAddr // nil when no connection was made
	hops    []hop        // the round trips before the final one (redirects, digest challenge)
}

// status returns the HTTP status, or 0 after a transport or body error.
func (r *result) status() int {
	if r.resp == nil {
		return 0
	}
	return r.resp.StatusCode
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuf = 1 << 20

// execute performs a prepared request and reads its body. It is safe to run off the VU
// goroutine: it touches only p and p's tracer.
func execute(p *prepared) *result {
	tr := p.tr
	tr.begin()
	client := &p.client // part of p: one allocation less per request
	*client = http.Client{Transport: p, Jar: p.jar, CheckRedirect: p.checkRedirect}
	if p.timeout > 0 {
		tr.arm(p.timeout, &p.cancel)
	}
	r := &p.res
	r.last = p.req
	resp, err := client.Do(p.req)
	p.finalHop()
	if err == nil {
		r.last = resp.Request
		if err = readBody(resp, p.respType, r); err == nil {
			r.resp = resp
		}
	}
	tr.disarm()
	ctx := p.req.Context()
	if err != nil && context.Cause(ctx) == errTimeout {
		err = fmt.Errorf("%w: %w", errTimeout, err)
	}
	p.cancel(nil)
	r.timings = tr.finish()
	r.sent, r.recv, r.remote = tr.sent.Load(), tr.recv.Load(), tr.remote
	if err != nil {
		r.err = err
		r.code, r.msg = classify(err)
	} else if s := resp.StatusCode; s >= 400 {
		r.code = codeHTTPStatusOffset + s
	}
	return r
}

// readBody reads and closes the body according to the response type, decoding its
// Content-Encoding; an error means the body did not arrive whole or could not be decoded.
func readBody(resp *http.Response, rt respType, r *result) error {
	defer resp.Body.Close()
	r.read = true
	if rt == respNone {
		_, err := io.Copy(io.Discard, resp.Body)
		return wrapBody(err)
	}
	body, finish := decoded(resp)
	if rt == respBinary {
		b, err := io.ReadAll(body)
		r.bin = b
		return wrapBody(finish(err))
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(body)
	r.text = buf.String()
	if buf.Cap() <= maxPooledBuf {
		bufPool.Put(buf)
	}
	return wrapBody(finish(err))
}

// wrapBody names the phase of a body read failure; classify reports the cause, as k6 does.
func wrapBody(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("read response body: %w", err)
}
