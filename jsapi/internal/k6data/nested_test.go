package k6data

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// deadlockLimit bounds how long a test waits for JS that must finish at once; reaching it means
// the module deadlocked.
const deadlockLimit = 10 * time.Second

// runAll runs src in every VU concurrently and returns each result or error, failing the test
// if they do not all finish (a deadlock).
func runAll(t *testing.T, vus []*modulestest.VU, src []string) []error {
	t.Helper()
	errs := make([]error, len(vus))
	var wg sync.WaitGroup
	for i, vu := range vus {
		wg.Go(func() { _, errs[i] = vu.RunErr(src[i]) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(deadlockLimit):
		t.Fatal("SharedArray deadlocked")
	}
	return errs
}

func TestNestedSharedArray(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	vu := newVU(t, mod, &builds)
	errs := runAll(t, []*modulestest.VU{vu}, []string{`
		var inner;
		var outer = new SharedArray("u2", () => { built(); inner = new SharedArray("u", () => { built(); return [1, 2] });
			return Array.from(inner).concat([3]) });
		var literal = new SharedArray("l2", () => new SharedArray("l", () => []))`})
	require.NoError(t, errs[0])
	assert.Equal(t, 2, builds)
	assert.Equal(t, []any{int64(1), int64(2), int64(3)}, vu.Run(t, `Array.from(outer)`).Export())
	assert.Equal(t, int64(2), vu.Run(t, `inner.length`).Export())
	assert.Equal(t, int64(0), vu.Run(t, `literal.length`).Export())

	other := newVU(t, mod, &builds)
	other.Run(t, `var inner = new SharedArray("u", () => { built(); return ["never"] })`)
	assert.Equal(t, 2, builds, "the nested array is shared like any other")
	assert.Equal(t, int64(1), other.Run(t, `inner[0]`).Export())
}

func TestNestedSharedArrayConcurrentVUsBuildOnce(t *testing.T) {
	t.Parallel()
	const n = 6
	mod := New()
	var builds atomic.Int32
	vus, src := make([]*modulestest.VU, n), make([]string, n)
	for i := range vus {
		vus[i] = newVU(t, mod, nil)
		require.NoError(t, vus[i].RT.Set("built", func() { builds.Add(1) }))
		src[i] = `var outer = new SharedArray("outer", () => { built();
			return Array.from(new SharedArray("inner", () => { built(); return [1, 2, 3] })) }); outer.length`
	}
	for i, err := range runAll(t, vus, src) {
		require.NoError(t, err, "VU %d", i)
		assert.Equal(t, int64(3), vus[i].Run(t, `outer.length`).Export())
	}
	assert.Equal(t, int32(2), builds.Load(), "outer and inner are each built once")
}

func TestSelfNestedSharedArrayThrowsTypeError(t *testing.T) {
	t.Parallel()
	mod, builds := New(), 0
	vu := newVU(t, mod, &builds)
	assert.Equal(t, "TypeError", vu.Throws(t, `new SharedArray("a", () => new SharedArray("a", () => [1]))`))
	assert.Equal(t, "TypeError", vu.Throws(t, `new SharedArray("a", () => new SharedArray("b", () => new SharedArray("a", () => [1])))`))
	vu.Run(t, `var a = new SharedArray("a", () => { built(); return [1] })`)
	assert.Equal(t, 1, builds, "the failed builds were not kept")
}

// TestCrossVUCycleThrowsInsteadOfDeadlock: two VUs run the same init code, where the builder
// of "a" needs "b" and the builder of "b" needs "a"; VU 1 starts with "a", VU 2 with "b". Each
// would wait for the other forever; one sees the cycle and throws, which fails its build, and
// the other, building that array itself, meets its own cycle.
func TestCrossVUCycleThrowsInsteadOfDeadlock(t *testing.T) {
	t.Parallel()
	mod := New()
	var inside sync.WaitGroup
	inside.Add(2)
	vus := []*modulestest.VU{newVU(t, mod, nil), newVU(t, mod, nil)}
	for i, vu := range vus {
		var once sync.Once
		both := func() { once.Do(func() { inside.Done(); inside.Wait() }) } // both builders started
		require.NoError(t, vu.RT.Set("both", both))
		require.NoError(t, vu.RT.Set("first", []string{"a", "b"}[i]))
	}
	src := `function mk(name) {
		return new SharedArray(name, () => { both(); return Array.from(mk(name === "a" ? "b" : "a")) });
	}
	mk(first)`
	errs := runAll(t, vus, []string{src, src})
	for i, err := range errs {
		require.Error(t, err, "VU %d", i+1)
		assert.Contains(t, err.Error(), "TypeError", "VU %d", i+1)
		assert.Contains(t, err.Error(), ErrCircular.Error(), "VU %d", i+1)
	}
	builds := 0
	vu := newVU(t, mod, &builds)
	vu.Run(t, `var a = new SharedArray("a", () => { built(); return [1] })`)
	assert.Equal(t, 1, builds, "nothing of the failed builds was kept")
}

// TestWaiterBuildsWhenOwnerFails: a VU waiting for another VU's build builds the array itself
// in its own runtime when that build throws (exceptions never cross runtimes).
func TestWaiterBuildsWhenOwnerFails(t *testing.T) {
	t.Parallel()
	mod := New()
	var builds atomic.Int32
	started := make(chan struct{})
	owner, waiter := newVU(t, mod, nil), newVU(t, mod, nil)
	require.NoError(t, owner.RT.Set("fail", func() {
		builds.Add(1)
		close(started)
		time.Sleep(50 * time.Millisecond) // the waiter arrives meanwhile (either way it builds)
	}))
	require.NoError(t, waiter.RT.Set("built", func() { builds.Add(1) }))
	go func() { _, _ = owner.RunErr(`new SharedArray("d", () => { fail(); throw new Error("owner failed") })`) }()
	<-started
	errs := runAll(t, []*modulestest.VU{waiter}, []string{`var d = new SharedArray("d", () => { built(); return ["mine"] })`})
	require.NoError(t, errs[0])
	assert.Equal(t, "mine", waiter.Run(t, `d[0]`).Export())
	assert.Equal(t, int32(2), builds.Load())
}

func TestWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	mod := New()
	release, started := make(chan struct{}), make(chan struct{})
	owner, waiter := newVU(t, mod, nil), newVU(t, mod, nil)
	require.NoError(t, owner.RT.Set("hold", func() { close(started); <-release }))
	ownerDone := make(chan error, 1)
	go func() {
		_, err := owner.RunErr(`new SharedArray("slow", () => { hold(); return [1] })`)
		ownerDone <- err
	}()
	<-started
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	waiter.Ctx = ctx
	errs := runAll(t, []*modulestest.VU{waiter}, []string{`new SharedArray("slow", () => [2])`})
	require.Error(t, errs[0])
	assert.Contains(t, errs[0].Error(), context.Canceled.Error())
	close(release)
	require.NoError(t, <-ownerDone)
}

func TestWaitsForCycleCheck(t *testing.T) {
	t.Parallel()
	m := New()
	a, b, c := &builder{}, &builder{}, &builder{}
	ea := &entry{owner: a}
	eb := &entry{owner: b}
	done := &entry{} // built: no owner
	b.waiting = ea   // b waits for a's entry
	tests := []struct {
		name string
		e    *entry
		who  *builder
		want bool
	}{
		{"own entry", ea, a, true},
		{"other's entry, other not waiting", ea, b, false},
		{"entry of a VU waiting for mine", eb, a, true},
		{"entry of a VU waiting for a third", eb, c, false},
		{"built entry", done, a, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, m.waitsFor(tc.e, tc.who))
		})
	}
}
