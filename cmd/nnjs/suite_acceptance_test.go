package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acceptanceSuite writes the six scripts of issue 11's acceptance suite and its suite file:
// a pass, a crossed threshold, a 1.5 s load (the one the signal test interrupts),
// exec.test.abort(), a syntax error and the legacy lost update (integrity C19 fails) on dbURL.
func acceptanceSuite(t *testing.T, dbURL string) string {
	t.Helper()
	dir := t.TempDir()
	scriptFileIn(t, dir, "pass.js", `import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 4, thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] } };
export default function () { check(http.get(__ENV.TARGET + '/pass'), { 'status 200': (r) => r.status === 200 }); }
`)
	scriptFileIn(t, dir, "crossed.js", `import http from 'k6/http';
export const options = { iterations: 2, thresholds: { http_reqs: ['count>100'], http_req_failed: ['rate==0'] } };
export default function () { http.get(__ENV.TARGET + '/crossed'); }
`)
	scriptFileIn(t, dir, "slow.js", `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1500ms', gracefulStop: '5s' } } };
export default function () { http.get(__ENV.TARGET + '/slow'); sleep(0.2); }
export function teardown() { http.get(__ENV.TARGET + '/slow-teardown'); }
`)
	scriptFileIn(t, dir, "abort.js", `import exec from 'k6/execution';
export const options = { iterations: 10 };
export default function () { if (exec.scenario.iterationInTest === 2) exec.test.abort('enough of this'); }
`)
	scriptFileIn(t, dir, "syntax.js", "export default function () {\n  let x = ;\n}\n")
	lost, err := filepath.Abs(filepath.Join(dbPaymentDir, "lost-update.js"))
	require.NoError(t, err)
	entries := []map[string]any{
		{"script": "pass.js"}, {"script": "crossed.js"}, {"script": "slow.js"}, {"script": "abort.js"},
		{"script": "syntax.js"},
		{"name": "lost-update", "script": lost, "env": map[string]string{"DB": dbURL, "MEMBER_COUNT": "40"}},
	}
	b, err := json.MarshalIndent(entries, "", "  ")
	require.NoError(t, err)
	return scriptFileIn(t, dir, "suite.json", string(b))
}

// junitDoc is the part of a JUnit file the tests read.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []junitCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitCase struct {
	Name    string `xml:"name,attr"`
	Failure *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"error"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
}

// loadJUnit checks path with xmllint and parses it.
func loadJUnit(t *testing.T, path string) junitDoc {
	t.Helper()
	lint, err := exec.LookPath("xmllint")
	require.NoError(t, err, "xmllint (Debian package libxml2-utils) is needed")
	out, err := exec.Command(lint, "--noout", path).CombinedOutput()
	require.NoError(t, err, "xmllint: %s", out)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(b, &doc))
	return doc
}

// caseNamed returns the testsuite's case called name.
func (d junitDoc) caseNamed(t *testing.T, suite int, name string) junitCase {
	t.Helper()
	for _, c := range d.Suites[suite].Cases {
		if c.Name == name {
			return c
		}
	}
	require.FailNow(t, "no testcase "+name, "in testsuite %s", d.Suites[suite].Name)
	return junitCase{}
}

var suiteRowRE = regexp.MustCompile(`(?m)^\s+(\d+)\s+(\S+)\s+(\d+|-)\s+(.*)$`)

// suiteRows reads the suite table: script name and exit code ("-" for not run) per row.
func suiteRows(t *testing.T, stdout string) (names, codes []string) {
	t.Helper()
	for _, m := range suiteRowRE.FindAllStringSubmatch(stdout, -1) {
		if m[1] == strconv.Itoa(len(names)+1) {
			names, codes = append(names, m[2]), append(codes, m[3])
		}
	}
	return names, codes
}

// assertAgree checks, script by script, that the suite table, the JUnit report and want
// (exit codes, "-" for not run) agree: a testsuite has a failure or an error exactly when its
// script's code is not 0, and a not-run script is one skipped case. The JUnit totals are
// the sums of the testsuites'.
func assertAgree(t *testing.T, stdout string, doc junitDoc, want []string) {
	t.Helper()
	names, codes := suiteRows(t, stdout)
	assert.Equal(t, want, codes, stdout)
	require.Len(t, doc.Suites, len(want))
	var tests, failures, errors, skipped int
	for i, s := range doc.Suites {
		assert.Equal(t, names[i], s.Name)
		tests, failures, errors, skipped = tests+s.Tests, failures+s.Failures, errors+s.Errors, skipped+s.Skipped
		assert.Len(t, s.Cases, s.Tests, s.Name)
		switch want[i] {
		case "-":
			assert.Equal(t, 1, s.Skipped, s.Name)
			assert.Zero(t, s.Failures+s.Errors, s.Name)
		case "0":
			assert.Zero(t, s.Failures+s.Errors, s.Name)
		default:
			assert.Positive(t, s.Failures+s.Errors, s.Name)
			props := map[string]string{}
			for _, p := range s.Properties {
				props[p.Name] = p.Value
			}
			assert.Equal(t, want[i], props["exit_code"], s.Name)
		}
	}
	assert.Equal(t, []int{tests, failures, errors, skipped}, []int{doc.Tests, doc.Failures, doc.Errors, doc.Skipped})
}

