package k6core

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules"
	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// newLazyVU returns a fake VU with the module object as the global k6, and its exports.
func newLazyVU(t *testing.T) (*modulestest.VU, *modules.LazyObject[*instance]) {
	t.Helper()
	vu := modulestest.NewVU(t)
	obj := vu.Instance(t, New(), "k6")
	lazy, ok := obj.Export().(*modules.LazyObject[*instance])
	require.True(t, ok, "the module object is a modules.LazyObject")
	return vu, lazy
}

func TestExportsAreBuiltOnFirstUse(t *testing.T) {
	t.Parallel()
	vu, lazy := newLazyVU(t)
	assert.Zero(t, lazy.Built(), "no function built before use")
	assert.Nil(t, lazy.Owner.tagged, "no tag cache before a check or group")

	assert.Equal(t, true, vu.Run(t, `k6.sleep === k6.sleep && typeof k6.sleep === "function"`).Export())
	assert.Equal(t, 1, lazy.Built(), "only sleep was built")
	assert.Equal(t, "check,fail,group,randomSeed,sleep", vu.Run(t, `Object.keys(k6).join(",")`).Export())
}

func TestFailUsesTheCurrentError(t *testing.T) {
	t.Parallel()
	vu, _ := newLazyVU(t)
	assert.Equal(t, "boom", vu.Throws(t, `k6.fail("boom")`))
	assert.Equal(t, true, vu.Run(t, `
		class MyError extends Error {}
		const saved = Error; Error = MyError
		let mine = false
		try { k6.fail("x") } catch (e) { mine = e instanceof MyError }
		Error = saved; mine`).Export(), "fail reads the global Error when it throws")
}

func TestExportsAcceptScriptProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      any
	}{
		{"added property", `k6.extra = 5; k6.extra`, int64(5)},
		{"added property listed", `k6.more = 1; Object.keys(k6).slice(-1)[0]`, "more"},
		{"added property deleted", `k6.gone = 1; delete k6.gone; "gone" in k6`, false},
		{"built-in kept on delete", `delete k6.check; typeof k6.check`, "function"},
		{"overwritten export", `k6.sleep = () => "mine"; k6.sleep()`, "mine"},
		{"unknown export", `typeof k6.nothing`, "undefined"},
		{"in operator", `"group" in k6`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu, _ := newLazyVU(t)
			assert.Equal(t, tc.want, vu.Run(t, tc.src).Export())
		})
	}
}

// randomSeed gives k6's sequence: the seed's math/rand Float64 numbers, the same in every VU
// seeded alike, and different for another seed.
func TestRandomSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	src := `k6.randomSeed(12345); [Math.random(), Math.random(), Math.random()]`
	a, _ := newLazyVU(t)
	b, _ := newLazyVU(t)
	got := a.Run(t, src).Export()
	assert.Equal(t, got, b.Run(t, src).Export())
	r := rand.New(rand.NewSource(12345)) //nolint:gosec // k6's sequence
	assert.Equal(t, []any{r.Float64(), r.Float64(), r.Float64()}, got)
	assert.NotEqual(t, got, a.Run(t, `k6.randomSeed(54321); [Math.random(), Math.random(), Math.random()]`).Export())
}
