package k6http

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
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
	codeTLS              = 1300
	codeX509UnknownAuth  = 1310
	codeX509Hostname     = 1311
	codeHTTPStatusOffset = 1000
)

// errTimeout marks a request that ran out of its params.timeout.
var errTimeout = errors.New("request timeout")

// classify returns k6's error code and message for a transport error.
func classify(err error) (int, string) {
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		record  tls.RecordHeaderError
		urlErr  *url.Error
	)
	switch {
	case errors.Is(err, errTimeout):
		return codeRequestTimeout, "request timeout"
	case errors.Is(err, errInvalidURL):
		return codeInvalidURL, err.Error()
	case errors.Is(err, context.Canceled):
		return codeGeneric, "context canceled"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return codeDNSNoSuchHost, "lookup: no such host"
		}
		return codeDNS, dnsErr.Error()
	case errors.As(err, &unknown):
		return codeX509UnknownAuth, "x509: unknown authority"
	case errors.As(err, &host):
		return codeX509Hostname, "x509: certificate doesn't match hostname"
	case errors.As(err, &record):
		return codeTLS, record.Error()
	case errors.As(err, &opErr):
		return classifyOp(opErr)
	case errors.As(err, &urlErr):
		return codeGeneric, urlErr.Err.Error()
	}
	return codeGeneric, err.Error()
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
