package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hitScript gets TARGET/NAME once per iteration (iterations from -i or the default 1).
const hitScript = `import http from 'k6/http';
export default function () { http.get(__ENV.TARGET + '/' + __ENV.NAME); }
`

// tableRow matches the suite table's row of script name with exit code code.
func tableRow(n int, name, code string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s+` + strconv.Itoa(n) + `\s+` + regexp.QuoteMeta(name) + `\s+` + regexp.QuoteMeta(code) + `\s`)
}

// TestSuiteFromDirectoryAndArgs runs a directory (its .js and .ts files in name order, other
// files ignored) then a script: each gets the command line's flags and its own output file.
func TestSuiteFromDirectoryAndArgs(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	dir := t.TempDir()
	scriptFileIn(t, dir, "b.ts", hitScript)
	scriptFileIn(t, dir, "a.js", hitScript)
	scriptFileIn(t, dir, "notes.txt", "not a script")
	last := scriptFile(t, "c.js", hitScript)
	out := t.TempDir()
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-i", "2", "-e", "TARGET="+tg.URL, "-e", "NAME=x",
		"--summary-export", filepath.Join(out, "sum.json"), dir, last)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 6, tg.count("GET /x"), "three scripts of 2 iterations")
	for i, name := range []string{"a", "b", "c"} {
		assert.Regexp(t, tableRow(i+1, name, "0"), r.stdout)
		assert.Equal(t, 2.0, loadExport(t, filepath.Join(out, "sum-"+name+".json")).num(t, "iterations", "count"))
	}
	assert.NoFileExists(t, filepath.Join(out, "sum.json"))
	assert.Contains(t, r.stdout, "SUITE: PASSED, exit code 0 (ok): 3 scripts, 3 passed, 0 failed, 0 not run")
	assert.Regexp(t, `suite script 1 of 3: a \(.*a\.js\)`, r.stderr)
}

// TestSuiteFileEntriesLayerOnTheCommandLine checks that an entry's env and flags go over the
// command line's, and that its own output path is used as given.
func TestSuiteFileEntriesLayerOnTheCommandLine(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	dir := t.TempDir()
	scriptFileIn(t, dir, "scripts/hit.js", hitScript)
	own := filepath.Join(t.TempDir(), "own.json")
	suite := scriptFileIn(t, dir, "suite.json", `[
  {"name": "first", "script": "scripts/hit.js"},
  {"name": "second", "script": "scripts/hit.js", "env": {"NAME": "env"}, "flags": ["-i", "3"]},
  {"name": "third", "script": "scripts/hit.js", "flags": ["-e", "NAME=flag", "--summary-export", "`+own+`"]}
]`)
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "-i", "1", "-e", "TARGET="+tg.URL, "-e", "NAME=cli", "--suite", suite)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 1, tg.count("GET /cli"))
	assert.Equal(t, 3, tg.count("GET /env"), "the entry's env and -i win")
	assert.Equal(t, 1, tg.count("GET /flag"))
	assert.Equal(t, 1.0, loadExport(t, own).num(t, "iterations", "count"))
	assert.Regexp(t, tableRow(2, "second", "0"), r.stdout)
}

// TestSuiteExitCodes: the first failing script's code, --fail-fast stops there, and a
// failing script does not stop the others without it.
func TestSuiteExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	abort := scriptFileIn(t, dir, "abort.js", `import exec from 'k6/execution';
export default function () { exec.test.abort('stop here'); }
`)
	crossed := scriptFileIn(t, dir, "crossed.js", `export const options = { iterations: 2, thresholds: { iterations: ['count>10'] } };
export default function () {}
`)
	pass := scriptFileIn(t, dir, "pass.js", `export default function () {}`)

	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--no-color", pass, abort, crossed)
	assert.Equal(t, exitAborted, r.code, r.stderr)
	assert.Regexp(t, tableRow(2, "abort", "108"), r.stdout)
	assert.Regexp(t, tableRow(3, "crossed", "99"), r.stdout)
	assert.Contains(t, r.stdout, "1 of 1 crossed")
	assert.Contains(t, r.stdout, "exit code 108: the first failing script's (abort)")

	r = nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--no-color", "--fail-fast", crossed, abort, pass)
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	assert.Regexp(t, `(?m)^\s+2\s+abort\s+-\s+not run: --fail-fast: crossed exited 99`, r.stdout)
	assert.Regexp(t, `(?m)^\s+3\s+pass\s+-\s+not run`, r.stdout)
	assert.NotContains(t, r.stderr, "stop here", "abort.js did not run")
}

// TestSuitePlanErrors: a bad suite stops before any script runs, with an error naming the
// file, line, entry and field or flag.
func TestSuitePlanErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ok := scriptFileIn(t, dir, "ok.js", `export default function () { throw new Error('ran'); }`)
	scriptFileIn(t, dir, "empty/readme.md", "")
	tests := []struct{ name, suite, want string }{
		{"not a list", `{"script": "ok.js"}`, `want a JSON list of entries`},
		{"unknown field", "[\n  {\"script\": \"ok.js\"},\n  {\"script\": \"ok.js\", \"vus\": 5}\n]", `suite\.json:3: entry 2: json: unknown field "vus" \(fields: name, script, env, flags\)`},
		{"missing script", `[{"name": "x"}]`, `entry 1: field "script" is missing`},
		{"bad json", "[\n  {\"script\": \"ok.js\",}\n]", `suite\.json:2: invalid character '}'`},
		{"bad name", `[{"name": "a/b", "script": "ok.js"}]`, `entry 1 \(a/b\): name "a/b": use letters`},
		{"same name", `[{"name": "x", "script": "ok.js"}, {"name": "x", "script": "ok.js"}]`, `entry 2 \(x\): name "x" is used by an earlier entry`},
		{"suite flag", `[{"script": "ok.js", "flags": ["--junit", "j.xml"]}]`, `entry 1 \(.*ok\.js\): flags: --junit applies to the whole suite`},
		{"script in flags", `[{"script": "ok.js", "flags": ["other.js"]}]`, `flags: "other.js" is not a flag`},
		{"bad flag value", `[{"script": "ok.js"}, {"script": "ok.js", "flags": ["--vus", "-2"]}]`, `entry 2 \(.*ok\.js\): --vus: -2 is negative`},
		{"unknown flag", `[{"script": "ok.js", "flags": ["--nope"]}]`, `flags: unknown flag: --nope`},
		{"same output", `[{"script": "ok.js", "flags": ["--summary-export", "s.json"]}, {"name": "two", "script": "ok.js", "flags": ["--summary-export", "s.json"]}]`,
			`script ok \(--summary-export\) and script two \(--summary-export\) both write s\.json`},
		{"empty", `[]`, `the list has no entries`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := scriptFileIn(t, t.TempDir(), "suite.json", tc.suite)
			require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), "ok.js"), []byte(`export default function () { throw new Error('ran'); }`), 0o644))
			r := nnjs(t.Context(), nil, "run", "-q", "--suite", path)
			assert.Equal(t, exitInvalidConfig, r.code)
			assert.Regexp(t, tc.want, r.stderr)
			assert.NotContains(t, r.stderr, "ran", "no script ran")
		})
	}
	r := nnjs(t.Context(), nil, "run", "-q", "--suite", "x.json", ok)
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "give scripts or --suite FILE, not both")
	r = nnjs(t.Context(), nil, "run", "-q", ok, filepath.Join(dir, "empty"))
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "has no *.js or *.ts file")
	r = nnjs(t.Context(), nil, "run", "-q", ok, "-")
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "cannot read a script from stdin")
}

func TestNamedPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"sum.json":         "sum-smoke.json",
		"out/r.html":       "out/r-smoke.html",
		"res.json.gz":      "res-smoke.json.gz",
		"noext":            "noext-smoke",
		"dir.v2/file.json": "dir.v2/file-smoke.json",
	} {
		assert.Equal(t, want, namedPath(in, "smoke"), in)
	}
}

// TestSuiteReports: --report in a suite writes one report per script (named after it) and
// the index at --report's path, linking only the reports this suite wrote (not a stale one
// of a script that failed before its load).
func TestSuiteReports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pass := scriptFileIn(t, dir, "pass.js", `export const options = { iterations: 2 };
export default function () {}
`)
	syntax := scriptFileIn(t, dir, "syntax.js", "export default function () { let x = ; }\n")
	out := t.TempDir()
	stale := filepath.Join(out, "r-syntax.html")
	require.NoError(t, os.WriteFile(stale, []byte("an old report"), 0o644))
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--report", filepath.Join(out, "r.html"), pass, syntax)
	assert.Equal(t, exitScriptException, r.code, r.stderr)
	page, err := os.ReadFile(filepath.Join(out, "r-pass.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "nnjs report: pass.js")
	index, err := os.ReadFile(filepath.Join(out, "r.html"))
	require.NoError(t, err)
	assert.Contains(t, string(index), `<a href="r-pass.html">report</a>`)
	assert.NotContains(t, string(index), "r-syntax.html")
	assert.Contains(t, string(index), "FAILED, exit code 107")

	r = nnjs(t.Context(), nil, "run", "-q", "--report", filepath.Join(out, "missing", "r.html"), pass, syntax)
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "a suite writes its report index there")
}

// TestSuiteMarkedFailed: a script that calls exec.test.fail() exits 110 like a failed
// integrity check; the table says which it was and JUnit reports a failure of its run case
// (a judged outcome, not a broken run).
func TestSuiteMarkedFailed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	marked := scriptFileIn(t, dir, "marked.js", `import exec from 'k6/execution';
export const options = { iterations: 2 };
export default function () { if (exec.scenario.iterationInTest === 1) exec.test.fail('wrong totals'); }
`)
	pass := scriptFileIn(t, dir, "pass.js", `export default function () {}`)
	out := t.TempDir()
	junitPath := filepath.Join(out, "junit.xml")
	r := nnjs(t.Context(), nil, "run", "-q", "--no-summary", "--no-color", "--junit", junitPath,
		"--report", filepath.Join(out, "r.html"), pass, marked)
	assert.Equal(t, exitMarkedFailed, r.code, r.stderr)
	assert.Regexp(t, `(?m)^\s+2\s+marked\s+110\s+the script marked the run failed \(exec\.test\.fail\(\)\)\s`, r.stdout)
	assert.Contains(t, r.stdout, "SUITE: FAILED, exit code 110 (the script marked the run failed (exec.test.fail()))")
	doc := loadJUnit(t, junitPath)
	run := doc.caseNamed(t, 1, "run")
	require.NotNil(t, run.Failure)
	assert.Nil(t, run.Error)
	assert.Contains(t, run.Failure.Text, "wrong totals")
	assert.Zero(t, doc.Suites[0].Failures+doc.Suites[0].Errors)
	page, err := os.ReadFile(filepath.Join(out, "r-marked.html"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(page), "wrong totals (exec.test.fail())"), "the report's verdict names the reason")
}

// FuzzReadSuiteFile: any bytes give entries or an error naming the file, never a panic; an
// accepted entry always names a script.
func FuzzReadSuiteFile(f *testing.F) {
	for _, seed := range []string{
		`[{"script": "a.js"}]`,
		`[{"name": "x", "script": "a.js", "env": {"K": "V"}, "flags": ["-u", "5"]}]`,
		"[\n {\"script\": \"a.js\"},\n {\"script\": 1}\n]",
		`[{"script": "a.js"}] trailing`, `[`, `{}`, `[]`, `[{"script": ""}]`, `[null]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "suite.json")
		require.NoError(t, os.WriteFile(path, b, 0o644))
		entries, err := readSuiteFile(path)
		if err != nil {
			assert.Contains(t, err.Error(), "--suite ")
			return
		}
		require.NotEmpty(t, entries)
		for _, e := range entries {
			assert.NotEqual(t, dir, e.Script, "an entry names a script")
			assert.Positive(t, e.line)
		}
	})
}
