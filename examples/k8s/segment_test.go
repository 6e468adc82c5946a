// Package k8s holds the Kubernetes example; this test checks that segment.sh gives each pod
// of an Indexed Job the right execution segment.
package k8s

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSegmentScriptDerivesTheSegmentFromTheIndex(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	// a fake nnjs that prints its arguments, one per line
	require.NoError(t, os.WriteFile(filepath.Join(bin, "nnjs"), []byte("#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n"), 0o755))
	cases := []struct {
		index, n     string
		segment, seq string
		resultSuffix string
	}{
		{"0", "3", "0/3:1/3", "0,1/3,2/3,1", "segment-0.result"},
		{"2", "3", "2/3:3/3", "0,1/3,2/3,1", "segment-2.result"},
		{"0", "1", "0/1:1/1", "0,1", "segment-0.result"},
		{"3", "4", "3/4:4/4", "0,1/4,2/4,3/4,1", "segment-3.result"},
	}
	for _, tc := range cases {
		cmd := exec.Command("sh", "segment.sh", "/scripts/baseline.js", "-e", "API=x")
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "JOB_COMPLETION_INDEX="+tc.index, "SEGMENTS="+tc.n, "RESULTS_DIR=/r")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		args := strings.Split(strings.TrimSpace(string(out)), "\n")
		assert.Equal(t, []string{"run", "--quiet", "--execution-segment", tc.segment, "--execution-segment-sequence", tc.seq,
			"--out", "result=/r/" + tc.resultSuffix, "-e", "API=x", "/scripts/baseline.js"}, args)
	}

	cmd := exec.Command("sh", "segment.sh", "x.js")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "JOB_COMPLETION_INDEX=", "SEGMENTS=3")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "an index is required")
	assert.Contains(t, string(out), "Indexed Job")
}
