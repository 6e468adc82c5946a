package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExecutionAPI runs k6/execution's VU tags, metadata, instance counters and scenario
// progress, and checks what k6 documents: a tag set on the VU tags its later samples (for the
// rest of the scenario, also after a group), counters and progress grow.
func TestExecutionAPI(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "s.js", `import http from 'k6/http';
import exec from 'k6/execution';
import { group, check } from 'k6';
export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 4 } },
  thresholds: {
    'http_reqs{flow:checkout}': ['count==3'],
    'http_reqs{flow:login}': ['count==1'],
    'checks{flow:checkout}': ['rate==1'],
  },
};
export default function () {
  const i = exec.scenario.iterationInTest;
  if (i === 0) {
    exec.vu.tags.flow = 'login';
  } else if (i === 1) {
    group('g', () => { exec.vu.metrics.tags.flow = 'checkout'; });
  }
  exec.vu.metrics.metadata.trace = 'abc' + i;
  http.get(`+"`${__ENV.TARGET}/hit`"+`);
  check(null, {
    'tag readable': () => exec.vu.tags.flow === (i === 0 ? 'login' : 'checkout'),
    'metadata readable': () => exec.vu.metrics.metadata.trace === 'abc' + i,
    'completed so far': () => exec.instance.iterationsCompleted === i,
    'interrupted': () => exec.instance.iterationsInterrupted === 0,
    'progress': () => exec.scenario.progress === i / 4,
    'scenario tag kept': () => exec.vu.tags.scenario === 's',
  });
  if (i === 0) { delete exec.vu.tags.flow; }
}
`)
	export := filepath.Join(t.TempDir(), "e.json")
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--summary-export", export, "-e", "TARGET="+tg.URL, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	d := loadExport(t, export)
	assert.Equal(t, 24.0, d.num(t, "checks", "passes"))
	assert.Zero(t, d.num(t, "checks", "fails"))
}

// TestExecutionTagTypes: as in k6, a tag value of another type than string, number or
// boolean throws a TypeError.
func TestExecutionTagTypes(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", `import exec from 'k6/execution';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };
export default function () {
  exec.vu.tags.n = 5; exec.vu.tags.b = true;
  let threw = '';
  try { exec.vu.tags.o = { a: 1 }; } catch (e) { threw = e.name; }
  check(null, { n: () => exec.vu.tags.n === '5', b: () => exec.vu.tags.b === 'true',
    object: () => threw === 'TypeError' && !('o' in exec.vu.tags) });
}
`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", script)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
}

// TestExecutionTestFail: exec.test.fail() lets the run go on and ends it failed with k6's
// exit code 110, the verdict naming the reason; thresholds crossed too are hidden by it.
func TestExecutionTestFail(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", `import exec from 'k6/execution';
export const options = { iterations: 3, thresholds: { iterations: ['count>10'] } };
export default function () {
  if (exec.scenario.iterationInTest === 1) { exec.test.fail('bad data'); }
}
`)
	export := filepath.Join(t.TempDir(), "e.json")
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "--summary-export", export, script)
	assert.Equal(t, exitMarkedFailed, r.code, r.stderr)
	assert.Equal(t, 3.0, loadExport(t, export).num(t, "iterations", "count"), "the run went on")
	assert.Contains(t, r.stdout, "✗ test marked as failed: bad data (exec.test.fail()) (exit 110)")
	assert.Contains(t, r.stdout, "(exit 99, hidden by 110)")
	assert.Contains(t, r.stderr, "test marked as failed: bad data")
}
