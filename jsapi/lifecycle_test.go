package jsapi

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "lifecycle.js", options.Options{Tags: map[string]string{"team": "qa"}}, nil)
	ctx := context.Background()
	v1, err := h.r.NewVU(ctx, 1)
	require.NoError(t, err)
	v2, err := h.r.NewVU(ctx, 2)
	require.NoError(t, err)
	require.NoError(t, h.r.Setup(ctx))
	for _, v := range []engine.VU{v1, v2} {
		assert.Equal(t, int64(1), v.(*vu).global("initCount"), "init runs once in each VU's own runtime")
		a := v.Activate(engine.Activation{Scenario: "main", Tags: map[string]string{"kind": "x"}})
		for i := range 2 {
			require.NoError(t, a.Iterate(ctx, engine.Iteration{InTest: uint64(i)}))
		}
		a.Deactivate()
	}
	require.NoError(t, h.r.Teardown(ctx))
	assert.Equal(t, true, h.r.life.global("tornDown"))
	assert.Equal(t, int64(1), h.r.life.global("initCount"))

	checks := h.rec.of("checks")
	require.Len(t, checks, 8, "2 VUs x 2 iterations x 2 conditions")
	for _, s := range checks {
		assert.Equal(t, 1.0, s.Value)
		assert.Equal(t, "main", s.Tags["scenario"])
		assert.Equal(t, "qa", s.Tags["team"])
		assert.Equal(t, "x", s.Tags["kind"])
		assert.Equal(t, "", s.Tags["group"])
		assert.Contains(t, []string{"has token", "is helper"}, s.Tags["check"])
	}
}

func TestSetupWithoutFunction(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "nosetup.js", options.Options{}, nil)
	require.NoError(t, h.r.Setup(context.Background()))
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	require.NoError(t, h.r.Teardown(context.Background()))
	assert.Equal(t, "undefined", h.r.life.global("teardownArg"))
}

func TestMissingExec(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "nosetup.js", options.Options{}, nil)
	v := h.vu(1, "nope")
	err := v.Iterate(context.Background(), engine.Iteration{})
	require.ErrorIs(t, err, ErrNoExport)
}

func TestEnvAndScenarioEnv(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "env.js", options.Options{}, map[string]string{"A": "run", "B": "run"})
	v, err := h.r.NewVU(context.Background(), 3)
	require.NoError(t, err)
	a := v.Activate(engine.Activation{Scenario: "s", Env: map[string]string{"B": "scenario"}})
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "run/scenario/3/0", v.(*vu).global("seen"))
	a.Deactivate()
	a = v.Activate(engine.Activation{Scenario: "t"})
	require.NoError(t, a.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "run/run/3/1", v.(*vu).global("seen"), "scenario env removed, __ITER keeps counting")
}
