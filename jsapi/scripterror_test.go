package jsapi

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

var errNative = errors.New("native refusal")

// TestScriptErrorUnwrapsTheGoError: a Go error a module throws in init code reaches the
// runner's caller through the *ScriptError, so it can choose an exit code by type.
func TestScriptErrorUnwrapsTheGoError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "native.js")
	require.NoError(t, os.WriteFile(path, []byte(`import { refuse } from "nnjs/refuse";
refuse();
export default function () {}
`), 0o600))
	reg := DefaultModules()
	reg.Register(modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		obj := vu.Runtime().NewObject()
		err := obj.Set("refuse", func() { panic(vu.Runtime().NewGoError(errNative)) })
		return obj, err
	}), "nnjs/refuse")
	prg, err := Compile(path, CompileOptions{Modules: reg})
	require.NoError(t, err)
	r, err := NewRunner(prg, RunnerConfig{Registry: metrics.NewRegistry(),
		NewRecorder: (&fakeRecorders{}).new, Logger: slog.New(&logRecords{})})
	require.NoError(t, err)
	_, err = r.NewVU(context.Background(), 1)
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, errNative)
	assert.Contains(t, se.Error(), "native.js:2")

	plain := &ScriptError{Msg: "x"}
	assert.NoError(t, plain.Unwrap())
}
