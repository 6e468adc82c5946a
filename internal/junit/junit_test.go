package junit

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsed is the document as a CI reader sees it.
type parsed struct {
	Name string `xml:"name,attr"`
	counts
	Time   string `xml:"time,attr"`
	Suites []struct {
		Name string `xml:"name,attr"`
		counts
		Time       string `xml:"time,attr"`
		Timestamp  string `xml:"timestamp,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

// counts are the attributes Write computes.
type counts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
}

func sample() Report {
	start := time.Date(2026, 12, 4, 18, 52, 25, 0, time.FixedZone("CET", 3600))
	return Report{Name: "nnjs", Suites: []Suite{
		{Name: "pass.js", Timestamp: start, Time: 1500 * time.Millisecond,
			Properties: []Property{{"checks_passed", "10"}, {"command", `nnjs run "a<b>&c"`}},
			Cases:      []Case{{Name: "run"}, {Name: "threshold http_reqs: count>1"}},
			SystemOut:  "VERDICT: PASSED\n"},
		{Name: "bad.js", Time: 250 * time.Millisecond, Cases: []Case{
			{Name: "run", Error: &Problem{Message: "exit code 107: script error", Type: "107", Text: "SyntaxError: \x1b[31mUnexpected token\x1b[0m at bad.js:3:5"}},
			{Name: "threshold http_req_duration: p(95)<1", Failure: &Problem{Message: "observed 12.5", Text: "metric http_req_duration"}},
			{Name: "threshold checks: rate>0.9", Skipped: "not judged: no samples"},
		}},
	}}
}

func TestWriteCountsAgreeWithTheElements(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, Write(&b, sample()))
	require.True(t, bytes.HasPrefix(b.Bytes(), []byte(xml.Header)))
	var doc parsed
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())

	assert.Equal(t, "nnjs", doc.Name)
	assert.Equal(t, []int{5, 1, 1, 1}, []int{doc.Tests, doc.Failures, doc.Errors, doc.Skipped})
	assert.Equal(t, "1.750", doc.Time)
	require.Len(t, doc.Suites, 2)

	pass := doc.Suites[0]
	assert.Equal(t, []int{2, 0, 0, 0}, []int{pass.Tests, pass.Failures, pass.Errors, pass.Skipped})
	assert.Equal(t, "1.500", pass.Time)
	assert.Equal(t, "2026-12-04T17:52:25", pass.Timestamp, "UTC, no zone")
	require.Len(t, pass.Properties, 2)
	assert.Equal(t, `nnjs run "a<b>&c"`, pass.Properties[1].Value)
	assert.Equal(t, "VERDICT: PASSED\n", pass.SystemOut)

	bad := doc.Suites[1]
	assert.Equal(t, []int{3, 1, 1, 1}, []int{bad.Tests, bad.Failures, bad.Errors, bad.Skipped})
	assert.Empty(t, bad.Timestamp)
	assert.Equal(t, "exit code 107: script error", bad.Cases[0].Error.Message)
	assert.Equal(t, "observed 12.5", bad.Cases[1].Failure.Message)
	assert.Equal(t, "not judged: no samples", bad.Cases[2].Skipped.Message)
	assert.NotContains(t, b.String(), "\x1b", "a character XML 1.0 forbids is replaced")
}

func TestCountsPreferErrorOverFailure(t *testing.T) {
	t.Parallel()
	s := Suite{Cases: []Case{{Name: "both", Error: &Problem{}, Failure: &Problem{}}, {Name: "ok"}}}
	assert.Equal(t, Counts{Tests: 2, Errors: 1}, s.Counts())
	var b bytes.Buffer
	require.NoError(t, Write(&b, Report{Suites: []Suite{s}}))
	assert.NotContains(t, b.String(), "<failure", "a case is written with the one outcome it is counted as")
}

// TestXMLLintAccepts checks that the document is well-formed for libxml2, which CI servers'
// readers build on. CI installs xmllint (libxml2-utils).
func TestXMLLintAccepts(t *testing.T) {
	t.Parallel()
	lint, err := exec.LookPath("xmllint")
	require.NoError(t, err, "xmllint (Debian package libxml2-utils) is needed")
	path := filepath.Join(t.TempDir(), "junit.xml")
	var b bytes.Buffer
	require.NoError(t, Write(&b, sample()))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	out, err := exec.Command(lint, "--noout", path).CombinedOutput()
	assert.NoError(t, err, string(out))
}

// TestWriteEmpty: a report without suites is still a valid document.
func TestWriteEmpty(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, Write(&b, Report{Name: "nnjs"}))
	var doc parsed
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	assert.Zero(t, doc.Tests)
	assert.Equal(t, "0.000", doc.Time)
}
