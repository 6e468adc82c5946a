package integrity

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleReport() Report {
	return Report{
		Database: "staging", Range: Range{First: 80000, Last: 80199},
		SnapshotAt: time.Date(2025, 10, 2, 12, 0, 0, 0, time.UTC),
		Results: []Result{
			{ID: "C01", Severity: Critical, Status: StatusPass, Explanation: "wallet = newest row"},
			{ID: "C07", Severity: Critical, Status: StatusFail, Count: 3, Explanation: "exactly-once debit",
				Columns: []string{"order_id", "completed_debits"}, Rows: [][]string{{"41", "2"}, {"42", "0"}}},
			{ID: "C17", Severity: Warning, Status: StatusFail, Count: 1, Explanation: "cent grid",
				Columns: []string{"member_id"}, Rows: [][]string{{"80001"}}},
			{ID: "C04", Severity: Critical, Status: StatusSkip, Explanation: "conservation", Note: "no baseline"},
		},
	}
}

func TestCriticalFailed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		res  Result
		want bool
	}{
		{"critical fail", Result{Severity: Critical, Status: StatusFail}, true},
		{"critical error", Result{Severity: Critical, Status: StatusError}, true},
		{"critical skip", Result{Severity: Critical, Status: StatusSkip}, false},
		{"critical pass", Result{Severity: Critical, Status: StatusPass}, false},
		{"warning fail", Result{Severity: Warning, Status: StatusFail}, false},
		{"warning error", Result{Severity: Warning, Status: StatusError}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Report{Results: []Result{tc.res}}.CriticalFailed())
		})
	}
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, sampleReport().WriteText(&b))
	out := b.String()
	assert.Contains(t, out, "database staging, members 80000-80199")
	assert.Contains(t, out, "baseline: none")
	assert.Regexp(t, `(?m)^C07\s+critical\s+FAIL\s+3\s+exactly-once debit$`, out)
	assert.Regexp(t, `(?m)^C01\s+critical\s+pass\s+0\s`, out)
	assert.Contains(t, out, "C07 FAIL (critical): 3 violating row(s), showing 2:")
	assert.Regexp(t, `(?m)^C17\s+warning\s+WARN\s+1\s+cent grid$`, out, "a failed warning reads WARN")
	assert.Contains(t, out, "C17 WARN (warning): 1 violating row(s)")
	assert.Regexp(t, `(?m)^\s+order_id\s+completed_debits$`, out)
	assert.Regexp(t, `(?m)^\s+42\s+0$`, out)
	assert.Contains(t, out, "C04 skip: no baseline")
	assert.Contains(t, out, "CRITICAL FAILURE: 1 passed, 1 failed, 1 warning, 1 skipped")
	assert.Equal(t, []string{"C07", "C17"}, sampleReport().Failing())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteTextReportsWriteErrors(t *testing.T) {
	t.Parallel()
	assert.EqualError(t, sampleReport().WriteText(failingWriter{}), "disk full")
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	b, err := sampleReport().JSON()
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, sampleReport(), back)
	assert.Contains(t, string(b), `"status": "FAIL"`)
}
