package k6sql

import (
	"context"
	"errors"
	"fmt"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nnprotect/nnjs/internal/pg"
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
	// ErrReadOnly is wrapped by the refusal of a statement on a readOnly handle that could
	// leave read-only mode (several statements, SET, RESET, transaction control ...).
	ErrReadOnly = errors.New("sql: refused on a readOnly database handle")
)

// SQLSTATE codes the module treats specially.
const (
	codeSerialization = "40001" // serialization_failure
	codeDeadlock      = "40P01" // deadlock_detected
	codeReadOnly      = "25006" // read_only_sql_transaction: also the code of ErrReadOnly refusals
)

// OpenError is returned by sql.open (and thrown to the script, where it makes init code fail)
// when the database cannot be used: unreachable or refusing connections (Err wraps a
// *pg.ConnectError: 08001, 53300 too many connections, 28P01 ...) or refused by the module's
// Guard (not a staging database). Its message names the masked address. errors.As finds it
// through the script error of init code; nnjs run exits 111 on it.
type OpenError struct {
	Addr string // the connection string, password masked
	Err  error
	msg  string
}

// Error names the masked address and the cause.
func (e *OpenError) Error() string { return e.msg }

// Unwrap returns the cause.
func (e *OpenError) Unwrap() error { return e.Err }

func newOpenError(m pg.Masker, raw string, err error) *OpenError {
	addr := pg.MaskURL(raw)
	return &OpenError{Addr: addr, Err: err, msg: m.Mask(fmt.Sprintf("sql.open %s: %v", addr, err))}
}

// errorCode returns the "code" of an error: the SQLSTATE of a server error, 08001/08006 for
// a connection that could not be made or broke, 25006 for a readOnly refusal, CodeCanceled
// when the context ended, CodeClient otherwise.
func errorCode(err error) string {
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		return pe.Code
	case errors.Is(err, ErrReadOnly):
		return codeReadOnly
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return CodeCanceled
	}
	if code := pg.SQLState(err); code != "" {
		return code
	}
	return CodeClient
}

// retryable reports whether a transaction that failed with err may succeed when run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == codeSerialization || pe.Code == codeDeadlock)
}

// maskedError wraps an error whose message must not show secrets: Error is the masked
// message, Unwrap still gives the cause (for errors.Is/As).
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// wrapMasked returns "prefix: err" with m's secrets hidden, still wrapping err.
func wrapMasked(m pg.Masker, err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &maskedError{msg: m.Mask(fmt.Sprintf(format, args...) + ": " + err.Error()), err: err}
}

// jsError builds the JS Error thrown for a failed statement: message plus, for a server error,
// code (SQLSTATE), detail, hint, constraint, table, schema, column, severity. Client-side
// failures carry code CodeCanceled, CodeClient or a connection class 08 code. Every string
// goes through m, and the Go error itself is not reachable from JS (it may hold the unmasked
// URL).
func (in *instance) jsError(m pg.Masker, err error) *goja.Object {
	obj, cerr := in.rt.New(in.rt.Get("Error"), in.rt.ToValue(m.Mask(err.Error())))
	if cerr != nil {
		return in.rt.NewTypeError(m.Mask(err.Error()))
	}
	return in.sqlError(obj, m, err)
}

// sqlError names obj SQLError and sets its code and server fields.
func (in *instance) sqlError(obj *goja.Object, m pg.Masker, err error) *goja.Object {
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
		_ = obj.Set(k, m.Mask(v))
	}
	return obj
}

// throw panics with err as a JS error (goja turns the panic into a JS exception).
func (in *instance) throw(m pg.Masker, err error) {
	panic(in.jsError(m, err))
}

// throwOpen panics with an *OpenError as a JS SQLError that still carries the Go error, so
// that errors.As finds it through the init error; its message is already masked.
func (in *instance) throwOpen(m pg.Masker, err *OpenError) {
	panic(in.sqlError(in.rt.NewGoError(err), m, err))
}

// typeError panics with a JS TypeError for script misuse (bad arguments).
func (in *instance) typeError(format string, args ...any) {
	panic(in.rt.NewTypeError(fmt.Sprintf(format, args...)))
}
