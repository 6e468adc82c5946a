package k6sql

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// jsOpen implements nnjs/sql's open(url, {maxConns, minConns, maxConnLifetime,
// maxConnIdleTime, name}).
func (in *instance) jsOpen(call goja.FunctionCall) goja.Value {
	return in.open(call.Argument(0), call.Argument(1), nativeOptionKeys)
}

// jsOpenXK6 implements k6/x/sql's open(driver, url[, options]); driver is the default export
// of k6/x/sql/driver/postgres or the string "postgres" (older xk6-sql).
func (in *instance) jsOpenXK6(call goja.FunctionCall) goja.Value {
	d := call.Argument(0)
	ok := false
	switch v := d.(type) {
	case *goja.Symbol:
		ok = v.String() == driverName
	case goja.String:
		ok = v.String() == driverName || v.String() == "pgx"
	}
	if !ok {
		panic(in.rt.NewGoError(fmt.Errorf("%w: %s", ErrDriver, d)))
	}
	return in.open(call.Argument(1), call.Argument(2), xk6OptionKeys)
}

// nativeOptionKeys maps each JS option name to the OpenOptions field it sets.
var nativeOptionKeys = map[string]string{
	"maxConns": "maxConns", "minConns": "minConns", "maxConnLifetime": "lifetime",
	"maxConnIdleTime": "idle", "name": "name", "readOnly": "readOnly",
}

// xk6OptionKeys are xk6-sql's option names plus ours. max_idle_conns has no pgxpool
// equivalent (pgxpool keeps idle connections up to maxConns and closes them after
// maxConnIdleTime) and is accepted without effect.
var xk6OptionKeys = map[string]string{
	"maxConns": "maxConns", "minConns": "minConns", "maxConnLifetime": "lifetime",
	"maxConnIdleTime": "idle", "name": "name", "readOnly": "readOnly",
	"max_open_conns": "maxConns", "conn_max_lifetime": "lifetime",
	"conn_max_idle_time": "idle", "max_idle_conns": "ignored",
}

// open validates the call and returns a handle on the shared pool of the URL.
func (in *instance) open(urlArg, optsArg goja.Value, keys map[string]string) goja.Value {
	if !in.vu.InInit() {
		panic(in.rt.NewGoError(ErrOpenOutsideInit))
	}
	if _, ok := urlArg.(goja.String); !ok {
		in.typeError("sql.open: the database URL must be a string")
	}
	o := in.openOptions(optsArg, keys)
	raw := urlArg.String()
	p, err := in.mod.open(in.vu.Context(), raw, o)
	if modules.StopIfCancelled(in.vu) { // Ctrl-C during init: the init code ends here
		return goja.Undefined()
	}
	var oe *OpenError
	switch {
	case errors.As(err, &oe):
		in.throwOpen(pg.NewMasker(raw), oe) // its Go error reaches the caller of the init code
	case err != nil:
		in.throw(pg.NewMasker(raw), err) // a plain Error: the Go error stays out of JS
	}
	return in.handle(p)
}

// openOptions reads the options object; unknown keys and bad values throw a TypeError.
func (in *instance) openOptions(v goja.Value, keys map[string]string) OpenOptions {
	var o OpenOptions
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return o
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		in.typeError("sql.open: options must be an object")
	}
	for _, k := range obj.Keys() {
		key, known := keys[k]
		if !known {
			in.typeError("sql.open: unknown option %q", k)
		}
		val := obj.Get(k)
		switch key {
		case "maxConns":
			o.MaxConns = in.positiveInt32(k, val)
		case "minConns":
			o.MinConns = in.positiveInt32(k, val)
		case "lifetime":
			o.MaxConnLifetime = in.duration(k, val)
		case "idle":
			o.MaxConnIdleTime = in.duration(k, val)
		case "name":
			o.Name = val.String()
		case "readOnly":
			o.ReadOnly = val.ToBoolean()
		}
	}
	return o
}

func (in *instance) positiveInt32(key string, v goja.Value) int32 {
	f := v.ToFloat()
	if math.IsNaN(f) || f < 1 || f > math.MaxInt32 || f != math.Trunc(f) {
		in.typeError("sql.open: %s must be a positive integer, got %s", key, v)
	}
	return int32(f)
}

// duration reads a k6 duration: a string ("30s", "1m") or a number of milliseconds.
func (in *instance) duration(key string, v goja.Value) time.Duration {
	s := v.String()
	if _, isNum := v.Export().(int64); isNum {
		s = fmt.Sprint(v.ToInteger())
	} else if f, isFloat := v.Export().(float64); isFloat {
		s = fmt.Sprint(f)
	}
	d, err := options.ParseDuration(s)
	if err != nil {
		in.typeError("sql.open: %s: %v", key, err)
	}
	return time.Duration(d)
}

// jsLegacyQuery implements xk6-sql's sql.query(db, text, ...args).
func (in *instance) jsLegacyQuery(call goja.FunctionCall) goja.Value {
	obj, ok := call.Argument(0).(*goja.Object)
	if !ok {
		in.typeError("sql.query: the first argument must be a database opened with sql.open")
	}
	fn, ok := goja.AssertFunction(obj.Get("query"))
	if !ok {
		in.typeError("sql.query: the first argument must be a database opened with sql.open")
	}
	v, err := fn(obj, call.Arguments[1:]...)
	if err != nil {
		panic(err)
	}
	return v
}
