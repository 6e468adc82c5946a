package k6http

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"a", []string{"a"}},
		{"a.b.0", []string{"a", "b", "0"}},
		{`a\.b.c`, []string{"a.b", "c"}},
		{"items.#", []string{"items", "#"}},
		{"a..b", []string{"a", "", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, splitPath(tc.in))
		})
	}
}

func FuzzSplitPath(f *testing.F) {
	for _, s := range []string{"a.b", `a\.b`, "x.0.#", `\`, "..", `a\\.b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		parts := splitPath(path)
		if len(parts) == 0 {
			t.Fatal("no segments")
		}
		if !strings.Contains(path, `\`) && strings.Join(parts, ".") != path {
			t.Fatalf("split %q into %q", path, parts)
		}
	})
}
