package k6sql

import (
	"context"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/seed/pgtest"
)

// sample is one recorded metric sample.
type sample struct {
	metric string
	tags   *metrics.Tags
	value  float64
}

// memRecorder keeps every sample (tests only); shared by the fake VUs of a test.
type memRecorder struct {
	mu      sync.Mutex
	samples []sample
}

func (r *memRecorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	r.mu.Lock()
	r.samples = append(r.samples, sample{m.Name, tags, v})
	r.mu.Unlock()
}

// of returns the samples of a metric whose tags contain every pair of want.
func (r *memRecorder) of(name string, want map[string]string) []sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	filter := metrics.NewTags(want)
	var out []sample
	for _, s := range r.samples {
		if s.metric == name && s.tags.Contains(filter) {
			out = append(out, s)
		}
	}
	return out
}

func (r *memRecorder) sum(name string, want map[string]string) float64 {
	var t float64
	for _, s := range r.of(name, want) {
		t += s.value
	}
	return t
}

func (r *memRecorder) max(name string) float64 {
	var m float64
	for _, s := range r.of(name, nil) {
		m = max(m, s.value)
	}
	return m
}

// fakeVU is a minimal modules.VU over goja.New().
type fakeVU struct {
	id   uint64
	rt   *goja.Runtime
	ctx  context.Context
	init bool
	reg  *metrics.Registry
	rec  metrics.Recorder
	tags *metrics.Tags
}

func (v *fakeVU) Runtime() *goja.Runtime      { return v.rt }
func (v *fakeVU) Context() context.Context    { return v.ctx }
func (v *fakeVU) InInit() bool                { return v.init }
func (v *fakeVU) ID() uint64                  { return v.id }
func (v *fakeVU) Recorder() metrics.Recorder  { return v.rec }
func (v *fakeVU) Registry() *metrics.Registry { return v.reg }
func (v *fakeVU) Tags() *metrics.Tags         { return v.tags }
func (v *fakeVU) SetTags(t *metrics.Tags)     { v.tags = t }
func (v *fakeVU) Options() *options.Options   { return &options.Options{} }
func (v *fakeVU) OnIterationStart(func())     {}

// world is one test run: the module, a metric registry and recorder shared by its VUs.
type world struct {
	t   testing.TB
	mod *Module
	reg *metrics.Registry
	rec *memRecorder
	url string
}

// newWorld gives the test its own database and a module closed at the end.
func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, mod: New(), reg: metrics.NewRegistry(), rec: &memRecorder{}}
	w.url = pgtest.NewDatabase(t)
	t.Cleanup(w.mod.Close)
	return w
}

// vu builds a VU whose runtime has the globals sql (nnjs/sql), xsql (k6/x/sql), driver (the
// postgres driver token) and URL; it is left in init mode.
func (w *world) vu(id uint64) *fakeVU {
	w.t.Helper()
	v := &fakeVU{id: id, rt: goja.New(), ctx: context.Background(), init: true, reg: w.reg, rec: w.rec,
		tags: metrics.NewTags(map[string]string{"scenario": "default"})}
	native, err := w.mod.NewInstance(v)
	require.NoError(w.t, err)
	xk6, err := w.mod.XK6().NewInstance(v)
	require.NoError(w.t, err)
	drv, err := PostgresDriver().NewInstance(v)
	require.NoError(w.t, err)
	require.NoError(w.t, v.rt.Set("sql", native))
	require.NoError(w.t, v.rt.Set("xsql", xk6))
	require.NoError(w.t, v.rt.Set("driver", drv.Get("default")))
	require.NoError(w.t, v.rt.Set("URL", w.url))
	return v
}

// opened returns a VU that ran `const db = sql.open(URL, opts)` in init code and left init.
func (w *world) opened(id uint64, opts string) *fakeVU {
	w.t.Helper()
	v := w.vu(id)
	if opts == "" {
		opts = "{}"
	}
	_, err := v.rt.RunString("var db = sql.open(URL, " + opts + ");")
	require.NoError(w.t, err)
	v.init = false
	return v
}

// run evaluates js in the VU and returns its value, failing the test on an exception.
func (v *fakeVU) run(t testing.TB, js string) goja.Value {
	t.Helper()
	val, err := v.rt.RunString(js)
	require.NoError(t, err)
	return val
}

// exception evaluates js and returns the thrown JS value (failing when nothing is thrown).
func (v *fakeVU) exception(t testing.TB, js string) *goja.Object {
	t.Helper()
	_, err := v.rt.RunString(js)
	var exc *goja.Exception
	require.ErrorAs(t, err, &exc)
	obj, ok := exc.Value().(*goja.Object)
	require.True(t, ok, "thrown value is not an object: %v", exc.Value())
	return obj
}
