package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/internal/report"
)

// exitMeanings says what each exit code means, for the report's verdict.
var exitMeanings = map[int]string{
	exitOK:               "ok",
	exitThresholds:       "a threshold was crossed",
	exitSetupTimeout:     "setup() exceeded setupTimeout",
	exitTeardownTimeout:  "teardown() exceeded teardownTimeout",
	exitInvalidConfig:    "invalid flags, options or input files, or a result not written",
	exitSignal:           "stopped by a signal: the run is incomplete",
	exitScriptException:  "script error",
	exitAborted:          "aborted by exec.test.abort()",
	exitIntegrity:        "a critical integrity check failed, or the script called exec.test.fail()",
	exitDatabase:         "a database was unreachable or not a staging database",
	exitValidationFailed: "a validation check failed",
}

func exitMeaning(code int) string {
	if m, ok := exitMeanings[code]; ok {
		return m
	}
	return "exit code " + strconv.Itoa(code)
}

// verdictInput is what a report's verdict is judged from.
type verdictInput struct {
	code       int // the exit code (of the run, or the merged files')
	thresholds threshold.Results
	integrity  []report.SourcedIntegrity
	// reasons and notJudged are further lines from the caller (the run's error, a file's
	// exit code, integrity not judged).
	reasons, notJudged []string
}

// reportVerdict states the outcome for the report: the exit code and its meaning, then every
// crossed threshold and failed integrity check.
func reportVerdict(in verdictInput) report.Verdict {
	v := report.Verdict{Passed: in.code == exitOK, Code: in.code, Meaning: exitMeaning(in.code)}
	for _, r := range in.thresholds {
		t := r.Threshold
		switch {
		case !r.OK:
			v.Reasons = append(v.Reasons, fmt.Sprintf("threshold crossed: %s '%s' (observed %s)", t.Name, t.Expr.Source, observed(r.Observed)))
		case r.Empty && math.IsNaN(r.Observed):
			v.NotJudged = append(v.NotJudged, fmt.Sprintf("threshold %s '%s': no samples", t.Name, t.Expr.Source))
		}
	}
	for _, s := range in.integrity {
		for _, res := range s.Report.Results {
			if !res.Failed() {
				continue
			}
			line := fmt.Sprintf("integrity check %s %s: %d violating rows — %s%s",
				res.ID, res.Status, res.Count, res.Explanation, sourceSuffix(s.Source))
			if res.Severity == integrity.Critical {
				v.Reasons = append(v.Reasons, line)
			} else {
				v.Warnings = append(v.Warnings, line)
			}
		}
	}
	v.Reasons = append(v.Reasons, in.reasons...)
	v.NotJudged = append(v.NotJudged, in.notJudged...)
	return v
}

func observed(v float64) string {
	if math.IsNaN(v) {
		return "none"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func sourceSuffix(src string) string {
	if src == "" {
		return ""
	}
	return " [" + src + "]"
}
