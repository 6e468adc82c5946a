package jsapi

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// executionModule is k6/execution. It needs the runner's internals (iteration counters,
// scenario), so it lives here rather than behind the modules.VU contract.
type executionModule struct{}

// NewInstance implements modules.Module.
func (executionModule) NewInstance(mv modules.VU) (*goja.Object, error) {
	v, ok := mv.(*vu)
	if !ok {
		return nil, fmt.Errorf("k6/execution: unsupported VU type %T", mv)
	}
	obj := v.rt.NewObject()
	for name, build := range map[string]func() (*goja.Object, error){
		"vu": v.execVU, "scenario": v.execScenario, "test": v.execTest, "instance": v.execInstance,
	} {
		o, err := build()
		if err != nil {
			return nil, fmt.Errorf("k6/execution: %s: %w", name, err)
		}
		if err := obj.Set(name, o); err != nil {
			return nil, fmt.Errorf("k6/execution: %s: %w", name, err)
		}
	}
	return obj, nil
}

// getters defines read-only accessor properties on a new object.
func (v *vu) getters(props map[string]func() any) (*goja.Object, error) {
	o := v.rt.NewObject()
	for name, get := range props {
		g := v.rt.ToValue(func() goja.Value { return v.rt.ToValue(get()) })
		if err := o.DefineAccessorProperty(name, g, nil, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (v *vu) execVU() (*goja.Object, error) {
	o, err := v.getters(map[string]func() any{
		"idInTest":            func() any { return v.idInTest() },
		"idInInstance":        func() any { return v.id },
		"iterationInInstance": func() any { return max(v.iter, 0) },
		"iterationInScenario": func() any { v.mustActive("vu.iterationInScenario"); return max(v.act.scnIter, 0) },
	})
	if err != nil {
		return nil, err
	}
	tags := v.rt.NewDynamicObject(vuTags{v})
	if err := o.Set("tags", tags); err != nil {
		return nil, err
	}
	meta := v.rt.NewDynamicObject(vuMetadata{v})
	m, err := v.getters(map[string]func() any{
		"tags":     func() any { return tags },
		"metadata": func() any { return meta },
	})
	if err != nil {
		return nil, err
	}
	return o, o.Set("metrics", m)
}

// idInTest is the VU's id across all the execution segments of the test (k6 vu.idInTest):
// its id in this process (vu.idInInstance and __VU, as k6) mapped through
// RunnerConfig.VUInTest. VU 0 (setup, teardown) stays 0.
func (v *vu) idInTest() uint64 {
	if v.id == 0 || v.sh.vuInTest == nil {
		return v.id
	}
	return v.sh.vuInTest(v.id-1) + 1
}

// mustActive throws outside of a scenario's iterations, like k6.
func (v *vu) mustActive(what string) {
	if !v.act.active {
		v.throw("k6/execution: %s is only available while a scenario runs", what)
	}
}

func (v *vu) execScenario() (*goja.Object, error) {
	return v.getters(map[string]func() any{
		"name":     func() any { v.mustActive("scenario.name"); return v.act.Scenario },
		"executor": func() any { v.mustActive("scenario.executor"); return v.act.Executor },
		"startTime": func() any {
			v.mustActive("scenario.startTime")
			return v.act.StartTime.UnixMilli()
		},
		"progress": func() any {
			v.mustActive("scenario.progress")
			if v.act.Run == nil {
				return 0
			}
			return v.act.Run.Progress()
		},
		"iterationInTest":     func() any { v.mustActive("scenario.iterationInTest"); return v.act.it.InTest },
		"iterationInInstance": func() any { v.mustActive("scenario.iterationInInstance"); return v.act.it.InInstance },
	})
}

func (v *vu) execTest() (*goja.Object, error) {
	o := v.rt.NewObject()
	abort := func(reason goja.Value) {
		msg := ""
		if reason != nil && !goja.IsUndefined(reason) {
			msg = reason.String()
		}
		v.rt.Interrupt(&engine.AbortError{Reason: msg})
	}
	if err := o.Set("abort", abort); err != nil {
		return nil, err
	}
	if err := o.Set("fail", v.markFailed); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v.sh.options)
	if err != nil {
		return nil, err
	}
	opts, err := v.jsonFn(goja.Undefined(), v.rt.ToValue(string(raw)))
	if err != nil {
		return nil, err
	}
	return o, o.Set("options", opts)
}

// markFailed is test.fail(reason): as in k6, the run goes on but ends failed (exit 110), and
// the reason is logged as an error.
func (v *vu) markFailed(reason goja.Value) {
	msg := "test marked as failed"
	if reason != nil && !goja.IsUndefined(reason) && !goja.IsNull(reason) {
		msg += ": " + reason.String()
	}
	if v.inInit {
		v.throw("k6/execution: test.fail() is not supported in the init code")
	}
	v.sh.markFailed(msg)
	v.Logger().Error(msg)
}

func (v *vu) execInstance() (*goja.Object, error) {
	return v.getters(map[string]func() any{
		"iterationsCompleted": func() any {
			done, _ := v.sh.iterations()
			return done
		},
		"iterationsInterrupted": func() any {
			_, cut := v.sh.iterations()
			return cut
		},
		"vusActive":      func() any { return v.sh.vusActive.Load() },
		"vusInitialized": func() any { return v.sh.vusInit.Load() },
		"currentTestRunDuration": func() any {
			return float64(time.Since(v.sh.start)) / float64(time.Millisecond)
		},
	})
}
