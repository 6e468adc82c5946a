package k6timers

import (
	"fmt"
	"math"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// names are the four functions, as globals and as the module's exports.
var names = []string{"setTimeout", "clearTimeout", "setInterval", "clearInterval"}

// New returns the k6/timers module: it exports the VU's global timer functions.
func New() modules.Module {
	return modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		rt := vu.Runtime()
		obj := rt.NewObject()
		for _, n := range names {
			if err := obj.Set(n, rt.GlobalObject().Get(n)); err != nil {
				return nil, fmt.Errorf("k6/timers: %w", err)
			}
		}
		return obj, nil
	})
}

// Install makes the four timer functions globals of the VU's runtime. They are built on first
// use (a goja function costs a VU about 0.7 KB): the global object inherits them from a lazy
// object set as its prototype.
func Install(vu modules.VU) error {
	t := &timers{vu: vu, rt: vu.Runtime()}
	proto := t.rt.NewDynamicObject(modules.NewLazyObject(t.rt, globals, t))
	if err := t.rt.GlobalObject().SetPrototype(proto); err != nil {
		return fmt.Errorf("timers: %w", err)
	}
	return nil
}

// globals build the timer functions of one VU.
var globals = modules.NewLazyTable(map[string]func(t *timers) any{
	"setTimeout":    func(t *timers) any { return t.setTimeout },
	"clearTimeout":  func(t *timers) any { return t.clear },
	"setInterval":   func(t *timers) any { return t.setInterval },
	"clearInterval": func(t *timers) any { return t.clear },
})

// timers are the functions of one VU; used on its goroutine only.
type timers struct {
	vu modules.VU
	rt *goja.Runtime
}

// setTimeout(callback, delay, ...args) returns the timer's id.
func (t *timers) setTimeout(call goja.FunctionCall) goja.Value {
	return t.set(call, false, "setTimeout")
}

// setInterval(callback, delay, ...args) returns the timer's id.
func (t *timers) setInterval(call goja.FunctionCall) goja.Value {
	return t.set(call, true, "setInterval")
}

func (t *timers) set(call goja.FunctionCall, repeat bool, name string) goja.Value {
	fn, ok := goja.AssertFunction(call.Argument(0))
	if !ok {
		panic(t.rt.NewTypeError(name + "'s callback isn't a callable function"))
	}
	ms := call.Argument(1).ToFloat()
	if math.IsNaN(ms) || ms < 0 {
		ms = 0
	}
	ms = min(ms, math.MaxInt32) // about 24.8 days, as browsers bound it
	var args []goja.Value
	if len(call.Arguments) > 2 {
		args = append(args, call.Arguments[2:]...)
	}
	this := t.rt.GlobalObject()
	id := t.vu.EventLoop().SetTimer(time.Duration(ms*float64(time.Millisecond)), repeat, func() error {
		_, err := fn(this, args...)
		return err
	})
	return t.rt.ToValue(id)
}

// clear implements clearTimeout(id) and clearInterval(id), which are interchangeable.
func (t *timers) clear(call goja.FunctionCall) goja.Value {
	if id := call.Argument(0).ToInteger(); id > 0 {
		t.vu.EventLoop().ClearTimer(uint64(id))
	}
	return goja.Undefined()
}
