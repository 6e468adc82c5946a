package jsapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/eventloop"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// vu is one goja runtime with the state a VU needs: it implements engine.VU,
// engine.ActiveVU and modules.VU. It is used by one goroutine at a time.
type vu struct {
	sh      *shared
	id      uint64
	rt      *goja.Runtime
	exports *goja.Object
	ctx     context.Context
	inInit  bool
	rec     metrics.Recorder
	live    liveRecorder // rec as modules see it
	tags    *metrics.Tags
	hooks   []func()
	mods    map[string]*goja.Object
	watch   ctxWatch
	loop    *eventloop.Loop
	execFn  func() error  // v.callExec, bound once
	jsonFn  goja.Callable // JSON.parse of this runtime, cached
	strFn   goja.Callable // JSON.stringify of this runtime, cached
	logger  *slog.Logger  // the run's logger with vu=<id>, built on first use

	// iteration state
	iter         int64 // __ITER: iterations started by this VU, across scenarios (-1 before the first)
	scenarioIter map[string]uint64
	act          activation
	envLayered   bool // __ENV holds a scenario's env on top of the run's
	// metadata is k6/execution's vu.metrics.metadata, for the current scenario.
	metadata map[string]string
}

var (
	_ engine.VU       = (*vu)(nil)
	_ engine.ActiveVU = (*vu)(nil)
	_ modules.VU      = (*vu)(nil)
)

// newVU builds a runtime, installs the globals and runs the init code under ctx.
func newVU(ctx context.Context, sh *shared, id uint64, rec metrics.Recorder) (*vu, error) {
	v := &vu{
		sh: sh, id: id, rt: goja.New(), ctx: ctx, inInit: true, rec: rec, iter: -1,
		mods: map[string]*goja.Object{}, scenarioIter: map[string]uint64{},
	}
	v.tags = sh.baseTags
	v.live.v = v
	v.loop = eventloop.New(v.rt)
	v.execFn = v.callExec
	v.jsonFn = v.lazyJSON("parse", &v.jsonFn)
	v.strFn = v.lazyJSON("stringify", &v.strFn)
	if err := v.installGlobals(sh.env); err != nil {
		return nil, fmt.Errorf("vu %d: %w", id, err)
	}
	if err := v.runInit(ctx); err != nil {
		return nil, fmt.Errorf("vu %d: init: %w", id, err)
	}
	v.inInit = false
	return v, nil
}

// lazyJSON returns a callable that, on its first call, looks up JSON[name] of the runtime,
// stores it in *slot and calls it: a VU that never uses it does not materialise goja's JSON
// object (about 4.5 KB).
func (v *vu) lazyJSON(name string, slot *goja.Callable) goja.Callable {
	return func(this goja.Value, args ...goja.Value) (goja.Value, error) {
		fn := mustFunc(v.rt.Get("JSON").ToObject(v.rt).Get(name))
		*slot = fn
		return fn(this, args...)
	}
}

func mustFunc(v goja.Value) goja.Callable {
	fn, ok := goja.AssertFunction(v)
	if !ok {
		panic("jsapi: built-in is not a function")
	}
	return fn
}

// runInit evaluates the bundle, a function of (module, exports, require), on the event loop
// (init code may use timers and promises).
func (v *vu) runInit(ctx context.Context) error {
	v.watch.set(ctx, v.rt)
	defer v.watch.stop(v.rt)
	wrapper, err := v.rt.RunProgram(v.sh.prg.code)
	if err != nil {
		return v.jsError(ctx, err)
	}
	fn, ok := goja.AssertFunction(wrapper)
	if !ok {
		return fmt.Errorf("bundle did not evaluate to a function")
	}
	module := v.rt.NewObject()
	exports := v.rt.NewObject()
	_ = module.Set("exports", exports)
	err = v.runLoop(ctx, func() error {
		_, err := fn(goja.Undefined(), module, exports, v.rt.ToValue(v.require))
		return err
	})
	if err != nil {
		return v.jsError(ctx, err)
	}
	ex := module.Get("exports")
	if ex == nil || goja.IsUndefined(ex) || goja.IsNull(ex) {
		ex = v.rt.NewObject()
	}
	v.exports = ex.ToObject(v.rt)
	return nil
}

