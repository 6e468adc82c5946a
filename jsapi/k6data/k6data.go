package k6data

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// Module is the k6/data module. It holds the shared arrays of one run and is safe for
// concurrent use; register one Module per run.
type Module struct {
	mu     sync.Mutex
	arrays map[string][]string // name -> JSON of each element
}

// New returns an empty k6/data module.
func New() *Module { return &Module{arrays: map[string][]string{}} }

// NewInstance implements modules.Module.
func (m *Module) NewInstance(vu modules.VU) (*goja.Object, error) {
	rt := vu.Runtime()
	parse, ok := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	if !ok {
		return nil, fmt.Errorf("k6/data: JSON.parse is not a function")
	}
	obj := rt.NewObject()
	ctor := func(call goja.ConstructorCall) *goja.Object {
		if !vu.InInit() {
			panic(rt.NewTypeError("new SharedArray() must be called in init code"))
		}
		name := call.Argument(0).String()
		if goja.IsUndefined(call.Argument(0)) || name == "" {
			panic(rt.NewTypeError("new SharedArray(): a non-empty name is required"))
		}
		fn, ok := goja.AssertFunction(call.Argument(1))
		if !ok {
			panic(rt.NewTypeError("new SharedArray(): the second argument must be a function"))
		}
		elems, err := m.get(name, func() ([]string, error) { return build(rt, fn) })
		if ex, ok := err.(*goja.Exception); ok {
			panic(ex)
		} else if err != nil {
			panic(rt.NewGoError(err))
		}
		return rt.NewDynamicArray(&view{rt: rt, parse: parse, elems: elems})
	}
	if err := obj.Set("SharedArray", ctor); err != nil {
		return nil, fmt.Errorf("k6/data: %w", err)
	}
	return obj, nil
}

// get returns the array called name, building it with mk the first time.
func (m *Module) get(name string, mk func() ([]string, error)) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.arrays[name]; ok {
		return a, nil
	}
	a, err := mk()
	if err != nil {
		return nil, err
	}
	m.arrays[name] = a
	return a, nil
}

// build calls fn in rt (it panics with a TypeError when fn returns no array) and keeps the JSON of each element of the array it returns.
func build(rt *goja.Runtime, fn goja.Callable) ([]string, error) {
	res, err := fn(goja.Undefined())
	if err != nil {
		return nil, err // a JS exception: rethrown as is
	}
	o, ok := res.(*goja.Object)
	if !ok || o.ClassName() != "Array" {
		panic(rt.NewTypeError("SharedArray: the function must return an array"))
	}
	stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	js, err := stringify(goja.Undefined(), o)
	if err != nil {
		return nil, err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(js.String()), &raw); err != nil {
		return nil, fmt.Errorf("SharedArray: %w", err)
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = string(r)
	}
	return out, nil
}

// view is one VU's read-only window on a shared array.
type view struct {
	rt    *goja.Runtime
	parse goja.Callable
	elems []string
}

func (v *view) Len() int { return len(v.elems) }

func (v *view) Get(i int) goja.Value {
	if i < 0 || i >= len(v.elems) {
		return goja.Undefined()
	}
	val, err := v.parse(goja.Undefined(), v.rt.ToValue(v.elems[i]))
	if err != nil {
		panic(err)
	}
	return val
}

func (v *view) Set(int, goja.Value) bool { return false }

func (v *view) SetLen(int) bool { return false }
