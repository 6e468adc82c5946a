package eventloop

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script runs src as the first task of a run of a fresh loop, with log(x) appending to the
// returned slice.
func script(t *testing.T, ctx context.Context, src string, setup func(*Loop, *goja.Runtime)) ([]string, error) {
	t.Helper()
	rt := goja.New()
	l := New(rt)
	var log []string
	require.NoError(t, rt.Set("log", func(s string) { log = append(log, s) }))
	if setup != nil {
		setup(l, rt)
	}
	err := l.Run(ctx, func() error { _, err := rt.RunString(src); return err })
	return log, err
}

// timers installs setTimeout(fn, ms) and setInterval(fn, ms), clearTimeout(id) on rt.
func timers(l *Loop, rt *goja.Runtime) {
	set := func(repeat bool) func(fn goja.Callable, ms float64) uint64 {
		return func(fn goja.Callable, ms float64) uint64 {
			return l.SetTimer(time.Duration(ms*float64(time.Millisecond)), repeat, func() error {
				_, err := fn(goja.Undefined())
				return err
			})
		}
	}
	_ = rt.Set("setTimeout", set(false))
	_ = rt.Set("setInterval", set(true))
	_ = rt.Set("clearTimeout", l.ClearTimer)
}

func TestTimersOrder(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		log, err := script(t, t.Context(), `
			setTimeout(() => log("t20"), 20);
			setTimeout(() => log("t0a"), 0);
			setTimeout(() => log("t0b"), 0);
			setTimeout(() => log("t10"), 10);
			Promise.resolve().then(() => log("micro"));
			const x = setTimeout(() => log("cleared"), 5);
			clearTimeout(x);
			let n = 0;
			const iv = setInterval(() => { n++; log("iv" + n); if (n === 3) clearTimeout(iv); }, 7);
			log("sync");`, timers)
		require.NoError(t, err)
		assert.Equal(t, []string{"sync", "micro", "t0a", "t0b", "iv1", "t10", "iv2", "t20", "iv3"}, log)
		assert.Equal(t, 21*time.Millisecond, time.Since(start), "the run ends with its last timer")
	})
}

func TestReservedCallbacksRunOnTheLoop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var loopCtx context.Context
		log, err := script(t, t.Context(), `start(); log("sync")`, func(l *Loop, rt *goja.Runtime) {
			_ = rt.Set("start", func() {
				done := l.Reserve()
				loopCtx = l.Context()
				go func() {
					time.Sleep(time.Second)
					done(func() error { _, err := rt.RunString(`log("callback")`); return err })
				}()
			})
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"sync", "callback"}, log, "the run waited for the callback")
		assert.ErrorIs(t, loopCtx.Err(), context.Canceled, "the run's context ends with the run")
	})
}

func TestContextEndStopsTheRun(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 2500*time.Millisecond)
		defer cancel()
		handed := false
		log, err := script(t, ctx, `start(); setInterval(() => log("tick"), 1000)`, func(l *Loop, rt *goja.Runtime) {
			timers(l, rt)
			_ = rt.Set("start", func() {
				done, wctx := l.Reserve(), l.Context()
				go func() {
					<-wctx.Done() // the work obeys the run's context
					handed = true
					done(func() error { _, err := rt.RunString(`log("late")`); return err })
				}()
			})
		})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.True(t, handed, "Run waited for the reserved callback")
		assert.Equal(t, []string{"tick", "tick"}, log, "no callback ran after the end")
	})
}

func TestTaskErrorEndsTheRun(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		log, err := script(t, t.Context(), `
			setTimeout(() => { throw new Error("boom") }, 10);
			setTimeout(() => log("never"), 20);`, timers)
		var ex *goja.Exception
		require.ErrorAs(t, err, &ex)
		assert.Contains(t, ex.Error(), "boom")
		assert.Empty(t, log)
	})
}

func TestUnhandledRejection(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, want string }{
		{"async throw", `(async () => { throw new Error("bad") })()`, "Error: bad"},
		{"reject in a timer", `setTimeout(() => Promise.reject("late"), 0)`, "late"},
		{"handled in the same task", `const p = Promise.reject(1); p.catch(() => {})`, ""},
		{"await caught", `(async () => { try { await Promise.reject(2) } catch (e) {} })()`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				_, err := script(t, t.Context(), tc.src, timers)
				if tc.want == "" {
					require.NoError(t, err)
					return
				}
				var re *RejectionError
				require.ErrorAs(t, err, &re)
				assert.Contains(t, re.Error(), "uncaught (in promise) "+tc.want)
				require.NotEmpty(t, re.Stack, "where it was rejected")
			})
		})
	}
}

func TestMisuse(t *testing.T) {
	t.Parallel()
	l := New(goja.New())
	assert.Panics(t, func() { l.Reserve() }, "outside Run")
	assert.Panics(t, func() { l.SetTimer(0, false, nil) }, "outside Run")
	err := l.Run(context.Background(), func() error {
		done := l.Reserve()
		done(nil)
		assert.Panics(t, func() { done(nil) }, "handed back twice")
		return errors.New("stop")
	})
	assert.EqualError(t, err, "stop")
}
