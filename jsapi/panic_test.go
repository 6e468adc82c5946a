package jsapi

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// boomModule is a faulty native module: boom(where) indexes an empty slice (a Go runtime
// panic, not a JS exception), via(fn) calls fn back from Go, ok() works.
func boomModule() modules.Module {
	return modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		o := vu.Runtime().NewObject()
		var empty []string
		for name, fn := range map[string]any{
			"boom": func(where string) string { return empty[len(where)] },
			"via":  func(fn goja.Callable) (goja.Value, error) { return fn(goja.Undefined()) },
			"ok":   func() string { return "ok" },
		} {
			if err := o.Set(name, fn); err != nil {
				return nil, err
			}
		}
		return o, nil
	})
}

// panicScript calls boom where __ENV.AT says (init, setup, teardown, handleSummary, iteration,
// nested: through a JS callback called from Go, inside a JS try/catch).
const panicScript = `import { boom, via, ok } from "nnjs/boom";
const at = __ENV.AT;
if (at === "init") boom("init");
export function setup() { if (at === "setup") boom("setup"); return { n: 1 }; }
export default function () {
  if (__ITER === 0 && at === "iteration") boom("iteration");
  if (__ITER === 0 && at === "nested") {
    try { via(() => boom("nested")); } catch (e) { globalThis.caught = true; }
  }
  globalThis.after = ok();
}
export function teardown() { if (at === "teardown") boom("teardown"); }
export function handleSummary() { if (at === "handleSummary") boom("summary"); return { stdout: "x" }; }
`

// newPanicHarness compiles panicScript with the default modules plus nnjs/boom, AT=at.
func newPanicHarness(t *testing.T, at string) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "panic.js")
	require.NoError(t, os.WriteFile(path, []byte(panicScript), 0o600))
	reg := DefaultModules()
	reg.Register(boomModule(), "nnjs/boom")
	prg, err := Compile(path, CompileOptions{Modules: reg})
	require.NoError(t, err)
	h := &harness{t: t, prg: prg, rec: &fakeRecorders{}, logs: &logRecords{}, reg: metrics.NewRegistry()}
	h.r, err = NewRunner(prg, RunnerConfig{Registry: h.reg, NewRecorder: h.rec.new,
		Env: map[string]string{"AT": at}, Logger: slog.New(h.logs)})
	require.NoError(t, err)
	return h
}

// requirePanicError checks that err is a recovered panic from boomModule, as a *ScriptError
// naming the panic and its Go origin with the Go stack.
func requirePanicError(t *testing.T, err error) {
	t.Helper()
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Msg, "panic in native code: runtime error: index out of range")
	assert.Contains(t, se.Msg, "panic_test.go", "the message names the Go function that panicked")
	assert.Contains(t, se.Stack, "panic_test.go")
	assert.Contains(t, se.Stack, "goroutine ")
}

func TestPanicInIterationFailsOnlyThatIteration(t *testing.T) {
	t.Parallel()
	for _, at := range []string{"iteration", "nested"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			h := newPanicHarness(t, at)
			v := h.vu(1, "")
			err := v.Iterate(context.Background(), engine.Iteration{})
			requirePanicError(t, err)
			assert.Nil(t, v.global("after"), "the iteration stopped at the panic")
			assert.Nil(t, v.global("caught"), "a Go panic is not a JS exception: try/catch does not see it")

			require.Len(t, h.logs.messages(), 1, "logged like an uncaught exception")
			assert.Contains(t, h.logs.messages()[0], "panic in native code")
			stack, ok := h.logs.attr(0, "stack")
			require.True(t, ok)
			assert.Contains(t, stack.String(), "panic_test.go", "the Go stack is in the log")

			require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}), "the runtime is still usable")
			assert.Equal(t, "ok", v.global("after"))
		})
	}
}

func TestPanicBeforeLoadIsScriptError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		at   string
		call func(*Runner) error
	}{
		{"init", func(r *Runner) error { return r.Setup(context.Background()) }},
		{"setup", func(r *Runner) error { return r.Setup(context.Background()) }},
		{"teardown", func(r *Runner) error { return r.Teardown(context.Background()) }},
		{"handleSummary", func(r *Runner) error {
			_, _, err := r.HandleSummary(context.Background(), map[string]any{})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			t.Parallel()
			h := newPanicHarness(t, tc.at)
			err := tc.call(h.r)
			requirePanicError(t, err)
			require.NotEmpty(t, h.logs.messages())
			stack, ok := h.logs.attr(0, "stack")
			require.True(t, ok, "the Go stack is logged")
			assert.Contains(t, stack.String(), "panic_test.go")
		})
	}
}

func TestPanicInProbeInitIsScriptError(t *testing.T) {
	t.Parallel()
	h := newPanicHarness(t, "")
	_, err := h.prg.Options(context.Background(), map[string]string{"AT": "init"})
	requirePanicError(t, err)
	_, err = h.prg.Options(context.Background(), map[string]string{"AT": "setup"})
	require.NoError(t, err, "no panic in init code: the probe succeeds")
}

// TestPanicScriptWithoutPanic is the control: the script and module work when nothing panics.
func TestPanicScriptWithoutPanic(t *testing.T) {
	t.Parallel()
	h := newPanicHarness(t, "none")
	require.NoError(t, h.r.Setup(context.Background()))
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "ok", v.global("after"))
	require.NoError(t, h.r.Teardown(context.Background()))
	assert.Empty(t, h.logs.messages())
}
