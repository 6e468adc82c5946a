package k6http

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strconv"
	"syscall"
)

// k6's error codes (k6 docs "Error codes"); HTTP statuses >= 400 map to 1000+status.
const (
	codeGeneric          = 1000
	codeNonTCP           = 1010
	codeInvalidURL       = 1020
	codeRequestTimeout   = 1050
	codeDNS              = 1100
	codeDNSNoSuchHost    = 1101
	codeTCP              = 1200
	codeTCPBrokenPipe    = 1201
	codeTCPUnknownErrno  = 1202
	codeTCPDial          = 1210
	codeTCPDialTimeout   = 1211
	codeTCPDialRefused   = 1212
	codeTCPDialErrno     = 1213
	codeTCPResetByPeer   = 1220
	codeTLSHeader        = 1301
	codeX509UnknownAuth  = 1310
	codeX509Hostname     = 1311
	codeDecompress       = 1701
	codeHTTPStatusOffset = 1000
)

// errTimeout marks a request that ran out of its params.timeout.
var errTimeout = errors.New("request timeout")

// classify returns k6's error code and message for a transport error: a timeout (of the
// request or of any non-dial network operation) is 1050, then the first error along the chain
// of single wraps that k6 knows; the message of an unknown error is the innermost one's
// ("unexpected EOF", not the phases our wrappers add).
func classify(err error) (int, string) {
	var netErr net.Error
	switch {
	case errors.Is(err, errTimeout):
		return codeRequestTimeout, "request timeout"
	case errors.Is(err, errInvalidURL):
		return codeInvalidURL, err.Error()
	case errors.As(err, &netErr) && netErr.Timeout() && !isDial(err):
		return codeRequestTimeout, "request timeout"
	}
	for {
		if code, msg, ok := classifyKnown(err); ok {
			return code, msg
		}
		inner := errors.Unwrap(err)
		if inner == nil {
			return codeGeneric, err.Error()
		}
		err = inner
	}
}

// isDial reports whether err failed while dialing.
func isDial(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// classifyKnown maps the error types k6 knows, looking at err itself only.
func classifyKnown(err error) (int, string, bool) {
	switch e := err.(type) {
	case *net.DNSError:
		if e.IsNotFound {
			return codeDNSNoSuchHost, "lookup: no such host", true
		}
		return codeDNS, e.Error(), true
	case *net.OpError:
		code, msg := classifyOp(e)
		return code, msg, true
	case x509.UnknownAuthorityError:
		return codeX509UnknownAuth, "x509: unknown authority", true
	case x509.HostnameError:
		return codeX509Hostname, "x509: certificate doesn't match hostname", true
	case tls.RecordHeaderError:
		return codeTLSHeader, e.Error(), true
	case *decompressError:
		return codeDecompress, e.Error(), true
	}
	return 0, "", false
}

// classifyOp maps a *net.OpError the way k6 does: resets and broken pipes on any operation,
// refused and timed-out dials, then the generic TCP codes.
func classifyOp(e *net.OpError) (int, string) {
	if e.Net != "tcp" && e.Net != "tcp4" && e.Net != "tcp6" {
		return codeNonTCP, e.Error()
	}
	var errno syscall.Errno
	hasErrno := errors.As(e.Err, &errno)
	switch {
	case hasErrno && errno == syscall.ECONNRESET:
		return codeTCPResetByPeer, e.Op + ": connection reset by peer"
	case hasErrno && errno == syscall.EPIPE:
		return codeTCPBrokenPipe, e.Op + ": broken pipe"
	case e.Op != "dial" && hasErrno:
		return codeTCPUnknownErrno, e.Op + ": unknown errno " + strconv.Itoa(int(errno))
	case e.Op != "dial":
		return codeTCP, e.Error()
	case e.Timeout():
		return codeTCPDialTimeout, "dial: i/o timeout"
	case hasErrno && errno == syscall.ECONNREFUSED:
		return codeTCPDialRefused, "dial: connection refused"
	case hasErrno:
		return codeTCPDialErrno, "dial: unknown errno " + strconv.Itoa(int(errno))
	}
	var dnsErr *net.DNSError
	if errors.As(e.Err, &dnsErr) {
		return classify(dnsErr)
	}
	return codeTCPDial, e.Error()
}
