package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nnjsWithEnv runs the CLI in-process with environ as the process environment, visible to the
// option lookups (K6_*, NNJS_*) as well as to __ENV.
func nnjsWithEnv(ctx context.Context, environ []string, args ...string) cliResult {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	var out, errb bytes.Buffer
	lookup := func(key string) (string, bool) {
		for _, kv := range environ {
			if k, v, ok := strings.Cut(kv, "="); ok && k == key {
				return v, true
			}
		}
		return "", false
	}
	a := newApp(ctx, strings.NewReader(""), &out, &errb, lookup)
	a.environ = func() []string { return environ }
	code := a.main(args)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// TestK6EnvOptions checks k6's precedence: script options < K6_*/NNJS_* variables < flags, with
// the execution block replaced whole as in k6.
func TestK6EnvOptions(t *testing.T) {
	t.Parallel()
	const scenarios = `{ vus: 4, scenarios: { a: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } }`
	tests := []struct {
		name   string
		env    []string
		flags  []string
		iters  float64
		vusMax float64
	}{
		{"no variables", nil, nil, 6, 2},
		{"K6_ITERATIONS replaces the scenarios, keeps the script's vus", []string{"K6_ITERATIONS=5"}, nil, 5, 4},
		{"K6_VUS and K6_ITERATIONS", []string{"K6_VUS=3", "K6_ITERATIONS=7"}, nil, 7, 3},
		{"NNJS_ wins over K6_", []string{"K6_ITERATIONS=5", "NNJS_ITERATIONS=8"}, nil, 8, 4},
		{"flags win over variables", []string{"K6_VUS=3", "K6_ITERATIONS=7"}, []string{"-i", "2", "-u", "1"}, 2, 1},
		{"-u alone keeps the variables' iterations", []string{"K6_ITERATIONS=7"}, []string{"-u", "1"}, 7, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg := newCountingTarget(t, nil)
			script := scriptFile(t, "s.js", "import http from 'k6/http';\n"+
				"export const options = "+scenarios+";\n"+
				"export default function () { http.get(`${__ENV.TARGET}/hit`); }\n")
			export := filepath.Join(t.TempDir(), "export.json")
			args := append([]string{"run", "-q", "--no-summary", "--summary-export", export, "-e", "TARGET=" + tg.URL}, tc.flags...)
			r := nnjsWithEnv(t.Context(), tc.env, append(args, script)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			d := loadExport(t, export)
			assert.Equal(t, tc.iters, d.num(t, "iterations", "count"))
			assert.Equal(t, int(tc.iters), tg.count("GET /hit"))
			assert.Equal(t, tc.vusMax, d.num(t, "vus_max", "value"))
		})
	}
}

// TestK6EnvRunSettings checks the variables that set run settings: stages, noSetup (also as a
// script option), the summary export path and a bad value (exit 104, naming the variable).
func TestK6EnvRunSettings(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "s.js", "import http from 'k6/http';\n"+
		"export const options = { iterations: 1, thresholds: { 'iterations{team:pay}': ['count==1'] } };\n"+
		"export function setup() { http.get(`${__ENV.TARGET}/setup`); }\n"+
		"export default function () { http.get(`${__ENV.TARGET}/hit`); }\n")
	export := filepath.Join(t.TempDir(), "export.json")
	out := filepath.Join(t.TempDir(), "samples.json")
	env := []string{"K6_NO_SETUP=true", "K6_SUMMARY_EXPORT=" + export, "K6_TAGS=team:pay,env:ci", "K6_OUT=json=" + out}
	r := nnjsWithEnv(t.Context(), env, "run", "-q", "--no-summary", "-e", "TARGET="+tg.URL, script)
	require.Equal(t, exitOK, r.code, "K6_TAGS tag every sample: "+r.stderr)
	assert.Zero(t, tg.count("GET /setup"), "K6_NO_SETUP skips setup()")
	assert.Equal(t, 1, tg.count("GET /hit"))
	assert.Equal(t, 1.0, loadExport(t, export).num(t, "iterations", "count"), "K6_SUMMARY_EXPORT is written")
	samples, err := os.ReadFile(out)
	require.NoError(t, err, "K6_OUT=json=FILE is written")
	assert.Contains(t, string(samples), `"metric":"iterations"`)

	noSetup := scriptFile(t, "n.js", "import http from 'k6/http';\n"+
		"export const options = { iterations: 1, noSetup: true };\n"+
		"export function setup() { http.get(`${__ENV.TARGET}/setup2`); }\n"+
		"export default function () {}\n")
	r = nnjsWithEnv(t.Context(), nil, "run", "-q", "--no-summary", "-e", "TARGET="+tg.URL, noSetup)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Zero(t, tg.count("GET /setup2"), "options.noSetup skips setup()")
	assert.NotContains(t, r.stderr, "noSetup")

	r = nnjsWithEnv(t.Context(), []string{"K6_VUS=many"}, "run", "-q", "--no-summary", script)
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "K6_VUS")

	r = nnjsWithEnv(t.Context(), []string{"K6_STAGES=1s:1,1s:0"}, "inspect", script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"ramping-vus"`)
}
