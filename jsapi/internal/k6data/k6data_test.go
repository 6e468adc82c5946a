package k6data

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

const users = `var arr = new SharedArray("users", function () {
	built();
	return [{name: "ann", n: 1}, {name: "bob", n: 2, tags: ["x", "y"]}, "plain", 42, null, [1, [2]]];
})`

func TestBuiltOnceForTwoVUs(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	a, b := newVU(t, mod, &builds), newVU(t, mod, &builds)
	a.Run(t, users)
	b.Run(t, `var arr = new SharedArray("users", function () { built(); return ["other"] })`)
	assert.Equal(t, 1, builds, "the builder runs once per name, in the first VU")
	for _, vu := range []*modulestest.VU{a, b} {
		assert.Equal(t, int64(6), vu.Run(t, "arr.length").Export())
		assert.Equal(t, "bob", vu.Run(t, "arr[1].name").Export())
	}
}

func TestDistinctNamesBuildSeparately(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	vu := newVU(t, mod, &builds)
	vu.Run(t, `var a = new SharedArray("a", () => { built(); return [1] });
		var b = new SharedArray("b", () => { built(); return [2, 3] })`)
	assert.Equal(t, 2, builds)
	assert.Equal(t, []any{int64(1), int64(1), int64(2), int64(2)}, vu.Run(t, `[a.length, a[0], b.length, b[0]]`).Export())
}

func TestIndexAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		want       any
	}{
		{"length", `arr.length`, int64(6)},
		{"object field", `arr[0].name`, "ann"},
		{"number field", `arr[1].n`, int64(2)},
		{"nested array", `arr[1].tags[1]`, "y"},
		{"string element", `arr[2]`, "plain"},
		{"number element", `arr[3]`, int64(42)},
		{"null element", `arr[4] === null`, true},
		{"nested array element", `arr[5][1][0]`, int64(2)},
		{"last", `arr[arr.length - 1].length`, int64(2)},
		{"past the end is undefined", `arr[6] === undefined`, true},
		{"far past the end is undefined", `arr[1000] === undefined`, true},
		{"negative is undefined", `arr[-1] === undefined`, true},
		{"is an array", `Array.isArray(arr)`, true},
		{"array methods", `arr.slice(0, 2).map(u => u.name).join(",")`, "ann,bob"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			builds := 0
			vu := newVU(t, New(), &builds)
			vu.Run(t, users)
			assert.Equal(t, tc.want, vu.Run(t, tc.expr).Export())
		})
	}
}

func TestForOf(t *testing.T) {
	t.Parallel()
	builds := 0
	vu := newVU(t, New(), &builds)
	vu.Run(t, `var nums = new SharedArray("nums", () => [{v: 1}, {v: 2}, {v: 3}])`)
	got := vu.Run(t, `const seen = []; for (const x of nums) { seen.push(x.v) } seen`)
	assert.Equal(t, []any{int64(1), int64(2), int64(3)}, got.Export())
	got = vu.Run(t, `let n = 0; for (const x of new SharedArray("empty", () => [])) { n++ } n`)
	assert.Equal(t, int64(0), got.Export())
}

func TestMutationDoesNotLeak(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	a, b := newVU(t, mod, &builds), newVU(t, mod, &builds)
	a.Run(t, users)
	b.Run(t, users)

	a.Run(t, `const u = arr[0]; u.name = "mallory"; u.extra = true; arr[1].tags.push("z")`)
	a.Run(t, `arr[3] = 7; arr.length = 0; arr.push && (() => { try { arr.push(1) } catch (e) {} })()`)
	for name, vu := range map[string]*modulestest.VU{"same VU": a, "other VU": b} {
		assert.Equal(t, "ann", vu.Run(t, "arr[0].name").Export(), name)
		assert.Equal(t, true, vu.Run(t, "arr[0].extra === undefined").Export(), name)
		assert.Equal(t, int64(2), vu.Run(t, "arr[1].tags.length").Export(), name)
		assert.Equal(t, int64(42), vu.Run(t, "arr[3]").Export(), name)
		assert.Equal(t, int64(6), vu.Run(t, "arr.length").Export(), name)
	}
}

