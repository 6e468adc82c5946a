package jsapi

import (
	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// methodTable is the shared description of an object of methods (console, crypto): the
// factory of each method, given the VU. Immutable, shared by all VUs.
type methodTable = modules.LazyTable[*vu]

func newMethodTable(build map[string]func(v *vu) any) *methodTable {
	return modules.NewLazyTable(build)
}

// lazyObject returns an object whose methods are built on the first read of each, so a VU
// pays only for the methods its script uses (a goja function costs about 0.7 KB).
func (v *vu) lazyObject(t *methodTable) *goja.Object {
	return v.rt.NewDynamicObject(&lazyMethods{v: v, t: t})
}

// lazyMethods implements goja.DynamicObject for lazyObject through modules.LazyProps: reads
// of a method return the same function every time; the script may add or overwrite
// properties (console.log = ...), but not delete the methods. Used from the VU's goroutine
// only.
type lazyMethods struct {
	v    *vu
	t    *methodTable
	vals modules.LazyProps[*vu] // built or assigned properties
}

// Get returns a property, building a method on first read; nil for an unknown name.
func (o *lazyMethods) Get(key string) goja.Value { return o.vals.Get(o.v.rt, o.t, o.v, key) }

// Set stores a property the script assigns.
func (o *lazyMethods) Set(key string, val goja.Value) bool { return o.vals.Set(key, val) }

// Has reports the methods and the properties the script added.
func (o *lazyMethods) Has(key string) bool { return o.vals.Has(o.t, key) }

// Delete removes a property the script added; the methods stay.
func (o *lazyMethods) Delete(key string) bool { return o.vals.Delete(o.t, key) }

// Keys lists the methods, then the properties the script added.
func (o *lazyMethods) Keys() []string { return o.vals.Keys(o.t) }
