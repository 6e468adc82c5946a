package k6core

import (
	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// exportFactories build the module's functions for one instance. They are shared by all VUs;
// an instance builds a function on first access only, so a VU that imports just sleep pays
// for one goja function (about 0.7 KB) instead of four.
var exportFactories = modules.NewLazyTable(map[string]func(in *instance) any{
	"check": func(in *instance) any { return in.check },
	"group": func(in *instance) any { return in.group },
	"sleep": func(in *instance) any { return in.sleep },
	"fail":  func(in *instance) any { return in.fail },
})

// lazyExports is the module object of one instance: a goja dynamic object that builds each
// function on first access and keeps it (modules.LazyProps does the work), so repeated reads
// return the same function. Scripts may add or overwrite properties; the built-in functions
// cannot be deleted. Used from the VU's goroutine only.
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
