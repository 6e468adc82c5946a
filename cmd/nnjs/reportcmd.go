package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/report"
)

const reportHelp = `Usage: nnjs report [flags] RESULT... -o FILE.html

Render the HTML report of one run, or of several processes of one test merged (for example
the execution segments of a distributed run), from the result files they wrote with
'nnjs run --out result=FILE'. Totals and percentiles are those of 'nnjs merge' of the same
files; the thresholds of the first file are evaluated again on the merged data. The page is
one self-contained file: it opens offline, with no network request.

  nnjs report seg-0.result seg-1.result seg-2.result -o report.html

Exit codes: 0 the report was written, 104 bad flags or unreadable result files.

Flags:
`

func (a *app) reportCmd(args []string) int {
	fs := pflag.NewFlagSet("report", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var out, title string
	fs.StringVarP(&out, "output", "o", "", "write the report to FILE.html (required)")
	fs.StringVar(&title, "title", "", "the report's title (default: the script's name)")
	fs.Usage = func() { fmt.Fprint(a.stdout, reportHelp, fs.FlagUsages()) }
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			return exitOK
		}
		return a.fail("report", exitErr(exitInvalidConfig, err))
	}
	switch {
	case fs.NArg() == 0:
		return a.fail("report", exitErr(exitInvalidConfig, fmt.Errorf("want one or more RESULT files (see 'nnjs report --help')")))
	case out == "":
		return a.fail("report", exitErr(exitInvalidConfig, fmt.Errorf("-o/--output FILE.html is required")))
	}
	reg := metrics.NewRegistry()
	files, merged, err := mergeResults(reg, fs.Args(), a)
	if err != nil {
		return a.fail("report", exitErr(exitInvalidConfig, err))
	}
	ths, err := threshold.New(reg, files[0].Thresholds)
	if err != nil {
		return a.fail("report", exitErr(exitInvalidConfig, fmt.Errorf("%s: %w", fs.Arg(0), err)))
	}
	d := reportFromFiles(fs.Args(), files, merged, ths.Evaluate(merged), title)
	if err := writeReportFile(out, d); err != nil {
		return a.fail("report", exitErr(exitInvalidConfig, err))
	}
	fmt.Fprintf(a.stdout, "report: %s (%s)\n", out, d.Verdict.Meaning)
	return exitOK
}

// reportFromFiles builds the report of result files merged: their snapshots (merged), the
// thresholds evaluated on them, and each file's run, database and integrity reports.
func reportFromFiles(paths []string, files []resultFile, merged *metrics.Snapshot, res threshold.Results, title string) *report.Data {
	in := report.Input{Snapshot: merged, Thresholds: res, Timeline: mergedTimeline(files)}
	vin := verdictInput{code: exitOK, thresholds: res}
	if res.Failed() {
		vin.code = exitThresholds
	}
	var old []string
	for i, f := range files {
		src := filepath.Base(paths[i])
		if len(files) == 1 {
			src = ""
		}
		run := report.Run{Source: src, Script: f.Script, ExecutionSegment: f.ExecutionSegment, ExitCode: f.ExitCode, Record: f.Run}
		in.Runs = append(in.Runs, run)
		if f.DB != nil {
			in.DB = append(in.DB, report.SourcedDB{Source: src, Report: f.DB})
		}
		if f.Integrity != nil {
			s := report.SourcedIntegrity{Source: src, Report: f.Integrity}
			in.Integrity = append(in.Integrity, s)
			if f.Integrity.CriticalFailed() {
				vin.code = worseExit(vin.code, exitIntegrity)
			}
		}
		if f.Format == resultFormatV1 {
			old = append(old, filepath.Base(paths[i]))
		}
		if f.ExitCode != nil && !slices.Contains([]int{exitOK, exitThresholds, exitIntegrity}, *f.ExitCode) {
			vin.code = worseExit(vin.code, *f.ExitCode)
			vin.reasons = append(vin.reasons, fmt.Sprintf("%s exited %d: %s", nameOr(src, "the run"), *f.ExitCode, exitMeaning(*f.ExitCode)))
		}
		if f.Verdict != nil {
			vin.notJudged = append(vin.notJudged, f.Verdict.NotJudged...)
		}
	}
	vin.integrity = in.Integrity
	in.Verdict = reportVerdict(vin)
	if len(old) > 0 {
		in.Notes = append(in.Notes, fmt.Sprintf("%s: written by an older nnjs (%s), without time series, run record, "+
			"database or integrity reports; their totals are included.", strings.Join(old, ", "), resultFormatV1))
	}
	if len(files) > 1 {
		in.Notes = append(in.Notes, fmt.Sprintf("Merged from %d result files: totals and percentiles are exact over all of them.", len(files)))
	}
	in.Title = title
	if in.Title == "" {
		in.Title = "nnjs report: " + filepath.Base(files[0].Script)
	}
	return report.Build(in)
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// exitOrder ranks exit codes for a report that combines several outcomes, most important
// first (unknown codes rank last).
var exitOrder = []int{exitDatabase, exitIntegrity, exitScriptException, exitSetupTimeout, exitTeardownTimeout,
	exitAborted, exitSignal, exitThresholds, exitInvalidConfig}

// worseExit returns the more important of two exit codes (a failure over exitOK).
func worseExit(a, b int) int {
	rank := func(c int) int {
		if c == exitOK {
			return len(exitOrder) + 1
		}
		if i := slices.Index(exitOrder, c); i >= 0 {
			return i
		}
		return len(exitOrder)
	}
	if rank(b) < rank(a) {
		return b
	}
	return a
}
