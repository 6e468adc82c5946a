package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/internal/junit"
)

// writeJUnit writes the JUnit report of the scripts' outcomes to path and returns the exit
// code: code, or 104 when the report could not be written and nothing else failed.
func (a *app) writeJUnit(path string, outs []*outcome, code int) int {
	rep := junit.Report{Name: "nnjs"}
	for _, o := range outs {
		rep.Suites = append(rep.Suites, junitSuite(o))
	}
	return a.writeAfterRun("the JUnit report", path, code, func(f *os.File) error { return junit.Write(f, rep) })
}

// writeAfterRun writes what (a file the run or suite ends with) to path and returns the exit
// code: code, or 104 when the file could not be written and nothing else failed.
func (a *app) writeAfterRun(what, path string, code int, write func(*os.File) error) int {
	if err := writeFileAtomic(path, write); err != nil {
		fmt.Fprintf(a.stderr, "nnjs run: %s %s was not written: %v\n", what, path, err)
		if code == exitOK {
			return exitInvalidConfig
		}
		return code
	}
	fmt.Fprintf(a.stderr, "nnjs run: %s written to %s\n", what, path)
	return code
}

// junitSuite states one script's outcome as a testsuite: a "run" case (an error when the run
// broke: script error, abort, timeout, signal, database; a failure when the script called
// exec.test.fail()), a case per threshold expression
// (a failure when crossed) and per integrity check (a failure when a critical one failed).
// It has a failure or an error exactly when the script's exit code is not 0.
func junitSuite(o *outcome) junit.Suite {
	s := junit.Suite{Name: o.name, Timestamp: o.start, Time: o.took}
	run := junit.Case{Name: "run", Classname: o.name, Time: o.took}
	if o.notRun != "" {
		run.Skipped = "not run: " + o.notRun
		s.Cases = []junit.Case{run}
		return s
	}
	s.Properties = junitProperties(o)
	s.SystemOut = strings.Join(o.verdict.lines(), "\n")
	switch {
	case o.err != nil:
		run.Error = &junit.Problem{Message: exitMessage(o), Type: exitType(o.code), Text: o.err.Error()}
	default:
		var errs, fails []string
		for _, it := range o.verdict.items {
			switch {
			case it.state != itemFailed || it.itemized:
			case it.code == exitMarkedFailed && it.err == nil: // exec.test.fail(): judged, not broken
				fails = append(fails, itemText(it))
			default:
				errs = append(errs, itemText(it))
			}
		}
		if len(errs) > 0 {
			run.Error = &junit.Problem{Message: exitMessage(o), Type: exitType(o.code), Text: strings.Join(append(errs, fails...), "\n")}
		} else if len(fails) > 0 {
			run.Failure = &junit.Problem{Message: "the script marked the run failed (exec.test.fail())", Type: exitType(exitMarkedFailed), Text: strings.Join(fails, "\n")}
		}
	}
	s.Cases = append(s.Cases, run)
	s.Cases = append(s.Cases, thresholdCases(o)...)
	s.Cases = append(s.Cases, integrityCases(o)...)
	if o.code != exitOK && s.Counts().Failures+s.Counts().Errors == 0 {
		// The exit code failed for a reason no case states (a threshold with abortOnFail
		// that passes at the end): the run case says it.
		var texts []string
		for _, it := range o.verdict.items {
			if it.state == itemFailed {
				texts = append(texts, itemText(it))
			}
		}
		s.Cases[0].Failure = &junit.Problem{Message: exitMessage(o), Type: exitType(o.code), Text: strings.Join(texts, "\n")}
	}
	return s
}

func exitMessage(o *outcome) string { return fmt.Sprintf("exit code %d: %s", o.code, o.meaning()) }

func exitType(code int) string { return "exit-" + strconv.Itoa(code) }

// itemText is a failed verdict item's line and the error behind it.
func itemText(it verdictItem) string {
	if it.err != nil {
		return it.text + ": " + it.err.Error()
	}
	return it.text
}

// thresholdCases is a case per threshold expression.
func thresholdCases(o *outcome) []junit.Case {
	var out []junit.Case
	for _, r := range o.results {
		t := r.Threshold
		c := junit.Case{Name: fmt.Sprintf("threshold %s: %s", t.Name, t.Expr.Source), Classname: o.name + ".thresholds"}
		switch {
		case !r.OK:
			text := fmt.Sprintf("metric: %s\nexpression: %s\nobserved: %s", t.Name, t.Expr.Source, observed(r.Observed))
			if r.Partial {
				text += "\nnot judged: the run outgrew --max-series, so this sub-metric misses samples; it fails"
			}
			c.Failure = &junit.Problem{Message: fmt.Sprintf("%s '%s' crossed: observed %s", t.Name, t.Expr.Source, observed(r.Observed)),
				Type: "threshold", Text: text}
		case r.Empty && math.IsNaN(r.Observed):
			c.Skipped = "not judged: no samples"
		}
		out = append(out, c)
	}
	return out
}

// integrityCases is a case per integrity check, or one skipped case when the checks did not
// judge the run. A failed warning check passes (it does not fail the exit code either); its
// finding is in the case's output.
func integrityCases(o *outcome) []junit.Case {
	if !o.integrityAsked {
		return nil
	}
	if o.integrity == nil {
		return []junit.Case{{Name: "integrity", Classname: o.name + ".integrity", Skipped: "not judged: " + o.integrityNotJudged}}
	}
	var out []junit.Case
	for _, res := range o.integrity.Results {
		c := junit.Case{Name: fmt.Sprintf("integrity %s (%s)", res.ID, res.Severity), Classname: o.name + ".integrity"}
		text := fmt.Sprintf("%s: %d violating rows — %s", res.Status, res.Count, res.Explanation)
		if res.Note != "" {
			text += "\n" + res.Note
		}
		switch {
		case res.Status == integrity.StatusSkip:
			c.Skipped = "skipped: " + res.Note
		case res.Severity != integrity.Critical && res.Failed():
			c.SystemOut = "warning: " + text
		case res.Status == integrity.StatusError:
			c.Error = &junit.Problem{Message: "integrity check " + res.ID + " could not run", Type: "integrity", Text: text}
		case res.Failed():
			c.Failure = &junit.Problem{Message: fmt.Sprintf("integrity check %s failed: %d violating rows", res.ID, res.Count),
				Type: "integrity", Text: text}
		}
		out = append(out, c)
	}
	return out
}

// junitProperties are the script's exit code, checks, key figures and run record (its
// headline fields, then the whole record as JSON under "run", as in the summary export).
func junitProperties(o *outcome) []junit.Property {
	ps := []junit.Property{
		{Name: "script", Value: o.script},
		{Name: "exit_code", Value: strconv.Itoa(o.code)},
		{Name: "exit_meaning", Value: o.meaning()},
	}
	if o.judged {
		ps = append(ps, junit.Property{Name: "checks_passed", Value: strconv.FormatUint(o.checks.passed, 10)},
			junit.Property{Name: "checks_failed", Value: strconv.FormatUint(o.checks.failed, 10)})
	}
	for _, f := range append(o.figures, o.recordFields...) {
		ps = append(ps, junit.Property{Name: f.name, Value: f.value})
	}
	if o.record != nil {
		ps = append(ps, junit.Property{Name: "run", Value: string(o.record)})
	}
	return ps
}

// writeFileAtomic writes path through a temporary file in its directory, so a reader never
// sees half a file.
func writeFileAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nnjs-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
