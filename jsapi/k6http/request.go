package k6http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

// result is the outcome of one request, built off the VU goroutine. It holds no goja values.
type result struct {
	resp    *http.Response // body already read and closed; nil on a transport error
	text    string         // body for responseType text
	bin     []byte         // body for responseType binary
	err     error
	code    int // k6 error code (transport errors, and 1000+status for status >= 400)
	msg     string
	timings Timings
	sent    int64
	recv    int64
	remote  net.Addr
}

// status returns the HTTP status, or 0 after a transport error.
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
	*client = http.Client{Transport: p.transport, Jar: p.jar, CheckRedirect: p.checkRedirect}
	if p.timeout > 0 {
		tr.arm(p.timeout, &p.cancel)
	}
	r := &p.res
	resp, err := client.Do(p.req)
	if err == nil {
		r.resp = resp
		err = readBody(resp, p.respType, r)
	}
	tr.disarm()
	ctx := p.req.Context()
	if err != nil && context.Cause(ctx) == errTimeout {
		err = fmt.Errorf("%w: %w", errTimeout, err)
	}
	p.cancel(nil)
	r.timings = tr.finish()
	r.sent, r.recv, r.remote = tr.sent, tr.recv, tr.remote
	if err != nil {
		r.err = err
		r.code, r.msg = classify(err)
	} else if s := resp.StatusCode; s >= 400 {
		r.code = codeHTTPStatusOffset + s
	}
	return r
}

// readBody reads and closes the body according to the response type.
func readBody(resp *http.Response, rt respType, r *result) error {
	defer resp.Body.Close()
	switch rt {
	case respNone:
		_, err := io.Copy(io.Discard, resp.Body)
		return wrapBody(err)
	case respBinary:
		b, err := io.ReadAll(resp.Body)
		r.bin = b
		return wrapBody(err)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(resp.Body)
	r.text = buf.String()
	if buf.Cap() <= maxPooledBuf {
		bufPool.Put(buf)
	}
	return wrapBody(err)
}

// errBody wraps failures while reading a response body.
var errBody = errors.New("read response body")

func wrapBody(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errBody, err)
}
