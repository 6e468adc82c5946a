package k6http

import (
	"net/http"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// exportFactories build the module's exports for one instance. They are shared by all VUs; an
// instance builds an export on first access only, so a VU that calls http.get pays for one
// function object instead of fifteen (about 0.7 KB each in goja).
var exportFactories = modules.NewLazyTable(map[string]func(in *instance) any{
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
})

// lazyExports is the module object of one instance: a goja dynamic object that builds each
// export on first access and keeps it (modules.LazyProps does the work), so repeated reads
// return the same function. Scripts may add or overwrite properties (as on the plain object it
// replaces); built-in exports cannot be deleted. Used from the VU's goroutine only.
type lazyExports struct {
	in   *instance
	vals modules.LazyProps[*instance] // built or assigned properties
}

// Get returns an export, building it on first access; nil for an unknown name.
func (e *lazyExports) Get(key string) goja.Value {
	return e.vals.Get(e.in.rt, exportFactories, e.in, key)
}

// Set stores a property the script assigns.
func (e *lazyExports) Set(key string, v goja.Value) bool { return e.vals.Set(key, v) }

// Has reports the built-in exports and the properties the script added.
func (e *lazyExports) Has(key string) bool { return e.vals.Has(exportFactories, key) }

// Delete removes a property the script added; built-in exports stay.
func (e *lazyExports) Delete(key string) bool { return e.vals.Delete(exportFactories, key) }

// Keys lists the built-in exports, then the properties the script added.
func (e *lazyExports) Keys() []string { return e.vals.Keys(exportFactories) }
