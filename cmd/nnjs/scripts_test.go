package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptDirs are the directories whose scripts every `go test` compiles and dry-runs,
// relative to this package.
var scriptDirs = []string{
	filepath.Join("..", "..", "scenarios"), filepath.Join("..", "..", "examples"), filepath.Join("..", "..", "bench"),
}

// skippedDirs hold no nnjs scripts (npm packages, Kubernetes manifests).
var skippedDirs = []string{"node_modules", "k8s"}

// entryPoint matches what makes a file a test script rather than a module it imports: a
// default export or an options export.
var entryPoint = regexp.MustCompile(`(?m)^export\s+(default\b|(const|let|var)\s+options\b|\{[^}]*\bdefault\b)`)

// repoScripts returns every .js and .ts entry script under scriptDirs, and the modules they
// import (which compile as part of them).
func repoScripts(t *testing.T) (scripts, modules []string) {
	t.Helper()
	for _, root := range scriptDirs {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && slices.Contains(skippedDirs, d.Name()):
				return filepath.SkipDir
			case d.IsDir(), !strings.HasSuffix(path, ".js") && !strings.HasSuffix(path, ".ts"):
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if entryPoint.Match(src) {
				scripts = append(scripts, path)
			} else {
				modules = append(modules, path)
			}
			return nil
		})
		require.NoError(t, err)
	}
	return scripts, modules
}

// TestRepoScriptsInspect compiles every script of the repository and runs its init code with
// an empty environment (scripts that need a target or a database URL must still load), through
// `nnjs inspect`, which applies every check `nnjs run` does before load.
func TestRepoScriptsInspect(t *testing.T) {
	t.Parallel()
	scripts, modules := repoScripts(t)
	require.GreaterOrEqual(t, len(scripts), 5, "the examples and bench alone have five scripts")
	t.Logf("modules compiled through the scripts that import them: %v", modules)
	for _, path := range scripts {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			t.Parallel()
			out := inspectJSON(t, nnjs(t.Context(), nil, "inspect", path))
			require.NotEmpty(t, out.Scenarios)
			for name, sc := range out.Scenarios {
				assert.NotEmpty(t, sc["executor"], "scenario %s", name)
			}
		})
	}
}

func TestEntryPointDetection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want bool
	}{
		{"export default function () {}", true},
		{"export default async function main(): Promise<void> {}", true},
		{"export const options = {};\nexport function browse() {}", true},
		{"function f() {}\nexport { f as default };", true},
		{"export function iteration(data) {}\nexport const paymentOptions = {};", false},
		{"// export default function () {}\nexport function helper() {}", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, entryPoint.MatchString(tc.src), tc.src)
	}
}
