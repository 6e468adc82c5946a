package jsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// Setup implements engine.Runner: it runs setup() once (if exported) and keeps the JSON of
// its result for every VU and teardown. ctx carries the setup timeout: when it ends, the
// script is interrupted and the error wraps ctx's error.
func (r *Runner) Setup(ctx context.Context) error {
	_, err := r.callLifecycle(ctx, "setup", nil, func(v *vu, res goja.Value) error {
		if goja.IsUndefined(res) {
			return nil
		}
		js, err := v.strFn(goja.Undefined(), res)
		if err != nil {
			return fmt.Errorf("result is not JSON-serialisable: %w", scriptErrorFrom(err))
		}
		if !goja.IsUndefined(js) {
			r.sh.setupMu.Lock()
			r.sh.setupJSON = js.String()
			r.sh.setupMu.Unlock()
		}
		return nil
	})
	return err
}

// Teardown implements engine.Runner: it runs teardown(data) once (if exported) with a copy of
// setup()'s result.
func (r *Runner) Teardown(ctx context.Context) error {
	_, err := r.callLifecycle(ctx, "teardown", func(v *vu) []goja.Value {
		return []goja.Value{v.setupData()}
	}, nil)
	return err
}

// HandleSummary runs handleSummary(data) if the script exports it and returns its outputs:
// "stdout", "stderr" or a file path mapped to the content. ok is false when the script does
// not export handleSummary. data is passed through JSON.
func (r *Runner) HandleSummary(ctx context.Context, data any) (out map[string][]byte, ok bool, err error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, false, fmt.Errorf("handleSummary: encode data: %w", err)
	}
	args := func(v *vu) []goja.Value {
		arg, _ := v.jsonFn(goja.Undefined(), v.rt.ToValue(string(raw)))
		return []goja.Value{arg}
	}
	ok, err = r.callLifecycle(ctx, "handleSummary", args, func(v *vu, res goja.Value) error {
		var err error
		out, err = summaryOutputs(res)
		return err
	})
	if err != nil || !ok {
		return nil, false, err
	}
	return out, true, nil
}

// callLifecycle calls the exported function name in the VU 0 runtime, then post with its
// result (a fulfilled promise is unwrapped). found is false when name is not exported. A Go
// panic in native code (during VU 0's init or the call) is logged with its Go stack and
// returned as a *PanicError.
func (r *Runner) callLifecycle(ctx context.Context, name string, args func(*vu) []goja.Value,
	post func(*vu, goja.Value) error) (found bool, err error) {
	r.lifeMu.Lock()
	defer r.lifeMu.Unlock()
	found, err = protect(func() (bool, error) { return r.runLifecycle(ctx, name, args, post) })
	var pe *PanicError
	if errors.As(err, &pe) {
		r.sh.logger.Error(pe.Error(), "source", name, "vu", 0, "stack", pe.Script.Stack)
		return true, fmt.Errorf("%s: %w", name, err)
	}
	return found, err
}

// runLifecycle is callLifecycle under lifeMu.
func (r *Runner) runLifecycle(ctx context.Context, name string, args func(*vu) []goja.Value,
	post func(*vu, goja.Value) error) (found bool, err error) {
	v, err := r.lifecycle(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: %w", name, err)
	}
	fn, ok := v.exportedFunc(name)
	if !ok {
		return false, nil
	}
	v.ctx, v.tags = ctx, r.sh.baseTags
	v.watch.set(ctx, v.rt)
	defer v.watch.stop(v.rt)
	var argv []goja.Value
	if args != nil {
		argv = args(v)
	}
	var res goja.Value
	err = v.runLoop(ctx, func() error {
		var err error
		res, err = fn(goja.Undefined(), argv...)
		return err
	})
	if err != nil {
		return true, fmt.Errorf("%s: %w", name, v.jsError(ctx, err))
	}
	if post != nil {
		if err := post(v, settled(res)); err != nil {
			return true, fmt.Errorf("%s: %w", name, err)
		}
	}
	return true, nil
}

// settled returns the value of a fulfilled promise, or v itself.
func settled(v goja.Value) goja.Value {
	if o, ok := v.(*goja.Object); ok {
		if p, ok := o.Export().(*goja.Promise); ok && p.State() == goja.PromiseStateFulfilled {
			return p.Result()
		}
	}
	return v
}

// summaryOutputs converts handleSummary's result object into content per destination.
func summaryOutputs(res goja.Value) (map[string][]byte, error) {
	out := map[string][]byte{}
	if goja.IsUndefined(res) || goja.IsNull(res) {
		return out, nil
	}
	obj, ok := res.(*goja.Object)
	if !ok {
		return nil, fmt.Errorf("handleSummary: must return an object, got %s", res.String())
	}
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		if ab, ok := val.Export().(goja.ArrayBuffer); ok {
			out[k] = append([]byte(nil), ab.Bytes()...)
			continue
		}
		out[k] = []byte(val.String())
	}
	return out, nil
}

// Options runs the init code in a probe runtime with env as __ENV and returns the JSON of
// the script's `options` export ("{}" when it exports none). Console output of the probe
// is discarded; custom metrics go to a throw-away registry.
func (p *Program) Options(ctx context.Context, env map[string]string) (json.RawMessage, error) {
	return p.Probe(ctx, env, nil)
}

// Probe is Options with the run's metric registry: custom metrics the init code creates are
// registered in reg, so thresholds on them can be validated before any VU exists. A nil reg
// means a throwaway registry.
func (p *Program) Probe(ctx context.Context, env map[string]string, reg *metrics.Registry) (json.RawMessage, error) {
	info, err := p.Inspect(ctx, env, reg)
	return info.Options, err
}

// ScriptInfo is what the init code of a script declares: its options and the names of the
// functions it exports (candidates for a scenario's exec).
type ScriptInfo struct {
	Options   json.RawMessage
	Functions []string
}

// HasFunction reports whether the script exports a function named name.
func (i ScriptInfo) HasFunction(name string) bool {
	return slices.Contains(i.Functions, name)
}

// Inspect runs the init code once in a probe runtime (see Probe) and returns the options and
// the exported function names.
func (p *Program) Inspect(ctx context.Context, env map[string]string, reg *metrics.Registry) (ScriptInfo, error) {
	var info ScriptInfo
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	sh := newShared(p, nil, reg, options.Options{}, nil, env)
	v, err := protect(func() (*vu, error) { return newVU(ctx, sh, 0, discardRecorder{}) })
	if err != nil {
		return info, fmt.Errorf("options: %w", err)
	}
	for _, k := range v.exports.Keys() {
		if _, ok := goja.AssertFunction(v.exports.Get(k)); ok {
			info.Functions = append(info.Functions, k)
		}
	}
	slices.Sort(info.Functions)
	opts := v.exports.Get("options")
	if opts == nil || goja.IsUndefined(opts) || goja.IsNull(opts) {
		info.Options = json.RawMessage("{}")
		return info, nil
	}
	js, err := v.strFn(goja.Undefined(), opts)
	if err != nil {
		return info, fmt.Errorf("options: not JSON-serialisable: %w", scriptErrorFrom(err))
	}
	info.Options = json.RawMessage(js.String())
	return info, nil
}

type discardRecorder struct{}

func (discardRecorder) Add(*metrics.Metric, *metrics.Tags, float64) {}
