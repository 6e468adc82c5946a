package k6core

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSleep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src      string
		cancelAt time.Duration // 0: never; <0: before the call
		want     time.Duration
	}{
		{"full duration", `sleep(0.25)`, 0, 250 * time.Millisecond},
		{"integer seconds", `sleep(2)`, 0, 2 * time.Second},
		{"zero", `sleep(0)`, 0, 0},
		{"negative", `sleep(-1)`, 0, 0},
		{"cancelled before", `sleep(10)`, -1, 0},
		{"cancelled during", `sleep(10)`, 100 * time.Millisecond, 100 * time.Millisecond},
		{"cancel after the end has no effect", `sleep(0.1)`, time.Second, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				switch {
				case tc.cancelAt < 0:
					cancel()
				case tc.cancelAt > 0:
					stop := time.AfterFunc(tc.cancelAt, cancel)
					defer stop.Stop()
				}
				vu := newVU(t, ctx)
				start := time.Now()
				got, err := vu.RunErr(tc.src + `; globalThis.after = true`)
				assert.Equal(t, tc.want, time.Since(start))
				if ctx.Err() != nil {
					var ie *goja.InterruptedError
					require.ErrorAs(t, err, &ie, "a cancelled sleep interrupts the iteration")
					assert.Nil(t, vu.RT.Get("after"), "no statement runs after the interrupted sleep")
					return
				}
				require.NoError(t, err)
				assert.True(t, goja.IsUndefined(got) || got.ToBoolean())
			})
		})
	}
}

func TestFail(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, arg, want string }{
		{"message", `"boom"`, "boom"},
		{"number is stringified", `42`, "42"},
		{"empty message", `""`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, t.Context())
			_, err := vu.RunErr(`fail(` + tc.arg + `)`)
			var ex *goja.Exception
			require.ErrorAs(t, err, &ex, "fail must throw")

			got := vu.Run(t, `(() => {
				let after = false;
				try { fail(`+tc.arg+`); after = true } catch (e) { return [e instanceof Error, e.message, after] }
				return "no throw" })()`)
			assert.Equal(t, []any{true, tc.want, false}, got.Export())
		})
	}
}
