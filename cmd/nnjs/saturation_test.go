package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/saturation"
)

// TestRunWarnsWhenItsVUsSaturateTheGenerator provokes saturation for real: eight VUs per
// processor spin the CPU in JavaScript and never block, so each runnable goroutine waits for
// several others' 10 ms time slices, far above the 5 ms threshold. A loaded machine only
// makes those waits longer, so the verdict cannot flake the other way. The 3 s hold at least
// two of the once-a-second samples taken after VU init, whenever init ends.
func TestRunWarnsWhenItsVUsSaturateTheGenerator(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "spin.js", fmt.Sprintf(`export const options = { vus: %d, duration: '3s' };
export default function () {
  const end = Date.now() + 50;
  let x = 0;
  while (Date.now() < end) { x++; }
}
`, 8*runtime.GOMAXPROCS(0)))
	export := filepath.Join(t.TempDir(), "e.json")
	r := nnjs(t.Context(), nil, "run", "--no-color", "--summary-export", export, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "WARN: the load generator was saturated in ")
	b, err := os.ReadFile(export)
	require.NoError(t, err)
	var doc struct {
		Saturation *saturation.Report `json:"saturation"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	require.NotNil(t, doc.Saturation, "the export carries the saturation report")
	assert.True(t, doc.Saturation.Saturated)
	assert.Positive(t, doc.Saturation.SaturatedWindows)
	assert.Greater(t, doc.Saturation.WorstSchedP99Ms, doc.Saturation.SchedP99ThresholdMs)
	assert.Equal(t, 5.0, doc.Saturation.SchedP99ThresholdMs)
}
