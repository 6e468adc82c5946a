package k6http

import (
	"net/http"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// exportFactories build the module's exports for one instance. They are shared by all VUs; an
// instance builds an export on first access only, so a VU that calls http.get pays for one
// function object instead of fifteen (about 0.7 KB each in goja).
var exportFactories = modules.NewLazyTable(map[string]func(in *instance) any{
	"request":             func(in *instance) any { return in.jsRequest },
	"asyncRequest":        func(in *instance) any { return in.asyncRequest },
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
