package k6metrics

import (
	"context"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// sample is one recorded metric sample.
type sample struct {
	metric *metrics.Metric
	tags   *metrics.Tags
	value  float64
}

// memRecorder keeps every sample (tests only).
type memRecorder struct {
	mu      sync.Mutex
	samples []sample
}

func (r *memRecorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	r.mu.Lock()
	r.samples = append(r.samples, sample{m, tags, v})
	r.mu.Unlock()
}

// all returns a copy of every sample in recording order.
func (r *memRecorder) all() []sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sample(nil), r.samples...)
}

// fakeVU is a minimal modules.VU over goja.New().
type fakeVU struct {
	rt   *goja.Runtime
	ctx  context.Context
	init bool
	reg  *metrics.Registry
	rec  *memRecorder
	tags *metrics.Tags
}

func (v *fakeVU) Runtime() *goja.Runtime      { return v.rt }
func (v *fakeVU) Context() context.Context    { return v.ctx }
func (v *fakeVU) InInit() bool                { return v.init }
func (v *fakeVU) ID() uint64                  { return 1 }
func (v *fakeVU) Recorder() metrics.Recorder  { return v.rec }
func (v *fakeVU) Registry() *metrics.Registry { return v.reg }
func (v *fakeVU) Tags() *metrics.Tags         { return v.tags }
func (v *fakeVU) SetTags(t *metrics.Tags)     { v.tags = t }
func (v *fakeVU) Options() *options.Options   { return &options.Options{} }
func (v *fakeVU) OnIterationStart(func())     {}

// newVU returns a VU in init code with Counter, Gauge, Rate and Trend as globals, sharing reg
// (nil: a new registry).
func newVU(t *testing.T, reg *metrics.Registry) *fakeVU {
	t.Helper()
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	vu := &fakeVU{rt: goja.New(), ctx: t.Context(), init: true, reg: reg, rec: &memRecorder{},
		tags: metrics.NewTags(map[string]string{"scenario": "default", "group": ""})}
	obj, err := New().NewInstance(vu)
	require.NoError(t, err)
	for _, name := range []string{"Counter", "Gauge", "Rate", "Trend"} {
		require.NoError(t, vu.rt.Set(name, obj.Get(name)), name)
	}
	return vu
}

// run evaluates src and fails the test on an exception.
func (v *fakeVU) run(t *testing.T, src string) goja.Value {
	t.Helper()
	res, err := v.rt.RunString(src)
	require.NoError(t, err, src)
	return res
}

// throwsTypeError reports whether src throws a JS TypeError.
func (v *fakeVU) throwsTypeError(t *testing.T, src string) bool {
	t.Helper()
	return v.run(t, `(() => { try { `+src+`; return false } catch (e) { return e instanceof TypeError } })()`).
		ToBoolean()
}
