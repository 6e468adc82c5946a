package k6http

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// closedURL returns a URL on 127.0.0.1 where nothing listens.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr + "/"
}

func TestTransportErrorDoesNotThrow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.set("u", closedURL(t))
	e.run(`var res = http.get(u)`)
	assert.Equal(t, int64(0), e.run("res.status").Export())
	assert.Equal(t, int64(codeTCPDialRefused), e.run("res.error_code").Export())
	assert.Equal(t, "dial: connection refused", e.run("res.error").Export())
	assert.Equal(t, true, e.run("res.body === null").Export())
	failed := e.vu.Rec.Of(metrics.HTTPReqFailed, nil)
	require.Len(t, failed, 1)
	assert.Equal(t, 1.0, failed[0].Value)
	tags := failed[0].Tags.Map()
	assert.Equal(t, "1212", tags["error_code"])
	assert.Equal(t, "0", tags["status"])
	assert.Equal(t, "false", tags["expected_response"])
}

func TestThrowOption(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &options.Options{Throw: ptr(true)})
	e.set("u", closedURL(t))
	err := e.runErr(`http.get(u)`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
	assert.Len(t, e.vu.Rec.Of(metrics.HTTPReqs, nil), 1, "metrics are still recorded")
}

func TestInvalidURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, u := range []string{`"ftp://x/"`, `"http://"`, `"::nope"`} {
		e.run("var res = http.get(" + u + ")")
		assert.Equal(t, int64(codeInvalidURL), e.run("res.error_code").Export(), u)
		assert.Equal(t, int64(0), e.run("res.status").Export(), u)
	}
	assert.Empty(t, e.vu.Rec.Of(metrics.HTTPReqs, nil))
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct{ name, params string }{
		{"string", `{timeout: "50ms"}`},
		{"number of ms", `{timeout: 50}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			e.set("base", srv.URL)
			start := time.Now()
			e.run(`var res = http.get(base+"/slow?ms=5000", ` + tc.params + `)`)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Equal(t, int64(codeRequestTimeout), e.run("res.error_code").Export())
			assert.Equal(t, "request timeout", e.run("res.error").Export())
		})
	}
	e := newEnv(t, &options.Options{HTTPTimeout: ptr(options.Duration(50 * time.Millisecond))})
	e.set("base", srv.URL)
	assert.Equal(t, int64(codeRequestTimeout), e.run(`http.get(base+"/slow?ms=5000").error_code`).Export())
	// the reused timer of a timed-out request must not cut the next ones short
	for range 20 {
		assert.Equal(t, int64(200), e.run(`http.get(base+"/slow?ms=1", {timeout: "1s"}).status`).Export())
	}
	assert.Equal(t, int64(200), e.run(`http.get(base+"/slow?ms=80", {timeout: "2s"}).status`).Export())
}

func TestContextCancelAbortsRequest(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	e.vu.Ctx = ctx
	e.set("base", srv.URL)
	timer := time.AfterFunc(50*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	err := e.runErr(`var res = http.get(base+"/slow?ms=5000")`)
	assert.Less(t, time.Since(start), 2*time.Second)
	require.ErrorIs(t, err, context.Canceled, "a cancelled request interrupts the runtime (TestCancelledRequestInterrupts)")
	assert.Empty(t, e.vu.Rec.Of(metrics.HTTPReqs, nil), "a stopped run records no request")
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name   string
		opts   *options.Options
		params string
		status int64
		path   string
	}{
		{"default follows", nil, `{}`, 200, "/redirect/0"},
		{"param limit", nil, `{redirects: 2}`, 302, "/redirect/1"},
		{"zero", nil, `{redirects: 0}`, 302, "/redirect/3"},
		{"maxRedirects option", &options.Options{MaxRedirects: ptr(int64(1))}, `{}`, 302, "/redirect/2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.opts)
			e.set("base", srv.URL)
			e.run(`var res = http.get(base+"/redirect/3", ` + tc.params + `)`)
			assert.Equal(t, tc.status, e.run("res.status").Export())
			assert.Equal(t, srv.URL+tc.path, e.run("res.url").Export())
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	opErr := func(op string, err error) error {
		return &net.OpError{Op: op, Net: "tcp", Err: err}
	}
	tests := []struct {
		name string
		err  error
		code int
	}{
		{"timeout", errTimeout, codeRequestTimeout},
		{"refused", opErr("dial", os.NewSyscallError("connect", syscall.ECONNREFUSED)), codeTCPDialRefused},
		{"reset", opErr("read", os.NewSyscallError("read", syscall.ECONNRESET)), codeTCPResetByPeer},
		{"broken pipe", opErr("write", os.NewSyscallError("write", syscall.EPIPE)), codeTCPBrokenPipe},
		{"dial errno", opErr("dial", os.NewSyscallError("connect", syscall.EHOSTUNREACH)), codeTCPDialErrno},
		{"dial timeout", opErr("dial", timeoutErr{}), codeTCPDialTimeout},
		{"no such host", &net.DNSError{Err: "no such host", IsNotFound: true}, codeDNSNoSuchHost},
		{"dns", &net.DNSError{Err: "server misbehaving"}, codeDNS},
		{"dns in dial", opErr("dial", &net.DNSError{Err: "x", IsNotFound: true}), codeDNSNoSuchHost},
		{"non tcp", &net.OpError{Op: "dial", Net: "udp", Err: errors.New("x")}, codeNonTCP},
		{"invalid url", errInvalidURL, codeInvalidURL},
		{"other", errors.New("boom"), codeGeneric},
		{"tls record header", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, codeTLSHeader},
		{"read timeout", &url.Error{Op: "Get", Err: opErr("read", timeoutErr{})}, codeRequestTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, msg := classify(tc.err)
			assert.Equal(t, tc.code, code)
			assert.NotEmpty(t, msg)
		})
	}
}

// TestClassifyMessage: an error k6 has no code for reports the innermost error of its chain
// of single wraps, whichever transport wrapped it.
func TestClassifyMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"body cut", &url.Error{Op: "Get", Err: fmt.Errorf("read response body: %w", io.ErrUnexpectedEOF)},
			codeGeneric, "unexpected EOF"},
		{"broken connection", fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w",
			errors.New(`malformed HTTP response "x"`)), codeGeneric, `malformed HTTP response "x"`},
		{"reset inside wraps", &url.Error{Op: "Get", Err: fmt.Errorf("read response body: %w",
			&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)})},
			codeTCPResetByPeer, "read: connection reset by peer"},
		{"timeout wins", fmt.Errorf("%w: %w", errTimeout, io.ErrUnexpectedEOF), codeRequestTimeout, "request timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, msg := classify(tc.err)
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.msg, msg)
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestTransportFailureIsLoggedWithTheAddressRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var buf bytes.Buffer
	e.vu.Log = slog.New(slog.NewTextHandler(&buf, nil))
	u := closedURL(t)
	e.set("u", u)
	e.run(`http.get(u); http.get(u); http.get(u)`)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 1, "one warning per 5 s: %s", buf.String())
	assert.Contains(t, lines[0], "request failed")
	assert.Contains(t, lines[0], u)
	assert.Contains(t, lines[0], "connection refused")
}

func TestFailureLogCountsWhatItSuppresses(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, nil))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := failureLog{now: func() time.Time { return now }}
	r := &result{msg: "dial: connection refused", code: codeTCPDialRefused}
	for range 3 {
		f.warn(l, "GET", "http://127.0.0.1:1/", r)
	}
	now = now.Add(failureLogEvery)
	f.warn(l, "GET", "http://127.0.0.1:1/", r)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	assert.NotContains(t, lines[0], "suppressed")
	assert.Contains(t, lines[1], "suppressed=2")
	assert.Contains(t, lines[1], "error_code=1212")
}
