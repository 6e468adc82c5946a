// Package modulestest gives module tests a fake modules.VU over a bare goja runtime and a
// recorder that keeps every sample, so a module is tested without the jsapi runtime:
//
//	vu := modulestest.NewVU(t)          // not in init, background context
//	vu.Instance(t, mymodule.New(), "mod") // the instance as the global mod
//	vu.Run(t, `mod.doSomething()`)
//	samples := vu.Rec.Of("checks", nil)
//	assert.Equal(t, "TypeError", vu.Throws(t, `mod.doSomething(42)`))
package modulestest

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/eventloop"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// Sample is one recorded metric sample.
type Sample struct {
	Metric string          // the metric's name
	Def    *metrics.Metric // the metric itself, to check which registered metric was used
	Tags   *metrics.Tags
	Value  float64
}

// Recorder keeps every sample in memory. It is safe for concurrent use (several fake VUs may
// share one).
type Recorder struct {
	mu      sync.Mutex
	samples []Sample
}

// Add implements metrics.Recorder.
func (r *Recorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	r.mu.Lock()
	r.samples = append(r.samples, Sample{Metric: m.Name, Def: m, Tags: tags, Value: v})
	r.mu.Unlock()
}

// Of returns, in recording order, the samples of metric name whose tags contain every pair of
// want (nil: all of them).
func (r *Recorder) Of(name string, want map[string]string) []Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	filter := metrics.NewTags(want)
	var out []Sample
	for _, s := range r.samples {
		if s.Metric == name && s.Tags.Contains(filter) {
			out = append(out, s)
		}
	}
	return out
}

// All returns every sample, in recording order.
func (r *Recorder) All() []Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sample(nil), r.samples...)
}

// Reset forgets every sample.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.samples = nil
	r.mu.Unlock()
}

// Sum adds up the values Of returns.
func (r *Recorder) Sum(name string, want map[string]string) float64 {
	var t float64
	for _, s := range r.Of(name, want) {
		t += s.Value
	}
	return t
}

// VU is a fake modules.VU. Its fields may be changed between calls (e.g. Init to leave the init
// stage, Ctx to cancel an iteration); it is used by one goroutine at a time, like a real VU.
type VU struct {
	IDValue uint64
	RT      *goja.Runtime
	Ctx     context.Context
	Init    bool
	Reg     *metrics.Registry
	Rec     *Recorder
	// RecorderOverride, when not nil, is what Recorder returns instead of Rec (a real
	// collector's recorder, or one that drops samples in a benchmark).
	RecorderOverride metrics.Recorder
	TagSet           *metrics.Tags
	Opts             options.Options
	// Log, when not nil, is what Logger returns (a discarding logger otherwise).
	Log   *slog.Logger
	hooks []func()
	loop  *eventloop.Loop
}

var _ modules.VU = (*VU)(nil)

// NewVU returns VU 1, not in init, with a background context, a fresh registry and recorder,
// and the tags {scenario: default, group: ""}.
func NewVU(t testing.TB) *VU {
	t.Helper()
	return &VU{
		IDValue: 1, RT: goja.New(), Ctx: context.Background(), Reg: metrics.NewRegistry(), Rec: &Recorder{},
		TagSet: metrics.NewTags(map[string]string{"scenario": "default", "group": ""}),
	}
}

// Runtime implements modules.VU.
func (v *VU) Runtime() *goja.Runtime { return v.RT }

// Context implements modules.VU: the event loop's context while asynchronous work is
// reserved, Ctx otherwise.
func (v *VU) Context() context.Context {
	if v.loop != nil && v.loop.Context() != nil {
		return v.loop.Context()
	}
	return v.Ctx
}

// EventLoop implements modules.VU (the loop is made on first use).
func (v *VU) EventLoop() *eventloop.Loop {
	if v.loop == nil {
		v.loop = eventloop.New(v.RT)
	}
	return v.loop
}

// RunAsync evaluates src as the first task of a run of the event loop under Ctx, as an
// iteration runs, and returns src's value and the run's error.
func (v *VU) RunAsync(src string) (goja.Value, error) {
	var val goja.Value
	err := v.EventLoop().Run(v.Ctx, func() error {
		var err error
		val, err = v.RT.RunString(src)
		return err
	})
	return val, err
}

// InInit implements modules.VU.
func (v *VU) InInit() bool { return v.Init }

// ID implements modules.VU.
func (v *VU) ID() uint64 { return v.IDValue }

// Recorder implements modules.VU: RecorderOverride if set, else Rec.
func (v *VU) Recorder() metrics.Recorder {
	if v.RecorderOverride != nil {
		return v.RecorderOverride
	}
	return v.Rec
}

// Registry implements modules.VU.
func (v *VU) Registry() *metrics.Registry { return v.Reg }

// Tags implements modules.VU.
func (v *VU) Tags() *metrics.Tags { return v.TagSet }

// SetTags implements modules.VU.
func (v *VU) SetTags(t *metrics.Tags) { v.TagSet = t }

// Options implements modules.VU.
func (v *VU) Options() *options.Options { return &v.Opts }

// OnIterationStart implements modules.VU; StartIteration runs the hooks.
func (v *VU) OnIterationStart(fn func()) { v.hooks = append(v.hooks, fn) }

// Logger implements modules.VU: Log, or a logger that discards.
func (v *VU) Logger() *slog.Logger {
	if v.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return v.Log
}

// StartIteration runs the OnIterationStart hooks, as the runtime does before each iteration.
func (v *VU) StartIteration() {
	for _, h := range v.hooks {
		h()
	}
}

// Instance creates m's instance for this VU and binds it to the global name.
func (v *VU) Instance(t testing.TB, m modules.Module, name string) *goja.Object {
	t.Helper()
	obj, err := m.NewInstance(v)
	require.NoError(t, err)
	require.NoError(t, v.RT.Set(name, obj))
	return obj
}

// Expose sets each named property of obj as a global of the runtime, as
// `import { a, b } from "module"` makes them available.
func (v *VU) Expose(t testing.TB, obj *goja.Object, names ...string) {
	t.Helper()
	for _, n := range names {
		require.NoError(t, v.RT.Set(n, obj.Get(n)), n)
	}
}

// Run evaluates src and fails the test on an exception.
func (v *VU) Run(t testing.TB, src string) goja.Value {
	t.Helper()
	val, err := v.RT.RunString(src)
	require.NoError(t, err, src)
	return val
}

// Throws evaluates src (statements) and returns what it throws: "TypeError" for a TypeError,
// the message of another Error, the thrown value as a string otherwise, and "no throw" when
// nothing is thrown.
func (v *VU) Throws(t testing.TB, src string) string {
	t.Helper()
	return v.Run(t, `(() => { try { `+src+`
	; return "no throw" } catch (e) { return e instanceof TypeError ? "TypeError" : `+
		`e instanceof Error ? e.message : String(e) } })()`).String()
}

// Exception evaluates src and returns the thrown value, failing the test when src throws
// nothing or a non-object.
func (v *VU) Exception(t testing.TB, src string) *goja.Object {
	t.Helper()
	_, err := v.RT.RunString(src)
	var exc *goja.Exception
	require.ErrorAs(t, err, &exc, src)
	obj, ok := exc.Value().(*goja.Object)
	require.True(t, ok, "thrown value is not an object: %v", exc.Value())
	return obj
}

// RunErr evaluates src and returns its exception, if any.
func (v *VU) RunErr(src string) (goja.Value, error) { return v.RT.RunString(src) }
