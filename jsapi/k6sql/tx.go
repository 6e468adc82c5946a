package k6sql

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// rollbackTimeout bounds a rollback that runs after the VU's context ended.
const rollbackTimeout = 5 * time.Second

// txOptions are db.tx's options.
type txOptions struct {
	pgx     pgx.TxOptions
	retries int
	name    string // "name" tag of sql_tx_duration (default "tx")
}

var isolationLevels = map[string]pgx.TxIsoLevel{
	"read committed":   pgx.ReadCommitted,
	"repeatable read":  pgx.RepeatableRead,
	"serializable":     pgx.Serializable,
	"read uncommitted": pgx.ReadUncommitted,
}

// jsTx implements db.tx(fn, {isolation, readOnly, retries, name}): fn(tx) runs in one
// transaction that commits when fn returns and rolls back when it throws (the exception is
// rethrown). A transaction that failed with 40001 or 40P01 runs again, up to retries times.
// It returns fn's result.
func (in *instance) jsTx(p *pool, call goja.FunctionCall) goja.Value {
	if in.vu.InInit() {
		panic(in.rt.NewGoError(fmt.Errorf("%w (tx)", ErrInitContext)))
	}
	fn, ok := goja.AssertFunction(call.Argument(0))
	if !ok {
		in.typeError("sql tx: the first argument must be a function(tx)")
	}
	o := in.txOptions(call.Argument(1))
	for attempt := 0; ; attempt++ {
		v, retry, err := in.txOnce(p, fn, o)
		if modules.StopIfCancelled(in.vu) { // the iteration ends here, committed or not
			return goja.Undefined()
		}
		if err == nil {
			return v
		}
		var (
			ie  *goja.InterruptedError
			exc *goja.Exception
		)
		switch {
		case errors.As(err, &ie):
			panic(ie) // the run is stopping: let goja unwind
		case retry && attempt < o.retries:
			continue
		case errors.As(err, &exc):
			panic(exc) // rethrow the script's own exception as is
		}
		in.throw(p.masker, err)
	}
}

// txOnce runs one attempt. retry reports a retryable failure; err is the script's exception
// (*goja.Exception), an interrupt, or a database error.
func (in *instance) txOnce(p *pool, fn goja.Callable, o txOptions) (goja.Value, bool, error) {
	ctx := in.vu.Context()
	c, err := in.acquire(ctx, p)
	if err != nil {
		in.recordQuery(p, stmtInfo{name: "BEGIN", op: OpOther}, 0, err)
		return nil, false, err
	}
	defer c.Release()
	start := time.Now()
	defer func() { in.recordTx(p, o.name, time.Since(start)) }()
	txo := o.pgx
	if p.readOnly {
		txo = readOnlyTx(txo)
	}
	tx, err := c.BeginTx(ctx, txo)
	in.recordQuery(p, stmtInfo{name: "BEGIN", op: OpOther}, time.Since(start), err)
	if err != nil {
		return nil, false, wrapMasked(p.masker, err, "sql: begin")
	}
	s := &session{pool: p, tx: tx}
	v, ferr := fn(goja.Undefined(), in.txObject(s))
	s.done = true
	if ferr != nil {
		rollback(ctx, tx)
		return nil, s.retry, ferr
	}
	cstart := time.Now()
	if p.readOnly {
		err = commitReadOnly(ctx, tx)
	} else {
		err = tx.Commit(ctx)
	}
	in.recordQuery(p, stmtInfo{name: "COMMIT", op: OpOther}, time.Since(cstart), err)
	if err != nil {
		rollback(ctx, tx)
		return nil, s.retry || retryable(err), wrapMasked(p.masker, err, "sql: commit")
	}
	return v, false, nil
}

// rollback ends a failed transaction, even when ctx is already done.
func rollback(ctx context.Context, tx pgx.Tx) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	_ = tx.Rollback(rctx) // a failed rollback closes the connection; the pool replaces it
}

// txOptions reads {isolation, readOnly, retries, name}; bad values throw a TypeError.
func (in *instance) txOptions(v goja.Value) txOptions {
	o := txOptions{name: "tx"}
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return o
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		in.typeError("sql tx: options must be an object")
	}
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch k {
		case "isolation":
			lvl, ok := isolationLevels[strings.ToLower(val.String())]
			if !ok {
				in.typeError("sql tx: isolation must be 'read committed', 'repeatable read' or 'serializable', got %q", val)
			}
			o.pgx.IsoLevel = lvl
		case "readOnly":
			if val.ToBoolean() {
				o.pgx.AccessMode = pgx.ReadOnly
			}
		case "retries":
			f := val.ToFloat()
			if math.IsNaN(f) || f < 0 || f > 1000 || f != math.Trunc(f) {
				in.typeError("sql tx: retries must be an integer from 0 to 1000, got %s", val)
			}
			o.retries = int(f)
		case "name":
			o.name = val.String()
		default:
			in.typeError("sql tx: unknown option %q", k)
		}
	}
	return o
}
