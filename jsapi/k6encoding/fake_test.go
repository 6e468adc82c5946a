package k6encoding

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// fakeVU is a VU that only has a runtime; any other method panics (nil embedded interface),
// which proves k6/encoding needs nothing else from its VU.
type fakeVU struct {
	modules.VU
	rt *goja.Runtime
}

func (v *fakeVU) Runtime() *goja.Runtime { return v.rt }

// newRuntime returns a runtime with the module instance as the global `encoding`.
func newRuntime(t *testing.T) *goja.Runtime {
	t.Helper()
	rt := goja.New()
	obj, err := New().NewInstance(&fakeVU{rt: rt})
	require.NoError(t, err)
	require.NoError(t, rt.Set("encoding", obj))
	return rt
}

// run evaluates src and fails the test on an exception.
func run(t *testing.T, rt *goja.Runtime, src string) goja.Value {
	t.Helper()
	v, err := rt.RunString(src)
	require.NoError(t, err, src)
	return v
}
