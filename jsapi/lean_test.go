package jsapi

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

func TestLeanHelpersRewriteEsbuildInterop(t *testing.T) {
	t.Parallel()
	abs, err := filepath.Abs("testdata/lean/main.js")
	require.NoError(t, err)
	src, err := bundle(abs, nil, DefaultModules(), nil, nil)
	require.NoError(t, err)
	for _, r := range helperRewrites {
		assert.Contains(t, src, r.new, "esbuild's helper changed: update helperRewrites")
		assert.NotContains(t, src, r.old)
		assert.Equal(t, strings.Count(r.old, "\n"), strings.Count(r.new, "\n"), "source map lines")
	}
}

func TestLeanHelpersKeepImportsAndExports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "lean/main.js", options.Options{}, nil)
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "A,B,C,A,function,1,2", v.global("result"))
	assert.Equal(t, int64(1), v.exports.Get("first").ToInteger())
	assert.Equal(t, int64(2), v.exports.Get("second").ToInteger())
}

func TestLazyGlobalObjects(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "lean/main.js", options.Options{}, nil)
	v := h.vu(1, "")
	methods := func(name string) *modules.LazyObject[*vu] {
		obj, ok := v.rt.Get(name).(*goja.Object)
		require.True(t, ok)
		lm, ok := obj.Export().(*modules.LazyObject[*vu])
		require.True(t, ok)
		return lm
	}
	assert.Zero(t, methods("console").Built(), "no console method built before use")
	assert.Zero(t, methods("crypto").Built(), "no crypto method built before use")

	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "debug,error,info,log,warn,custom", v.global("consoleKeys"))
	assert.Equal(t, true, v.global("sameLog"))
	assert.Equal(t, int64(36), v.global("uuidLen"))
	assert.Equal(t, 2, methods("console").Built(), "log and the script's own property")
	assert.Equal(t, 1, methods("crypto").Built(), "randomUUID only")
}
