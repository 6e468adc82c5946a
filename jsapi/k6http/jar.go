package k6http

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// cookieJar is a VU's cookie jar: a cookiejar.Jar created on first use and dropped on reset,
// so iterations that never see a cookie cost nothing. Safe for concurrent use (batch).
type cookieJar struct {
	mu  sync.Mutex
	jar *cookiejar.Jar
}

// Cookies implements http.CookieJar.
func (j *cookieJar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	jar := j.jar
	j.mu.Unlock()
	if jar == nil {
		return nil
	}
	return jar.Cookies(u)
}

// SetCookies implements http.CookieJar.
func (j *cookieJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	j.inner().SetCookies(u, cookies)
}

func (j *cookieJar) inner() *cookiejar.Jar {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jar == nil {
		j.jar, _ = cookiejar.New(nil) // never fails without options
	}
	return j.jar
}

func (j *cookieJar) reset() {
	j.mu.Lock()
	j.jar = nil
	j.mu.Unlock()
}

// filterJar hides jar cookies that params.cookies replaces ({name: {value, replace: true}}).
type filterJar struct {
	http.CookieJar
	drop map[string]bool
}

// Cookies returns the inner jar's cookies minus the replaced ones.
func (f *filterJar) Cookies(u *url.URL) []*http.Cookie {
	all := f.CookieJar.Cookies(u)
	out := all[:0]
	for _, c := range all {
		if !f.drop[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// applyCookies reads params.cookies: {name: value} or {name: {value, replace}}.
func (in *instance) applyCookies(p *prepared, v goja.Value) {
	obj, ok := v.(*goja.Object)
	if !ok {
		panic(in.rt.NewTypeError("http: params.cookies must be an object"))
	}
	var drop map[string]bool
	for _, name := range obj.Keys() {
		val := obj.Get(name)
		if o, ok := val.(*goja.Object); ok {
			if r := o.Get("replace"); r != nil && r.ToBoolean() {
				if drop == nil {
					drop = map[string]bool{}
				}
				drop[name] = true
			}
			val = o.Get("value")
		}
		if val == nil || goja.IsUndefined(val) {
			continue
		}
		p.cookies = append(p.cookies, &http.Cookie{Name: name, Value: val.String()})
	}
	if drop != nil {
		p.jar = &filterJar{CookieJar: p.jar, drop: drop}
	}
}

// jarObject is the JS CookieJar: a dynamic object whose methods are shared per instance.
type jarObject struct {
	in  *instance
	jar *cookieJar
}

// Get returns a method of the jar.
func (o *jarObject) Get(key string) goja.Value { return o.in.jarMethodMap()[key] }

// Set ignores writes (the jar's methods are fixed).
func (o *jarObject) Set(string, goja.Value) bool { return false }

// Has reports the jar's methods.
func (o *jarObject) Has(key string) bool { _, ok := o.in.jarMethodMap()[key]; return ok }

// Delete refuses deletion.
func (o *jarObject) Delete(string) bool { return false }

// Keys lists the jar's methods.
func (o *jarObject) Keys() []string { return []string{"set", "cookiesForURL", "delete", "clear"} }

func exportJar(v goja.Value) (*jarObject, bool) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	j, ok := obj.Export().(*jarObject)
	return j, ok
}

// cookieJarFn implements http.cookieJar(): the VU's active jar.
func (in *instance) cookieJarFn(goja.FunctionCall) goja.Value {
	return in.rt.NewDynamicObject(&jarObject{in: in, jar: in.jar})
}

// newCookieJarCtor implements new http.CookieJar(): a jar of the script's own.
func (in *instance) newCookieJarCtor(goja.ConstructorCall) *goja.Object {
	return in.rt.NewDynamicObject(&jarObject{in: in, jar: &cookieJar{}})
}

// jarMethodMap returns the jar methods of the instance, building them on first use.
func (in *instance) jarMethodMap() map[string]goja.Value {
	if in.jarMethods == nil {
		in.jarMethods = in.newJarMethods()
	}
	return in.jarMethods
}

func (in *instance) newJarMethods() map[string]goja.Value {
	this := func(call goja.FunctionCall) *cookieJar {
		j, ok := exportJar(call.This)
		if !ok {
			panic(in.rt.NewTypeError("CookieJar method called on another object"))
		}
		return j.jar
	}
	m := map[string]func(goja.FunctionCall) goja.Value{
		"set": func(call goja.FunctionCall) goja.Value {
			in.jarSet(this(call), call)
			return goja.Undefined()
		},
		"cookiesForURL": func(call goja.FunctionCall) goja.Value {
			return in.cookiesForURL(this(call), call.Argument(0))
		},
		"delete": func(call goja.FunctionCall) goja.Value {
			u := in.jarURL(call.Argument(0))
			this(call).inner().SetCookies(u, []*http.Cookie{{Name: call.Argument(1).String(), MaxAge: -1}})
			return goja.Undefined()
		},
		"clear": func(call goja.FunctionCall) goja.Value {
			jar, u := this(call), in.jarURL(call.Argument(0))
			var del []*http.Cookie
			for _, c := range jar.Cookies(u) {
				del = append(del, &http.Cookie{Name: c.Name, MaxAge: -1})
			}
			jar.SetCookies(u, del)
			return goja.Undefined()
		},
	}
	out := make(map[string]goja.Value, len(m))
	for k, f := range m {
		out[k] = in.rt.ToValue(f)
	}
	return out
}

func (in *instance) jarURL(v goja.Value) *url.URL {
	u, err := url.Parse(v.String())
	if err != nil || u.Host == "" {
		panic(in.rt.NewTypeError("CookieJar: invalid URL %q", v.String()))
	}
	return u
}

// jarSet implements jar.set(url, name, value, {domain, path, expires, max_age, secure, http_only}).
func (in *instance) jarSet(jar *cookieJar, call goja.FunctionCall) {
	u := in.jarURL(call.Argument(0))
	c := &http.Cookie{Name: call.Argument(1).String(), Value: call.Argument(2).String()}
	if o, ok := call.Argument(3).(*goja.Object); ok {
		get := func(k string) goja.Value {
			if v := o.Get(k); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				return v
			}
			return nil
		}
		if v := get("domain"); v != nil {
			c.Domain = v.String()
		}
		if v := get("path"); v != nil {
			c.Path = v.String()
		}
		if v := get("expires"); v != nil {
			t, err := time.Parse(time.RFC1123, v.String())
			if err != nil {
				panic(in.rt.NewTypeError("CookieJar.set: expires must be an RFC 1123 date: %s", err.Error()))
			}
			c.Expires = t
		}
		if v := get("max_age"); v != nil {
			c.MaxAge = int(v.ToInteger())
		}
		c.Secure = get("secure") != nil && get("secure").ToBoolean()
		c.HttpOnly = get("http_only") != nil && get("http_only").ToBoolean()
	}
	jar.inner().SetCookies(u, []*http.Cookie{c})
}

// cookiesForURL returns {name: [values]} as k6 does.
func (in *instance) cookiesForURL(jar *cookieJar, v goja.Value) goja.Value {
	out := in.rt.NewObject()
	byName := map[string][]any{}
	var order []string
	for _, c := range jar.Cookies(in.jarURL(v)) {
		if _, seen := byName[c.Name]; !seen {
			order = append(order, c.Name)
		}
		byName[c.Name] = append(byName[c.Name], c.Value)
	}
	for _, name := range order {
		_ = out.Set(name, in.rt.NewArray(byName[name]...))
	}
	return out
}
