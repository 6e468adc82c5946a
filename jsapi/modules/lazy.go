package modules

import (
	"slices"

	"github.com/dop251/goja"
)

// LazyTable lists the built-in properties of lazy objects (objects whose properties are built
// on first read, so a VU pays only for what its script uses: a goja function costs about
// 0.7 KB) and how to build each for the object's owner T (a VU, a module instance).
// Immutable after NewLazyTable; shared by all VUs.
type LazyTable[T any] struct {
	build map[string]func(owner T) any
	names []string
}

// NewLazyTable returns the table of the given builders, keyed by property name.
func NewLazyTable[T any](build map[string]func(owner T) any) *LazyTable[T] {
	names := make([]string, 0, len(build))
	for k := range build {
		names = append(names, k)
	}
	slices.Sort(names)
	return &LazyTable[T]{build: build, names: names}
}

// Names returns the built-in property names, sorted; callers must not modify it.
func (t *LazyTable[T]) Names() []string { return t.names }

// LazyProps are one lazy object's properties built or assigned so far, in the order they were
// first set; the zero value has none. Its methods do the work of the object's
// goja.DynamicObject, which keeps the table and owner and forwards to them: reads of a
// built-in return the same value every time; the script may add or overwrite properties but
// not delete the built-ins. Not safe for concurrent use (one VU's goroutine).
type LazyProps[T any] []lazyProp

type lazyProp struct {
	name string
	val  goja.Value
}

func (p LazyProps[T]) index(key string) int {
	return slices.IndexFunc(p, func(e lazyProp) bool { return e.name == key })
}

// Get returns a property, building a built-in of t for owner in rt on first read; nil for an
// unknown name.
func (p *LazyProps[T]) Get(rt *goja.Runtime, t *LazyTable[T], owner T, key string) goja.Value {
	if i := p.index(key); i >= 0 {
		return (*p)[i].val
	}
	f, ok := t.build[key]
	if !ok {
		return nil
	}
	val := rt.ToValue(f(owner))
	*p = append(*p, lazyProp{key, val})
	return val
}

// Set stores a property the script assigns; it always succeeds.
func (p *LazyProps[T]) Set(key string, val goja.Value) bool {
	if i := p.index(key); i >= 0 {
		(*p)[i].val = val
		return true
	}
	*p = append(*p, lazyProp{key, val})
	return true
}

// Has reports the built-ins of t and the properties the script added.
func (p LazyProps[T]) Has(t *LazyTable[T], key string) bool {
	_, builtin := t.build[key]
	return builtin || p.index(key) >= 0
}

// Delete removes a property the script added; the built-ins of t stay (false).
func (p *LazyProps[T]) Delete(t *LazyTable[T], key string) bool {
	if _, builtin := t.build[key]; builtin {
		return false
	}
	*p = slices.DeleteFunc(*p, func(e lazyProp) bool { return e.name == key })
	return true
}

// Keys lists the built-ins of t, then the properties the script added.
func (p LazyProps[T]) Keys(t *LazyTable[T]) []string {
	keys := slices.Clip(t.names) // the first append copies: t.names is shared
	for _, e := range p {
		if _, builtin := t.build[e.name]; !builtin {
			keys = append(keys, e.name)
		}
	}
	return keys
}

// LazyObject is a goja.DynamicObject whose properties come from a LazyTable, each built on
// first read and kept, so repeated reads return the same value. Scripts may add or overwrite
// properties; the table's cannot be deleted. Wrap it with rt.NewDynamicObject. It is used from
// its VU's goroutine only.
type LazyObject[T any] struct {
	// Owner is what the table's factories are given (a module instance, a VU).
	Owner T
	rt    *goja.Runtime
	table *LazyTable[T]
	vals  LazyProps[T]
}

// NewLazyObject returns the lazy object of owner over table in rt.
func NewLazyObject[T any](rt *goja.Runtime, table *LazyTable[T], owner T) *LazyObject[T] {
	return &LazyObject[T]{Owner: owner, rt: rt, table: table}
}

// Get returns a property, building it on first read; nil for an unknown name.
func (o *LazyObject[T]) Get(key string) goja.Value { return o.vals.Get(o.rt, o.table, o.Owner, key) }

// Set stores a property the script assigns.
func (o *LazyObject[T]) Set(key string, v goja.Value) bool { return o.vals.Set(key, v) }

// Has reports the table's properties and those the script added.
func (o *LazyObject[T]) Has(key string) bool { return o.vals.Has(o.table, key) }

// Delete removes a property the script added; the table's stay.
func (o *LazyObject[T]) Delete(key string) bool { return o.vals.Delete(o.table, key) }

// Keys lists the table's properties, then those the script added.
func (o *LazyObject[T]) Keys() []string { return o.vals.Keys(o.table) }

// Built returns how many properties have been built or assigned so far.
func (o *LazyObject[T]) Built() int { return len(o.vals) }
