package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// k6Doc returns the path of an example of k6's documentation under examples/k6-docs.
func k6Doc(name string) string { return filepath.Join("..", "..", "examples", "k6-docs", name) }

// TestK6DocTimers runs the k6/timers documentation example unmodified: one iteration that
// lasts until its timeout clears the interval, as under k6.
func TestK6DocTimers(t *testing.T) {
	t.Parallel()
	export := filepath.Join(t.TempDir(), "export.json")
	r := nnjs(t.Context(), nil, "run", "-q", "--summary-export", export, k6Doc("timers.js"))
	require.Equal(t, exitOK, r.code, r.stderr)
	ticks := strings.Count(r.stderr, "This runs every 200ms")
	// 2 s / 200 ms is 9 or 10; each interval starts after the previous callback, so a loaded
	// machine makes fewer.
	assert.GreaterOrEqual(t, ticks, 5, "about 2s / 200ms intervals:\n%s", r.stderr)
	assert.LessOrEqual(t, ticks, 10)
	assert.Equal(t, 1, strings.Count(r.stderr, "This runs after 2s"))
	d := loadExport(t, export)
	assert.Equal(t, 1.0, d.num(t, "iterations", "count"))
	assert.GreaterOrEqual(t, d.num(t, "iteration_duration", "min"), 2000.0, "the iteration lasted until its timers ended")
}
