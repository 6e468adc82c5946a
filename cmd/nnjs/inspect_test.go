package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inspected is the part of `nnjs inspect` JSON the tests read.
type inspected struct {
	VUs       *int64                    `json:"vus"`
	Scenarios map[string]map[string]any `json:"scenarios"`
}

func inspectJSON(t *testing.T, r cliResult) inspected {
	t.Helper()
	require.Equal(t, exitOK, r.code, r.stderr)
	var out inspected
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), r.stdout)
	return out
}

// TestScriptErrorsStopBeforeLoad checks that run and inspect find the same script and option
// errors, exit with k6's codes and name the place or the option.
func TestScriptErrorsStopBeforeLoad(t *testing.T) {
	t.Parallel()
	const ok = "export default function () {}\n"
	tests := []struct {
		name  string
		files map[string]string // file name -> body
		main  string            // the script to run
		code  int
		want  []string // regular expressions stderr must match
	}{
		{name: "syntax error", main: "main.js",
			files: map[string]string{"main.js": "import http from 'k6/http';\nexport default function () {\n  let x = ;\n}\n"},
			code:  exitScriptException, want: []string{`main\.js:3:\d+`, `Unexpected`}},
		{name: "syntax error in an imported module", main: "main.js",
			files: map[string]string{
				"main.js":     "import { f } from './lib/util.js';\nexport default function () { f(); }\n",
				"lib/util.js": "export function f() {\n  return 1 +;\n}\n",
			},
			code: exitScriptException, want: []string{`util\.js:2:\d+`}},
		{name: "syntax error in TypeScript", main: "main.ts",
			files: map[string]string{"main.ts": "const a: number = 1;\nexport default function (): void {\n  const b: string = ;\n}\n"},
			code:  exitScriptException, want: []string{`main\.ts:3:\d+`}},
		{name: "exception in init code", main: "main.js",
			files: map[string]string{"main.js": "const x = {};\nx.y.z = 1;\nexport default function () {}\n"},
			code:  exitScriptException, want: []string{`main\.js:2:\d+`, `TypeError`}},
		{name: "unknown executor lists the allowed ones", main: "main.js",
			files: map[string]string{"main.js": "export const options = { scenarios: { a: { executor: 'constant-vuss', vus: 1, duration: '1s' } } };\n" + ok},
			code:  exitInvalidConfig, want: []string{`scenarios\.a\.executor`, `constant-vuss`, `shared-iterations`, `per-vu-iterations`, `constant-vus`, `ramping-vus`}},
		{name: "bad duration", main: "main.js",
			files: map[string]string{"main.js": "export const options = { scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1x' } } };\n" + ok},
			code:  exitInvalidConfig, want: []string{`scenarios\.a\.duration`, `"1x"`}},
		{name: "threshold on an unknown metric", main: "main.js",
			files: map[string]string{"main.js": "export const options = { thresholds: { no_such_metric: ['count>1'] } };\n" + ok},
			code:  exitInvalidConfig, want: []string{`thresholds`, `no_such_metric`}},
		{name: "bad threshold expression", main: "main.js",
			files: map[string]string{"main.js": "export const options = { thresholds: { http_reqs: ['count >> 1'] } };\n" + ok},
			code:  exitInvalidConfig, want: []string{`http_reqs`, `count >> 1`}},
		{name: "bad summaryTrendStats option", main: "main.js",
			files: map[string]string{"main.js": "export const options = { summaryTrendStats: ['avg', 'p(x)'] };\n" + ok},
			code:  exitInvalidConfig, want: []string{`summaryTrendStats`, `p\(x\)`}},
		{name: "shortcut conflicts with scenarios", main: "main.js",
			files: map[string]string{"main.js": "export const options = { duration: '1s', scenarios: { a: { executor: 'constant-vus', duration: '1s' } } };\n" + ok},
			code:  exitInvalidConfig, want: []string{`scenarios`}},
		{name: "scenario exec not exported", main: "main.js",
			files: map[string]string{"main.js": "export const options = { scenarios: { a: { executor: 'per-vu-iterations', exec: 'nosuch' } } };\n" + ok},
			code:  exitInvalidConfig, want: []string{`scenarios\.a`, `nosuch`}},
		{name: "no default export", main: "main.js",
			files: map[string]string{"main.js": "export function helper() {}\n"},
			code:  exitInvalidConfig, want: []string{`default`}},
		{name: "missing script", main: "nope.js", files: map[string]string{},
			code: exitInvalidConfig, want: []string{`nope\.js`, `not found`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, body := range tc.files {
				scriptFileIn(t, dir, name, body)
			}
			for _, cmd := range []string{"run", "inspect"} {
				r := nnjs(t.Context(), nil, cmd, filepath.Join(dir, tc.main))
				assert.Equal(t, tc.code, r.code, "%s: %s", cmd, r.stderr)
				assert.Empty(t, r.stdout, cmd)
				for _, re := range tc.want {
					assert.Regexp(t, regexp.MustCompile(re), r.stderr, cmd)
				}
			}
		})
	}
}

