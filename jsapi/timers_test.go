package jsapi

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestTimersOrderAndClear(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "timers.js", options.Options{}, nil)
	v := h.vu(1, "order")
	start := time.Now()
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.GreaterOrEqual(t, time.Since(start), 15*time.Millisecond, "the iteration waited for its last timer")
	assert.Equal(t, []any{"sync", "microtask", "timeout 0", "args 1 2", "interval 1", "interval 2",
		"interval 3", "late"}, v.global("log"))

	v = h.vu(2, "sameFunctions")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.Equal(t, true, v.global("same"), "k6/timers exports the globals")
}

func TestAsyncIterationAwaitsTimers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "timers.js", options.Options{}, nil)
	v := h.vu(1, "awaits")
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}))
	assert.GreaterOrEqual(t, v.global("waited"), int64(35), "await settles across timers")
}

func TestAsyncFailuresFailTheIteration(t *testing.T) {
	t.Parallel()
	script, err := filepath.Abs(filepath.Join("testdata", "timers.js"))
	require.NoError(t, err)
	for _, tc := range []struct {
		exec, msg string
		line      int
	}{
		{"throwsInTimer", "Error: timer boom", 38},
		{"rejects", "uncaught (in promise) Error: async boom", 44},
		{"unhandled", "uncaught (in promise) plain reason", 48},
	} {
		t.Run(tc.exec, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "timers.js", options.Options{}, nil)
			v := h.vu(1, tc.exec)
			err := v.Iterate(t.Context(), engine.Iteration{})
			var se *ScriptError
			require.ErrorAs(t, err, &se)
			assert.Contains(t, se.Msg, tc.msg)
			assert.Equal(t, script, se.File, "reported with the file")
			assert.Equal(t, tc.line, se.Line, "and the line")
			assert.Len(t, h.logs.messages(), 1, "logged like an uncaught exception")

			v.Deactivate()
			v.Activate(engine.Activation{Scenario: "s", Exec: "done"})
			require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}), "nothing is left pending")
		})
	}
}

func TestStopDropsPendingTimers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "timers.js", options.Options{}, nil)
	v := h.vu(1, "forever")
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	err := v.Iterate(ctx, engine.Iteration{})
	require.True(t, errors.Is(err, context.DeadlineExceeded), "an interval keeps the iteration going until the stop: %v", err)
	ticks := v.global("ticks")
	assert.Positive(t, ticks)
	assert.Empty(t, h.logs.messages(), "an interrupted iteration is not an error")

	v.Deactivate()
	v.Activate(engine.Activation{Scenario: "s", Exec: "done"})
	require.NoError(t, v.Iterate(t.Context(), engine.Iteration{}), "the interval did not survive the stop")
	assert.Equal(t, ticks, v.global("ticks"))
	assert.Zero(t, v.loop.Timers())
}

func TestAsyncSetupAndTeardown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "timers.js", options.Options{}, nil)
	require.NoError(t, h.r.Setup(t.Context()))
	assert.JSONEq(t, `{"from":"async setup"}`, string(h.r.SetupData()), "setup's promise was awaited")
	require.NoError(t, h.r.Teardown(t.Context()))
	assert.Equal(t, "async setup", h.r.life.global("teardownData"))
	out, ok, err := h.r.HandleSummary(t.Context(), map[string]any{})
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "async summary", string(out["stdout"]), "handleSummary's promise was awaited")
}
