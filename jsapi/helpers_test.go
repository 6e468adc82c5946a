package jsapi

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// sample is one recorded metric sample.
type sample struct {
	VU     uint64
	Metric string
	Tags   map[string]string
	Value  float64
}

// fakeRecorders collects the samples of every VU.
type fakeRecorders struct {
	mu      sync.Mutex
	samples []sample
}

type fakeRecorder struct {
	all *fakeRecorders
	vu  uint64
}

func (r fakeRecorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	r.all.mu.Lock()
	defer r.all.mu.Unlock()
	r.all.samples = append(r.all.samples, sample{r.vu, m.Name, tags.Map(), v})
}

func (f *fakeRecorders) new(id uint64) metrics.Recorder { return fakeRecorder{f, id} }

// of returns the samples of metric name.
func (f *fakeRecorders) of(name string) []sample {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sample
	for _, s := range f.samples {
		if s.Metric == name {
			out = append(out, s)
		}
	}
	return out
}

// logRecords captures slog records.
type logRecords struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r.Clone())
	return nil
}
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecords) WithGroup(string) slog.Handler      { return l }

func (l *logRecords) messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		out = append(out, r.Message)
	}
	return out
}

// attr returns attribute key of record i.
func (l *logRecords) attr(i int, key string) (slog.Value, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var val slog.Value
	found := false
	l.recs[i].Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			val, found = a.Value, true
			return false
		}
		return true
	})
	return val, found
}

// harness is a compiled testdata script with a runner.
type harness struct {
	t    testing.TB
	prg  *Program
	r    *Runner
	rec  *fakeRecorders
	logs *logRecords
	reg  *metrics.Registry
}

func newHarness(t testing.TB, script string, opts options.Options, env map[string]string) *harness {
	t.Helper()
	return compiledHarness(t, filepath.Join("testdata", script), nil, opts, env)
}

// compiledHarness compiles the script at path with the modules of reg (nil: the defaults).
func compiledHarness(t testing.TB, path string, reg *modules.Registry, opts options.Options, env map[string]string) *harness {
	t.Helper()
	prg, err := Compile(path, CompileOptions{Modules: reg})
	require.NoError(t, err)
	h := &harness{t: t, prg: prg, rec: &fakeRecorders{}, logs: &logRecords{}, reg: metrics.NewRegistry()}
	h.r, err = NewRunner(prg, RunnerConfig{
		Registry: h.reg, NewRecorder: h.rec.new, Env: env, Options: opts,
		Logger: slog.New(h.logs),
	})
	require.NoError(t, err)
	return h
}

// vu initialises VU id and activates it for scenario "s" running exec.
func (h *harness) vu(id uint64, exec string) *vu {
	h.t.Helper()
	v, err := h.r.NewVU(context.Background(), id)
	require.NoError(h.t, err)
	v.Activate(engine.Activation{Scenario: "s", Executor: "constant-vus", Exec: exec})
	return v.(*vu)
}

// global returns a global of v's runtime, exported to Go.
func (v *vu) global(name string) any {
	g := v.rt.Get(name)
	if g == nil {
		return nil
	}
	return g.Export()
}
