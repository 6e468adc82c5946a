package integrity

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Status is the outcome of one check.
type Status string

// The outcomes. A check with status error could not be evaluated, which counts as a failure.
const (
	StatusPass  Status = "pass"
	StatusFail  Status = "FAIL"
	StatusError Status = "error"
	StatusSkip  Status = "skip"
)

// Result is the outcome of one check: how many rows violate it and the first of them (all
// values as PostgreSQL text, NULL as "NULL"), key columns first.
type Result struct {
	ID          string     `json:"id"`
	Severity    Severity   `json:"severity"`
	Status      Status     `json:"status"`
	Count       int64      `json:"count"`
	Explanation string     `json:"explanation"`
	Columns     []string   `json:"columns,omitempty"`
	Rows        [][]string `json:"rows,omitempty"`
	// Note says why a check was skipped or the error it hit.
	Note   string `json:"note,omitempty"`
	Source string `json:"source"`
}

// Failed reports whether the check found violations or could not run.
func (r Result) Failed() bool { return r.Status == StatusFail || r.Status == StatusError }

// Report is the outcome of one Run.
type Report struct {
	Database   string        `json:"database"`
	Range      Range         `json:"range"`
	Baseline   *Baseline     `json:"baseline,omitempty"`
	Reconcile  *Reconcile    `json:"reconcile,omitempty"`
	StartedAt  time.Time     `json:"started_at"`
	SnapshotAt time.Time     `json:"snapshot_at"`
	Duration   time.Duration `json:"duration_ns"`
	Results    []Result      `json:"results"`
}

// CriticalFailed reports whether any critical check failed or could not run.
func (r Report) CriticalFailed() bool {
	for _, res := range r.Results {
		if res.Severity == Critical && res.Failed() {
			return true
		}
	}
	return false
}

// Failing returns the ids of the checks that failed or errored, in report order.
func (r Report) Failing() []string {
	var ids []string
	for _, res := range r.Results {
		if res.Failed() {
			ids = append(ids, res.ID)
		}
	}
	return ids
}

// Result returns the result with the given id.
func (r Report) Result(id string) (Result, bool) {
	for _, res := range r.Results {
		if res.ID == id {
			return res, true
		}
	}
	return Result{}, false
}

// JSON renders the report as indented JSON.
func (r Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("integrity: encode report: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteText writes a readable table: one line per check, then the violating rows of each
// failing check.
func (r Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "integrity: database %s, members %s, snapshot %s\n", r.Database, r.Range,
		r.SnapshotAt.UTC().Format(time.RFC3339))
	if r.Baseline != nil {
		fmt.Fprintf(ew, "baseline: run %s, taken %s (ledger id > %d, order id > %d)\n", r.Baseline.RunID,
			r.Baseline.TakenAt.UTC().Format(time.RFC3339), r.Baseline.MaxLedgerID, r.Baseline.MaxOrderID)
	} else {
		fmt.Fprintln(ew, "baseline: none (checks that need one are skipped)")
	}
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tCOUNT\tEXPLANATION")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", res.ID, res.Severity, res.shownStatus(), res.Count, res.Explanation)
	}
	tw.Flush()
	for _, res := range r.Results {
		writeDetail(ew, res)
	}
	fmt.Fprintln(ew, r.Summary())
	return ew.err
}

// shownStatus is the status as printed: a failed warning check reads WARN, since it does not
// fail the run.
func (r Result) shownStatus() string {
	if r.Status == StatusFail && r.Severity == Warning {
		return "WARN"
	}
	return string(r.Status)
}

// Summary returns the closing line of the text report, e.g. "OK: 28 passed, 1 warning" or
// "CRITICAL FAILURE: 26 passed, 2 failed, 1 skipped": the counts that are not zero, with
// failed warning checks counted as warnings, never as failures.
func (r Report) Summary() string {
	var passed, failed, warnings, errs, skipped int
	for _, res := range r.Results {
		switch {
		case res.Status == StatusPass:
			passed++
		case res.Status == StatusFail && res.Severity == Warning:
			warnings++
		case res.Status == StatusFail:
			failed++
		case res.Status == StatusError:
			errs++
		case res.Status == StatusSkip:
			skipped++
		}
	}
	verdict := "OK"
	if r.CriticalFailed() {
		verdict = "CRITICAL FAILURE"
	}
	parts := []string{fmt.Sprintf("%d passed", passed)}
	for _, c := range []struct {
		n            int
		one, several string
	}{{failed, "failed", "failed"}, {warnings, "warning", "warnings"}, {errs, "error", "errors"}, {skipped, "skipped", "skipped"}} {
		switch {
		case c.n == 1:
			parts = append(parts, "1 "+c.one)
		case c.n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.several))
		}
	}
	return verdict + ": " + strings.Join(parts, ", ")
}

func writeDetail(w io.Writer, res Result) {
	switch {
	case res.Status == StatusSkip || res.Status == StatusError:
		fmt.Fprintf(w, "\n%s %s: %s\n", res.ID, res.Status, res.Note)
	case res.Status == StatusFail:
		shown := len(res.Rows)
		fmt.Fprintf(w, "\n%s %s (%s): %d violating row(s), showing %d:\n", res.ID, res.shownStatus(), res.Severity, res.Count, shown)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  "+strings.Join(res.Columns, "\t"))
		for _, row := range res.Rows {
			fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
		}
		tw.Flush()
	}
}

// errWriter keeps the first write error so WriteText can return it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, nil
}
