package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// segmentScript records, per iteration, a value that depends only on the iteration's number in
// the whole test, so one run and its three segments record exactly the same multiset of values.
const segmentScript = `
import http from 'k6/http';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
const spread = new Trend('spread');
export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 7, iterations: 301 },
    pervu: { executor: 'per-vu-iterations', vus: 5, iterations: 4, exec: 'pervu' },
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};
export default function () {
  http.get(__ENV.TARGET);
  spread.add((exec.scenario.iterationInTest * 7919) % 1000 + 0.5);
}
export function pervu() { http.get(__ENV.TARGET); }
`

// TestSegmentsSplitExactlyAndMergeToTheWhole runs one script whole and as three execution
// segments, merges the segments' results and compares: iteration counts must match exactly
// and the deterministic trend's percentiles within HDR precision.
func TestSegmentsSplitExactlyAndMergeToTheWhole(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "segments.js", segmentScript)
	dir := t.TempDir()
	ctx := context.Background()

	whole := filepath.Join(dir, "whole.json")
	r := nnjs(ctx, nil, "run", "-q", "--no-summary", "-e", "TARGET="+tg.URL, "--summary-export", whole, script)
	require.Equal(t, exitOK, r.code, r.stderr)

	seq := "0,1/3,2/3,1"
	var results []string
	for i, seg := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
		res := filepath.Join(dir, fmt.Sprintf("seg-%d.result", i))
		r := nnjs(ctx, nil, "run", "-q", "--no-summary", "-e", "TARGET="+tg.URL,
			"--execution-segment", seg, "--execution-segment-sequence", seq, "--out", "result="+res, script)
		require.Equal(t, exitOK, r.code, r.stderr)
		results = append(results, res)
	}
	merged := filepath.Join(dir, "merged.json")
	r = nnjs(ctx, nil, append([]string{"merge", "--summary-export", merged}, results...)...)
	require.Equal(t, exitOK, r.code, r.stderr)

	w, m := loadExport(t, whole), loadExport(t, merged)
	assert.Equal(t, 321.0, w.num(t, "iterations", "count"), "301 shared + 5x4 per VU")
	for _, f := range []string{"count"} {
		assert.Equal(t, w.num(t, "iterations", f), m.num(t, "iterations", f))
		assert.Equal(t, w.num(t, "http_reqs", f), m.num(t, "http_reqs", f))
	}
	for _, stat := range []string{"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"} {
		want := w.num(t, "spread", stat)
		assert.InEpsilon(t, want, m.num(t, "spread", stat), 0.002, "spread %s", stat)
	}
	assert.Equal(t, 2*321, tg.count("GET /"), "every request of the whole run and of the segments reached the target")
}

func TestBadSegmentAndUnknownScenarioAreConfigErrors(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "segments.js", segmentScript)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--execution-segment", "2/3:1/3"}, "execution"},
		{[]string{"--execution-segment", "abc"}, "execution"},
		{[]string{"--scenario", "nope"}, "nope"},
	}
	for _, tc := range cases {
		r := nnjs(context.Background(), nil, append(append([]string{"run", "-q"}, tc.args...), script)...)
		assert.Equal(t, exitInvalidConfig, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want)
	}
	r := nnjs(context.Background(), nil, "run", "-q", "--no-summary", "--scenario", "pervu", "-e", "TARGET=http://127.0.0.1:1", script)
	assert.Equal(t, exitOK, r.code, r.stderr)
}

// TestScenarioFilterDropsThresholdsOfExcludedScenarios: as in k6, a threshold on a scenario that
// --scenario leaves out is dropped instead of failing on an empty metric.
func TestScenarioFilterDropsThresholdsOfExcludedScenarios(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "two.js", `
import http from 'k6/http';
export const options = {
  scenarios: {
    a: { executor: 'shared-iterations', vus: 1, iterations: 2 },
    b: { executor: 'shared-iterations', vus: 1, iterations: 2, exec: 'b' },
  },
  thresholds: { 'iterations{scenario:b}': ['count==2'], 'iterations{scenario:a}': ['count==2'] },
};
export default function () { http.get(__ENV.TARGET); }
export function b() { http.get(__ENV.TARGET); }
`)
	r := nnjs(context.Background(), nil, "run", "-q", "--no-color", "--scenario", "a", "-e", "TARGET="+tg.URL, script)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "{scenario:a}")
	assert.NotContains(t, r.stdout, "{scenario:b}")
	r = nnjs(context.Background(), nil, "run", "-q", "--no-color", "-e", "TARGET="+tg.URL, script)
	require.Equal(t, exitOK, r.code, "both thresholds hold when both scenarios run: %s", r.stdout)
}
