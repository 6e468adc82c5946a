package k6http

import (
	"strconv"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// maxCachedTagSets bounds a VU's tag cache; it is cleared when full.
const maxCachedTagSets = 2048

// tagKey identifies the tag set of a request sample.
type tagKey struct {
	base                                    *metrics.Tags
	method, url, name, proto, errMsg, extra string
	tlsVersion                              string
	status, code                            int
	expected                                int8 // -1: callback disabled
}

// tagCache maps request properties to a built tag set, so steady traffic allocates no tags.
type tagCache struct {
	m map[tagKey]*metrics.Tags
}

func (c *tagCache) get(k tagKey, user map[string]string) *metrics.Tags {
	if t, ok := c.m[k]; ok {
		return t
	}
	if c.m == nil || len(c.m) >= maxCachedTagSets {
		c.m = make(map[tagKey]*metrics.Tags) // no size hint: most VUs see a few tag sets
	}
	t := buildTags(k, user)
	c.m[k] = t
	return t
}

func buildTags(k tagKey, user map[string]string) *metrics.Tags {
	m := make(map[string]string, len(user)+9)
	for key, v := range user {
		m[key] = v
	}
	m["method"] = k.method
	m["url"] = k.url
	m["name"] = k.name
	m["status"] = strconv.Itoa(k.status)
	if k.proto != "" {
		m["proto"] = k.proto
	}
	if k.tlsVersion != "" {
		m["tls_version"] = k.tlsVersion
	}
	if k.code != 0 {
		m["error_code"] = strconv.Itoa(k.code)
	}
	if k.errMsg != "" {
		m["error"] = k.errMsg
	}
	if k.expected >= 0 {
		m["expected_response"] = strconv.FormatBool(k.expected == 1)
	}
	return k.base.Merge(m)
}

// finish records the request's metrics and returns its JS response; it runs on the VU
// goroutine and releases the request's tracer.
// When the VU's context has ended, the iteration ends here (see modules.StopIfCancelled): no
// sample, no log, no exception, as k6 records nothing for a cancelled request.
func (in *instance) finish(p *prepared, r *result) goja.Value {
	defer in.putTracer(p.tr)
	if modules.StopIfCancelled(in.vu) {
		p.cancel(nil)
		return goja.Undefined()
	}
	if r == nil { // the request could not be made (invalid URL)
		p.cancel(nil)
		r = &result{err: p.err}
		r.code, r.msg = classify(p.err)
	} else {
		in.record(p, r)
	}
	if r.err != nil && in.settings().throw {
		panic(in.rt.NewGoError(r.err))
	}
	if r.err != nil {
		in.failLog.warn(in.vu.Logger(), p.method, p.tagURL, r)
	}
	return in.rt.NewDynamicObject(&response{in: in, p: p, r: r})
}

// record emits the k6 HTTP metrics of one request: a sample set per hop (redirects, digest
// auth's challenge), as k6 does, then the final one; the wire bytes once, for all hops.
func (in *instance) record(p *prepared, r *result) {
	cb := in.callback
	if p.cbSet {
		cb = p.cb
	}
	base := in.vu.Tags()
	for i := range r.hops {
		h := &r.hops[i]
		k := tagKey{base: base, method: h.method, url: h.url, name: h.url, extra: p.userKey,
			status: h.status, proto: h.proto, tlsVersion: tlsVersion(h.tls), expected: -1}
		if h.status >= 400 {
			k.code = codeHTTPStatusOffset + h.status
		}
		in.emit(p, k, cb, &h.timings, h.challenge)
	}
	k := tagKey{base: base, method: p.method, url: p.tagURL, name: p.tagURL,
		extra: p.userKey, status: r.status(), code: r.code, errMsg: r.msg, expected: -1}
	if r.last != nil && r.last.URL != p.req.URL { // redirected: the final hop's own URL and method
		k.url, k.method = cleanURL(r.last), r.last.Method
		k.name = k.url
	}
	if r.resp != nil {
		k.proto, k.tlsVersion = r.resp.Proto, tlsVersion(r.resp.TLS)
	}
	in.emit(p, k, cb, &r.timings, false)
	if r.sent > 0 || r.recv > 0 {
		rec, m := in.vu.Recorder(), &in.metrics
		rec.Add(m.sent, base, float64(r.sent))
		rec.Add(m.received, base, float64(r.recv))
	}
}

// emit records the sample set of one hop. A digest challenge (a 401 answered by a second
// request) is an expected response whatever the callback says.
func (in *instance) emit(p *prepared, k tagKey, cb *statusSet, t *Timings, challenge bool) {
	if p.name != "" {
		k.name, k.url = p.name, p.name // as k6 ≥ 0.41: a set name replaces url too
	}
	failed := 0.0
	if cb != nil {
		k.expected = 1
		if !challenge && !cb.expected(k.status) {
			k.expected, failed = 0, 1
		}
	}
	tags := in.tags.get(k, p.userTags)
	rec, m := in.vu.Recorder(), &in.metrics
	rec.Add(m.reqs, tags, 1)
	rec.Add(m.duration, tags, t.Duration)
	rec.Add(m.blocked, tags, t.Blocked)
	rec.Add(m.connecting, tags, t.Connecting)
	rec.Add(m.tls, tags, t.TLSHandshaking)
	rec.Add(m.sending, tags, t.Sending)
	rec.Add(m.waiting, tags, t.Waiting)
	rec.Add(m.receiving, tags, t.Receiving)
	if cb != nil {
		rec.Add(m.failed, tags, failed)
	}
}
