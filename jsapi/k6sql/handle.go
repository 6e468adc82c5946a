package k6sql

import (
	"fmt"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5"
)

// session is where statements run: the shared pool (one connection acquired per statement)
// or one open transaction. It belongs to one VU.
type session struct {
	pool  *pool
	tx    pgx.Tx // nil outside a transaction
	done  bool   // the transaction ended; the tx object is dead
	retry bool   // a statement of the transaction failed with a retryable SQLSTATE
}

// querier returns what the statements of the session's transaction run on.
func (s *session) querier() querier {
	if s.pool.readOnly {
		return readOnlyQuerier{s.tx}
	}
	return s.tx
}

// resultKind says what a statement returns to JS.
type resultKind uint8

const (
	allRows  resultKind = iota // query: array of row objects
	firstRow                   // queryRow: first row or null
	affected                   // exec: rows affected
)

// handle returns the JS database object of a pool for this VU: query, queryRow, exec, tx,
// close and the pool's name.
func (in *instance) handle(p *pool) *goja.Object {
	s := &session{pool: p}
	closed := false
	check := func() error {
		if closed {
			return ErrHandleClosed
		}
		return nil
	}
	fns := in.statements(s, check)
	fns["tx"] = in.guarded(check, func(call goja.FunctionCall) goja.Value { return in.jsTx(p, call) })
	fns["close"] = func(goja.FunctionCall) goja.Value {
		closed = true // the pool is shared: it is closed by (*Module).Close at the end of the run
		return goja.Undefined()
	}
	obj := in.rt.NewObject()
	in.setFuncs(obj, fns)
	_ = obj.Set("name", p.name)
	return obj
}

// txObject returns the JS object a tx(fn) callback receives: query, queryRow, exec.
func (in *instance) txObject(s *session) *goja.Object {
	obj := in.rt.NewObject()
	in.setFuncs(obj, in.statements(s, func() error {
		if s.done {
			return ErrTxDone
		}
		return nil
	}))
	return obj
}

// statements returns query, queryRow and exec over s, each guarded by check.
func (in *instance) statements(s *session, check func() error) map[string]func(goja.FunctionCall) goja.Value {
	return map[string]func(goja.FunctionCall) goja.Value{
		"query":    in.guarded(check, in.statementFunc(s, allRows, "query")),
		"queryRow": in.guarded(check, in.statementFunc(s, firstRow, "queryRow")),
		"exec":     in.guarded(check, in.statementFunc(s, affected, "exec")),
	}
}

// guarded wraps fn so that it throws check's error instead of running once check fails
// (a closed handle, a finished transaction).
func (in *instance) guarded(check func() error, fn func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		if err := check(); err != nil {
			panic(in.rt.NewGoError(err))
		}
		return fn(call)
	}
}

func (in *instance) setFuncs(obj *goja.Object, funcs map[string]func(goja.FunctionCall) goja.Value) {
	for name, fn := range funcs {
		_ = obj.Set(name, fn)
	}
}

// statement is one call's SQL text, converted arguments and analysis (name/op tags).
type statement struct {
	text string
	args []any
	info stmtInfo
}

// statementFunc returns query/queryRow/exec bound to a session.
func (in *instance) statementFunc(s *session, kind resultKind, what string) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		if in.vu.InInit() {
			panic(in.rt.NewGoError(fmt.Errorf("%w (%s)", ErrInitContext, what)))
		}
		st := in.statement(call, what)
		v, err := in.execute(s, st, kind)
		if err != nil {
			in.throw(s.pool.masker, err)
		}
		return v
	}
}

// statement reads (text, ...args[, {name}]). A trailing plain object is taken as options when
// the call has more arguments than the text has placeholders; otherwise it is an argument
// (sent as JSON).
func (in *instance) statement(call goja.FunctionCall, what string) statement {
	textArg, ok := call.Argument(0).(goja.String)
	if !ok {
		in.typeError("sql %s: the first argument must be the SQL text", what)
	}
	st := statement{text: textArg.String()}
	st.info = in.info(st.text)
	rest := call.Arguments[1:]
	if n := len(rest); n > st.info.params {
		if name, ok := in.callOptions(rest[n-1]); ok {
			rest = rest[:n-1]
			if name != "" {
				st.info.name = name
			}
		}
	}
	st.args = make([]any, len(rest))
	for i, a := range rest {
		st.args[i] = in.arg(a)
	}
	return st
}

// callOptions recognises a trailing {name: ...} options object and returns the name.
func (in *instance) callOptions(v goja.Value) (string, bool) {
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Object" {
		return "", false
	}
	for _, k := range obj.Keys() {
		if k != "name" {
			return "", false
		}
	}
	n := obj.Get("name")
	if n == nil || goja.IsUndefined(n) || goja.IsNull(n) {
		return "", true
	}
	return n.String(), true
}
