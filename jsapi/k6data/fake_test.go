package k6data

import (
	"context"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// fakeVU is a minimal modules.VU over goja.New(); k6/data uses only Runtime and InInit.
type fakeVU struct {
	rt   *goja.Runtime
	ctx  context.Context
	init bool
}

func (v *fakeVU) Runtime() *goja.Runtime      { return v.rt }
func (v *fakeVU) Context() context.Context    { return v.ctx }
func (v *fakeVU) InInit() bool                { return v.init }
func (v *fakeVU) ID() uint64                  { return 1 }
func (v *fakeVU) Recorder() metrics.Recorder  { return nil }
func (v *fakeVU) Registry() *metrics.Registry { return nil }
func (v *fakeVU) Tags() *metrics.Tags         { return nil }
func (v *fakeVU) SetTags(*metrics.Tags)       {}
func (v *fakeVU) Options() *options.Options   { return &options.Options{} }
func (v *fakeVU) OnIterationStart(func())     {}

// newVU returns a VU in init code with mod's SharedArray as a global, and a global
// `built()` that counts, in *builds, how many times a builder ran (builders call it).
func newVU(t *testing.T, mod *Module, builds *int) *fakeVU {
	t.Helper()
	vu := &fakeVU{rt: goja.New(), ctx: t.Context(), init: true}
	obj, err := mod.NewInstance(vu)
	require.NoError(t, err)
	require.NoError(t, vu.rt.Set("SharedArray", obj.Get("SharedArray")))
	require.NoError(t, vu.rt.Set("built", func() { *builds++ }))
	return vu
}

// run evaluates src and fails the test on an exception.
func (v *fakeVU) run(t *testing.T, src string) goja.Value {
	t.Helper()
	res, err := v.rt.RunString(src)
	require.NoError(t, err, src)
	return res
}

// throws evaluates src and returns "TypeError", another error's message, or "no throw".
func (v *fakeVU) throws(t *testing.T, src string) string {
	t.Helper()
	return v.run(t, `(() => { try { `+src+`; return "no throw" } catch (e) { `+
		`return e instanceof TypeError ? "TypeError" : e.message } })()`).String()
}
