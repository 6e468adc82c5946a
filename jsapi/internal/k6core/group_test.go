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
	got := vu.Run(t, `group("a", () => {
		check(0, {"in a": true});
		const r = group("b", () => { check(0, {"in b": true}); return {v: 7} });
		check(0, {"back in a": true});
		return r.v * 6;
	})`)
	assert.Equal(t, int64(42), got.Export(), "group returns the function's result")
	assert.Same(t, before, vu.Tags(), "tags are restored after group returns")

	checks := vu.Rec.Of(metrics.Checks, nil)
	require.Len(t, checks, 3)
	assert.Equal(t, "::a", tag(t, checks[0].Tags, "group"))
	assert.Equal(t, "::a::b", tag(t, checks[1].Tags, "group"))
	assert.Equal(t, "::a", tag(t, checks[2].Tags, "group"))

	durs := vu.Rec.Of(metrics.GroupDuration, nil)
	require.Len(t, durs, 2, "one group_duration per group")
	assert.Equal(t, map[string]string{"group": "::a::b", "scenario": "default"}, durs[0].Tags.Map())
	assert.Equal(t, map[string]string{"group": "::a", "scenario": "default"}, durs[1].Tags.Map())
	for _, d := range durs {
		assert.GreaterOrEqual(t, d.Value, 0.0)
	}
}

func TestGroupKeepsOtherTags(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	vu.TagSet = vu.TagSet.Merge(map[string]string{"env": "ci"})
	vu.Run(t, `group("g", () => check(0, {"c": true}))`)
	checks := vu.Rec.Of(metrics.Checks, nil)
	require.Len(t, checks, 1)
	assert.Equal(t, map[string]string{"env": "ci", "scenario": "default", "group": "::g", "check": "c"},
		checks[0].Tags.Map())
}

func TestGroupRestoresTagsAfterThrow(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	before := vu.Tags()
	msg := vu.Run(t, `(() => {
		try { group("a", () => group("b", () => { throw new Error("inner") })); return "no throw" }
		catch (e) { return e.message } })()`)
	assert.Equal(t, "inner", msg.String(), "the exception propagates unchanged")
	assert.Same(t, before, vu.Tags(), "tags are restored after a throw")

	vu.Run(t, `check(0, {"after": true})`)
	checks := vu.Rec.Of(metrics.Checks, nil)
	require.Len(t, checks, 1)
	assert.Empty(t, tag(t, checks[0].Tags, "group"))

	durs := vu.Rec.Of(metrics.GroupDuration, nil)
	require.Len(t, durs, 2, "group_duration is recorded for groups left by an exception")
	assert.Equal(t, "::a::b", tag(t, durs[0].Tags, "group"))
	assert.Equal(t, "::a", tag(t, durs[1].Tags, "group"))
}

func TestGroupDurationIsElapsedMilliseconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		vu := newVU(t, t.Context())
		vu.Run(t, `group("outer", () => { sleep(0.25); group("inner", () => sleep(0.5)) })`)
		durs := vu.Rec.Of(metrics.GroupDuration, nil)
		require.Len(t, durs, 2)
		assert.Equal(t, "::outer::inner", tag(t, durs[0].Tags, "group"))
		assert.InDelta(t, 500.0, durs[0].Value, 1e-9)
		assert.Equal(t, "::outer", tag(t, durs[1].Tags, "group"))
		assert.InDelta(t, 750.0, durs[1].Value, 1e-9)
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
			vu.Init = tc.init
			before := vu.Tags()
			assert.Equal(t, "TypeError", vu.Throws(t, tc.src))
			assert.Same(t, before, vu.Tags())
			assert.Empty(t, vu.Rec.Of(metrics.GroupDuration, nil))
		})
	}
}
