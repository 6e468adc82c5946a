package k6metrics

import (
	"fmt"
	"math"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// New returns the k6/metrics module.
func New() modules.Module { return modules.ModuleFunc(newInstance) }

func newInstance(vu modules.VU) (*goja.Object, error) {
	rt := vu.Runtime()
	obj := rt.NewObject()
	for name, typ := range map[string]metrics.Type{
		"Counter": metrics.Counter, "Gauge": metrics.Gauge, "Rate": metrics.Rate, "Trend": metrics.Trend,
	} {
		if err := obj.Set(name, constructor(vu, typ)); err != nil {
			return nil, fmt.Errorf("k6/metrics: %s: %w", name, err)
		}
	}
	return obj, nil
}

// constructor returns the JS constructor `new <Type>(name, isTime)`.
func constructor(vu modules.VU, typ metrics.Type) func(goja.ConstructorCall) *goja.Object {
	rt := vu.Runtime()
	return func(call goja.ConstructorCall) *goja.Object {
		if !vu.InInit() {
			panic(rt.NewTypeError(fmt.Sprintf("new %s() must be called in init code", typeName(typ))))
		}
		nameArg := call.Argument(0)
		if goja.IsUndefined(nameArg) || goja.IsNull(nameArg) {
			panic(rt.NewTypeError(fmt.Sprintf("new %s(): a metric name is required", typeName(typ))))
		}
		contains := metrics.Default
		if call.Argument(1).ToBoolean() && (typ == metrics.Trend || typ == metrics.Gauge) {
			contains = metrics.Time
		}
		m, err := vu.Registry().New(nameArg.String(), typ, contains)
		if err != nil {
			panic(rt.NewGoError(fmt.Errorf("new %s(): %w", typeName(typ), err)))
		}
		this := call.This
		_ = this.Set("name", m.Name)
		_ = this.Set("add", adder(vu, m))
		return nil
	}
}

// adder returns metric.add(value, tags?): it records value with the VU's current tags plus
// the given ones and returns true. A value that is not a number throws.
func adder(vu modules.VU, m *metrics.Metric) func(goja.FunctionCall) goja.Value {
	rt := vu.Runtime()
	return func(call goja.FunctionCall) goja.Value {
		if vu.InInit() {
			panic(rt.NewTypeError(fmt.Sprintf("%s.add() cannot be called in init code", m.Name)))
		}
		v := call.Argument(0).ToFloat()
		if math.IsNaN(v) {
			panic(rt.NewTypeError(fmt.Sprintf("%s.add(): %s is not a number", m.Name, call.Argument(0))))
		}
		tags := vu.Tags()
		if o, ok := call.Argument(1).(*goja.Object); ok {
			keys := o.Keys()
			extra := make(map[string]string, len(keys))
			for _, k := range keys {
				extra[k] = o.Get(k).String()
			}
			tags = tags.Merge(extra)
		}
		vu.Recorder().Add(m, tags, v)
		return rt.ToValue(true)
	}
}

func typeName(t metrics.Type) string {
	switch t {
	case metrics.Counter:
		return "Counter"
	case metrics.Gauge:
		return "Gauge"
	case metrics.Rate:
		return "Rate"
	}
	return "Trend"
}
