package pg

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATEs of connection failures the server could not report itself.
const (
	CodeUnableToConnect   = "08001" // sqlclient_unable_to_establish_sqlconnection
	CodeConnectionFailure = "08006" // connection_failure: an established connection broke
)

// ConnectError is a connection string that cannot be parsed or a database that cannot be
// connected to: unreachable, or refusing the connection (too many clients, authentication,
// no such database). Its message names the masked address and never shows a password.
// Unwrap gives the driver's error (e.g. a *pgconn.PgError when the server refused).
type ConnectError struct {
	Addr string // the connection string, password masked
	Err  error  // the driver's error (its text is not scrubbed)
	msg  string
}

// Error says which database failed and why.
func (e *ConnectError) Error() string { return e.msg }

// Unwrap returns the driver's error.
func (e *ConnectError) Unwrap() error { return e.Err }

// SQLState is the server's SQLSTATE when it refused the connection (53300 too many
// connections, 28P01 authentication, 3D000 no such database ...), CodeUnableToConnect
// otherwise.
func (e *ConnectError) SQLState() string {
	var pe *pgconn.PgError
	if errors.As(e.Err, &pe) {
		return pe.Code
	}
	return CodeUnableToConnect
}

// invalid describes a connection string the driver cannot parse.
func invalid(url string, err error) *ConnectError {
	m := NewMasker(url)
	addr := MaskURL(url)
	return &ConnectError{Addr: addr, Err: err, msg: fmt.Sprintf("invalid connection string %s: %s", addr, m.Mask(err.Error()))}
}

// connectFailed describes a failed connection to url.
func connectFailed(url string, err error, password string) *ConnectError {
	m := NewMasker(url, password)
	addr := MaskURL(url)
	what := "unreachable"
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		what = "refused the connection"
	}
	return &ConnectError{Addr: addr, Err: err, msg: fmt.Sprintf("database at %s %s: %s", addr, what, uniqueLines(m.Mask(err.Error())))}
}

// uniqueLines drops the lines of s that repeat an earlier one. pgx lists one line per attempt,
// and with sslmode=prefer (the default) it tries each host twice, TLS then plain, so an
// unreachable server would print the same dial error twice.
func uniqueLines(s string) string {
	lines := strings.Split(s, "\n")
	seen := make(map[string]bool, len(lines))
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// SQLState classifies err: the server's SQLSTATE when it sent one; CodeUnableToConnect when no
// connection could be established; CodeConnectionFailure when an established connection
// broke (reset, closed, unexpected end of stream); "" for anything else, such as a
// cancelled context or a client-side encoding error.
func SQLState(err error) string {
	var pe *pgconn.PgError
	var ce *ConnectError
	var pce *pgconn.ConnectError
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pe):
		return pe.Code
	case errors.As(err, &ce):
		return ce.SQLState()
	case errors.As(err, &pce):
		return CodeUnableToConnect
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed):
		return CodeConnectionFailure
	}
	return ""
}
