package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/internal/report"
)

// runSuite runs the suite's scripts one after another, each with its summary, then prints
// the suite table and writes the suite's JUnit report and report index. A signal stops the
// running script gracefully (its teardown and outputs as in a single run) and the suite
// after it (exit 105); --fail-fast stops it after the first script that does not exit 0.
func (a *app) runSuite(fs *pflag.FlagSet, f *runFlags) int {
	scripts, err := a.planSuite(fs, f)
	if err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	outs := make([]*outcome, len(scripts))
	stop, signalled := "", false
	for i, sc := range scripts {
		if stop == "" && a.stopped() {
			stop, signalled = notRunSignal, true
		}
		if stop != "" {
			outs[i] = &outcome{name: sc.name, script: sc.path, notRun: stop}
			continue
		}
		fmt.Fprintf(a.stderr, "\nnnjs run: suite script %d of %d: %s (%s)\n", i+1, len(scripts), sc.name, sc.path)
		o := a.runScript(sc.fs, sc.flags, sc.path)
		o.name = sc.name
		outs[i] = o
		switch {
		case o.code == exitSignal || a.stopped():
			stop, signalled = notRunSignal, true
		case f.failFast && o.code != exitOK:
			stop = fmt.Sprintf("--fail-fast: %s exited %d", sc.name, o.code)
		}
	}
	code := suiteExitCode(outs, signalled)
	writeSuiteTable(a.stdout, outs, code)
	if f.report != "" {
		code = a.writeReportIndex(f.report, outs, code)
	}
	if f.junit != "" {
		code = a.writeJUnit(f.junit, outs, code)
	}
	return code
}

// writeReportIndex writes the suite's report index to path, linking the scripts' reports,
// and returns the exit code: code, or 104 when the index could not be written and nothing
// else failed.
func (a *app) writeReportIndex(path string, outs []*outcome, code int) int {
	idx := report.Index{Title: "nnjs suite: " + filepath.Base(path), Passed: code == exitOK, Code: code, Meaning: exitMeaning(code)}
	for _, o := range outs {
		row := report.IndexRow{Name: o.name, Script: o.script, NotRun: o.notRun, Code: o.code, Meaning: o.meaning(),
			Duration: o.took.Round(time.Millisecond).String(), Thresholds: o.thresholdsCell(), Checks: o.checksCell(), Integrity: o.integrityCell()}
		if o.report != "" {
			row.Href = relativeHref(filepath.Dir(path), o.report)
		}
		idx.Rows = append(idx.Rows, row)
	}
	return a.writeAfterRun("the suite's report index", path, code, func(f *os.File) error { return report.WriteIndex(f, idx) })
}

// relativeHref is target as a link from a page in dir: relative when it can be, else an
// absolute file URL.
func relativeHref(dir, target string) string {
	absDir, err1 := filepath.Abs(dir)
	absTarget, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(target)
	}
	if rel, err := filepath.Rel(absDir, absTarget); err == nil {
		return filepath.ToSlash(rel)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(absTarget)}).String()
}

// notRunSignal is why the scripts after a signal did not run.
const notRunSignal = "the suite was stopped by a signal"

// stopped reports whether a signal asked the command to stop.
func (a *app) stopped() bool {
	return a.interrupts.received() || a.ctx.Err() != nil
}

// suiteExitCode is 105 when a signal stopped the suite, else the first failing script's
// code in suite order, else 0.
func suiteExitCode(outs []*outcome, signalled bool) int {
	if signalled {
		return exitSignal
	}
	for _, o := range outs {
		if o.notRun == "" && o.code != exitOK {
			return o.code
		}
	}
	return exitOK
}

// writeSuiteTable writes the suite's closing table: one row per script.
func writeSuiteTable(w io.Writer, outs []*outcome, code int) {
	passed, failed, notRun := 0, 0, 0
	for _, o := range outs {
		switch {
		case o.notRun != "":
			notRun++
		case o.code == exitOK:
			passed++
		default:
			failed++
		}
	}
	verdict, meaning := "PASSED", exitMeaning(code)
	if code != exitOK {
		verdict = "FAILED"
	}
	for _, o := range outs {
		if o.notRun == "" && o.code == code && code != exitSignal {
			meaning = o.meaning() // the deciding script's
			break
		}
	}
	fmt.Fprintf(w, "\n  █ SUITE: %s, exit code %d (%s): %d scripts, %d passed, %d failed, %d not run\n\n",
		verdict, code, meaning, len(outs), passed, failed, notRun)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "    #\tSCRIPT\tEXIT\tMEANING\tDURATION\tTHRESHOLDS\tCHECKS\tINTEGRITY")
	for i, o := range outs {
		if o.notRun != "" {
			fmt.Fprintf(tw, "    %d\t%s\t-\tnot run: %s\t-\t-\t-\t-\n", i+1, o.name, o.notRun)
			continue
		}
		fmt.Fprintf(tw, "    %d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", i+1, o.name, o.code, o.meaning(),
			o.took.Round(time.Millisecond), o.thresholdsCell(), o.checksCell(), o.integrityCell())
	}
	tw.Flush()
	fmt.Fprintln(w)
	if code != exitOK && code != exitSignal {
		for _, o := range outs {
			if o.notRun == "" && o.code == code {
				fmt.Fprintf(w, "    exit code %d: the first failing script's (%s)\n\n", code, o.name)
				break
			}
		}
	}
}