// runLoop runs task and what it leaves pending on the VU's event loop under ctx; a Go panic
// in native code becomes a *PanicError.
func (v *vu) runLoop(ctx context.Context, task func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newPanicError(p)
		}
	}()
	return v.loop.Run(ctx, task)
}

// jsError converts an error returned by the runtime: an interrupt caused by ctx becomes the
// ctx error, an abort the *engine.AbortError, an exception or an unhandled rejection a
// *ScriptError.
func (v *vu) jsError(ctx context.Context, err error) error {
	var re *eventloop.RejectionError
	if errors.As(err, &re) {
		return v.rejectionError(re)
	}
	var ie *goja.InterruptedError
	if asInterrupt(err, &ie) {
		v.rt.ClearInterrupt()
		if ab, ok := ie.Value().(*engine.AbortError); ok {
			return ab
		}
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("interrupted: %w", cerr)
		}
		if e, ok := ie.Value().(error); ok {
			return fmt.Errorf("interrupted: %w", e)
		}
		return fmt.Errorf("interrupted: %v", ie.Value())
	}
	return scriptErrorFrom(err)
}

// exportedFunc returns the function the script exports under name.
func (v *vu) exportedFunc(name string) (goja.Callable, bool) {
	if v.exports == nil {
		return nil, false
	}
	return goja.AssertFunction(v.exports.Get(name))
}

// ID implements engine.VU and modules.VU.
func (v *vu) ID() uint64 { return v.id }

// Runtime implements modules.VU.
func (v *vu) Runtime() *goja.Runtime { return v.rt }

// Context implements modules.VU: the event loop's context once asynchronous work started in
// this run, the run's context otherwise.
func (v *vu) Context() context.Context {
	if c := v.loop.Context(); c != nil {
		return c
	}
	return v.ctx
}

// EventLoop implements modules.VU.
func (v *vu) EventLoop() *eventloop.Loop { return v.loop }

// InInit implements modules.VU.
func (v *vu) InInit() bool { return v.inInit }

// Recorder implements modules.VU: samples recorded once the VU's context has ended are
// dropped (see liveRecorder).
func (v *vu) Recorder() metrics.Recorder { return &v.live }

// liveRecorder is the recorder modules see. It drops samples once the VU's context has ended,
// as k6 does: an interrupted iteration records nothing after the stop, even in the moment
// between the stop and the runtime's interrupt.
type liveRecorder struct{ v *vu }

func (r *liveRecorder) Add(m *metrics.Metric, tags *metrics.Tags, val float64) {
	if r.v.ctx.Err() == nil {
		r.v.rec.Add(m, tags, val)
	}
}

// Registry implements modules.VU.
func (v *vu) Registry() *metrics.Registry { return v.sh.registry }

// Tags implements modules.VU.
func (v *vu) Tags() *metrics.Tags { return v.tags }

// SetTags implements modules.VU.
func (v *vu) SetTags(t *metrics.Tags) { v.tags = t }

// Options implements modules.VU.
func (v *vu) Options() *options.Options { return v.sh.options }

// OnIterationStart implements modules.VU.
func (v *vu) OnIterationStart(fn func()) { v.hooks = append(v.hooks, fn) }

// Logger implements modules.VU.
func (v *vu) Logger() *slog.Logger {
	if v.logger == nil {
		v.logger = v.sh.logger.With("vu", v.id)
	}
	return v.logger
}

// throw panics with a JS TypeError, the way a Go function called from JS throws.
func (v *vu) throw(format string, args ...any) {
	panic(v.rt.NewTypeError(fmt.Sprintf(format, args...)))
}
