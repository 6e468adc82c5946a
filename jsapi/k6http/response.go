package k6http

import (
	"crypto/tls"
	"net/http"
	"strings"

	"github.com/dop251/goja"
)

// responseKeys are the own properties of a Response, in k6's order.
var responseKeys = []string{"status", "status_text", "body", "headers", "cookies", "url", "proto",
	"remote_ip", "remote_port", "tls_version", "error", "error_code", "request", "timings"}

// response is the JS Response: a dynamic object that builds each property on first access
// (a script that only checks res.status never pays for headers, timings or the body string)
// and then keeps it, so repeated reads return the same value and writes stick.
type response struct {
	in     *instance
	p      *prepared
	r      *result
	cache  map[string]goja.Value
	parsed goja.Value // json() result
	// validJSON: gjson found the body valid JSON (json(selector) checks it once)
	validJSON bool
}

// Get returns a property, building it once.
func (o *response) Get(key string) goja.Value {
	if v, ok := o.cache[key]; ok {
		return v
	}
	switch key {
	case "status":
		return o.in.rt.ToValue(o.r.status())
	case "error_code":
		return o.in.rt.ToValue(o.r.code)
	case "json":
		return o.in.responseJSONFunc()
	case "html", "submitForm", "clickLink":
		return o.in.htmlMethod(key)
	}
	v := o.build(key)
	if v == nil {
		return nil
	}
	o.store(key, v)
	return v
}

func (o *response) store(key string, v goja.Value) {
	if o.cache == nil {
		o.cache = make(map[string]goja.Value, 4)
	}
	o.cache[key] = v
}

func (o *response) build(key string) goja.Value {
	rt, r := o.in.rt, o.r
	switch key {
	case "status_text", "proto", "url", "error", "remote_ip", "tls_version":
		return rt.ToValue(o.str(key))
	case "remote_port":
		if r.remote != nil {
			return rt.ToValue(r.remote.Port)
		}
		return rt.ToValue(0)
	case "body":
		return o.body()
	case "headers":
		return o.headers()
	case "cookies":
		return o.cookies()
	case "request":
		return o.request()
	case "timings":
		return o.timings()
	}
	return nil
}

func (o *response) str(key string) string {
	r := o.r
	switch key {
	case "error":
		return r.msg
	case "remote_ip":
		if r.remote != nil {
			return r.remote.IP.String()
		}
		return ""
	}
	if key == "url" {
		switch {
		case r.resp != nil:
			return r.resp.Request.URL.String()
		case r.last != nil && r.last != o.p.req: // failed after a redirect: the hop that failed
			return r.last.URL.String()
		}
		return o.p.tagURL
	}
	if r.resp == nil {
		return ""
	}
	switch key {
	case "status_text":
		return r.resp.Status
	case "proto":
		return r.resp.Proto
	}
	return tlsVersion(r.resp.TLS)
}

func tlsVersion(s *tls.ConnectionState) string {
	if s == nil {
		return ""
	}
	return map[uint16]string{tls.VersionTLS10: "tls1.0", tls.VersionTLS11: "tls1.1",
		tls.VersionTLS12: "tls1.2", tls.VersionTLS13: "tls1.3"}[s.Version]
}

func (o *response) body() goja.Value {
	switch {
	case !o.r.read || o.p.respType == respNone:
		return goja.Null()
	case o.p.respType == respBinary:
		return o.in.rt.ToValue(o.in.rt.NewArrayBuffer(o.r.bin))
	}
	return o.in.rt.ToValue(o.r.text)
}

func (o *response) headers() goja.Value {
	obj := o.in.rt.NewObject()
	if o.r.resp != nil {
		for k, vs := range o.r.resp.Header {
			_ = obj.Set(k, strings.Join(vs, ", "))
		}
	}
	return obj
}

func (o *response) cookies() goja.Value {
	rt := o.in.rt
	obj := rt.NewObject()
	if o.r.resp == nil {
		return obj
	}
	byName := map[string][]any{}
	for _, c := range o.r.resp.Cookies() {
		jc := rt.NewObject()
		_ = jc.Set("name", c.Name)
		_ = jc.Set("value", c.Value)
		_ = jc.Set("domain", c.Domain)
		_ = jc.Set("path", c.Path)
		_ = jc.Set("http_only", c.HttpOnly)
		_ = jc.Set("secure", c.Secure)
		_ = jc.Set("max_age", c.MaxAge)
		expires := int64(0)
		if !c.Expires.IsZero() {
			expires = c.Expires.UnixMilli()
		}
		_ = jc.Set("expires", expires)
		byName[c.Name] = append(byName[c.Name], jc)
	}
	for name, list := range byName {
		_ = obj.Set(name, rt.NewArray(list...))
	}
	return obj
}

// request returns {method, url, headers: {Name: [values]}, body, cookies}.
func (o *response) request() goja.Value {
	rt, p := o.in.rt, o.p
	obj := rt.NewObject()
	_ = obj.Set("method", p.method)
	_ = obj.Set("url", p.tagURL)
	headers := rt.NewObject()
	cookies := rt.NewObject()
	if req := o.lastRequest(); req != nil {
		_ = obj.Set("url", req.URL.String())
		for k, vs := range req.Header {
			_ = headers.Set(k, rt.NewArray(toAny(vs)...))
		}
		for _, c := range req.Cookies() {
			jc := rt.NewObject()
			_ = jc.Set("name", c.Name)
			_ = jc.Set("value", c.Value)
			_ = jc.Set("replace", false)
			_ = cookies.Set(c.Name, rt.NewArray(jc))
		}
	}
	_ = obj.Set("headers", headers)
	_ = obj.Set("cookies", cookies)
	if p.reqBody != nil {
		_ = obj.Set("body", string(p.reqBody))
	} else {
		_ = obj.Set("body", p.reqStr)
	}
	return obj
}

func (o *response) lastRequest() *http.Request {
	if o.r.last != nil {
		return o.r.last
	}
	return o.p.req
}

func toAny(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func (o *response) timings() goja.Value {
	obj := o.in.rt.NewObject()
	t := o.r.timings
	_ = obj.Set("blocked", t.Blocked)
	_ = obj.Set("connecting", t.Connecting)
	_ = obj.Set("tls_handshaking", t.TLSHandshaking)
	_ = obj.Set("sending", t.Sending)
	_ = obj.Set("waiting", t.Waiting)
	_ = obj.Set("receiving", t.Receiving)
	_ = obj.Set("duration", t.Duration)
	return obj
}

// Set stores a script's own property (or overrides a built one).
func (o *response) Set(key string, v goja.Value) bool {
	o.store(key, v)
	return true
}

// Has reports the Response's properties.
func (o *response) Has(key string) bool {
	if _, ok := o.cache[key]; ok {
		return true
	}
	for _, k := range responseKeys {
		if k == key {
			return true
		}
	}
	return false
}

// Delete removes a script's own property; built-in ones come back on next read.
func (o *response) Delete(key string) bool {
	delete(o.cache, key)
	return true
}

// Keys lists the Response's properties plus any the script added.
func (o *response) Keys() []string {
	keys := append([]string(nil), responseKeys...)
	for k := range o.cache {
		if !contains(responseKeys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
