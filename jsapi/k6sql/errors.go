package k6sql

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nnprotect/nnjs/seed"
)

// Errors a script (or a caller of the module) can branch on.
var (
	// ErrInitContext is thrown when a statement runs in init code (only open is allowed there).
	ErrInitContext = errors.New("sql: running statements in the init context is not supported")
	// ErrOpenOutsideInit is thrown when sql.open is called outside init code.
	ErrOpenOutsideInit = errors.New("sql: open() must be called in init code")
	// ErrHandleClosed is thrown when a handle is used after db.close().
	ErrHandleClosed = errors.New("sql: database handle is closed")
	// ErrModuleClosed is returned once the run's pools were closed by (*Module).Close.
	ErrModuleClosed = errors.New("sql: the run's database pools are closed")
	// ErrTxDone is thrown when a tx object is used after its transaction ended.
	ErrTxDone = errors.New("sql: transaction already finished")
	// ErrDriver is thrown by the k6/x/sql form for a driver other than PostgreSQL.
	ErrDriver = errors.New("sql: unsupported driver (only postgres is built in)")
)

// SQLSTATE codes the module treats specially.
const (
	codeSerialization = "40001" // serialization_failure
	codeDeadlock      = "40P01" // deadlock_detected
)

// errorCode returns the "code" of an error: the SQLSTATE of a server error, CodeCanceled when
// the context ended, CodeClient otherwise.
func errorCode(err error) string {
	var pg *pgconn.PgError
	switch {
	case errors.As(err, &pg):
		return pg.Code
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return CodeCanceled
	}
	return CodeClient
}

// retryable reports whether a transaction that failed with err may succeed when run again.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == codeSerialization || pg.Code == codeDeadlock)
}

// masker hides a database URL's secrets in messages.
type masker struct {
	pairs []string // old, new, ... for strings.NewReplacer
}

// newMasker hides raw (replaced by its seed.MaskURL form) and every password found in it.
func newMasker(raw string, passwords ...string) masker {
	const hidden = "xxxxx"
	m := masker{pairs: []string{raw, seed.MaskURL(raw)}}
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			passwords = append(passwords, pw)
		}
	}
	for _, pw := range passwords {
		if pw == "" {
			continue
		}
		m.pairs = append(m.pairs, pw, hidden, url.QueryEscape(pw), hidden, url.PathEscape(pw), hidden)
	}
	return m
}

// mask returns s without secrets.
func (m masker) mask(s string) string {
	if len(m.pairs) == 0 {
		return s
	}
	return strings.NewReplacer(m.pairs...).Replace(s)
}

// maskedError wraps an error whose message must not show secrets: Error is the masked
// message, Unwrap still gives the cause (for errors.Is/As).
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// wrapMasked returns "prefix: err" with secrets hidden, still wrapping err.
func (m masker) wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &maskedError{msg: m.mask(fmt.Sprintf(format, args...) + ": " + err.Error()), err: err}
}

// jsError builds the JS Error thrown for a failed statement: message plus, for a server error,
// code (SQLSTATE), detail, hint, constraint, table, schema, column, severity. Client-side
// failures carry code CodeCanceled or CodeClient. Every string goes through m, and the Go
// error itself is not reachable from JS (it may hold the unmasked URL).
func (in *instance) jsError(m masker, err error) *goja.Object {
	obj, cerr := in.rt.New(in.rt.Get("Error"), in.rt.ToValue(m.mask(err.Error())))
	if cerr != nil {
		return in.rt.NewTypeError(m.mask(err.Error()))
	}
	_ = obj.Set("name", "SQLError")
	_ = obj.Set("code", errorCode(err))
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return obj
	}
	for k, v := range map[string]string{
		"detail": pg.Detail, "hint": pg.Hint, "constraint": pg.ConstraintName, "table": pg.TableName,
		"schema": pg.SchemaName, "column": pg.ColumnName, "severity": pg.Severity,
	} {
		_ = obj.Set(k, m.mask(v))
	}
	return obj
}

// throw panics with err as a JS error (goja turns the panic into a JS exception).
func (in *instance) throw(m masker, err error) {
	panic(in.jsError(m, err))
}

// typeError panics with a JS TypeError for script misuse (bad arguments).
func (in *instance) typeError(format string, args ...any) {
	panic(in.rt.NewTypeError(fmt.Sprintf(format, args...)))
}
