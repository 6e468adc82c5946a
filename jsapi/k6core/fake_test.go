package k6core

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
	metric string
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
	r.samples = append(r.samples, sample{m.Name, tags, v})
	r.mu.Unlock()
}

// of returns the samples of a metric in recording order.
func (r *memRecorder) of(name string) []sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sample
	for _, s := range r.samples {
		if s.metric == name {
			out = append(out, s)
		}
	}
	return out
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

// baseTags are the tags of a VU outside any group.
func baseTags() *metrics.Tags {
	return metrics.NewTags(map[string]string{"scenario": "default", "group": ""})
}

// newVU returns a VU (not in init) whose context is ctx, with the module's exports as
// globals (check, group, sleep, fail), as `import { check, ... } from "k6"` gives.
func newVU(t *testing.T, ctx context.Context) *fakeVU {
	t.Helper()
	vu := &fakeVU{rt: goja.New(), ctx: ctx, reg: metrics.NewRegistry(), rec: &memRecorder{}, tags: baseTags()}
	obj, err := New().NewInstance(vu)
	require.NoError(t, err)
	for _, name := range []string{"check", "group", "sleep", "fail"} {
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

// tag returns the value of key in tags, failing when it is absent.
func tag(t *testing.T, tags *metrics.Tags, key string) string {
	t.Helper()
	v, ok := tags.Get(key)
	require.True(t, ok, "tag %q missing in %s", key, tags.Key())
	return v
}
