package k6http

import (
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// instance is the module as one VU sees it. It is used from the VU's goroutine only (batch
// workers touch prepared requests and results, never the instance).
type instance struct {
	mod        *Module
	vu         modules.VU
	rt         *goja.Runtime
	metrics    httpMetrics
	callback   *statusSet // nil: http_req_failed and expected_response disabled
	jar        *cookieJar
	tags       tagCache
	tracers    []*tracer // free list
	defaults   *defaults
	jsonFn     goja.Value            // response.json, built on first use
	htmlFns    *htmlMethods          // response.html, submitForm, clickLink, built on first use
	jarMethods map[string]goja.Value // CookieJar methods, built on first use
	failLog    failureLog            // rate-limited "request failed" warnings
}

// responseJSONFunc returns the response.json function of the instance, building it once.
func (in *instance) responseJSONFunc() goja.Value {
	if in.jsonFn == nil {
		in.jsonFn = in.rt.ToValue(in.responseJSON)
	}
	return in.jsonFn
}

// defaults are the request settings derived from the run options, read on first request
// (options are final by then).
type defaults struct {
	timeout      time.Duration
	redirects    int
	respType     respType
	userAgent    []string // shared, never mutated: Header values are replaced, not edited
	throw        bool
	transport    *fastTransport
	own          bool // transport is this VU's alone (noVUConnectionReuse)
	kind         transportKind
	tlsTransport *fastTransport // https: the VU's own, built on first use
	batch        int
	batchPerHost int
}

func (in *instance) settings() *defaults {
	if in.defaults != nil {
		return in.defaults
	}
	d := &defaults{timeout: 60 * time.Second, redirects: 10, batch: 20, batchPerHost: 6}
	ua := in.mod.cfg.UserAgent
	var kind transportKind
	o := in.vu.Options()
	if o != nil {
		d.own = o.NoVUConnectionReuse != nil && *o.NoVUConnectionReuse
		if o.HTTPTimeout != nil {
			d.timeout = o.HTTPTimeout.D()
		}
		if o.MaxRedirects != nil {
			d.redirects = int(*o.MaxRedirects)
		}
		if o.DiscardResponseBodies != nil && *o.DiscardResponseBodies {
			d.respType = respNone
		}
		if o.UserAgent != nil {
			ua = *o.UserAgent
		}
		d.throw = o.Throw != nil && *o.Throw
		if o.Batch != nil && *o.Batch > 0 {
			d.batch = int(*o.Batch)
		}
		if o.BatchPerHost != nil {
			d.batchPerHost = int(*o.BatchPerHost)
		}
		if o.InsecureSkipTLSVerify != nil && *o.InsecureSkipTLSVerify {
			kind |= kindInsecure
		}
		if o.NoConnectionReuse != nil && *o.NoConnectionReuse {
			kind |= kindNoReuse
		}
	}
	d.userAgent = []string{ua}
	d.kind = kind
	if d.own {
		d.transport = in.mod.vuTransport(kind, o)
		d.tlsTransport = d.transport
	} else {
		d.transport = in.mod.transport(kind, o)
	}
	in.defaults = d
	return d
}

// httpsTransport returns the VU's own transport for https requests (k6's per-VU transport:
// a VU's HTTP/2 connections are its own), building it on first use.
func (in *instance) httpsTransport() *fastTransport {
	d := in.settings()
	if d.tlsTransport == nil {
		d.tlsTransport = in.mod.vuTransport(d.kind, in.vu.Options())
	}
	return d.tlsTransport
}

func (in *instance) getTracer() *tracer {
	if n := len(in.tracers); n > 0 {
		t := in.tracers[n-1]
		in.tracers = in.tracers[:n-1]
		return t
	}
	return newTracer()
}

func (in *instance) putTracer(t *tracer) {
	if len(in.tracers) < 64 {
		in.tracers = append(in.tracers, t)
	}
}

// bodyless returns get/head: (url, params).
func (in *instance) bodyless(method string) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		return in.do(method, call.Argument(0), nil, call.Argument(1))
	}
}

// withBody returns post/put/patch/del/options: (url, body, params).
func (in *instance) withBody(method string) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		return in.do(method, call.Argument(0), call.Argument(1), call.Argument(2))
	}
}

// jsRequest implements http.request(method, url, body, params).
func (in *instance) jsRequest(call goja.FunctionCall) goja.Value {
	m := call.Argument(0)
	if goja.IsUndefined(m) || goja.IsNull(m) {
		panic(in.rt.NewTypeError("http.request: method is required"))
	}
	return in.do(m.String(), call.Argument(1), call.Argument(2), call.Argument(3))
}

// do runs one request on the VU goroutine and returns the JS response.
func (in *instance) do(method string, u, body, params goja.Value) goja.Value {
	if in.vu.InInit() {
		panic(in.rt.NewGoError(ErrInitContext))
	}
	p := in.prepare(method, u, body, params)
	var r *result
	if p.err == nil {
		r = execute(p)
	}
	return in.finish(p, r)
}
