package jsapi

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "open.js", options.Options{}, nil)
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "hello file|0,1,2|hello file", v.global("summary"))

	late := h.vu(2, "openLate")
	err := late.Iterate(context.Background(), engine.Iteration{})
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Msg, "init code")
}

func TestSharedArrayBuiltOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "shared.js", options.Options{}, nil)
	v1, v2 := h.vu(1, ""), h.vu(2, "")
	for _, v := range []*vu{v1, v2} {
		require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
		assert.Equal(t, "3:bob:ann,bob,cid:true", v.global("seen"), "elements are read-only copies")
	}
	assert.Equal(t, true, v1.global("built"))
	assert.Nil(t, v2.global("built"), "the second VU reuses the array built by the first")
}

func TestCheckAndGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "groups.js", options.Options{}, nil)
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, true, v.global("ret"))
	assert.Equal(t, int64(42), v.global("group"))

	type got struct {
		check, group, extra string
		value               float64
	}
	var checks []got
	for _, s := range h.rec.of("checks") {
		checks = append(checks, got{s.Tags["check"], s.Tags["group"], s.Tags["extra"], s.Value})
	}
	assert.Equal(t, []got{
		{"one is one", "::outer::inner", "", 1},
		{"two is three", "::outer", "yes", 0},
		{"truthy value", "::outer", "yes", 1},
		{"zero", "", "", 1},
	}, checks)
	var groups []string
	for _, s := range h.rec.of("group_duration") {
		groups = append(groups, s.Tags["group"])
		assert.GreaterOrEqual(t, s.Value, 0.0)
	}
	assert.Equal(t, []string{"::outer::inner", "::outer", "::value"}, groups)
}

func TestCheckConditionThrows(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "groups.js", options.Options{}, nil)
	v := h.vu(1, "throwingCheck")
	var se *ScriptError
	require.ErrorAs(t, v.Iterate(context.Background(), engine.Iteration{}), &se)
	assert.Contains(t, se.Msg, "cond failed")
	checks := h.rec.of("checks")
	require.Len(t, checks, 1, "as in k6, the throwing condition is recorded as failed")
	assert.Equal(t, "bad", checks[0].Tags["check"])
	assert.Zero(t, checks[0].Value)
}

func TestGroupRestoresTagsOnException(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "groups.js", options.Options{}, nil)
	v := h.vu(1, "throwInGroup")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "Error: stop here", v.global("caught"))
	checks := h.rec.of("checks")
	require.Len(t, checks, 1)
	assert.Equal(t, "", checks[0].Tags["group"])
	require.Len(t, h.rec.of("group_duration"), 1)
}

func TestConcurrentVUs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "shared.js", options.Options{}, nil)
	errs := make(chan error, 4)
	for id := uint64(1); id <= 4; id++ {
		go func() {
			v, err := h.r.NewVU(context.Background(), id)
			if err != nil {
				errs <- err
				return
			}
			a := v.Activate(engine.Activation{Scenario: "s"})
			for range 20 {
				if err := a.Iterate(context.Background(), engine.Iteration{}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
}
