package jsapi

import (
	"slices"

	"github.com/dop251/goja"
)

// methodTable is the shared description of an object of methods (console, crypto): the
// factory of each method, given the VU, and the sorted names. Immutable, shared by all VUs.
type methodTable struct {
	build map[string]func(v *vu) any
	names []string
}

func newMethodTable(build map[string]func(v *vu) any) *methodTable {
	names := make([]string, 0, len(build))
	for k := range build {
		names = append(names, k)
	}
	slices.Sort(names)
	return &methodTable{build: build, names: names}
}

// lazyObject returns an object whose methods are built on the first read of each, so a VU
// pays only for the methods its script uses (a goja function costs about 0.7 KB).
func (v *vu) lazyObject(t *methodTable) *goja.Object {
	return v.rt.NewDynamicObject(&lazyMethods{v: v, t: t})
}

// lazyMethods implements goja.DynamicObject for lazyObject. Reads of a method return the
// same function every time; the script may add or overwrite properties (console.log = ...),
// but not delete the methods. Used from the VU's goroutine only.
type lazyMethods struct {
	v    *vu
	t    *methodTable
	vals map[string]goja.Value // built or assigned properties
	own  []string              // names the script added
}

// Get returns a property, building a method on first read; nil for an unknown name.
func (o *lazyMethods) Get(key string) goja.Value {
	if val, ok := o.vals[key]; ok {
		return val
	}
	f, ok := o.t.build[key]
	if !ok {
		return nil
	}
	val := o.v.rt.ToValue(f(o.v))
	o.store(key, val)
	return val
}

// Set stores a property the script assigns.
func (o *lazyMethods) Set(key string, val goja.Value) bool {
	if !o.Has(key) {
		o.own = append(o.own, key)
	}
	o.store(key, val)
	return true
}

func (o *lazyMethods) store(key string, val goja.Value) {
	if o.vals == nil {
		o.vals = make(map[string]goja.Value, 2)
	}
	o.vals[key] = val
}

// Has reports the methods and the properties the script added.
func (o *lazyMethods) Has(key string) bool {
	if _, ok := o.t.build[key]; ok {
		return true
	}
	_, ok := o.vals[key]
	return ok
}

// Delete removes a property the script added; the methods stay.
func (o *lazyMethods) Delete(key string) bool {
	if _, ok := o.t.build[key]; ok {
		return false
	}
	delete(o.vals, key)
	o.own = slices.DeleteFunc(o.own, func(k string) bool { return k == key })
	return true
}

// Keys lists the methods, then the properties the script added.
func (o *lazyMethods) Keys() []string {
	if len(o.own) == 0 {
		return o.t.names
	}
	return append(slices.Clip(o.t.names), o.own...)
}
