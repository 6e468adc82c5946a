package jsapi

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestTypeScriptAndImports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "ts/main.ts", options.Options{}, nil)
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, "15:hello nnjs:w1", v.global("result"))
	checks := h.rec.of("checks")
	require.Len(t, checks, 1)
	assert.Equal(t, 1.0, checks[0].Value)
}

func TestCompileErrorsNameOriginalPosition(t *testing.T) {
	t.Parallel()
	abs := func(p string) string {
		a, err := filepath.Abs(filepath.Join("testdata", p))
		require.NoError(t, err)
		return a
	}
	tests := []struct {
		name, script, file string
		line, col          int
	}{
		{"js syntax", "errs/syntax.js", "errs/syntax.js", 3, 7},
		{"ts syntax", "errs/syntax.ts", "errs/syntax.ts", 4, 23},
		{"imported module", "errs/imports_bad.js", "errs/bad_module.js", 5, 22},
		{"missing import", "errs/missing.js", "errs/missing.js", 1, 22},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(filepath.Join("testdata", tc.script), CompileOptions{})
			var se *ScriptError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, abs(tc.file), se.File)
			assert.Equal(t, tc.line, se.Line, se.Msg)
			assert.Equal(t, tc.col, se.Col, se.Msg)
			assert.NotEmpty(t, se.Msg)
		})
	}
}

func TestCompileMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Compile("testdata/nothing-here.js", CompileOptions{})
	require.Error(t, err)
	var se *ScriptError
	assert.False(t, errors.As(err, &se), "a missing file is not a script error")
}

func TestExceptionStackMapsToOriginal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "throws.js", options.Options{}, nil)
	v := h.vu(1, "")
	err := v.Iterate(context.Background(), engine.Iteration{})
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	explode, _ := filepath.Abs("testdata/lib/explode.js")
	main, _ := filepath.Abs("testdata/throws.js")
	assert.Equal(t, explode, se.File)
	assert.Equal(t, 4, se.Line)
	assert.Equal(t, "Error: exploded: boom", se.Msg)
	assert.Contains(t, se.Stack, explode+":4:")
	assert.Contains(t, se.Stack, main+":4:")
	msgs := h.logs.messages()
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "exploded: boom")
	stack, ok := h.logs.attr(0, "stack")
	require.True(t, ok)
	assert.Contains(t, stack.String(), explode+":4:")
}

func TestInitExceptionIsScriptError(t *testing.T) {
	t.Parallel()
	prg, err := Compile("testdata/initthrow.js", CompileOptions{})
	require.NoError(t, err)
	_, err = prg.Options(context.Background(), nil)
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 2, se.Line)
	assert.Equal(t, "Error: init failed 1", se.Msg)
}