func TestBuilderResultNotArrayThrows(t *testing.T) {
	t.Parallel()
	for _, ret := range []string{`({0: "a", length: 1})`, `"abc"`, `42`, `undefined`, `null`, `new Uint8Array(2)`} {
		t.Run(ret, func(t *testing.T) {
			t.Parallel()
			mod, builds := New(), 0
			vu := newVU(t, mod, &builds)
			assert.Equal(t, "TypeError", vu.Throws(t, `new SharedArray("bad", () => `+ret+`)`))
			// Nothing was kept: a later good builder under the same name runs.
			vu.Run(t, `var ok = new SharedArray("bad", () => { built(); return [1] })`)
			assert.Equal(t, 1, builds)
			assert.Equal(t, int64(1), vu.Run(t, "ok.length").Export())
		})
	}
}

func TestBuilderThrowPropagates(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	vu := newVU(t, mod, &builds)
	assert.Equal(t, "no data", vu.Throws(t, `new SharedArray("d", () => { throw new Error("no data") })`))
	vu.Run(t, `var d = new SharedArray("d", () => { built(); return ["ok"] })`)
	assert.Equal(t, 1, builds, "a failed build is not cached")
	assert.Equal(t, "ok", vu.Run(t, "d[0]").Export())
}

func TestMisuseThrowsTypeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		init bool
		src  string
	}{
		{"outside init", false, `new SharedArray("x", () => [1])`},
		{"no name", true, `new SharedArray()`},
		{"empty name", true, `new SharedArray("", () => [1])`},
		{"undefined name", true, `new SharedArray(undefined, () => [1])`},
		{"no function", true, `new SharedArray("x")`},
		{"not a function", true, `new SharedArray("x", [1, 2])`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			builds := 0
			vu := newVU(t, New(), &builds)
			vu.Init = tc.init
			assert.Equal(t, "TypeError", vu.Throws(t, tc.src))
			assert.Zero(t, builds)
		})
	}
}

func TestOutsideInitDoesNotBuild(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	vu := newVU(t, mod, &builds)
	vu.Init = false
	assert.Equal(t, "TypeError", vu.Throws(t, `new SharedArray("late", () => { built(); return [1] })`))
	assert.Zero(t, builds)
}

func TestConcurrentVUsBuildOnce(t *testing.T) {
	t.Parallel()
	const vus = 8
	mod := New()
	var builds atomic.Int32
	// built holds the builder for a while: with the build under the lock, the other VUs wait
	// for it; a check-then-build race would let them run their own builders meanwhile.
	built := func() {
		builds.Add(1)
		time.Sleep(50 * time.Millisecond)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	lengths := make([]int64, vus)
	errs := make([]error, vus)
	for i := range vus {
		vu := newVU(t, mod, nil)
		require.NoError(t, vu.RT.Set("built", built))
		wg.Go(func() {
			<-start
			v, err := vu.RunErr(`new SharedArray("big", () => { built(); ` +
				`return Array.from({length: 1000}, (_, i) => ({i})) }).length`)
			errs[i] = err
			if err == nil {
				lengths[i] = v.ToInteger()
			}
		})
	}
	close(start)
	wg.Wait()
	for i := range vus {
		require.NoError(t, errs[i])
		assert.Equal(t, int64(1000), lengths[i])
	}
	assert.Equal(t, int32(1), builds.Load())
}

// newVU returns a fake VU in init code with mod's SharedArray as a global, and a global
// `built()` that counts, in *builds, how many times a builder ran (builders call it; nil
// builds: no such global).
func newVU(t *testing.T, mod *Module, builds *int) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Init, vu.Ctx = true, t.Context()
	vu.Expose(t, vu.Instance(t, mod, "data"), "SharedArray")
	if builds != nil {
		require.NoError(t, vu.RT.Set("built", func() { *builds++ }))
	}
	return vu
}
