package k6http

import (
	"net/http"
	"slices"

	"github.com/dop251/goja"
)

// exportFactories build the module's exports for one instance. They are shared by all VUs; an
// instance builds an export on first access only, so a VU that calls http.get pays for one
// function object instead of fifteen (about 0.7 KB each in goja).
var exportFactories = map[string]func(in *instance) any{
	"request":             func(in *instance) any { return in.jsRequest },
	"get":                 func(in *instance) any { return in.bodyless(http.MethodGet) },
	"head":                func(in *instance) any { return in.bodyless(http.MethodHead) },
	"post":                func(in *instance) any { return in.withBody(http.MethodPost) },
	"put":                 func(in *instance) any { return in.withBody(http.MethodPut) },
	"patch":               func(in *instance) any { return in.withBody(http.MethodPatch) },
	"del":                 func(in *instance) any { return in.withBody(http.MethodDelete) },
	"options":             func(in *instance) any { return in.withBody(http.MethodOptions) },
	"batch":               func(in *instance) any { return in.batch },
	"expectedStatuses":    func(in *instance) any { return in.expectedStatuses },
	"setResponseCallback": func(in *instance) any { return in.setResponseCallback },
	"url":                 func(in *instance) any { return in.urlTemplate },
	"cookieJar":           func(in *instance) any { return in.cookieJarFn },
	"file":                func(in *instance) any { return in.file },
	"CookieJar":           func(in *instance) any { return in.newCookieJarCtor },
}

// exportNames are the keys of exportFactories, sorted; shared, never mutated.
var exportNames = sortedKeys(exportFactories)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// lazyExports is the module object of one instance: a goja dynamic object that builds each
// export on first access and keeps it, so repeated reads return the same function. Scripts may
// add or overwrite properties (as on the plain object it replaces); built-in exports cannot be
// deleted. Used from the VU's goroutine only.
type lazyExports struct {
	in   *instance
	vals map[string]goja.Value // built or assigned properties
	own  []string              // names assigned by the script that are not built-in exports
}

// Get returns an export, building it on first access; nil for an unknown name.
func (e *lazyExports) Get(key string) goja.Value {
	if v, ok := e.vals[key]; ok {
		return v
	}
	f, ok := exportFactories[key]
	if !ok {
		return nil
	}
	v := e.in.rt.ToValue(f(e.in))
	e.store(key, v)
	return v
}

// Set stores a property the script assigns.
func (e *lazyExports) Set(key string, v goja.Value) bool {
	if _, builtin := exportFactories[key]; !builtin && !e.Has(key) {
		e.own = append(e.own, key)
	}
	e.store(key, v)
	return true
}

func (e *lazyExports) store(key string, v goja.Value) {
	if e.vals == nil {
		e.vals = make(map[string]goja.Value, 2)
	}
	e.vals[key] = v
}

// Has reports the built-in exports and the properties the script added.
func (e *lazyExports) Has(key string) bool {
	if _, ok := exportFactories[key]; ok {
		return true
	}
	_, ok := e.vals[key]
	return ok
}

// Delete removes a property the script added; built-in exports stay.
func (e *lazyExports) Delete(key string) bool {
	if _, ok := exportFactories[key]; ok {
		return false
	}
	delete(e.vals, key)
	e.own = slices.DeleteFunc(e.own, func(k string) bool { return k == key })
	return true
}

// Keys lists the built-in exports, then the properties the script added.
func (e *lazyExports) Keys() []string {
	if len(e.own) == 0 {
		return exportNames
	}
	return append(slices.Clip(exportNames), e.own...)
}