// TestSuiteAcceptance is issue 11's acceptance 1: a suite of six scripts (pass, threshold
// crossed, exec.test.abort(), syntax error, integrity failure of the legacy lost update) runs
// to the end and exits with the first failing script's code; the same suite stopped by
// SIGINT during its third script exits 105 after that script's teardown, with the rest not
// run. Each time the suite table, the exit code and the JUnit report agree script by script.
func TestSuiteAcceptance(t *testing.T) {
	t.Parallel()
	dbURL, _ := initStaging(t, dbPaymentSeed...)
	suite := acceptanceSuite(t, dbURL)

	t.Run("complete", func(t *testing.T) {
		tg := newCountingTarget(t, nil)
		junitPath := filepath.Join(t.TempDir(), "junit.xml")
		r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-e", "TARGET="+tg.URL, "--junit", junitPath, "--suite", suite)
		assert.Equal(t, exitThresholds, r.code, r.stderr)
		doc := loadJUnit(t, junitPath)
		assertAgree(t, r.stdout, doc, []string{"0", "99", "0", "108", "107", "110"})
		assert.Contains(t, r.stdout, "exit code 99: the first failing script's (crossed)")
		assert.Regexp(t, `(?m)^\s+6\s+lost-update\s+110\s+a critical integrity check failed\s.*FAILED C19\s*$`, r.stdout)
		assert.Regexp(t, `(?m)^\s+1\s+pass\s+0\s+ok\s.*2 passed\s+4 ✓ 0 ✗\s+-\s*$`, r.stdout)

		crossed := doc.caseNamed(t, 1, "threshold http_reqs: count>100")
		require.NotNil(t, crossed.Failure)
		assert.Equal(t, "http_reqs 'count>100' crossed: observed 2", crossed.Failure.Message)
		assert.Nil(t, doc.caseNamed(t, 1, "threshold http_req_failed: rate==0").Failure)
		abort := doc.caseNamed(t, 3, "run")
		require.NotNil(t, abort.Error)
		assert.Equal(t, "exit-108", abort.Error.Type)
		assert.Contains(t, abort.Error.Text, "enough of this")
		syntax := doc.caseNamed(t, 4, "run")
		require.NotNil(t, syntax.Error)
		assert.Equal(t, "exit code 107: script error", syntax.Error.Message)
		assert.Regexp(t, `syntax\.js:2:\d+`, syntax.Error.Text)
		c19 := doc.caseNamed(t, 5, "integrity C19 (critical)")
		require.NotNil(t, c19.Failure)
		assert.Contains(t, c19.Failure.Message, "integrity check C19 failed: 1 violating rows")
		assert.Nil(t, doc.caseNamed(t, 5, "integrity C18 (critical)").Failure)
		assert.NotContains(t, r.stdout+r.stderr, testPassword)
		b, err := os.ReadFile(junitPath)
		require.NoError(t, err)
		assert.NotContains(t, string(b), testPassword, "the run record's URLs are masked")
	})

	t.Run("SIGINT during the third script", func(t *testing.T) {
		reached := make(chan struct{})
		tg := newCountingTarget(t, func(key string, n int) {
			if key == "GET /slow" && n == 2 {
				close(reached)
			}
		})
		junitPath := filepath.Join(t.TempDir(), "junit.xml")
		p := startNNJS(t, "run", "-q", "--no-color", "-e", "TARGET="+tg.URL, "--junit", junitPath, "--suite", suite)
		waitFor(t, reached, "the third script's second iteration")
		require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
		assert.Equal(t, exitSignal, p.exitCode(t, 60*time.Second), p.stderr.String())
		assert.Equal(t, 1, tg.count("GET /slow-teardown"), "the interrupted script's teardown ran")
		doc := loadJUnit(t, junitPath)
		assertAgree(t, p.stdout.String(), doc, []string{"0", "99", "105", "-", "-", "-"})
		assert.Contains(t, p.stdout.String(), "SUITE: FAILED, exit code 105 (stopped by a signal: the run is incomplete): 6 scripts, 1 passed, 2 failed, 3 not run")
		run := doc.caseNamed(t, 2, "run")
		require.NotNil(t, run.Error)
		assert.Equal(t, "exit-105", run.Error.Type)
		assert.Equal(t, "not run: the suite was stopped by a signal", doc.caseNamed(t, 5, "run").Skipped.Message)
	})
}

// TestJUnitForOneScript: --junit on a single run writes one testsuite named by the script,
// whose failure agrees with the exit code; the run's output is otherwise that of a run
// without it (no suite table).
func TestJUnitForOneScript(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "crossed.js", `import http from 'k6/http';
export const options = { iterations: 2, thresholds: { http_reqs: ['count>100'] } };
export default function () { http.get(__ENV.TARGET + '/x'); }
`)
	junitPath := filepath.Join(t.TempDir(), "junit.xml")
	r := nnjs(t.Context(), nil, "run", "-q", "--no-color", "-e", "TARGET="+tg.URL, "--junit", junitPath, script)
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "SUITE")
	doc := loadJUnit(t, junitPath)
	require.Len(t, doc.Suites, 1)
	assert.Equal(t, script, doc.Suites[0].Name)
	assert.Equal(t, []int{2, 1, 0}, []int{doc.Tests, doc.Failures, doc.Errors})
	var rec struct {
		ID     string `json:"id"`
		Script struct {
			SHA256 string `json:"sha256"`
		} `json:"script"`
	}
	for _, p := range doc.Suites[0].Properties {
		if p.Name == "run" {
			require.NoError(t, json.Unmarshal([]byte(p.Value), &rec))
		}
	}
	assert.Len(t, rec.Script.SHA256, 64, "the run record is in the properties")
	assert.Contains(t, r.stdout, "run "+rec.ID, "the same record as the summary's header")

	r = nnjs(t.Context(), nil, "run", "-q", "--junit", filepath.Join(t.TempDir(), "no", "junit.xml"), script)
	assert.Equal(t, exitInvalidConfig, r.code)
	assert.Contains(t, r.stderr, "--junit ")
	assert.Zero(t, tg.count("GET /x")-2, "no load with an unwritable --junit")
}
