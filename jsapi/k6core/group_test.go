package k6core

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

func TestGroupNestsAndRestoresTags(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	before := vu.Tags()
	got := vu.run(t, `group("a", () => {
		check(0, {"in a": true});
		const r = group("b", () => { check(0, {"in b": true}); return {v: 7} });
		check(0, {"back in a": true});
		return r.v * 6;
	})`)
	assert.Equal(t, int64(42), got.Export(), "group returns the function's result")
	assert.Same(t, before, vu.Tags(), "tags are restored after group returns")

	checks := vu.rec.of(metrics.Checks)
	require.Len(t, checks, 3)
	assert.Equal(t, "::a", tag(t, checks[0].tags, "group"))
	assert.Equal(t, "::a::b", tag(t, checks[1].tags, "group"))
	assert.Equal(t, "::a", tag(t, checks[2].tags, "group"))

	durs := vu.rec.of(metrics.GroupDuration)
	require.Len(t, durs, 2, "one group_duration per group")
	assert.Equal(t, map[string]string{"group": "::a::b", "scenario": "default"}, durs[0].tags.Map())
	assert.Equal(t, map[string]string{"group": "::a", "scenario": "default"}, durs[1].tags.Map())
	for _, d := range durs {
		assert.GreaterOrEqual(t, d.value, 0.0)
	}
}

func TestGroupKeepsOtherTags(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	vu.tags = vu.tags.Merge(map[string]string{"env": "ci"})
	vu.run(t, `group("g", () => check(0, {"c": true}))`)
	checks := vu.rec.of(metrics.Checks)
	require.Len(t, checks, 1)
	assert.Equal(t, map[string]string{"env": "ci", "scenario": "default", "group": "::g", "check": "c"},
		checks[0].tags.Map())
}

func TestGroupRestoresTagsAfterThrow(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	before := vu.Tags()
	msg := vu.run(t, `(() => {
		try { group("a", () => group("b", () => { throw new Error("inner") })); return "no throw" }
		catch (e) { return e.message } })()`)
	assert.Equal(t, "inner", msg.String(), "the exception propagates unchanged")
	assert.Same(t, before, vu.Tags(), "tags are restored after a throw")

	vu.run(t, `check(0, {"after": true})`)
	checks := vu.rec.of(metrics.Checks)
	require.Len(t, checks, 1)
	assert.Empty(t, tag(t, checks[0].tags, "group"))

	durs := vu.rec.of(metrics.GroupDuration)
	require.Len(t, durs, 2, "group_duration is recorded for groups left by an exception")
	assert.Equal(t, "::a::b", tag(t, durs[0].tags, "group"))
	assert.Equal(t, "::a", tag(t, durs[1].tags, "group"))
}

func TestGroupDurationIsElapsedMilliseconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		vu := newVU(t, t.Context())
		vu.run(t, `group("outer", () => { sleep(0.25); group("inner", () => sleep(0.5)) })`)
		durs := vu.rec.of(metrics.GroupDuration)
		require.Len(t, durs, 2)
		assert.Equal(t, "::outer::inner", tag(t, durs[0].tags, "group"))
		assert.InDelta(t, 500.0, durs[0].value, 1e-9)
		assert.Equal(t, "::outer", tag(t, durs[1].tags, "group"))
		assert.InDelta(t, 750.0, durs[1].value, 1e-9)
	})
}

func TestGroupMisuseThrows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		init bool
		src  string
	}{
		{"in init code", true, `group("g", () => 1)`},
		{"name with ::", false, `group("a::b", () => 1)`},
		{"no function", false, `group("g")`},
		{"not a function", false, `group("g", 5)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, t.Context())
			vu.init = tc.init
			before := vu.Tags()
			got := vu.run(t, `(() => { try { `+tc.src+`; return "no throw" } catch (e) { return e instanceof TypeError } })()`)
			assert.Equal(t, true, got.Export())
			assert.Same(t, before, vu.Tags())
			assert.Empty(t, vu.rec.of(metrics.GroupDuration))
		})
	}
}
