package modulestest

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

func TestFakeVURunsAModuleAndKeepsItsSamples(t *testing.T) {
	t.Parallel()
	vu := NewVU(t)
	checks := vu.Reg.Get(metrics.Checks)
	var started int
	mod := modules.ModuleFunc(func(v modules.VU) (*goja.Object, error) {
		v.OnIterationStart(func() { started++ })
		o := v.Runtime().NewObject()
		err := o.Set("pass", func(ok bool) {
			v.Recorder().Add(checks, v.Tags().With("check", "c"), map[bool]float64{true: 1, false: 0}[ok])
		})
		return o, err
	})
	vu.Instance(t, mod, "m")
	vu.StartIteration()
	vu.Run(t, `m.pass(true); m.pass(false)`)
	assert.Equal(t, 1, started)
	require.Len(t, vu.Rec.Of("checks", nil), 2)
	assert.Equal(t, 1.0, vu.Rec.Sum("checks", map[string]string{"check": "c", "scenario": "default"}))
	assert.Empty(t, vu.Rec.Of("checks", map[string]string{"check": "other"}))
	_, err := vu.RunErr(`throw new Error("x")`)
	assert.Error(t, err)
}

func TestRecorderAllAndReset(t *testing.T) {
	t.Parallel()
	vu := NewVU(t)
	checks, reqs := vu.Reg.Get(metrics.Checks), vu.Reg.Get(metrics.HTTPReqs)
	vu.Rec.Add(checks, vu.TagSet, 1)
	vu.Rec.Add(reqs, vu.TagSet, 2)
	all := vu.Rec.All()
	require.Len(t, all, 2)
	assert.Same(t, checks, all[0].Def)
	assert.Equal(t, "http_reqs", all[1].Metric)
	all[0].Value = 9
	assert.Equal(t, 1.0, vu.Rec.All()[0].Value, "All returns a copy")
	vu.Rec.Reset()
	assert.Empty(t, vu.Rec.All())
	assert.Zero(t, vu.Rec.Sum("http_reqs", nil))
}

func TestThrowsAndException(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{`null.x`, "TypeError"},
		{`throw new Error("no data")`, "no data"},
		{`throw "plain"`, "plain"},
		{`var x = 1`, "no throw"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, NewVU(t).Throws(t, tc.src))
		})
	}
	vu := NewVU(t)
	exc := vu.Exception(t, `throw Object.assign(new Error("boom"), {code: "40P01"})`)
	assert.Equal(t, "40P01", exc.Get("code").String())
}

// countRecorder counts samples.
type countRecorder struct{ n int }

func (c *countRecorder) Add(*metrics.Metric, *metrics.Tags, float64) { c.n++ }

func TestRecorderOverride(t *testing.T) {
	t.Parallel()
	vu := NewVU(t)
	checks := vu.Reg.Get(metrics.Checks)
	vu.Recorder().Add(checks, vu.TagSet, 1)
	other := &countRecorder{}
	vu.RecorderOverride = other
	vu.Recorder().Add(checks, vu.TagSet, 1)
	assert.Equal(t, 1, other.n)
	assert.Len(t, vu.Rec.All(), 1, "the override receives the samples instead of Rec")
}

func TestExpose(t *testing.T) {
	t.Parallel()
	vu := NewVU(t)
	obj := vu.Run(t, `({a: 1, b: "two", c: 3})`).ToObject(vu.RT)
	vu.Expose(t, obj, "a", "b")
	assert.Equal(t, "1/two/undefined", vu.Run(t, "`${a}/${b}/${typeof c}`").String())
}
