package k6http

import (
	"github.com/dop251/goja"
)

// asyncRequest implements http.asyncRequest(method, url, body, params): http.request made off
// the VU's goroutine, returning a Promise of the same Response with the same metrics and tags.
// Requests in flight at once run concurrently (bounded by the transport's connections); the
// promise settles on the VU's goroutine, through its event loop. As in k6 it throws only from
// init code: bad arguments reject the promise, and so does a failed request under
// options.throw; otherwise a failed request resolves with error and error_code set.
func (in *instance) asyncRequest(call goja.FunctionCall) goja.Value {
	if in.vu.InInit() {
		panic(in.rt.NewGoError(ErrInitContext))
	}
	promise, resolve, reject := in.rt.NewPromise()
	done := in.vu.EventLoop().Reserve() // first: the request obeys the loop's context
	p, thrown := catch(func() *prepared {
		m := call.Argument(0)
		if goja.IsUndefined(m) || goja.IsNull(m) {
			panic(in.rt.NewTypeError("http.asyncRequest: method is required"))
		}
		return in.prepare(m.String(), call.Argument(1), call.Argument(2), call.Argument(3))
	})
	switch {
	case thrown != nil:
		done(nil)
		_ = reject(thrown)
	case p.err != nil:
		done(nil)
		_ = in.settle(p, nil, resolve, reject)
	default:
		go func() {
			r := execute(p)
			done(func() error { return in.settle(p, r, resolve, reject) })
		}()
	}
	return in.rt.ToValue(promise)
}

// settle finishes an async request on the VU's goroutine and settles its promise; nothing
// settles when the VU's context ended (finish has interrupted the runtime).
func (in *instance) settle(p *prepared, r *result, resolve, reject func(any) error) error {
	res, thrown := catch(func() goja.Value { return in.finish(p, r) })
	switch {
	case thrown != nil:
		return reject(thrown)
	case goja.IsUndefined(res):
		return nil
	}
	return resolve(res)
}

// catch runs fn and returns its result, or the JavaScript value it threw (native functions
// throw by panicking with a goja value or exception); other panics go on.
func catch[T any](fn func() T) (res T, thrown goja.Value) {
	defer func() {
		switch p := recover().(type) {
		case nil:
		case *goja.Exception:
			thrown = p.Value()
		case goja.Value:
			thrown = p
		default:
			panic(p)
		}
	}()
	return fn(), nil
}
