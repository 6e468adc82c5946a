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
