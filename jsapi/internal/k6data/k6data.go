package k6data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// ErrCircular is returned (wrapped) when building a shared array needs, through the builders
// of other shared arrays, the array being built: waiting would never end, so new SharedArray
// throws a TypeError instead.
var ErrCircular = errors.New("circular SharedArray construction")

// Module is the k6/data module. It holds the shared arrays of one run and is safe for
// concurrent use; register one Module per run. Each array is built once, by the first VU that
// asks for its name and outside the module lock: builders may create other shared arrays, and
// the other VUs asking for the same name wait for that build (or retry it if it fails).
type Module struct {
	mu     sync.Mutex
	arrays map[string]*entry // guarded by mu
}

// entry is one named array: in flight until done is closed, then built (a failed build is
// removed from Module.arrays before done is closed, so a closed entry in the map is built).
type entry struct {
	done  chan struct{}
	owner *builder // the VU building it while in flight; guarded by Module.mu
	elems []string // name -> JSON of each element; set before done is closed
}

// builder is the SharedArray state of one VU instance: the entry it is waiting for, which the
// cycle check follows. Guarded by Module.mu.
type builder struct {
	waiting *entry
}

// New returns an empty k6/data module.
func New() *Module { return &Module{arrays: map[string]*entry{}} }

// NewInstance implements modules.Module.
func (m *Module) NewInstance(vu modules.VU) (*goja.Object, error) {
	rt := vu.Runtime()
	parse, ok := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	if !ok {
		return nil, fmt.Errorf("k6/data: JSON.parse is not a function")
	}
	b := &builder{}
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
		elems, err := m.get(vu.Context(), b, name, func() ([]string, error) { return build(rt, fn) })
		var ex *goja.Exception
		switch {
		case err != nil && modules.StopIfCancelled(vu): // init ends here
			return rt.NewObject()
		case errors.As(err, &ex):
			panic(ex)
		case errors.Is(err, ErrCircular):
			panic(rt.NewTypeError(err.Error()))
		case err != nil:
			panic(rt.NewGoError(err))
		}
		return rt.NewDynamicArray(&view{rt: rt, parse: parse, elems: elems})
	}
	if err := obj.Set("SharedArray", ctor); err != nil {
		return nil, fmt.Errorf("k6/data: %w", err)
	}
	return obj, nil
}

// get returns the array called name: built already, built now by b with mk, or built by
// another VU while b waits. A build that fails (or panics) is forgotten, so whoever waited
// builds it again in its own runtime: an exception never crosses runtimes.
func (m *Module) get(ctx context.Context, b *builder, name string, mk func() ([]string, error)) ([]string, error) {
	for {
		m.mu.Lock()
		e, found := m.arrays[name]
		if !found {
			e = &entry{done: make(chan struct{}), owner: b}
			m.arrays[name] = e
			m.mu.Unlock()
			return m.build(name, e, mk)
		}
		select {
		case <-e.done:
			m.mu.Unlock()
			return e.elems, nil
		default:
		}
		if m.waitsFor(e, b) {
			m.mu.Unlock()
			return nil, fmt.Errorf("SharedArray %q: %w", name, ErrCircular)
		}
		b.waiting = e
		m.mu.Unlock()
		err := wait(ctx, e.done)
		m.mu.Lock()
		b.waiting = nil
		m.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("SharedArray %q: %w", name, err)
		}
	}
}

// build runs mk for e, the in-flight entry of name, then publishes or forgets the result.
func (m *Module) build(name string, e *entry, mk func() ([]string, error)) (elems []string, err error) {
	ok := false
	defer func() { // also when mk panics (a TypeError thrown by build)
		m.mu.Lock()
		if ok {
			e.elems = elems
		} else {
			delete(m.arrays, name)
		}
		e.owner = nil
		close(e.done)
		m.mu.Unlock()
	}()
	elems, err = mk()
	ok = err == nil
	return elems, err
}

// waitsFor reports whether b waiting for e would close a cycle: e's builder is b, or waits
// (through other builders) for an entry b builds. The caller holds m.mu.
func (m *Module) waitsFor(e *entry, b *builder) bool {
	for e != nil && e.owner != nil {
		if e.owner == b {
			return true
		}
		e = e.owner.waiting
	}
	return false
}

// wait blocks until done is closed or ctx ends.
func wait(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for another VU's build: %w", ctx.Err())
	}
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
