package jsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSourcesHashTheScriptAndEachLocalModule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	sha := func(body string) string { s := sha256.Sum256([]byte(body)); return hex.EncodeToString(s[:]) }
	main := `import http from "k6/http"; import { a } from "./lib/a.js"; import b from "./b.ts";
export default function () { return a + b; }`
	const modA, modB = "export const a = 1;\n", "const b: number = 2; export default b;\n"
	write("main.js", main)
	pathA, pathB := write("lib/a.js", modA), write("b.ts", modB)
	write("unused.js", "export const never = 1;\n")

	p, err := Compile(filepath.Join(dir, "main.js"), CompileOptions{})
	require.NoError(t, err)
	assert.Equal(t, []Source{
		{Path: p.Path(), SHA256: sha(main)},
		{Path: pathB, SHA256: sha(modB)},
		{Path: pathA, SHA256: sha(modA)},
	}, p.Sources(), "entry first, then local modules by path; built-in modules and unused files are not sources")

	write("lib/a.js", "export const a = 2;\n") // one byte changed
	p2, err := Compile(filepath.Join(dir, "main.js"), CompileOptions{})
	require.NoError(t, err)
	assert.Equal(t, p.Sources()[0], p2.Sources()[0])
	assert.Equal(t, p.Sources()[1], p2.Sources()[1])
	assert.NotEqual(t, p.Sources()[2].SHA256, p2.Sources()[2].SHA256)
}