// TestRunFlagErrors checks flag values that are refused before the script is even compiled.
func TestRunFlagErrors(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", "export default function () { throw new Error('must not run'); }\n")
	tests := []struct {
		name  string
		flags []string
		want  string
	}{
		{"trend stats junk", []string{"--summary-trend-stats", "avg,p(x)"}, `--summary-trend-stats.*p\(x\)`},
		{"stage without a target", []string{"-s", "junk"}, `--stage "junk"`},
		{"stage with a bad target", []string{"-s", "10s:x"}, `--stage "10s:x"`},
		{"stage with a bad duration", []string{"-s", "1x:3"}, `--stage "1x:3"`},
		{"bad duration", []string{"-d", "soon"}, `--duration`},
		{"negative vus", []string{"-u", "-2"}, `--vus`},
		{"env without a value", []string{"-e", "JUSTKEY"}, `--env "JUSTKEY"`},
		{"missing env file", []string{"--env-file", filepath.Join(t.TempDir(), "none.env")}, `--env-file`},
		{"unknown flag", []string{"--no-such-flag"}, `no-such-flag`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := nnjs(t.Context(), nil, append(append([]string{"run"}, tc.flags...), script)...)
			assert.Equal(t, exitInvalidConfig, r.code, r.stderr)
			assert.Regexp(t, tc.want, r.stderr)
			assert.NotContains(t, r.stderr, "must not run")
		})
	}
}

func TestInspectPrintsResolvedScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options string
		env     []string
		want    map[string]string // scenario -> executor
		vus     float64           // VUs of the first scenario in want
	}{
		{"no options", "{}", nil, map[string]string{"default": "per-vu-iterations"}, 1},
		{"iterations shortcut", "{ vus: 3, iterations: 9 }", nil, map[string]string{"default": "shared-iterations"}, 3},
		{"duration shortcut", "{ vus: 2, duration: '5s' }", nil, map[string]string{"default": "constant-vus"}, 2},
		{"stages shortcut", "{ stages: [{ duration: '5s', target: 4 }] }", nil, map[string]string{"default": "ramping-vus"}, 1},
		{"scenarios", "{ scenarios: { a: { executor: 'per-vu-iterations', vus: 4, iterations: 2 } } }", nil,
			map[string]string{"a": "per-vu-iterations"}, 4},
		{"options read __ENV from -e", "{ vus: Number(__ENV.VUS || 1), iterations: 10 }", []string{"-e", "VUS=7"},
			map[string]string{"default": "shared-iterations"}, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			script := scriptFile(t, "s.js", "export const options = "+tc.options+";\nexport default function () {}\n")
			out := inspectJSON(t, nnjs(t.Context(), nil, append(append([]string{"inspect"}, tc.env...), script)...))
			require.Len(t, out.Scenarios, len(tc.want))
			for name, exec := range tc.want {
				require.Contains(t, out.Scenarios, name)
				assert.Equal(t, exec, out.Scenarios[name]["executor"])
				vus := out.Scenarios[name]["vus"]
				if vus == nil {
					vus = out.Scenarios[name]["startVUs"]
				}
				assert.Equal(t, tc.vus, vus)
			}
		})
	}
}

// TestInspectRunsNoLoad checks that inspect runs init code only: no setup, no iteration.
func TestInspectRunsNoLoad(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "s.js", `import http from 'k6/http';
export function setup() { http.get(__ENV.TARGET + '/setup'); }
export default function () { http.get(__ENV.TARGET + '/iteration'); }
`)
	out := inspectJSON(t, nnjs(t.Context(), []string{"TARGET=" + tg.URL}, "inspect", script))
	assert.Contains(t, out.Scenarios, "default")
	assert.Zero(t, tg.count("GET /setup")+tg.count("GET /iteration"))
}

// TestInspectMasksPasswordsAndKeepsOperators: the db and integrity URLs (and any connection
// string in the options) are printed without their password, and '>' is not escaped.
func TestInspectMasksPasswordsAndKeepsOperators(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "s.js", `export const options = {
  thresholds: { checks: ['rate>0.99'] },
  db: { monitor: { url: 'postgres://nnjs:`+testPassword+`@127.0.0.1:5432/staging' } },
  integrity: { url: 'host=127.0.0.1 user=nnjs password=`+testPassword+` dbname=staging' },
  scenarios: { s: { executor: 'shared-iterations', env: { DB: 'postgres://u:`+testPassword+`@h/db' } } },
};
export default function () {}
`)
	r := nnjs(t.Context(), nil, "inspect", script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, testPassword)
	assert.Contains(t, r.stdout, "postgres://nnjs:xxxxx@127.0.0.1:5432/staging")
	assert.Contains(t, r.stdout, `"rate>0.99"`)
	assert.NotContains(t, r.stdout, `\u003e`)
}
