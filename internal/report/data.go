package report

import (
	"encoding/json"
	"time"

	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/internal/dbmon"
)

// Data is everything a report page shows. It is embedded in the page as JSON (the element
// with id "nnjs-data") and rendered there by the report's script; numbers are raw (times in
// milliseconds, rates per second, shares 0..1), formatting happens in the page.
type Data struct {
	Title     string    `json:"title"`
	Generated time.Time `json:"generated"`
	// Live is true while a dashboard serves a run in progress.
	Live    bool    `json:"live,omitempty"`
	Verdict Verdict `json:"verdict"`
	// Runs describes each process the report covers: one for `nnjs run`, one per result file
	// for `nnjs report`.
	Runs []Run `json:"runs"`
	// Start and End bound the load (the earliest start and latest end of the runs).
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	ElapsedMs float64   `json:"elapsedMs"`
	Figures   []Figure  `json:"figures"`
	// Thresholds, Checks and Metrics are the summary's tables; Requests and Queries the
	// per-request and per-statement statistics.
	Thresholds []ThresholdRow `json:"thresholds"`
	Checks     []CheckRow     `json:"checks"`
	Requests   []StatRow      `json:"requests"`
	Queries    []StatRow      `json:"queries"`
	Metrics    []MetricRow    `json:"metrics"`
	Timeline   *Timeline      `json:"timeline,omitempty"`
	// DB holds the database monitor's report of each run that had one.
	DB []SourcedDB `json:"db,omitempty"`
	// Integrity holds the integrity report of each run that ran the checks.
	Integrity []SourcedIntegrity `json:"integrity,omitempty"`
	// Notes say what the page cannot show and why (an old result file, merged percentiles).
	Notes []string `json:"notes,omitempty"`
}

// Verdict is the run's outcome as its exit code says it.
type Verdict struct {
	Passed bool `json:"passed"`
	// Code is the exit code; Meaning says what it means ("a threshold was crossed").
	Code    int    `json:"code"`
	Meaning string `json:"meaning"`
	// Reasons lists what failed: crossed thresholds, failed integrity checks, errors.
	Reasons []string `json:"reasons,omitempty"`
	// Warnings lists what failed without failing the run (integrity checks of severity
	// warning).
	Warnings []string `json:"warnings,omitempty"`
	// NotJudged lists what nnjs could not judge, and why.
	NotJudged []string `json:"notJudged,omitempty"`
}

// Run is one nnjs process of the report.
type Run struct {
	// Source is the result file the run comes from ("" for the run that wrote the report).
	Source           string    `json:"source,omitempty"`
	Script           string    `json:"script"`
	ExecutionSegment string    `json:"executionSegment,omitempty"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	// ExitCode is the process's exit code (nil when the file does not say).
	ExitCode *int `json:"exitCode,omitempty"`
	// Record is the run record (version, command line, hashes, options, database), as
	// written by the run.
	Record json.RawMessage `json:"record,omitempty"`
}

// SourcedDB is a database monitor report and the run it comes from.
type SourcedDB struct {
	Source string        `json:"source,omitempty"`
	Report *dbmon.Report `json:"report"`
}

// SourcedIntegrity is an integrity report and the run it comes from.
type SourcedIntegrity struct {
	Source string            `json:"source,omitempty"`
	Report *integrity.Report `json:"report"`
}

// Figure is one key number at the top of the report.
type Figure struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	// Unit says how to format Value: "count", "rate" (per second), "ms", "share" (0..1),
	// "bytes".
	Unit string `json:"unit"`
	// Bad marks a figure that shows a problem (failed requests, deadlocks).
	Bad bool `json:"bad,omitempty"`
}

// ThresholdRow is one threshold expression and its outcome.
type ThresholdRow struct {
	Metric string `json:"metric"`
	Expr   string `json:"expr"`
	// Observed is the aggregation's value (nil when there was nothing to observe).
	Observed *float64 `json:"observed"`
	// Contains is the metric's value type, for formatting Observed.
	Contains string `json:"contains"`
	// Status is "pass", "fail" or "not judged"; Note says why a threshold was not judged.
	Status      string `json:"status"`
	Note        string `json:"note,omitempty"`
	AbortOnFail bool   `json:"abortOnFail,omitempty"`
}

// CheckRow is one check by name (and group).
type CheckRow struct {
	Group  string `json:"group,omitempty"`
	Name   string `json:"name"`
	Passes uint64 `json:"passes"`
	Fails  uint64 `json:"fails"`
}

// StatRow is one line of the per-request (HTTP: name, method, status) or per-statement (SQL:
// name, op) statistics, like Locust's stats table. Times are in milliseconds.
type StatRow struct {
	Name     string  `json:"name"`
	Method   string  `json:"method,omitempty"`
	Status   string  `json:"status,omitempty"`
	Count    float64 `json:"count"`
	Failures float64 `json:"failures"`
	RPS      float64 `json:"rps"`
	Avg      float64 `json:"avg"`
	Min      float64 `json:"min"`
	P50      float64 `json:"p50"`
	P90      float64 `json:"p90"`
	P95      float64 `json:"p95"`
	P99      float64 `json:"p99"`
	Max      float64 `json:"max"`
}

// MetricRow is one metric's run totals, as the end-of-test summary shows them.
type MetricRow struct {
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	Contains string  `json:"contains"`
	Count    uint64  `json:"count"`
	Sum      float64 `json:"sum,omitempty"`
	// Rate is per second for counters and the non-zero share for rates.
	Rate  float64 `json:"rate,omitempty"`
	Value float64 `json:"value,omitempty"` // gauge: last value
	Avg   float64 `json:"avg,omitempty"`
	Min   float64 `json:"min,omitempty"`
	Med   float64 `json:"med,omitempty"`
	Max   float64 `json:"max,omitempty"`
	P90   float64 `json:"p90,omitempty"`
	P95   float64 `json:"p95,omitempty"`
	P99   float64 `json:"p99,omitempty"`
}
