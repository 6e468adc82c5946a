package jsapi

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
)

// ErrNoExport is returned by Iterate when the scenario's exec names a function the script
// does not export.
var ErrNoExport = errNoExport

// activation is the per-scenario state cached by Activate so Iterate allocates little.
type activation struct {
	engine.Activation
	active  bool
	fn      goja.Callable
	fnErr   error
	data    goja.Value
	tags    *metrics.Tags // base tags of the scenario (group "")
	it      engine.Iteration
	scnIter uint64 // this VU's iterations in the scenario so far
}

// Activate implements engine.VU: it selects the exported function, sets the scenario's tags
// and __ENV, and copies the setup data into this runtime.
func (v *vu) Activate(a engine.Activation) engine.ActiveVU {
	if v.act.active {
		v.Deactivate()
	}
	exec := a.Exec
	if exec == "" {
		exec = "default"
	}
	v.act = activation{Activation: a, active: true, data: v.setupData()}
	v.act.Exec = exec
	if fn, ok := v.exportedFunc(exec); ok {
		v.act.fn = fn
	} else {
		v.act.fnErr = fmt.Errorf("scenario %q: exec %q: %w", a.Scenario, exec, errNoExport)
	}
	tags := map[string]string{"scenario": a.Scenario}
	for k, val := range a.Tags {
		tags[k] = val
	}
	v.act.tags = v.sh.baseTags.Merge(tags)
	v.tags = v.act.tags
	if len(a.Env) > 0 || v.envLayered {
		_ = v.setEnv(v.sh.env, a.Env)
		v.envLayered = len(a.Env) > 0
	}
	v.act.scnIter = v.scenarioIter[a.Scenario]
	v.metadata = nil
	if a.Run != nil && v.sh.run.Load() == nil {
		v.sh.run.Store(&a.Run)
	}
	v.sh.vusActive.Add(1)
	return v
}

// Deactivate implements engine.ActiveVU.
func (v *vu) Deactivate() {
	if !v.act.active {
		return
	}
	v.scenarioIter[v.act.Scenario] = v.act.scnIter
	v.watch.stop(v.rt)
	v.act = activation{}
	v.tags = v.sh.baseTags
	v.metadata = nil
	v.ctx = context.Background()
	v.sh.vusActive.Add(-1)
}

// Iterate implements engine.ActiveVU: it runs the scenario's function once under ctx and
// returns how it ended. The VU records no iteration metric: the engine records iterations,
// iteration_duration, iteration_errors and iterations_interrupted from the returned error
// (an uncaught exception is logged here, rate-limited, see finish).
func (v *vu) Iterate(ctx context.Context, it engine.Iteration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("iterate: %w", err)
	}
	if v.act.fn == nil {
		if v.act.fnErr != nil {
			return v.act.fnErr
		}
		return fmt.Errorf("iterate: VU %d is not activated", v.id)
	}
	v.watch.set(ctx, v.rt)
	v.ctx = ctx
	v.iter++
	v.act.it = it
	v.tags = v.act.tags
	for _, h := range v.hooks {
		h()
	}
	err := v.runLoop(ctx, v.execFn)
	v.act.scnIter++
	return v.finish(ctx, err)
}

// callExec calls the scenario's function: the first task of an iteration's event loop run,
// which ends when the function and everything it left pending are done (a promise the
// function returns that rejects with no handler fails the iteration).
func (v *vu) callExec() error {
	_, err := v.act.fn(goja.Undefined(), v.act.data)
	return err
}

// finish classifies err; the engine records the iteration metrics (iterations,
// iteration_duration, iteration_errors, iterations_interrupted) from the outcome.
func (v *vu) finish(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	err = v.jsError(ctx, err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ab *engine.AbortError
	if errors.As(err, &ab) {
		return ab
	}
	v.sh.errlog.log(v.id, err)
	return err
}

// PanicError is a Go panic raised by native (module) code while JavaScript ran, recovered so
// that it fails one iteration, init or setup instead of the process. It unwraps to a
// *ScriptError whose Msg names the panic value and the Go function that panicked and whose
// Stack is the Go stack: it is logged and counted like an uncaught exception, and before the
// load it is a script error (exit code 107).
type PanicError struct {
	Value  any          // the value given to panic
	Script *ScriptError // the error as an uncaught exception
}

func (e *PanicError) Error() string { return e.Script.Error() }

// Unwrap returns the *ScriptError.
func (e *PanicError) Unwrap() error { return e.Script }

// protect runs fn (a call into JS) and turns a Go panic raised below it into a *PanicError.
// goja restores its VM state before a Go panic leaves it, so the runtime stays usable.
func protect[T any](fn func() (T, error)) (res T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newPanicError(p)
		}
	}()
	return fn()
}

// newPanicError builds protect's error; it must be called from the deferred recover, while
// the panicking frames are still on the stack.
func newPanicError(p any) *PanicError {
	msg := fmt.Sprintf("panic in native code: %v", p)
	if where := panicOrigin(); where != "" {
		msg += " (at " + where + ")"
	}
	return &PanicError{Value: p, Script: &ScriptError{Msg: msg, Stack: string(debug.Stack())}}
}

// panicOrigin returns "function file:line" of the frame that panicked: the first non-runtime
// frame outside the outermost runtime.gopanic (goja recovers and re-panics on the way, which
// stacks more gopanic frames above the first one).
func panicOrigin() string {
	pcs := make([]uintptr, 512)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	origin, seenPanic := "", false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			origin, seenPanic = "", true
		case seenPanic && origin == "" && !strings.HasPrefix(f.Function, "runtime."):
			origin = fmt.Sprintf("%s %s:%d", f.Function, filepath.Base(f.File), f.Line)
		}
		if !more {
			return origin
		}
	}
}
